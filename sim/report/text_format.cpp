#include "report/text_format.hpp"

#include <fmt/format.h>

#include <cmath>

#include "scenario/message_text.hpp"

namespace statesim {
namespace {

// Inserts a comma every three digits of a plain decimal string ("-1234.5" -> "-1,234.5").
std::string group_thousands(const std::string& plain) {
  std::size_t digits_begin = (!plain.empty() && plain[0] == '-') ? 1 : 0;
  std::size_t digits_end = plain.find('.');
  if (digits_end == std::string::npos) digits_end = plain.size();
  std::string grouped = plain.substr(0, digits_begin);
  for (std::size_t i = digits_begin; i < digits_end; ++i) {
    grouped += plain[i];
    std::size_t remaining = digits_end - i - 1;
    if (remaining > 0 && remaining % 3 == 0) grouped += ',';
  }
  grouped += plain.substr(digits_end);
  return grouped;
}

}  // namespace

std::string format_count(std::int64_t value) { return group_thousands(fmt::format("{}", value)); }

std::string format_fixed(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string format_grouped(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  return group_thousands(format_fixed(value, decimals));
}

std::string format_clock_time(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  std::string sign = seconds < 0 ? "-" : "";
  auto total_ms = static_cast<std::int64_t>(std::llround(std::fabs(seconds) * 1000));
  std::int64_t hours = total_ms / 3'600'000;
  std::int64_t minutes = total_ms / 60'000 % 60;
  std::int64_t whole_seconds = total_ms / 1000 % 60;
  std::int64_t millis = total_ms % 1000;
  bool padded = hours > 0 || minutes > 0;
  std::string second_part = fmt::format(padded ? "{:02}" : "{}", whole_seconds);
  if (millis != 0) {
    std::string fraction = fmt::format("{:03}", millis);
    fraction.erase(fraction.find_last_not_of('0') + 1);
    second_part += "." + fraction;
  }
  if (hours > 0) return fmt::format("{}{}h{:02}m{}s", sign, hours, minutes, second_part);
  if (minutes > 0) return fmt::format("{}{}m{}s", sign, minutes, second_part);
  return fmt::format("{}{}s", sign, second_part);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(fields[i]);
  }
  return line + '\n';
}

bool read_csv_line(std::string_view line, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  std::size_t i = 0;
  while (i <= line.size()) {
    std::string& field = fields.back();
    if (i < line.size() && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= line.size() || line[i] == '\r' || line[i] == '\n') return false;  // unclosed, or spans lines
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        field += line[i];
      }
      if (i < line.size() && line[i] != ',') return false;  // text after the closing quote
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"' || line[i] == '\r' || line[i] == '\n') return false;
        field += line[i++];
      }
    }
    if (i == line.size()) return true;
    fields.emplace_back();  // line[i] is a comma
    ++i;
  }
  return true;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // DEL, C1 and bidi controls are valid JSON but act on a terminal: escaped, same string.
    const Utf8Char character = utf8_at(text, i);
    if (c == 0x7f || (character.length > 1 && is_invisible_control(character.code_point))) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(character.code_point));
      i += character.length - 1;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t word_begin = text.find_first_not_of(" \t\r\n", pos);
    if (word_begin == std::string_view::npos) break;
    std::size_t word_end = text.find_first_of(" \t\r\n", word_begin);
    if (word_end == std::string_view::npos) word_end = text.size();
    std::string_view word = text.substr(word_begin, word_end - word_begin);
    if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    pos = word_end;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;  // skip UTF-8 continuation bytes
  }
  return width;
}

}  // namespace statesim
