#include "scenario/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include "scenario/message_text.hpp"

namespace statesim {
namespace {

constexpr std::string_view kDurationExpected =
    "a duration such as 250ms, 1.5s or 9m30s (units us, ms, s, m, h, d)";
constexpr std::string_view kRateExpected = "a rate such as 10/s, 600/m or 36000/h";
constexpr std::string_view kSizeExpected =
    "a size such as 800B, 1KB, 10KiB or 2MB (B, KB, MB, GB, KiB, MiB, GiB)";
constexpr std::string_view kBandwidthExpected =
    "a bandwidth > 0 such as 1Gbps or 125MBps (bps, Kbps, Mbps, Gbps, Bps, KBps, MBps, GBps)";
constexpr std::string_view kFractionExpected = "a fraction in [0, 1] such as 0.25 or 25%";
constexpr std::string_view kNumberExpected = "a number such as 2 or 1.5";
constexpr std::string_view kDistributionExpected =
    "a duration or a distribution: 5ms, exp(5ms), uniform(1ms, 9ms), normal(50ms, 15ms) or "
    "lognormal(50ms, 20ms)";
constexpr std::string_view kSizeDistributionExpected =
    "a size or a distribution of sizes: 20MB, exp(20MB), uniform(1MB, 9MB), normal(20MB, 5MB) or "
    "lognormal(20MB, 10MB)";

[[noreturn]] void fail(std::string_view expected, std::string_view text, std::string_view hint = {}) {
  if (hint.empty()) throw UnitError(fmt::format("expected {}, got {}", expected, quote_value(text)));
  throw UnitError(fmt::format("expected {}, got {} ({})", expected, quote_value(text), hint));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool contains_word_ignoring_case(std::string_view text, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < word.size() && same; ++j)
      same = std::tolower(static_cast<unsigned char>(text[i + j])) == word[j];
    if (same) return true;
  }
  return false;
}

// A plain decimal number at the start of a text: digits, an optional fraction and an optional
// exponent. No sign, no hex, no leading zeros (010 reads as octal in YAML 1.1), finite.
struct ScannedNumber {
  double value = 0;
  std::size_t length = 0;  // characters consumed; 0 when there is no number
  std::string problem;     // why the number is refused, "" if it is fine
};

ScannedNumber scan_number(std::string_view text) {
  ScannedNumber result;
  std::size_t pos = 0;
  std::size_t integer_digits = 0, fraction_digits = 0;
  bool nonzero_digit = false;
  while (pos < text.size() && is_digit(text[pos])) {
    nonzero_digit |= text[pos] != '0';
    ++pos;
    ++integer_digits;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      nonzero_digit |= text[pos] != '0';
      ++pos;
      ++fraction_digits;
    }
  }
  if (integer_digits + fraction_digits == 0) return result;
  bool negative_exponent = false;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    std::size_t exponent = pos + 1;
    if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) {
      negative_exponent = text[exponent] == '-';
      ++exponent;
    }
    if (exponent < text.size() && is_digit(text[exponent])) {
      pos = exponent;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
  }
  result.length = pos;
  if (integer_digits > 1 && text[0] == '0') {
    result.problem = "leading zeros are not allowed: 010 would read as octal in YAML";
    return result;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + pos, result.value);
  if (error == std::errc::result_out_of_range || end != text.data() + pos) {
    result.problem = nonzero_digit && negative_exponent ? "the number is too small: it would round to 0"
                                                        : "the number is too large";
  } else if (!std::isfinite(result.value)) {
    result.problem = "the number is too large";
  }
  return result;
}

// Why a whole value text is not a number at all: hex, NaN, infinity; "" if nothing specific.
std::string general_hint(std::string_view text) {
  if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X' || text[1] == 'o'))
    return "hexadecimal and octal numbers are not allowed";
  if (contains_word_ignoring_case(text, "nan") || contains_word_ignoring_case(text, "inf"))
    return "the value must be a finite number";
  return {};
}

struct Unit {
  std::string_view name;
  double factor;  // base units per unit
  bool divide;    // value = number / factor (factor units per base unit) instead of number * factor
  double apply(double number) const { return divide ? number / factor : number * factor; }
  double count_of(double value) const { return divide ? value * factor : value / factor; }
};

// Ordered so that, among texts of equal length, the more usual unit is chosen when formatting.
constexpr std::array<Unit, 6> kDurationUnits = {{{"s", 1, false},
                                                 {"ms", 1e3, true},
                                                 {"m", 60, false},
                                                 {"h", 3600, false},
                                                 {"us", 1e6, true},
                                                 {"d", 86400, false}}};
