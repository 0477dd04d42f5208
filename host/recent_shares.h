// RecentShares: the last shares and what became of them (accepted, rejected, stale, ...), for the
// API's /api/v1/shares. The sources record each outcome as it comes in; readers get the newest
// first. A fixed-size ring: memory does not grow with uptime.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hashrig::host {

struct ShareRecord {
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  std::string source;  // the pool's name, "node", "job-file"
  std::string job_id;
  std::string extranonce2;  // hex
  std::uint32_t ntime = 0, nonce = 0, version_bits = 0;
  std::optional<double> difficulty;  // achieved, where the source knows it
  std::string result;                // accepted, rejected, stale, duplicate, logged
  std::string reason;                // the pool's or node's words; empty when none
  std::optional<double> latency_ms;  // submit -> answer, when it was sent
  bool block = false;                // it met the network target too
};

nlohmann::ordered_json to_json(const ShareRecord& r);

class RecentShares {
 public:
  static constexpr std::size_t kCapacity = 1000;

  void record(ShareRecord r);
  // The newest `n` (or fewer), newest first.
  std::vector<ShareRecord> newest(std::size_t n) const;
  std::uint64_t recorded() const;  // ever

 private:
  mutable std::mutex m_mutex;
  std::deque<ShareRecord> m_ring;  // oldest first
  std::uint64_t m_recorded = 0;
};

}  // namespace hashrig::host
