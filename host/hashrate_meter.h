// HashrateMeter: hashrate over sliding windows (5 s, 60 s, 15 min) from a cumulative hash count
// sampled about once a second. Keeps the last 15 minutes of samples in a fixed ring; a window
// longer than the meter's life is measured over its whole life.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hashrig::host {

class HashrateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kSamples = 15 * 60 + 2;  // 15 min at one sample a second, + ends

  explicit HashrateMeter(Clock::time_point start);

  // Records the cumulative count at `now` (calls must not go back in time).
  void sample(Clock::time_point now, std::uint64_t total_hashes);
  // Hashes per second over the last `window` before the newest sample; 0 without two samples.
  double rate(std::chrono::seconds window) const;

 private:
  struct Sample {
    Clock::time_point at;
    std::uint64_t hashes = 0;
  };
  std::array<Sample, kSamples> m_ring{};
  std::size_t m_newest = 0;  // index of the newest sample
  std::size_t m_count = 1;   // samples held (the start counts)
};

}  // namespace hashrig::host
