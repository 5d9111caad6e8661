// Values with units, as written in scenario files: durations, rates, sizes, bandwidths,
// fractions and duration distributions. Each parser returns the value in base units
// (seconds, per second, bytes, bytes per second) or throws UnitError saying what was expected.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "scenario/config.hpp"

namespace statesim {

class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

double parse_duration(const std::string& text);   // "250ms", "1.5s", "10m", "2h", "500us"; >= 0
double parse_rate(const std::string& text);       // "10/s", "600/m", "36000/h"; per second, >= 0
double parse_size(const std::string& text);       // "800B", "1KB", "10KiB", "2MB"; whole bytes (bare number: bytes)
double parse_bandwidth(const std::string& text);  // "1Gbps", "100Mbps", "125MBps"; bytes/s, > 0
double parse_fraction(const std::string& text);   // "0.25" or "25%"; in [0, 1]
Distribution parse_distribution(const std::string& text);  // "5ms", "exp(5ms)", ...
Distribution parse_size_distribution(const std::string& text);  // "20MB", "lognormal(20MB, 10MB)": bytes
double parse_number(const std::string& text);              // plain decimal "1.5", "2", "1e3"; finite, >= 0
std::uint64_t parse_seed(const std::string& text);         // "42": decimal digits, 0 .. 2^64 - 1

// Sizes are whole bytes up to 2^53 (every such count is exact in a double; SimGrid takes a
// 64-bit count, so a larger size would wrap).
inline constexpr double kLargestSize_B = 9007199254740992.0;
// lognormal(mean, sd) needs sd <= this x mean.
inline constexpr double kLargestLognormalSpread = 1000;

// Shortest text that parses back to exactly the same value.
std::string format_duration(double seconds);
std::string format_rate(double per_second);
std::string format_size(double bytes);
std::string format_bandwidth(double bytes_per_second);
std::string format_distribution(const Distribution& d);
std::string format_size_distribution(const Distribution& d);
std::string format_fraction(double fraction);  // "0.25"
std::string format_number(double value);       // "1.5", for parse_number

}  // namespace statesim
