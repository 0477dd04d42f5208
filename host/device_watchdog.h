// DeviceWatchdog: notices a device that stopped hashing and restarts it, then gives up on it.
//
// A device stalls when it has work but completes no batch for `factor` (10) times its usual
// batch time, and never less than `min_stall` (5 s: a GPU's first launch may compile or load its
// program, and a loaded machine may deschedule a CPU worker for a while). A device whose thread
// ended on a driver error (DeviceCounters::broken) counts as stalled at once. Either way the
// watchdog restarts it through its backend (Backend::restart_device: a new thread, a freshly
// opened GPU). A device that stalls again within `recovered_after` of a restart, or cannot be
// reopened, is restarted again, at most `max_restarts` times in a row, `min_stall` apart; the
// next time it is marked dead and stopped for good. Every step is logged under the device's tag
// and shows in DeviceCounters (state, restarts), which the API and the metrics read.
//
// Devices stopped for hardware errors (DeviceCounters::failed) are left alone: their results
// cannot be trusted, and a restart does not change that.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/backend.h"
#include "host/device_counters.h"
#include "host/log.h"

namespace hashrig::host {

struct WatchdogOptions {
  std::chrono::nanoseconds min_stall = std::chrono::seconds(5);  // 0: no watchdog
  double factor = 10;
  unsigned max_restarts = 3;
  std::chrono::nanoseconds recovered_after = std::chrono::seconds(60);
  std::chrono::nanoseconds grace = std::chrono::seconds(2);  // for a stopping device thread
  std::chrono::nanoseconds tick = std::chrono::milliseconds(250);
};

// The watchdog's decisions, apart from threads and clocks.
class WatchdogPolicy {
 public:
  enum class Action { none, restart, retire };
  struct Verdict {
    Action action = Action::none;
    std::string why;  // "no batch completed in 12.5 s (its batches take 50 ms)"
  };

  WatchdogPolicy(const WatchdogOptions& options, std::size_t devices);

  // What to do about `device` (an index of the policy's own) with counters `c` at `now_ns`.
  Verdict check(std::size_t device, const DeviceCounters& c, std::int64_t now_ns);
  // The watchdog restarted `device` at `now_ns`; `ok`: the device has a new thread.
  void restarted(std::size_t device, const DeviceCounters& c, std::int64_t now_ns, bool ok);
  // Restarts of `device` since it last hashed for `recovered_after`.
  unsigned in_a_row(std::size_t device) const { return m_devices.at(device).in_a_row; }

  // How long `c` may go without completing a batch.
  std::chrono::nanoseconds stall_limit(const DeviceCounters& c) const;

 private:
  struct Memory {
    unsigned in_a_row = 0;
    std::int64_t restarted_ns = 0;
    std::uint64_t batches_then = 0;
    bool failed = false;  // the last restart could not give the device a thread
  };
  WatchdogOptions m_options;
  std::vector<Memory> m_devices;
};

// The watchdog's thread. Devices are named by their backend and their place in it.
class DeviceWatchdog {
 public:
  struct Device {
    Backend* backend;
    std::size_t index;  // in backend->devices()
    DeviceCounters* counters;
  };

  // Starts watching. `log` and every backend and counters must outlive the watchdog.
  DeviceWatchdog(const WatchdogOptions& options, std::vector<Device> devices, Logger& log);
  // Stops watching (waits for a restart in progress).
  ~DeviceWatchdog();
  DeviceWatchdog(const DeviceWatchdog&) = delete;
  DeviceWatchdog& operator=(const DeviceWatchdog&) = delete;

 private:
  void run(std::stop_token stop);
  void act(std::size_t i, const WatchdogPolicy::Verdict& verdict);

  WatchdogOptions m_options;
  std::vector<Device> m_devices;
  Logger& m_log;
  WatchdogPolicy m_policy;
  std::jthread m_thread;  // last: started once the rest is ready
};

}  // namespace hashrig::host