constexpr std::array<Unit, 3> kRateUnits = {{{"/s", 1, false}, {"/m", 60, true}, {"/h", 3600, true}}};
constexpr std::array<Unit, 7> kSizeUnits = {{{"B", 1, false},
                                             {"KB", 1e3, false},
                                             {"KiB", 1024, false},
                                             {"MB", 1e6, false},
                                             {"MiB", 1048576, false},
                                             {"GB", 1e9, false},
                                             {"GiB", 1073741824, false}}};
constexpr std::array<Unit, 8> kBandwidthUnits = {{{"Gbps", 125e6, false},
                                                  {"Mbps", 125e3, false},
                                                  {"Kbps", 125, false},
                                                  {"bps", 0.125, false},
                                                  {"GBps", 1e9, false},
                                                  {"MBps", 1e6, false},
                                                  {"KBps", 1e3, false},
                                                  {"Bps", 1, false}}};

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const auto& unit : units)
    if (unit.name == name) return &unit;
  return nullptr;
}

// Duration text -> seconds, or a hint saying what is wrong. Accepts combined forms such as
// 1h30m or 9m30s, largest unit first, each unit once.
struct DurationScan {
  std::optional<double> seconds;
  std::string hint;
};

DurationScan scan_duration(std::string_view text) {
  DurationScan result;
  if (text.empty()) {
    result.hint = "the value is empty";
    return result;
  }
  if (text[0] == '-') {
    result.hint = "a duration cannot be negative";
    return result;
  }
  double total = 0;
  int previous_rank = static_cast<int>(kDurationUnits.size());  // rank: d > h > m > s > ms > us
  auto rank_of = [](std::string_view unit) {
    constexpr std::array<std::string_view, 6> by_size = {"us", "ms", "s", "m", "h", "d"};
    for (std::size_t i = 0; i < by_size.size(); ++i)
      if (by_size[i] == unit) return static_cast<int>(i);
    return -1;
  };
  std::string_view rest = text;
  bool first = true;
  while (!rest.empty()) {
    const ScannedNumber number = scan_number(rest);
    if (number.length == 0) {
      result.hint = general_hint(text);
      return result;
    }
    if (!number.problem.empty()) {
      result.hint = number.problem;
      return result;
    }
    rest.remove_prefix(number.length);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::size_t letters = 0;
    while (letters < rest.size() && std::isalpha(static_cast<unsigned char>(rest[letters]))) ++letters;
    const std::string_view unit_name = rest.substr(0, letters);
    rest.remove_prefix(letters);
    if (unit_name.empty()) {
      result.hint = first && rest.empty() ? fmt::format("a unit is required, such as {0}s or {0}ms", text)
                                          : general_hint(text);
      return result;
    }
    const Unit* unit = find_unit(kDurationUnits, unit_name);
    if (unit == nullptr) {
      const std::string general = general_hint(text);
      result.hint = general.empty() ? fmt::format("unknown unit {}", quote_value(unit_name)) : general;
      return result;
    }
    const int rank = rank_of(unit_name);
    if (rank >= previous_rank) {
      result.hint = "in a combined duration each unit comes once, largest first (1h30m, 9m30s)";
      return result;
    }
    previous_rank = rank;
    const double seconds = unit->apply(number.value);
    if (number.value != 0 && seconds == 0) {
      result.hint = "the number is too small: it would round to 0";
      return result;
    }
    total += seconds;
    first = false;
  }
  if (!std::isfinite(total)) {
    result.hint = "the number is too large";
    return result;
  }
  result.seconds = total;
  return result;
}

// number [unit] with one unit from `units`; `bare_unit` is used when the text has no unit
// (nullptr: a unit is required).
template <std::size_t N>
double parse_quantity(std::string_view expected, const std::string& original,
                      const std::array<Unit, N>& units, const Unit* bare_unit) {
  const std::string_view text = trim(original);
  if (text.empty()) fail(expected, original, "the value is empty");
  if (text[0] == '-') fail(expected, original, "negative values are not allowed");
  const ScannedNumber number = scan_number(text);
  if (number.length == 0) fail(expected, original, general_hint(text));
  if (!number.problem.empty()) fail(expected, original, number.problem);
  const std::string_view unit_name = trim(text.substr(number.length));
  const Unit* unit = unit_name.empty() ? bare_unit : find_unit(units, unit_name);
  if (unit == nullptr) {
    if (unit_name.empty()) fail(expected, original, "a unit is required");
    const std::string general = general_hint(text);
    fail(expected, original,
         general.empty() ? fmt::format("unknown unit {}", quote_value(unit_name)) : general);
  }
  const double value = unit->apply(number.value);
  if (!std::isfinite(value)) fail(expected, original, "the number is too large");
  if (number.value != 0 && value == 0)
    fail(expected, original, "the number is too small: it would round to 0");
  return value;
}

