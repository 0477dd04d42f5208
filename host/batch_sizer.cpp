#include "host/batch_sizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hashrig::host {
namespace {

// Weight of the newest batch in the moving average: quick to follow a change in speed, yet one
// batch interrupted by the scheduler does not halve the next one.
constexpr double kAlpha = 0.25;

}  // namespace

BatchSizer::BatchSizer(std::chrono::nanoseconds target, std::uint64_t initial, Limits limits)
    : m_target(target), m_limits(limits), m_size(0) {
  if (target.count() <= 0) throw std::invalid_argument("BatchSizer: target must be positive");
  if (limits.granule == 0 || limits.min == 0 || limits.min > limits.max) {
    throw std::invalid_argument("BatchSizer: limits must satisfy 0 < min <= max, granule > 0");
  }
  m_size = clamp_size(double(initial));
}

std::uint64_t BatchSizer::clamp_size(double wanted) const {
  const double lo = double(m_limits.min), hi = double(m_limits.max);
  const double clamped = std::clamp(std::isfinite(wanted) ? wanted : lo, lo, hi);
  std::uint64_t n = std::uint64_t(clamped) / m_limits.granule * m_limits.granule;
  if (n < m_limits.min) n = m_limits.min;
  return std::min(n, m_limits.max);
}

void BatchSizer::record(std::uint64_t hashes, std::chrono::nanoseconds elapsed) {
  if (hashes == 0) return;
  const double seconds = std::max<double>(double(elapsed.count()), 1.0) * 1e-9;
  const double rate = double(hashes) / seconds;
  m_rate = m_rate == 0 ? rate : (1 - kAlpha) * m_rate + kAlpha * rate;
  m_size = clamp_size(m_rate * double(m_target.count()) * 1e-9);
}

}  // namespace hashrig::host
