// DeviceThread: the thread a device hashes on, stoppable one device at a time (the watchdog
// restarts devices one by one) and never waited for without a limit.
//
// A device thread normally stops within a batch of request_stop(). One that does not is wedged,
// in practice inside a driver call that never returns (a hung GPU); stop_within() then abandons
// it: the thread is detached and its body is told, through `abandoned`, that everything it was
// given may be gone. A body checks that flag after every call that can block and returns at once
// when it is set, touching nothing shared.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace hashrig::host {

class DeviceThread {
 public:
  using Body = std::function<void(std::stop_token stop, const std::atomic<bool>& abandoned)>;

  // Starts `body` on a new thread named `name` (the device's id: `top -H` and debuggers show
  // it). Throws std::system_error when no thread can be made.
  DeviceThread(std::string name, Body body);
  // Requests a stop and joins, unless the thread was abandoned or already joined.
  ~DeviceThread();
  DeviceThread(const DeviceThread&) = delete;
  DeviceThread& operator=(const DeviceThread&) = delete;

  void request_stop();
  // Requests a stop and waits up to `grace` for the body to return. Returns true when it did
  // (the thread is joined); false when the thread was abandoned instead.
  bool stop_within(std::chrono::nanoseconds grace);
  // Whether the body has returned.
  bool finished() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> m_shared;
  std::thread m_thread;
};

// How long a backend's stop() waits for a device thread before abandoning it: 10 of its usual
// batches (`usual_batch_ns`, 0 when unknown), as the watchdog counts a stall, and at least
// kDeviceStopGrace. A thread abandoned at the very end may still wake while the program winds
// down; waiting this long keeps that to threads truly wedged in a driver call, which wake, if
// ever, at a time of their own, not while their batch ends.
inline constexpr std::chrono::seconds kDeviceStopGrace{5};
std::chrono::nanoseconds stop_grace(std::int64_t usual_batch_ns);

// Stops every thread (null entries are skipped), all at once, giving thread i `grace(i)` from
// this call, and resets the pointers. Returns the indexes of the threads that were abandoned.
std::vector<std::size_t> stop_all(
    std::span<std::unique_ptr<DeviceThread>> threads,
    const std::function<std::chrono::nanoseconds(std::size_t)>& grace);

}  // namespace hashrig::host
