#include "host/service_notify.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if HASHRIG_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace hashrig::host {
namespace {

constexpr const char* kTag = "systemd";

#if HASHRIG_HAVE_SYSTEMD
constexpr bool kBuiltIn = true;
#else
// Built without libsystemd: the notifier stays disabled and these are never reached.
constexpr bool kBuiltIn = false;
int sd_notify(int, const char*) {
  return 0;
}
int sd_watchdog_enabled(int, std::uint64_t*) {
  return 0;
}
#endif

// The notify protocol is one NAME=value per line: a newline in the text would start a new one.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

ServiceNotifier::ServiceNotifier(Logger& log) : m_log(log) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  m_enabled = kBuiltIn && socket && *socket;
  if (!m_enabled) return;
  std::uint64_t usec = 0;
  const int rc = sd_watchdog_enabled(0, &usec);
  if (rc < 0) {
    m_log.warning(kTag, std::string("WATCHDOG_USEC or WATCHDOG_PID unreadable (") +
                            std::strerror(-rc) + "): no watchdog pings");
  } else if (rc > 0 && usec > 0) {
    m_watchdog = std::chrono::microseconds(usec);
    m_next_ping = Clock::now() + *m_watchdog / 2;
  }
  m_log.debug(kTag, std::string("notifying systemd at ") + socket +
                        (m_watchdog ? "; watchdog pings every " +
                                          std::to_string(m_watchdog->count() / 2000) + " ms"
                                    : "; no watchdog"));
}

void ServiceNotifier::ready(const std::string& status) {
  send("READY=1\nSTATUS=" + one_line(status));
}

void ServiceNotifier::status(const std::string& text) {
  send("STATUS=" + one_line(text));
}

void ServiceNotifier::stopping(const std::string& text) {
  send("STOPPING=1\nSTATUS=" + one_line(text));
}

void ServiceNotifier::ping_watchdog() {
  if (!m_watchdog) return;
  send("WATCHDOG=1");
  m_next_ping = Clock::now() + *m_watchdog / 2;
}

void ServiceNotifier::send(const std::string& message) {
  if (!m_enabled) return;
  const int rc = sd_notify(0, message.c_str());
  if (rc < 0 && !m_warned) {
    m_warned = true;
    m_log.warning(kTag, std::string("cannot notify systemd at NOTIFY_SOCKET: ") +
                            std::strerror(-rc) + " (further failures are not logged)");
  }
}

}  // namespace hashrig::host
