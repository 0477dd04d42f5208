#include "host/hashrate_meter.h"

namespace hashrig::host {

HashrateMeter::HashrateMeter(Clock::time_point start) {
  m_ring[0] = {start, 0};
}

void HashrateMeter::sample(Clock::time_point now, std::uint64_t total_hashes) {
  m_newest = (m_newest + 1) % kSamples;
  m_ring[m_newest] = {now, total_hashes};
  if (m_count < kSamples) ++m_count;
}

double HashrateMeter::rate(std::chrono::seconds window) const {
  if (m_count < 2) return 0;
  const Sample& newest = m_ring[m_newest];
  const Clock::time_point from = newest.at - window;
  // Walk back to the oldest sample still inside the window (or the oldest held).
  std::size_t oldest = m_newest;
  for (std::size_t i = 1; i < m_count; ++i) {
    const std::size_t j = (m_newest + kSamples - i) % kSamples;
    if (m_ring[j].at < from) break;
    oldest = j;
  }
  if (oldest == m_newest) oldest = (m_newest + kSamples - 1) % kSamples;  // window < one sample
  const Sample& first = m_ring[oldest];
  const double seconds = std::chrono::duration<double>(newest.at - first.at).count();
  return seconds > 0 ? double(newest.hashes - first.hashes) / seconds : 0;
}

}  // namespace hashrig::host
