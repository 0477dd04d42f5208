// UsageError: the command line asked for something invalid. Its message names the argument and
// what is wrong ("--header: expected 160 hex digits (80 bytes), got 158"); the program prints it
// and exits with status 2. Any other exception escaping a command is a runtime failure (status 1).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.h"

namespace hashrig::host {

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

// Runs parse(), turning a core::ParseError into a UsageError prefixed with `argument`.
template <typename Parse>
auto parse_argument(std::string_view argument, Parse&& parse) -> decltype(parse()) {
  try {
    return std::forward<Parse>(parse)();
  } catch (const core::ParseError& e) {
    throw UsageError(std::string(argument) + ": " + e.what());
  }
}

}  // namespace hashrig::host
