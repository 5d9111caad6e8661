// Values with units: parsing, refusing what is ambiguous, and formatting that reads back exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/config.hpp"
#include "scenario/units.hpp"

using namespace statesim;

namespace {

// The message of the UnitError `parse(text)` throws, or "" if it does not throw.
template <typename Parse>
std::string refusal(Parse parse, const std::string& text) {
  try {
    parse(text);
  } catch (const UnitError& error) {
    return error.what();
  }
  return "";
}

// A deterministic spread of doubles over many magnitudes, for round-trip checks.
std::vector<double> sample_values() {
  std::vector<double> values = {0, 1, 0.1, 0.2, 0.3, 1.0 / 3, 2.5e-4, 1e-3, 123.456, 1e-9, 86400, 1e7};
  std::uint64_t state = 12345;
  for (int i = 0; i < 400; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double mantissa = static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
    const int exponent = static_cast<int>((state >> 3) % 24) - 12;
    values.push_back(mantissa * std::pow(10.0, exponent));
  }
  return values;
}

}  // namespace

TEST_CASE("durations in every unit") {
  CHECK(parse_duration("500us") == doctest::Approx(0.0005));
  CHECK(parse_duration("250ms") == 0.25);
  CHECK(parse_duration("1.5s") == 1.5);
  CHECK(parse_duration("10m") == 600);
  CHECK(parse_duration("2h") == 7200);
  CHECK(parse_duration("7d") == 7 * 86400);
  CHECK(parse_duration("1d12h") == 36 * 3600);
  CHECK(format_duration(7 * 86400) == "7d");
  CHECK(parse_duration("0s") == 0);
  CHECK(parse_duration("5 ms") == 0.005);
  CHECK(parse_duration("1e3ms") == 1);
  CHECK(parse_duration(".5s") == 0.5);
}

TEST_CASE("combined durations, largest unit first") {
  CHECK(parse_duration("9m30s") == 570);
  CHECK(parse_duration("1h30m") == 5400);
  CHECK(parse_duration("1h2m3s4ms") == doctest::Approx(3723.004));
  CHECK(refusal(parse_duration, "30s9m").find("largest first") != std::string::npos);
  CHECK(refusal(parse_duration, "1m1m").find("largest first") != std::string::npos);
  CHECK_THROWS_AS(parse_duration("9m 30s"), UnitError);
}

TEST_CASE("durations need a unit and a plain finite non-negative number") {
  CHECK(refusal(parse_duration, "15") ==
        "expected a duration such as 250ms, 1.5s or 9m30s (units us, ms, s, m, h, d), got \"15\" "
        "(a unit is required, such as 15s or 15ms)");
  CHECK(refusal(parse_duration, "-5s").find("cannot be negative") != std::string::npos);
  CHECK(refusal(parse_duration, ".nan").find("finite") != std::string::npos);
  CHECK(refusal(parse_duration, ".inf").find("finite") != std::string::npos);
  CHECK(refusal(parse_duration, "infs").find("finite") != std::string::npos);
  CHECK(refusal(parse_duration, "0x10s").find("hexadecimal") != std::string::npos);
  CHECK(refusal(parse_duration, "010s").find("leading zeros") != std::string::npos);
  CHECK(refusal(parse_duration, "1e-400s").find("too small") != std::string::npos);
  CHECK(refusal(parse_duration, "1e-320us").find("too small") != std::string::npos);
  CHECK(refusal(parse_duration, "1e400s").find("too large") != std::string::npos);
  CHECK(refusal(parse_duration, "1e308h").find("too large") != std::string::npos);
  CHECK(refusal(parse_duration, "5sec").find("unknown unit \"sec\"") != std::string::npos);
  CHECK(refusal(parse_duration, "5min").find("unknown unit") != std::string::npos);
  CHECK(refusal(parse_duration, "").find("empty") != std::string::npos);
  CHECK_THROWS_AS(parse_duration("+5s"), UnitError);
  CHECK_THROWS_AS(parse_duration("five s"), UnitError);
  CHECK_THROWS_AS(parse_duration("5s!"), UnitError);
  CHECK_THROWS_AS(parse_duration("1,5s"), UnitError);
  CHECK(parse_duration("0.5s") == 0.5);  // a single leading zero before the point is fine
}

TEST_CASE("rates") {
  CHECK(parse_rate("10/s") == 10);
  CHECK(parse_rate("600/m") == 10);
  CHECK(parse_rate("36000/h") == 10);
  CHECK(parse_rate("0/s") == 0);
  CHECK(refusal(parse_rate, "10").find("a unit is required") != std::string::npos);
  CHECK(refusal(parse_rate, "-1/s").find("negative") != std::string::npos);
  CHECK_THROWS_AS(parse_rate("10/d"), UnitError);
  CHECK_THROWS_AS(parse_rate("10 per s"), UnitError);
}

