// Errors raised while parsing input that came from outside the process (a command line, a
// pool, a node, a config file). The message names what was wrong; callers add where it came from.
#pragma once

#include <stdexcept>
#include <string>

namespace hashrig::core {

class ParseError : public std::invalid_argument {
 public:
  explicit ParseError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace hashrig::core
