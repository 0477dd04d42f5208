// SyslogSink: log lines for the local syslog daemon, as openlog("hashrig", LOG_PID, LOG_DAEMON)
// and syslog() send them: one datagram "<PRI>Mmm dd hh:mm:ss hashrig[PID]: MESSAGE" on the
// AF_UNIX socket /dev/log. Written here rather than through glibc's syslog() so that a test can
// point it at a socket of its own ($HASHRIG_SYSLOG_SOCKET) and read what arrives. It never blocks
// the caller: a message the daemon has no room for is dropped; a daemon that is not there (no
// /dev/log, as in containers) is looked for again at most every 5 seconds.
// Not thread-safe: the Logger sends under its lock.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace hashrig::host {

// $HASHRIG_SYSLOG_SOCKET when set (tests), else /dev/log.
std::string default_syslog_socket();

class SyslogSink {
 public:
  // LOG_DAEMON; `ident` goes before the PID ("hashrig[1234]: ").
  explicit SyslogSink(std::string socket_path = default_syslog_socket(),
                      std::string ident = "hashrig");
  ~SyslogSink();
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  // Sends `message` with `severity` (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). False with
  // `error` when the daemon cannot be reached (its socket is missing or refuses); a full queue
  // or an oversized message drops it quietly and is not an error, and so is a message while the
  // daemon is missing and the next look for it is not due.
  bool send(int severity, std::string_view message, std::string& error);

  bool connected() const { return m_fd >= 0; }
  const std::string& socket_path() const { return m_path; }

 private:
  bool connect(std::string& error);

  std::string m_path;
  std::string m_ident;
  int m_fd = -1;
  std::chrono::steady_clock::time_point m_next_try{};
};

}  // namespace hashrig::host
