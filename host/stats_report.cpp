#include "host/stats_report.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

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
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (out) out << summary_json(s).dump(2) << '\n';
    out.close();
    if (!out) {
      const int error = errno;
      std::remove(temporary.c_str());
      throw std::runtime_error("--summary-json: could not write " + temporary + ": " +
                               std::strerror(error));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw std::runtime_error("--summary-json: could not rename " + temporary + " to " + path +
                             ": " + std::strerror(error));
  }
}

}  // namespace hashrig::host
