// Backend: one kind of hashing device behind one small interface (STYLE.md 4-5). The CPU backend
// implements it now; the CUDA and OpenCL backends will implement the same.
//
//   discover  devices()   what the backend found, known once it is constructed
//   start     start()     one thread (or stream) per device, each pulling work from the JobBoard
//   new job   (none)      devices check the board's generation at batch boundaries; idle ones
//                         sleep in JobBoard::wait_for_newer, which a publish wakes
//   stop      stop()      stop and join; what was found is already in the candidate queue. A
//                         device thread still running after stop_grace() is abandoned
//                         (device_thread.h) and logged: a hung driver never hangs a shutdown
//   restart   restart_device(), retire_device()   the watchdog's (device_watchdog.h)
//   stats     the DeviceCounters the scheduler hands to start(), bumped by the devices
//
// Devices only hash and report candidates: they never verify, never touch the network and never
// decide what is stale.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/candidate.h"
#include "host/device_counters.h"
#include "host/job_board.h"
#include "host/log.h"

namespace hashrig::host {

struct DeviceDescription {
  std::string id;      // "cpu#0"
  std::string kernel;  // "avx512"
  std::string where;   // "core 0 (PU 0)", "NVIDIA H100 80GB HBM3, PCI 0000:01:00.0"
  std::string bus_id;  // GPUs: "0000:01:00.0" where known (NVML finds the device by it)
};

struct BackendContext {
  JobBoard& board;
  CandidateQueue& candidates;
  // One per device, in devices() order; candidates carry device indexes starting at
  // `first_device`.
  std::vector<DeviceCounters*> counters;
  std::size_t first_device = 0;
  Logger& log;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string_view name() const = 0;
  virtual std::vector<DeviceDescription> devices() const = 0;
  // Starts the devices. Throws std::runtime_error when none could start.
  virtual void start(const BackendContext& ctx) = 0;
  // Stops and joins every device; safe to call twice, and without start().
  virtual void stop() = 0;

  // For the watchdog, from one thread, between start() and stop(). `index` is the device's
  // place in devices(). Restarts the device: stops its thread (abandoning it when it does not
  // stop within `grace`), reopens the device where that means something (a GPU's context) and
  // starts a new thread. Returns an empty string, or why the device could not be restarted; it
  // then has no thread, and a later restart may try again.
  virtual std::string restart_device(std::size_t index, std::chrono::nanoseconds grace) = 0;
  // Stops the device for good, the same way.
  virtual void retire_device(std::size_t index, std::chrono::nanoseconds grace) = 0;
};

}  // namespace hashrig::host
