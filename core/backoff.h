// Retry delays (pool reconnects, node requests): exponential growth with jitter, capped,
// deterministic for a given seed.
//
// The k-th call to next() since construction or reset() (k = 0, 1, 2, ...) returns
//   d_k = min(max, round(b_k * u_k)),   b_k = min(max, initial * factor^k),
// with u_k drawn uniformly from [1 - jitter, 1 + jitter] by a std::mt19937_64 seeded with `seed`.
// So every delay lies in [round(b_k * (1 - jitter)), min(max, round(b_k * (1 + jitter)))] and
// never exceeds max: once the base reaches the cap the jitter only shortens the delay, which still
// spreads rigs that lost the same pool at the same moment. Pass a seed from std::random_device in
// production for that spread; tests pass a fixed one. reset() after a healthy session starts
// again from `initial` (the random sequence carries on).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace hashrig::core {

class Backoff {
 public:
  static constexpr std::uint64_t kDefaultSeed = 0x6861736872696721;  // "hashrig!"

  // Throws std::invalid_argument unless 0 < initial <= max, factor >= 1 and 0 <= jitter < 1.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, double factor = 2.0,
          double jitter = 0.2, std::uint64_t seed = kDefaultSeed);

  // The delay before the next attempt; each call advances the growth by one step.
  std::chrono::milliseconds next();
  // Back to `initial`, e.g. after a session that stayed up.
  void reset();
  // Calls to next() since construction or the last reset().
  unsigned attempts() const { return m_attempts; }

 private:
  double m_initial_ms;
  double m_max_ms;
  double m_factor;
  double m_jitter;
  double m_base_ms;  // b_k of the next call
  unsigned m_attempts = 0;
  std::mt19937_64 m_random;
};

}  // namespace hashrig::core
