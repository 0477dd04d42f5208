#include "host/device_watchdog.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>

namespace hashrig::host {
namespace {

std::string seconds(std::int64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, ns < 10'000'000'000 ? "%.1f s" : "%.0f s", double(ns) / 1e9);
  return text;
}

std::string duration(std::int64_t ns) {
  if (ns >= 1'000'000'000) return seconds(ns);
  char text[32];
  std::snprintf(text, sizeof text, "%.3g ms", double(ns) / 1e6);
  return text;
}

}  // namespace

WatchdogPolicy::WatchdogPolicy(const WatchdogOptions& options, std::size_t devices)
    : m_options(options), m_devices(devices) {}

std::chrono::nanoseconds WatchdogPolicy::stall_limit(const DeviceCounters& c) const {
  const auto usual = std::chrono::nanoseconds(
      std::int64_t(m_options.factor * double(c.batch_ns.load(std::memory_order_relaxed))));
  return std::max(m_options.min_stall, usual);
}

WatchdogPolicy::Verdict WatchdogPolicy::check(std::size_t device, const DeviceCounters& c,
                                              std::int64_t now_ns) {
  Memory& m = m_devices.at(device);
  if (c.state.load() == DeviceState::dead || c.failed.load()) return {};
  const std::uint64_t batches = c.batches.load(std::memory_order_relaxed);
  if (m.in_a_row > 0 && batches > m.batches_then &&
      now_ns - m.restarted_ns >= m_options.recovered_after.count()) {
    m.in_a_row = 0;  // it hashed long enough since: a later stall starts the count again
  }
  Verdict v;
  if (c.broken.load()) {
    if (m.in_a_row > 0 && now_ns - m.restarted_ns < m_options.min_stall.count()) return {};
    v.why = m.failed ? "it could not be restarted" : "its driver reported an error";
  } else {
    const std::int64_t busy = c.busy_since_ns.load(std::memory_order_relaxed);
    const std::int64_t limit = stall_limit(c).count();
    if (busy == 0 || now_ns - busy <= limit) return {};
    const std::int64_t usual = c.batch_ns.load(std::memory_order_relaxed);
    v.why = "no batch completed in " + seconds(now_ns - busy) +
            (usual > 0 ? " (its batches take " + duration(usual) + ")" : " (its first batch)");
  }
  v.action = m.in_a_row >= m_options.max_restarts ? Action::retire : Action::restart;
  return v;
}

void WatchdogPolicy::restarted(std::size_t device, const DeviceCounters& c, std::int64_t now_ns,
                               bool ok) {
  Memory& m = m_devices.at(device);
  m.failed = !ok;
  ++m.in_a_row;
  m.restarted_ns = now_ns;
  m.batches_then = c.batches.load(std::memory_order_relaxed);
}

DeviceWatchdog::DeviceWatchdog(const WatchdogOptions& options, std::vector<Device> devices,
                               Logger& log)
    : m_options(options),
      m_devices(std::move(devices)),
      m_log(log),
      m_policy(options, m_devices.size()),
      m_thread([this](std::stop_token stop) { run(stop); }) {}

DeviceWatchdog::~DeviceWatchdog() {
  m_thread.request_stop();
  if (m_thread.joinable()) m_thread.join();
}

void DeviceWatchdog::run(std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  for (;;) {
    wake.wait_for(lock, stop, m_options.tick, [] { return false; });  // a tick, or the stop
    if (stop.stop_requested()) return;
    for (std::size_t i = 0; i < m_devices.size() && !stop.stop_requested(); ++i) {
      const WatchdogPolicy::Verdict v = m_policy.check(i, *m_devices[i].counters, steady_now_ns());
      if (v.action != WatchdogPolicy::Action::none) act(i, v);
    }
  }
}

void DeviceWatchdog::act(std::size_t i, const WatchdogPolicy::Verdict& verdict) {
  const Device& d = m_devices[i];
  DeviceCounters& c = *d.counters;
  const std::string& tag = c.id;
  if (verdict.action == WatchdogPolicy::Action::retire) {
    m_log.error(tag, "DEAD: " + verdict.why + " after " + std::to_string(m_policy.in_a_row(i)) +
                         " restarts in a row; stopped for good, the other devices go on");
    c.state.store(DeviceState::restarting);
    d.backend->retire_device(d.index, m_options.grace);
    c.state.store(DeviceState::dead);
    return;
  }
  const unsigned attempt = m_policy.in_a_row(i) + 1;
  m_log.warning(tag, "RESTARTING (" + std::to_string(attempt) + " of " +
                         std::to_string(m_options.max_restarts) + "): " + verdict.why);
  c.state.store(DeviceState::restarting);
  const std::string error = d.backend->restart_device(d.index, m_options.grace);
  c.restarts.fetch_add(1);
  m_policy.restarted(i, c, steady_now_ns(), error.empty());
  if (error.empty()) {
    c.state.store(DeviceState::running);
    m_log.info(tag, "restarted");
  } else {
    c.broken.store(true);  // tried again after min_stall, as long as restarts are left
    m_log.error(tag, "restart failed: " + error);
  }
}

}  // namespace hashrig::host
