#include "host/stats.h"

namespace hashrig::host {
namespace {

using std::chrono::seconds;

}  // namespace

Stats::Stats(Clock::time_point start) : m_start(start), m_total_meter(start) {}

DeviceCounters& Stats::add_device(std::string id, std::string kernel) {
  auto d = std::make_unique<Device>(m_start);
  d->counters.id = std::move(id);
  d->counters.kernel = std::move(kernel);
  m_devices.push_back(std::move(d));
  return m_devices.back()->counters;
}

void Stats::sample(Clock::time_point now) {
  std::lock_guard lock(m_meter_mutex);
  std::uint64_t total = 0;
  for (auto& d : m_devices) {
    const std::uint64_t h = d->counters.hashes.load(std::memory_order_relaxed);
    d->meter.sample(now, h);
    total += h;
  }
  m_total_meter.sample(now, total);
}

StatsSnapshot Stats::snapshot(Clock::time_point now) const {
  StatsSnapshot s;
  s.uptime_s = std::chrono::duration<double>(now - m_start).count();
  std::lock_guard lock(m_meter_mutex);
  for (const auto& d : m_devices) {
    DeviceSnapshot ds;
    ds.id = d->counters.id;
    ds.kernel = d->counters.kernel;
    ds.hashes = d->counters.hashes.load(std::memory_order_relaxed);
    ds.shares = d->counters.shares.load(std::memory_order_relaxed);
    ds.hw_errors = d->counters.hw_errors.load(std::memory_order_relaxed);
    ds.rate_5s = d->meter.rate(seconds(5));
    ds.rate_60s = d->meter.rate(seconds(60));
    ds.rate_15m = d->meter.rate(seconds(15 * 60));
    s.hashes += ds.hashes;
    s.hw_errors += ds.hw_errors;
    s.devices.push_back(std::move(ds));
  }
  s.rate_5s = m_total_meter.rate(seconds(5));
  s.rate_60s = m_total_meter.rate(seconds(60));
  s.rate_15m = m_total_meter.rate(seconds(15 * 60));
  s.shares = m_totals.shares.load();
  s.stale = m_totals.stale.load();
  s.unrouted = m_totals.unrouted.load();
  s.accepted = m_totals.accepted.load();
  s.rejected = m_totals.rejected.load();
  s.blocks_found = m_totals.blocks_found.load();
  s.blocks_accepted = m_totals.blocks_accepted.load();
  return s;
}

}  // namespace hashrig::host
