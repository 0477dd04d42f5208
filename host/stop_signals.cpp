#include "host/stop_signals.h"

#include <pthread.h>

#include <cerrno>

namespace hashrig::host {

StopSignals::StopSignals(Hangup hangup) {
  sigemptyset(&m_set);
  sigaddset(&m_set, SIGINT);
  sigaddset(&m_set, SIGTERM);
  if (hangup == Hangup::wait) sigaddset(&m_set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &m_set, &m_previous);
}

StopSignals::~StopSignals() {
  pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

int StopSignals::wait(std::chrono::nanoseconds timeout) {
  if (timeout.count() < 0) timeout = {};
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec ts{};
  ts.tv_sec = s.count();
  ts.tv_nsec = long((timeout - s).count());
  const int signal = sigtimedwait(&m_set, nullptr, &ts);
  return signal > 0 ? signal : 0;  // -1: timeout (EAGAIN) or interrupted (EINTR)
}

}  // namespace hashrig::host
