#include "host/log.h"

#include <syslog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "host/log_file.h"
#include "host/log_syslog.h"

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

int syslog_severity(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return LOG_ERR;
    case LogLevel::warning:
      return LOG_WARNING;
    case LogLevel::info:
      return LOG_INFO;
    case LogLevel::debug:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

Logger::Logger(std::ostream& out, LogLevel level, bool colour)
    : m_out(out), m_level(level), m_colour(colour) {}

Logger::~Logger() = default;

void Logger::add_file(std::unique_ptr<LogFile> file) {
  const std::lock_guard lock(m_mutex);
  m_file = std::move(file);
}

void Logger::add_syslog(std::unique_ptr<SyslogSink> syslog) {
  const std::lock_guard lock(m_mutex);
  m_syslog = std::move(syslog);
  m_syslog_reported = false;
}

bool Logger::reopen() {
  const std::lock_guard lock(m_mutex);
  if (!m_file) return true;
  std::string error;
  if (m_file->reopen(error)) return true;
  file_failed_locked(error);
  return false;
}

void Logger::log(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  const std::lock_guard lock(m_mutex);
  write_locked(level, component, message, kAll);
}

void Logger::file_failed_locked(const std::string& error) {
  write_locked(LogLevel::error, "log",
               "log file " + error + "; logging on stderr only until the file is reopened",
               kStream | kSyslog);
}

void Logger::write_locked(LogLevel level, std::string_view component, std::string_view message,
                          unsigned to) {
  // Each line is built whole first, so that one write puts one line out.
  std::string body;
  body.reserve(component.size() + message.size() + 3);
  body += '[';
  body += component;
  body += "] ";
  body += message;
  const std::string_view name = to_string(level);
  std::string line = timestamp();
  line += ' ';
  const std::size_t name_at = line.size();
  line += name;
  line.append(8 - name.size(), ' ');  // "warning" is the longest
  line += body;
  line += '\n';
  if (to & kStream) {
    if (m_colour) {
      std::string coloured = line;
      coloured.insert(name_at + name.size(), "\033[0m");
      coloured.insert(name_at, colour_of(level));
      m_out << coloured << std::flush;
    } else {
      m_out << line << std::flush;
    }
  }
  if ((to & kFile) && m_file && m_file->is_open()) {
    std::string error;
    if (!m_file->write(line, error)) file_failed_locked(error);
  }
  if ((to & kSyslog) && m_syslog) {
    std::string error;
    if (!m_syslog->send(syslog_severity(level), body, error)) {
      if (!m_syslog_reported) {
        m_syslog_reported = true;
        write_locked(LogLevel::error, "log",
                     error + "; not logging to syslog until it can be reached", kStream | kFile);
      }
    } else if (m_syslog->connected()) {
      m_syslog_reported = false;
    }
  }
}

}  // namespace hashrig::host
