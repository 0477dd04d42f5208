// A small logger: syslog-style levels, a component tag on every line ("[cpu]", "[bench]"), a
// timestamp, colour only when the stream is a terminal. Logs go to stderr so results on stdout
// stay clean (e.g. --json). One Logger is owned by the program and passed by reference; lines
// from several threads never interleave.
#pragma once

#include <mutex>
#include <optional>
#include <ostream>
#include <string_view>

namespace hashrig::host {

enum class LogLevel { error, warning, info, debug };

std::string_view to_string(LogLevel level);
// "error", "warning", "info", "debug"; nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view text);

class Logger {
 public:
  // Lines above `level` (less severe) are dropped. `colour` adds ANSI colours to the level name.
  Logger(std::ostream& out, LogLevel level, bool colour);

  bool enabled(LogLevel level) const { return level <= m_level; }
  void log(LogLevel level, std::string_view component, std::string_view message);

  void error(std::string_view component, std::string_view message) {
    log(LogLevel::error, component, message);
  }
  void warning(std::string_view component, std::string_view message) {
    log(LogLevel::warning, component, message);
  }
  void info(std::string_view component, std::string_view message) {
    log(LogLevel::info, component, message);
  }
  void debug(std::string_view component, std::string_view message) {
    log(LogLevel::debug, component, message);
  }

 private:
  std::ostream& m_out;
  LogLevel m_level;
  bool m_colour;
  std::mutex m_mutex;
};

}  // namespace hashrig::host