TEST_CASE("sizes are 1000-based (KB) or 1024-based (KiB)") {
  CHECK(parse_size("800B") == 800);
  CHECK(parse_size("800") == 800);  // a bare number is bytes
  CHECK(parse_size("1KB") == 1000);
  CHECK(parse_size("2MB") == 2e6);
  CHECK(parse_size("1GB") == 1e9);
  CHECK(parse_size("10KiB") == 10240);
  CHECK(parse_size("1MiB") == 1048576);
  CHECK(parse_size("1GiB") == 1073741824);
  CHECK(refusal(parse_size, "1kb").find("unknown unit \"kb\"") != std::string::npos);
  CHECK_THROWS_AS(parse_size("-1KB"), UnitError);
}

TEST_CASE("bandwidths in bits or bytes per second, stored as bytes per second") {
  CHECK(parse_bandwidth("1Gbps") == 125e6);
  CHECK(parse_bandwidth("100Mbps") == 12.5e6);
  CHECK(parse_bandwidth("8Kbps") == 1000);
  CHECK(parse_bandwidth("8bps") == 1);
  CHECK(parse_bandwidth("125MBps") == 125e6);
  CHECK(parse_bandwidth("1GBps") == 1e9);
  CHECK(parse_bandwidth("1KBps") == 1000);
  CHECK(parse_bandwidth("3Bps") == 3);
  CHECK(refusal(parse_bandwidth, "0Gbps").find("above 0") != std::string::npos);
  CHECK(refusal(parse_bandwidth, "1000").find("a unit is required") != std::string::npos);
  CHECK_THROWS_AS(parse_bandwidth("1gbps"), UnitError);
}

TEST_CASE("fractions as a number in [0, 1] or a percentage") {
  CHECK(parse_fraction("0.25") == 0.25);
  CHECK(parse_fraction("25%") == 0.25);
  CHECK(parse_fraction("10%") == 0.1);
  CHECK(parse_fraction("0") == 0);
  CHECK(parse_fraction("1") == 1);
  CHECK(parse_fraction("100%") == 1);
  CHECK(refusal(parse_fraction, "25").find("a percentage needs the % sign: 25%") != std::string::npos);
  CHECK(refusal(parse_fraction, "150%").find("more than 100%") != std::string::npos);
  CHECK(refusal(parse_fraction, "250").find("more than 1") != std::string::npos);
  CHECK(refusal(parse_fraction, "-0.1").find("negative") != std::string::npos);
  CHECK(refusal(parse_fraction, ".nan").find("finite") != std::string::npos);
  CHECK_THROWS_AS(parse_fraction("0.5x"), UnitError);
  CHECK_THROWS_AS(parse_fraction("%"), UnitError);
}

TEST_CASE("plain numbers") {
  CHECK(parse_number("2") == 2);
  CHECK(parse_number("1.5") == 1.5);
  CHECK(parse_number("1e3") == 1000);
  CHECK_THROWS_AS(parse_number("010"), UnitError);
  CHECK_THROWS_AS(parse_number("0x10"), UnitError);
  CHECK_THROWS_AS(parse_number(".inf"), UnitError);
  CHECK_THROWS_AS(parse_number("2s"), UnitError);
}

TEST_CASE("distributions") {
  const Distribution constant = parse_distribution("5ms");
  CHECK(constant.kind == Distribution::Kind::constant);
  CHECK(constant.a == 0.005);

  const Distribution exponential = parse_distribution("exp(5ms)");
  CHECK(exponential.kind == Distribution::Kind::exponential);
  CHECK(exponential.a == 0.005);

  const Distribution uniform = parse_distribution("uniform(1ms, 9ms)");
  CHECK(uniform.kind == Distribution::Kind::uniform);
  CHECK(uniform.a == 0.001);
  CHECK(uniform.b == 0.009);
  CHECK(parse_distribution("uniform(1ms,1ms)").b == 0.001);

  const Distribution normal = parse_distribution("normal(50ms, 15ms)");
  CHECK(normal.kind == Distribution::Kind::normal);
  CHECK(normal.a == 0.05);
  CHECK(normal.b == 0.015);

  const Distribution lognormal = parse_distribution(" lognormal( 50ms , 20ms ) ");
  CHECK(lognormal.kind == Distribution::Kind::lognormal);
  CHECK(lognormal.a == 0.05);
  CHECK(lognormal.b == 0.02);
}

