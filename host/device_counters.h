// DeviceCounters: what one hashing device (a CPU worker, a GPU) has done, as atomics its own
// thread bumps once per batch and any thread reads without a lock. The scheduler owns one per
// device; backends get a reference when they start.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace hashrig::host {

// The steady clock in nanoseconds, as the counters below keep time.
inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What the device watchdog made of a device (see host/device_watchdog.h).
enum class DeviceState : std::uint8_t {
  running,     // hashing or waiting for work, as far as the watchdog knows
  restarting,  // stalled or stopped by a driver error; being restarted, or waiting to retry
  dead,        // restarted too often in vain: stopped for good
};

struct DeviceCounters {
  std::string id;      // "cpu#0", later "cuda#0", "opencl#1"
  std::string kernel;  // the implementation that runs, e.g. "avx512"

  std::atomic<std::uint64_t> hashes{0};      // nonces hashed
  std::atomic<std::uint64_t> batches{0};     // batches completed
  std::atomic<std::uint64_t> candidates{0};  // hits reported to the verifier
  std::atomic<std::uint64_t> shares{0};      // candidates the CPU reference confirmed
  std::atomic<std::uint64_t> hw_errors{0};   // candidates the CPU reference rejected
  // The job generation the device is hashing, and since when (steady clock, ns): written when the
  // device starts its first batch of a new generation. The job-switch benchmark reads these.
  std::atomic<std::uint64_t> generation{0};
  std::atomic<std::int64_t> generation_since_ns{0};
  // The device was stopped for good for too many hardware errors; the log says why.
  std::atomic<bool> failed{false};
  // The device's thread ended on a driver error; the watchdog restarts it (the log says why).
  std::atomic<bool> broken{false};

  // For the watchdog (steady clock, ns): since when the device has been working without
  // completing a batch, 0 while it idles (no job, paused, space spent); and how long its batches
  // typically take (a moving average), 0 before the first.
  std::atomic<std::int64_t> busy_since_ns{0};
  std::atomic<std::int64_t> batch_ns{0};
  std::atomic<DeviceState> state{DeviceState::running};
  std::atomic<std::uint64_t> restarts{0};  // restarts the watchdog made

  // For the device's own thread: a batch that took `took_ns` completed at `now_ns`.
  void batch_done(std::int64_t now_ns, std::int64_t took_ns) {
    batches.fetch_add(1, std::memory_order_relaxed);
    const std::int64_t avg = batch_ns.load(std::memory_order_relaxed);
    batch_ns.store(avg == 0 ? took_ns : avg + (took_ns - avg) / 8, std::memory_order_relaxed);
    busy_since_ns.store(now_ns, std::memory_order_relaxed);
  }
  // For the device's thread (and its backend, just before the thread starts): it has work now
  // (no-op while already busy), or it idles.
  void busy(std::int64_t now_ns) {
    if (busy_since_ns.load(std::memory_order_relaxed) == 0)
      busy_since_ns.store(now_ns, std::memory_order_relaxed);
  }
  void idle() { busy_since_ns.store(0, std::memory_order_relaxed); }
};

// The state the API and the status line give a device: "dead" (restarted in vain; stopped for
// good), "restarting" (the watchdog's), "failed" (hardware errors, or a driver error the watchdog
// has not restarted yet), else "paused", "idle" (no job) or "hashing".
inline const char* device_state_name(const DeviceCounters& c, bool paused, bool has_job) {
  const DeviceState state = c.state.load();
  if (state == DeviceState::dead) return "dead";
  if (state == DeviceState::restarting) return "restarting";
  if (c.failed.load() || c.broken.load()) return "failed";
  if (paused) return "paused";
  return has_job ? "hashing" : "idle";
}

}  // namespace hashrig::host
