#include "host/stats_report.h"
#include "host/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/target.h"
#include "stratum/client.h"

namespace hashrig::host {

std::string format_hashrate(double h) {
  static constexpr const char* kUnits[] = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s"};
  std::size_t unit = 0;
  while (h >= 1000 && unit + 1 < std::size(kUnits)) {
    h /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f %s", h, kUnits[unit]);
  return text;
}

std::string status_line(const StatsSnapshot& s, const std::string& context) {
  char counts[160];
  std::snprintf(counts, sizeof counts,
                " | shares %llu (accepted %llu, rejected %llu, stale %llu) | hw errors %llu | "
                "blocks %llu found, %llu accepted",
                (unsigned long long)s.shares, (unsigned long long)s.accepted,
                (unsigned long long)s.rejected, (unsigned long long)s.stale,
                (unsigned long long)s.hw_errors, (unsigned long long)s.blocks_found,
                (unsigned long long)s.blocks_accepted);
  std::string line = format_hashrate(s.rate_5s) + " (5s), " + format_hashrate(s.rate_60s) +
                     " (60s), " + format_hashrate(s.rate_15m) + " (15m)" + counts;
  if (!context.empty()) line += " | " + context;
  return line;
}

std::string status_context(const core::Job* job, const std::string& source) {
  if (!job) return source.empty() ? "waiting for a job" : "waiting for a job from " + source;
  char diff[32];
  std::snprintf(diff, sizeof diff, "%.6g", core::difficulty_from_target(job->share_target));
  return (source.empty() ? job->source_id : source) + " | diff " + diff + " | job " + job->job_id;
}

std::string pool_label(const stratum::ClientOptions& pools, const std::string& source_id) {
  for (std::size_t i = 0; i < pools.pools.size(); ++i) {
    const stratum::PoolEntry& entry = pools.pools[i].entry;
    const std::string name = entry.name.empty() ? "pool" + std::to_string(i + 1) : entry.name;
    if (name == source_id) return "pool " + name + " " + stratum::to_string(entry.url);
  }
  return "pool " + source_id;
}

std::string device_trouble(Stats& stats) {
  std::string out;
  for (std::size_t i = 0; i < stats.device_count(); ++i) {
    const DeviceCounters& c = stats.device(i);
    const std::string state = device_state_name(c, false, true);
    if (state != "hashing") out += (out.empty() ? "" : ", ") + c.id + " " + state;
  }
  return out;
}

std::string device_line(const DeviceSnapshot& d) {
  char counts[96];
  std::snprintf(counts, sizeof counts, " | shares %llu | hw errors %llu",
                (unsigned long long)d.shares, (unsigned long long)d.hw_errors);
  return d.id + " (" + d.kernel + "): " + format_hashrate(d.rate_5s) + " (5s), " +
         format_hashrate(d.rate_60s) + " (60s)" + counts;
}

nlohmann::ordered_json summary_json(const StatsSnapshot& s) {
  nlohmann::ordered_json j;
  j["accepted"] = s.accepted;
  j["rejected"] = s.rejected;
  j["stale"] = s.stale;
  j["hw_errors"] = s.hw_errors;
  j["blocks_found"] = s.blocks_found;
  j["blocks_accepted"] = s.blocks_accepted;
  j["shares"] = s.shares;
  j["unrouted"] = s.unrouted;
  j["hashes"] = s.hashes;
  j["hashrate_5s"] = s.rate_5s;
  j["hashrate_60s"] = s.rate_60s;
  j["hashrate_15m"] = s.rate_15m;
  j["uptime_s"] = s.uptime_s;
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const DeviceSnapshot& d : s.devices) {
    nlohmann::ordered_json dj;
    dj["id"] = d.id;
    dj["kernel"] = d.kernel;
    dj["hashes"] = d.hashes;
    dj["shares"] = d.shares;
    dj["hw_errors"] = d.hw_errors;
    dj["hashrate_5s"] = d.rate_5s;
    dj["hashrate_60s"] = d.rate_60s;
    dj["hashrate_15m"] = d.rate_15m;
    devices.push_back(std::move(dj));
  }
  j["devices"] = std::move(devices);
  return j;
}

void write_summary_file(const std::string& path, const StatsSnapshot& s) {
  write_file_atomically(path, summary_json(s).dump(2) + "\n", "--summary-json");
}

}  // namespace hashrig::host
