// A small logger: syslog-style levels, a component tag on every line ("[cpu]", "[cuda#0]",
// "[stratum pool1]", "[node]"), a timestamp, colour only when the stream is a terminal. Lines go
// to a stream (stderr, so results on stdout stay clean, e.g. --json) and, when added, to a log
// file rotated by size (host/log_file.h, never coloured) and to syslog (host/log_syslog.h, the
// tag and message without the timestamp). One Logger is owned by the program and passed by
// reference; lines from several threads never interleave, in any sink. A sink that fails (a full
// disk, no syslog daemon) is reported once on the stream and never stops the program.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace hashrig::host {

enum class LogLevel { error, warning, info, debug };

std::string_view to_string(LogLevel level);
// "error", "warning", "info", "debug"; nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view text);
// LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG.
int syslog_severity(LogLevel level);

class LogFile;
class SyslogSink;

class Logger {
 public:
  // Lines above `level` (less severe) are dropped. `colour` adds ANSI colours to the level name
  // on `out` (never in the file or syslog).
  Logger(std::ostream& out, LogLevel level, bool colour);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(LogLevel level) const { return level <= m_level.load(std::memory_order_relaxed); }
  LogLevel level() const { return m_level.load(std::memory_order_relaxed); }
  // Any thread, any time (a SIGHUP reload, say): the lines logged after it are filtered by it.
  void set_level(LogLevel level) { m_level.store(level, std::memory_order_relaxed); }

  // Every line also goes to `file` (replacing an earlier one). A failed write or rotation is
  // reported once on the stream (and syslog), tagged [log]; the file then stays closed, and the
  // lines go on to the stream, until reopen() succeeds.
  void add_file(std::unique_ptr<LogFile> file);
  // Every line also goes to syslog as "[tag] message", its level as the severity. A daemon that
  // cannot be reached is reported once on the stream (and the file) until it is reached again.
  void add_syslog(std::unique_ptr<SyslogSink> syslog);
  // Opens the log file at its path again: after an external rotation (logrotate's move), or to
  // retry after a failure. True when it is open (or there is none); false when it cannot be
  // opened, which is reported like a failed write.
  bool reopen();

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
  // With m_mutex held: one line to each sink that `to` names.
  enum Sinks : unsigned { kStream = 1, kFile = 2, kSyslog = 4, kAll = 7 };
  void write_locked(LogLevel level, std::string_view component, std::string_view message,
                    unsigned to);
  void file_failed_locked(const std::string& error);

  std::ostream& m_out;
  std::atomic<LogLevel> m_level;
  bool m_colour;
  std::mutex m_mutex;  // the sinks, and the order of lines in them
  std::unique_ptr<LogFile> m_file;
  std::unique_ptr<SyslogSink> m_syslog;
  bool m_syslog_reported = false;  // its failure was reported; cleared once it is reached
};

}  // namespace hashrig::host