// The shortest "<number><unit>" among `units` that `parse` reads back as exactly `value`.
template <std::size_t N, typename Parse>
std::string shortest_text(double value, const std::array<Unit, N>& units, Parse parse) {
  // value * 1e6 may land next to 250 rather than on it, so rounded forms are tried as well.
  constexpr int kMaxDigits = 17;
  // Ties go to a number without a leading "0." (250ms rather than 0.25s), then to unit order.
  auto better = [](const std::string& candidate, const std::string& best) {
    if (best.empty() || candidate.size() != best.size())
      return best.empty() || candidate.size() < best.size();
    return candidate.rfind("0.", 0) != 0 && best.rfind("0.", 0) == 0;
  };
  std::string best;
  for (const auto& unit : units) {
    const double count = unit.count_of(value);
    for (int digits = 0; digits <= kMaxDigits; ++digits) {
      const std::string number =
          digits == 0 ? fmt::format("{}", count) : fmt::format("{:.{}g}", count, digits);
      // An exponent only where the shortest form itself has one: 100000/s, not 1e+05/s.
      if (digits != 0 && number.find('e') != std::string::npos) continue;
      const std::string candidate = number + std::string(unit.name);
      if (!better(candidate, best)) continue;
      try {
        if (parse(candidate) == value) best = candidate;
      } catch (const UnitError&) {
        // not representable in this unit with these digits
      }
    }
  }
  if (!best.empty()) return best;
  for (const auto& unit : units)
    if (unit.factor == 1) return fmt::format("{}{}", value, unit.name);
  return fmt::format("{}", value);
}

std::vector<std::string_view> split_arguments(std::string_view text) {
  std::vector<std::string_view> arguments;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',') {
      arguments.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  return arguments;
}

}  // namespace

double parse_duration(const std::string& text) {
  const DurationScan scan = scan_duration(trim(text));
  if (!scan.seconds) fail(kDurationExpected, text, scan.hint);
  return *scan.seconds;
}

double parse_rate(const std::string& text) {
  return parse_quantity(kRateExpected, text, kRateUnits, nullptr);
}

double parse_size(const std::string& text) {
  const double bytes = parse_quantity(kSizeExpected, text, kSizeUnits, &kSizeUnits[0]);
  // SimGrid takes whole bytes as a 64-bit count: a larger size would wrap to a small one.
  if (bytes > kLargestSize_B)
    fail(kSizeExpected, text, "larger than 2^53 bytes (about 9PB), the largest size statesim simulates");
  if (bytes != std::floor(bytes))
    fail(kSizeExpected, text, fmt::format("{} bytes: a size is a whole number of bytes", bytes));
  return bytes;
}

double parse_bandwidth(const std::string& text) {
  const double value = parse_quantity(kBandwidthExpected, text, kBandwidthUnits, nullptr);
  if (value <= 0) fail(kBandwidthExpected, text, "a link needs a bandwidth above 0");
  return value;
}

double parse_number(const std::string& text) {
  constexpr Unit kNoUnit{"", 1, false};
  return parse_quantity(kNumberExpected, text, std::array<Unit, 1>{kNoUnit}, &kNoUnit);
}

double parse_fraction(const std::string& original) {
  const std::string_view text = trim(original);
  const bool percent = !text.empty() && text.back() == '%';
  const std::string_view digits = trim(percent ? text.substr(0, text.size() - 1) : text);
  if (digits.empty()) fail(kFractionExpected, original, "the value is empty");
  if (digits[0] == '-') fail(kFractionExpected, original, "negative values are not allowed");
  const ScannedNumber number = scan_number(digits);
  if (number.length == 0 || number.length != digits.size())
    fail(kFractionExpected, original, general_hint(digits));
  if (!number.problem.empty()) fail(kFractionExpected, original, number.problem);
  const double value = percent ? number.value / 100 : number.value;
  if (number.value != 0 && value == 0)
    fail(kFractionExpected, original, "the number is too small: it would round to 0");
  if (value > 1) {
    if (!percent && number.value <= 100)
      fail(kFractionExpected, original, fmt::format("a percentage needs the % sign: {}%", digits));
    fail(kFractionExpected, original, percent ? "more than 100%" : "more than 1");
  }
  return value;
}

