// ServiceNotifier: tells systemd how a `Type=notify` service is doing, through sd_notify(3):
// READY=1 once mining, STATUS= lines for `systemctl status`, WATCHDOG=1 keep-alives, STOPPING=1
// on shutdown. Every call is a no-op when NOTIFY_SOCKET is unset (not started by systemd, or not
// as a notify service) and in builds without libsystemd. Used from one thread (the main loop).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "host/log.h"

namespace hashrig::host {

class ServiceNotifier {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads NOTIFY_SOCKET and the watchdog settings (WATCHDOG_USEC, WATCHDOG_PID) once. The first
  // message systemd cannot be sent is logged as a warning to `log`, tagged [systemd].
  explicit ServiceNotifier(Logger& log);

  // Whether messages go anywhere: NOTIFY_SOCKET is set and libsystemd was built in.
  bool enabled() const { return m_enabled; }

  // READY=1: start-up is over; `status` is the first STATUS= line.
  void ready(const std::string& status);
  // STATUS=: one line shown by `systemctl status` (newlines become spaces).
  void status(const std::string& text);
  // STOPPING=1 with a STATUS= line: shutdown has begun.
  void stopping(const std::string& text);

  // The watchdog timeout systemd enforces (WatchdogSec=, from sd_watchdog_enabled); nullopt when
  // the process is not under a watchdog.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return m_watchdog; }
  // WATCHDOG=1 now; the next one is due half an interval later.
  void ping_watchdog();
  // When the next WATCHDOG=1 is due; Clock::time_point::max() without a watchdog.
  Clock::time_point next_watchdog_ping() const { return m_next_ping; }

 private:
  void send(const std::string& message);

  Logger& m_log;
  bool m_enabled = false;
  bool m_warned = false;
  std::optional<std::chrono::microseconds> m_watchdog;
  Clock::time_point m_next_ping = Clock::time_point::max();
};

}  // namespace hashrig::host
