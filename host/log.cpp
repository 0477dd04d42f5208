#include "host/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace hashrig::host {
namespace {

// "2024-05-01 12:34:56.789", local time.
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch() %
                                                                            std::chrono::seconds(1))
                          .count();
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(millis));
  return text;
}

std::string_view colour_of(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "\033[1;31m";
    case LogLevel::warning:
      return "\033[1;33m";
    case LogLevel::info:
      return "\033[32m";
    case LogLevel::debug:
      return "\033[90m";
  }
  return "";
}

}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (LogLevel level : {LogLevel::error, LogLevel::warning, LogLevel::info, LogLevel::debug}) {
    if (text == to_string(level)) return level;
  }
  return std::nullopt;
}

Logger::Logger(std::ostream& out, LogLevel level, bool colour)
    : m_out(out), m_level(level), m_colour(colour) {}

void Logger::log(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  // Built whole first, so that one write puts one line out.
  std::string line = timestamp();
  line += ' ';
  const std::string_view name = to_string(level);
  if (m_colour) line += colour_of(level);
  line += name;
  if (m_colour) line += "\033[0m";
  line.append(8 - name.size(), ' ');  // "warning" is the longest
  line += '[';
  line += component;
  line += "] ";
  line += message;
  line += '\n';
  const std::lock_guard lock(m_mutex);
  m_out << line << std::flush;
}

}  // namespace hashrig::host
