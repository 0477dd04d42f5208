// BatchSizer: how many nonces a device claims per batch so that one batch lasts about a target
// time (a few milliseconds on CPU, ~50 ms on GPU). It follows the device's measured rate with an
// exponential moving average, so a throttling core or a busy machine gets smaller batches and a
// job switch still reaches the device in time.
#pragma once

#include <chrono>
#include <cstdint>

namespace hashrig::host {

class BatchSizer {
 public:
  struct Limits {
    std::uint64_t min = 1024;
    std::uint64_t max = std::uint64_t(1) << 32;
    std::uint64_t granule = 256;  // sizes are multiples of this (SIMD lanes, GPU work groups)
  };

  BatchSizer(std::chrono::nanoseconds target, std::uint64_t initial, Limits limits);
  BatchSizer(std::chrono::nanoseconds target, std::uint64_t initial)
      : BatchSizer(target, initial, Limits{}) {}

  std::uint64_t size() const { return m_size; }
  // Feeds one finished batch: `hashes` nonces in `elapsed`.
  void record(std::uint64_t hashes, std::chrono::nanoseconds elapsed);
  // The smoothed rate the sizes follow (hashes per second; 0 before the first record).
  double rate() const { return m_rate; }

 private:
  std::uint64_t clamp_size(double wanted) const;

  std::chrono::nanoseconds m_target;
  Limits m_limits;
  std::uint64_t m_size;
  double m_rate = 0;
};

}  // namespace hashrig::host
