#include "host/number_parse.h"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

#include "core/error.h"

namespace hashrig::host {
namespace {

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string shown(double v) {
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(text, end) : std::string("?");
}

}  // namespace

std::uint64_t parse_unsigned(std::string_view text, std::uint64_t min, std::uint64_t max) {
  const std::string range =
      "must be between " + std::to_string(min) + " and " + std::to_string(max);
  int base = 10;
  std::string_view digits = text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value, base);
  if (digits.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    throw core::ParseError("expected a decimal number or 0x-prefixed hex, got " + quoted(text));
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    throw core::ParseError(range + ", got " + std::string(text));
  }
  return value;
}

namespace {

// A finite decimal number in (0, max]; `what` names what was expected in the error.
double parse_bounded(std::string_view text, double max, const char* what) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec != std::errc() || !std::isfinite(value)) {
    throw core::ParseError(std::string("expected ") + what + ", got " + quoted(text));
  }
  if (!(value > 0) || value > max) {
    throw core::ParseError("must be greater than 0 and at most " + shown(max) + ", got " +
                           std::string(text));
  }
  return value;
}

}  // namespace

double parse_positive(std::string_view text, double max) {
  return parse_bounded(text, max, "a number");
}

double parse_seconds(std::string_view text, double max) {
  return parse_bounded(text, max, "a number of seconds");
}

}  // namespace hashrig::host