TEST_CASE("distributions refuse bad laws and arguments") {
  CHECK(refusal(parse_distribution, "uniform(9ms, 1ms)").find("low <= high") != std::string::npos);
  CHECK(refusal(parse_distribution, "lognormal(0s, 1s)").find("mean above 0") != std::string::npos);
  CHECK(refusal(parse_distribution, "gauss(5s)").find("unknown distribution \"gauss\"") != std::string::npos);
  CHECK(refusal(parse_distribution, "exp(5)").find("\"5\": a unit is required") != std::string::npos);
  CHECK(refusal(parse_distribution, "exp(5ms, 1ms)").find("takes 1 duration") != std::string::npos);
  CHECK(refusal(parse_distribution, "normal(5ms)").find("takes 2 durations") != std::string::npos);
  CHECK(refusal(parse_distribution, "exp(5ms").find("closing parenthesis") != std::string::npos);
  CHECK_THROWS_AS(parse_distribution("exp(-5ms)"), UnitError);
  CHECK_THROWS_AS(parse_distribution("normal(50ms, .nan)"), UnitError);
  CHECK_THROWS_AS(parse_distribution("5"), UnitError);
  CHECK_THROWS_AS(parse_distribution(""), UnitError);
}

TEST_CASE("the mean of each distribution") {
  CHECK(parse_distribution("5ms").mean() == 0.005);
  CHECK(parse_distribution("exp(5ms)").mean() == 0.005);
  CHECK(parse_distribution("uniform(1ms, 9ms)").mean() == doctest::Approx(0.005));
  CHECK(parse_distribution("lognormal(50ms, 20ms)").mean() == 0.05);
  // Truncation at 0 raises the mean: far from 0 barely, at 0 to sd * sqrt(2/pi).
  const double far = parse_distribution("normal(50ms, 15ms)").mean();
  CHECK(far > 0.05);
  CHECK(far == doctest::Approx(0.05 + 0.015 * 0.0015422790 / 0.9995709397).epsilon(1e-9));
  CHECK(parse_distribution("normal(0s, 1s)").mean() == doctest::Approx(std::sqrt(2 / M_PI)));
  CHECK(parse_distribution("normal(1s, 1s)").mean() == doctest::Approx(1.2875999));
  CHECK(parse_distribution("normal(3s, 0s)").mean() == 3);
}

TEST_CASE("server names") {
  CHECK(server_name(0) == "app-1");
  CHECK(server_name(9) == "app-10");
}

TEST_CASE("formatters choose the shortest text") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(0.25) == "250ms");  // a tie with 0.25s goes to the number >= 1
  CHECK(format_duration(0.0001) == "100us");
  CHECK(format_duration(0.5) == "0.5s");
  CHECK(format_duration(0.00025) == "250us");
  CHECK(format_duration(1800) == "30m");
  CHECK(format_duration(7200) == "2h");
  CHECK(format_duration(570) == "570s");
  CHECK(format_duration(0.005) == "5ms");
  CHECK(format_rate(10) == "10/s");
  CHECK(format_rate(0.5) == "30/m");
  CHECK(format_rate(100000) == "100000/s");
  CHECK(format_size(1000) == "1KB");
  CHECK(format_size(1024) == "1KiB");
  CHECK(format_size(800) == "800B");
  CHECK(format_size(10000) == "10KB");
  CHECK(format_bandwidth(125e6) == "1Gbps");
  CHECK(format_bandwidth(1e9) == "8Gbps");  // ties go to the first unit: bits
  CHECK(format_bandwidth(12.5e6) == "100Mbps");
  CHECK(format_fraction(0.25) == "0.25");
  CHECK(format_number(1) == "1");
  CHECK(format_distribution(parse_distribution("exp(10m)")) == "exp(10m)");
  CHECK(format_distribution(parse_distribution("uniform(1ms, 9ms)")) == "uniform(1ms, 9ms)");
  CHECK(format_distribution(parse_distribution("normal(50ms, 15ms)")) == "normal(50ms, 15ms)");
  CHECK(format_distribution(parse_distribution("lognormal(50ms, 20ms)")) == "lognormal(50ms, 20ms)");
  CHECK(format_distribution(parse_distribution("1500ms")) == "1.5s");
}

TEST_CASE("formatted values parse back to exactly the same double") {
  for (const double value : sample_values()) {
    CAPTURE(value);
    CHECK(parse_duration(format_duration(value)) == value);
    CHECK(parse_rate(format_rate(value)) == value);
    const double bytes = std::min(std::floor(value), kLargestSize_B);  // sizes are whole bytes
    CHECK(parse_size(format_size(bytes)) == bytes);
    if (value > 0) CHECK(parse_bandwidth(format_bandwidth(value)) == value);
    if (value <= 1) CHECK(parse_fraction(format_fraction(value)) == value);
    CHECK(parse_number(format_number(value)) == value);
    const Distribution uniform{Distribution::Kind::uniform, value / 2, value};
    const Distribution parsed = parse_distribution(format_distribution(uniform));
    CHECK(parsed.a == uniform.a);
    CHECK(parsed.b == uniform.b);
  }
}
