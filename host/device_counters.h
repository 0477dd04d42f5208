// DeviceCounters: what one hashing device (a CPU worker, a GPU) has done, as atomics its own
// thread bumps once per batch and any thread reads without a lock. The scheduler owns one per
// device; backends get a reference when they start.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace hashrig::host {

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
  // The device was stopped for good (a driver error, too many hardware errors); the log says why.
  std::atomic<bool> failed{false};
};

}  // namespace hashrig::host
