// StopSignals: SIGINT and SIGTERM as events the main loop waits for, without a signal handler or
// a global flag. Constructing it blocks both signals in the calling thread (threads started later
// inherit the mask, so the signals stay pending for the process); wait() sleeps until one arrives
// or the timeout passes; the destructor restores the previous mask. With `Hangup::wait`, SIGHUP
// (the reload request of a service manager) is one of them too.
#pragma once

#include <signal.h>

#include <chrono>

namespace hashrig::host {

class StopSignals {
 public:
  enum class Hangup { default_action, wait };
  explicit StopSignals(Hangup hangup = Hangup::default_action);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The signal number that arrived within `timeout`, or 0.
  int wait(std::chrono::nanoseconds timeout);

 private:
  sigset_t m_set;
  sigset_t m_previous;
};

}  // namespace hashrig::host
