// Numbers from the command line: unsigned integers in decimal or 0x-hex, and durations in
// seconds, checked against a range. Errors are core::ParseError with a message that says what was
// wrong; the caller adds which argument it was ("--count: must be between 1 and 4294967296").
#pragma once

#include <cstdint>
#include <string_view>

namespace hashrig::host {

// Decimal ("2083236800") or hex with a 0x/0X prefix ("0x7c2bac1d"); no sign, no spaces.
// Throws core::ParseError when the text is not such a number or lies outside [min, max].
std::uint64_t parse_unsigned(std::string_view text, std::uint64_t min, std::uint64_t max);

// A decimal number of seconds ("3", "0.5", "1e2"), finite, > 0 and <= max.
// Throws core::ParseError otherwise.
double parse_seconds(std::string_view text, double max);

// A decimal number (a difficulty, say), finite, > 0 and <= max. Throws core::ParseError otherwise.
double parse_positive(std::string_view text, double max);

}  // namespace hashrig::host