namespace {

// A duration or a distribution of them, or of sizes: the same forms, with `scan` reading one
// value (seconds or bytes) and `noun` naming it in messages.
template <typename Scan>
Distribution parse_distribution_of(const std::string& original, std::string_view expected, std::string_view noun,
                                   Scan scan) {
  const std::string_view text = trim(original);
  const std::size_t open = text.find('(');
  if (open == std::string_view::npos) {
    const DurationScan value = scan(text);
    if (!value.seconds) fail(expected, original, value.hint);
    return Distribution{Distribution::Kind::constant, *value.seconds, 0};
  }
  const std::string_view name = trim(text.substr(0, open));
  if (text.back() != ')') fail(expected, original, "the closing parenthesis is missing");
  struct Law {
    std::string_view name;
    Distribution::Kind kind;
    std::size_t arguments;
  };
  constexpr std::array<Law, 4> kLaws = {{{"exp", Distribution::Kind::exponential, 1},
                                         {"uniform", Distribution::Kind::uniform, 2},
                                         {"normal", Distribution::Kind::normal, 2},
                                         {"lognormal", Distribution::Kind::lognormal, 2}}};
  const Law* law = nullptr;
  for (const auto& candidate : kLaws)
    if (candidate.name == name) law = &candidate;
  if (law == nullptr) fail(expected, original, fmt::format("unknown distribution {}", quote_value(name)));
  const auto arguments = split_arguments(text.substr(open + 1, text.size() - open - 2));
  if (arguments.size() != law->arguments)
    fail(expected, original,
         fmt::format("{}(...) takes {} {}{}", law->name, law->arguments, noun, law->arguments == 1 ? "" : "s"));
  double values[2] = {0, 0};
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const DurationScan value = scan(arguments[i]);
    if (!value.seconds) fail(expected, original, fmt::format("{}: {}", quote_value(arguments[i]), value.hint));
    values[i] = *value.seconds;
  }
  const Distribution result{law->kind, values[0], values[1]};
  if (law->kind == Distribution::Kind::uniform && result.a > result.b)
    fail(expected, original, "uniform(low, high) needs low <= high");
  if (law->kind == Distribution::Kind::lognormal && result.a <= 0)
    fail(expected, original, "lognormal(mean, sd) needs a mean above 0");
  if (law->kind == Distribution::Kind::lognormal && result.b > kLargestLognormalSpread * result.a)
    fail(expected, original,
         fmt::format("lognormal(mean, sd) needs sd <= {:g} x mean: beyond, most of the mean comes from draws rarer "
                     "than one in 10,000, so a run would not see the law it was given",
                     kLargestLognormalSpread));
  return result;
}

// One size of a size distribution, as scan_duration reads a duration.
DurationScan scan_size(std::string_view text) {
  DurationScan result;
  try {
    result.seconds = parse_size(std::string(text));
  } catch (const UnitError&) {
    result.hint = "not a size such as 800B, 5MB or 2GiB";
  }
  return result;
}

}  // namespace

Distribution parse_distribution(const std::string& original) {
  return parse_distribution_of(original, kDistributionExpected, "duration", scan_duration);
}

Distribution parse_size_distribution(const std::string& original) {
  const Distribution result = parse_distribution_of(original, kSizeDistributionExpected, "size", scan_size);
  // A drawn size is rounded up to whole bytes: it must stay within what a size may be.
  if (result.a > kLargestSize_B || result.b > kLargestSize_B)
    fail(kSizeDistributionExpected, original, "larger than 2^53 bytes (about 9PB), the largest size statesim simulates");
  return result;
}

std::uint64_t parse_seed(const std::string& text) {
  constexpr std::string_view kSeedExpected = "a whole number between 0 and 18446744073709551615";
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) fail(kSeedExpected, text);
  if (text.size() > 1 && text[0] == '0')
    fail(kSeedExpected, text, "leading zeros are not allowed: 010 would read as octal in YAML");
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) fail(kSeedExpected, text, "too large");
  return value;
}

std::string format_duration(double seconds) { return shortest_text(seconds, kDurationUnits, parse_duration); }

std::string format_rate(double per_second) { return shortest_text(per_second, kRateUnits, parse_rate); }

std::string format_size(double bytes) { return shortest_text(bytes, kSizeUnits, parse_size); }

std::string format_bandwidth(double bytes_per_second) {
  return shortest_text(bytes_per_second, kBandwidthUnits, parse_bandwidth);
}

std::string format_fraction(double fraction) { return fmt::format("{}", fraction); }

std::string format_number(double value) { return fmt::format("{}", value); }

namespace {

template <typename Format>
std::string format_distribution_of(const Distribution& d, Format value) {
  switch (d.kind) {
    case Distribution::Kind::constant:
      return value(d.a);
    case Distribution::Kind::exponential:
      return fmt::format("exp({})", value(d.a));
    case Distribution::Kind::uniform:
      return fmt::format("uniform({}, {})", value(d.a), value(d.b));
    case Distribution::Kind::normal:
      return fmt::format("normal({}, {})", value(d.a), value(d.b));
    case Distribution::Kind::lognormal:
      return fmt::format("lognormal({}, {})", value(d.a), value(d.b));
  }
  return value(d.a);
}

}  // namespace

std::string format_distribution(const Distribution& d) { return format_distribution_of(d, format_duration); }

std::string format_size_distribution(const Distribution& d) { return format_distribution_of(d, format_size); }

}  // namespace statesim
