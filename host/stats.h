// Stats: the appliance's counters. Per device (DeviceCounters, bumped by the devices and the
// verifier) and in total (shares and their fate, bumped by the verifier and the sources), plus
// hashrate meters over 5 s / 60 s / 15 min that one thread samples about once a second.
// snapshot() gives a plain value for the status line, the summary file and, later, the API.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host/device_counters.h"
#include "host/hashrate_meter.h"
#include "host/recent_shares.h"

namespace hashrig::host {

struct Totals {
  std::atomic<std::uint64_t> shares{0};    // verified shares (stale ones included)
  std::atomic<std::uint64_t> stale{0};     // counted by the sources: not sent, or refused, as stale
  std::atomic<std::uint64_t> unrouted{0};  // no sink for the job's source
  std::atomic<std::uint64_t> accepted{0};  // the sources' answers
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> blocks_found{0};
  std::atomic<std::uint64_t> blocks_accepted{0};
};

struct DeviceSnapshot {
  std::string id, kernel;
  std::uint64_t hashes = 0, shares = 0, hw_errors = 0;
  double rate_5s = 0, rate_60s = 0, rate_15m = 0;  // hashes per second
};

struct StatsSnapshot {
  double uptime_s = 0;
  std::uint64_t hashes = 0, shares = 0, accepted = 0, rejected = 0, stale = 0, hw_errors = 0;
  std::uint64_t blocks_found = 0, blocks_accepted = 0, unrouted = 0;
  double rate_5s = 0, rate_60s = 0, rate_15m = 0;
  std::vector<DeviceSnapshot> devices;
};

class Stats {
 public:
  using Clock = HashrateMeter::Clock;
  explicit Stats(Clock::time_point start = Clock::now());

  // Adds a device before hashing starts; the reference stays valid for the Stats' lifetime.
  DeviceCounters& add_device(std::string id, std::string kernel);
  std::size_t device_count() const { return m_devices.size(); }
  DeviceCounters& device(std::size_t i) { return m_devices.at(i)->counters; }

  Totals& totals() { return m_totals; }
  // The last shares and their outcomes, recorded by the sources (the API shows them).
  RecentShares& recent_shares() { return m_recent_shares; }

  // Samples every meter; call about once a second from one thread.
  void sample(Clock::time_point now);
  StatsSnapshot snapshot(Clock::time_point now) const;

 private:
  struct Device {
    DeviceCounters counters;
    HashrateMeter meter;
    explicit Device(Clock::time_point start) : meter(start) {}
  };
  Clock::time_point m_start;
  std::vector<std::unique_ptr<Device>> m_devices;
  Totals m_totals;
  RecentShares m_recent_shares;
  mutable std::mutex m_meter_mutex;  // the meters (sample vs snapshot)
  HashrateMeter m_total_meter;
};

}  // namespace hashrig::host
