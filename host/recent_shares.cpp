#include "host/recent_shares.h"

#include <ctime>

namespace hashrig::host {
namespace {

// "2026-11-23T18:30:47.123Z"
std::string utc_text(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];  // room for any int the format could meet
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
  return text;
}

std::string hex32(std::uint32_t v) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", v);
  return text;
}

}  // namespace

nlohmann::ordered_json to_json(const ShareRecord& r) {
  nlohmann::ordered_json j;
  j["time"] = utc_text(r.time);
  j["source"] = r.source;
  j["job_id"] = r.job_id;
  j["extranonce2"] = r.extranonce2;
  j["ntime"] = hex32(r.ntime);
  j["nonce"] = hex32(r.nonce);
  j["version_bits"] = hex32(r.version_bits);
  j["difficulty"] = r.difficulty ? nlohmann::ordered_json(*r.difficulty) : nullptr;
  j["result"] = r.result;
  j["reason"] = r.reason;
  j["latency_ms"] = r.latency_ms ? nlohmann::ordered_json(*r.latency_ms) : nullptr;
  j["block"] = r.block;
  return j;
}

void RecentShares::record(ShareRecord r) {
  const std::lock_guard lock(m_mutex);
  m_ring.push_back(std::move(r));
  if (m_ring.size() > kCapacity) m_ring.pop_front();
  ++m_recorded;
}

std::vector<ShareRecord> RecentShares::newest(std::size_t n) const {
  const std::lock_guard lock(m_mutex);
  std::vector<ShareRecord> out;
  for (auto it = m_ring.rbegin(); it != m_ring.rend() && out.size() < n; ++it)
    out.push_back(*it);
  return out;
}

std::uint64_t RecentShares::recorded() const {
  const std::lock_guard lock(m_mutex);
  return m_recorded;
}

}  // namespace hashrig::host
