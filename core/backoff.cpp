// Reconnect delays (see backoff.h for the formula and its bounds).
#include "core/backoff.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace hashrig::core {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, double factor,
                 double jitter, std::uint64_t seed)
    : m_initial_ms(double(initial.count())),
      m_max_ms(double(max.count())),
      m_factor(factor),
      m_jitter(jitter),
      m_base_ms(m_initial_ms),
      m_random(seed) {
  if (initial.count() <= 0 || max < initial) {
    throw std::invalid_argument("backoff: need 0 < initial <= max, got initial " +
                                std::to_string(initial.count()) + " ms, max " +
                                std::to_string(max.count()) + " ms");
  }
  if (!(factor >= 1.0) || !std::isfinite(factor)) {
    throw std::invalid_argument("backoff: factor " + std::to_string(factor) + " is not >= 1");
  }
  if (!(jitter >= 0.0 && jitter < 1.0)) {
    throw std::invalid_argument("backoff: jitter " + std::to_string(jitter) + " is outside [0, 1)");
  }
}

std::chrono::milliseconds Backoff::next() {
  std::uniform_real_distribution<double> spread(1.0 - m_jitter, 1.0 + m_jitter);
  const double delay = m_jitter == 0.0 ? m_base_ms : m_base_ms * spread(m_random);
  m_base_ms = std::min(m_max_ms, m_base_ms * m_factor);
  ++m_attempts;
  return std::chrono::milliseconds(static_cast<long long>(std::min(m_max_ms, std::round(delay))));
}

void Backoff::reset() {
  m_base_ms = m_initial_ms;
  m_attempts = 0;
}

}  // namespace hashrig::core
