#include "host/api_views.h"

#include <array>

#include "host/prometheus.h"

namespace hashrig::host {
namespace {

using json = nlohmann::ordered_json;

constexpr std::array kDeviceStates = {"hashing", "idle", "paused", "failed", "restarting", "dead"};
constexpr std::array kPoolStates = {stratum::PoolState::idle, stratum::PoolState::connecting,
                                    stratum::PoolState::subscribing, stratum::PoolState::up,
                                    stratum::PoolState::backing_off};

json optional_json(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}
json optional_json(const std::optional<std::string>& v) {
  return v ? json(*v) : json(nullptr);
}

json rates(double r5, double r60, double r15m) {
  return json{{"5s", r5}, {"60s", r60}, {"15m", r15m}};
}

std::string active_pool(const MinerStatus& s) {
  for (const auto& p : s.pools) {
    if (p.active) return p.name;
  }
  return {};
}

}  // namespace

json summary_view(const MinerStatus& s) {
  const StatsSnapshot& t = s.stats;
  json j;
  j["version"] = s.version;
  j["mode"] = s.mode;
  j["paused"] = s.paused;
  j["uptime_s"] = t.uptime_s;
  j["hashrate"] = rates(t.rate_5s, t.rate_60s, t.rate_15m);
  j["hashes"] = t.hashes;
  j["shares"] = json{{"verified", t.shares},
                     {"accepted", t.accepted},
                     {"rejected", t.rejected},
                     {"stale", t.stale},
                     {"unrouted", t.unrouted}};
  j["hw_errors"] = t.hw_errors;
  j["blocks"] = json{{"found", t.blocks_found}, {"accepted", t.blocks_accepted}};
  std::size_t hashing = 0, failed = 0, restarting = 0, dead = 0;
  for (const DeviceStatus& d : s.devices) {
    hashing += d.state == "hashing";
    failed += d.state == "failed";
    restarting += d.state == "restarting";
    dead += d.state == "dead";
  }
  j["devices"] = json{{"total", s.devices.size()},
                      {"hashing", hashing},
                      {"failed", failed},
                      {"restarting", restarting},
                      {"dead", dead}};
  const std::string pool = active_pool(s);
  j["pool"] = pool.empty() ? json(nullptr) : json(pool);
  j["node"] = optional_json(s.node);
  j["job"] = optional_json(s.job);
  j["difficulty"] = optional_json(s.difficulty);
  j["template_age_s"] = optional_json(s.template_age_s);
  return j;
}

json devices_view(const MinerStatus& s) {
  json out = json::array();
  for (const DeviceStatus& d : s.devices) {
    json j;
    j["id"] = d.stats.id;
    j["kind"] = d.kind;
    j["kernel"] = d.stats.kernel;
    j["where"] = d.where;
    j["state"] = d.state;
    j["hashrate"] = rates(d.stats.rate_5s, d.stats.rate_60s, d.stats.rate_15m);
    j["hashes"] = d.stats.hashes;
    j["shares"] = d.stats.shares;
    j["hw_errors"] = d.stats.hw_errors;
    j["restarts"] = d.restarts;
    j["temperature_c"] = optional_json(d.health.temperature_c);
    j["power_w"] = optional_json(d.health.power_w);
    j["fan_percent"] = optional_json(d.health.fan_percent);
    j["sm_clock_mhz"] = optional_json(d.health.sm_clock_mhz);
    out.push_back(std::move(j));
  }
  return out;
}

json pools_view(const MinerStatus& s) {
  json j;
  j["strategy"] = optional_json(s.strategy);
  json pools = json::array();
  for (const stratum::PoolStatus& p : s.pools) {
    json e;
    e["name"] = p.name;
    e["url"] = p.url;
    e["user"] = p.user;
    e["priority"] = p.priority;
    e["quota"] = p.quota;
    e["state"] = std::string(to_string(p.state));
    e["active"] = p.active;
    e["difficulty"] = optional_json(p.difficulty);
    e["extranonce1"] = p.extranonce1;
    e["extranonce2_size"] = p.extranonce2_size ? json(*p.extranonce2_size) : json(nullptr);
    e["seconds_since_job"] = optional_json(p.seconds_since_job);
    e["shares"] = json{{"accepted", p.accepted},
                       {"rejected", p.rejected},
                       {"stale", p.stale},
                       {"duplicate", p.duplicate}};
    e["reconnects"] = p.reconnects;
    e["last_error"] = p.last_error;
    pools.push_back(std::move(e));
  }
  j["pools"] = std::move(pools);
  return j;
}

std::string metrics_text(const MinerStatus& s) {
  PrometheusText m;
  const StatsSnapshot& t = s.stats;
  m.family("hashrig_build_info", "gauge", "The running hashrig's version (always 1).");
  m.sample("hashrig_build_info", {{"version", s.version}, {"mode", s.mode}}, 1);
  m.family("hashrig_uptime_seconds", "gauge", "Seconds since mining started.");
  m.sample("hashrig_uptime_seconds", t.uptime_s);
  m.family("hashrig_paused", "gauge", "1 while the operator has paused hashing.");
  m.sample("hashrig_paused", s.paused ? 1 : 0);

  m.family("hashrig_hashrate_hashes_per_second", "gauge",
           "Hashes per second of each device over a sliding window.");
  for (const DeviceStatus& d : s.devices) {
    m.sample("hashrig_hashrate_hashes_per_second", {{"device", d.stats.id}, {"window", "5s"}},
             d.stats.rate_5s);
    m.sample("hashrig_hashrate_hashes_per_second", {{"device", d.stats.id}, {"window", "60s"}},
             d.stats.rate_60s);
    m.sample("hashrig_hashrate_hashes_per_second", {{"device", d.stats.id}, {"window", "15m"}},
             d.stats.rate_15m);
  }
  m.family("hashrig_hashes_total", "counter", "Nonces hashed by each device.");
  for (const DeviceStatus& d : s.devices)
    m.sample("hashrig_hashes_total", {{"device", d.stats.id}}, double(d.stats.hashes));
  m.family("hashrig_device_shares_total", "counter",
           "Hits of each device that the CPU reference confirmed.");
  for (const DeviceStatus& d : s.devices)
    m.sample("hashrig_device_shares_total", {{"device", d.stats.id}}, double(d.stats.shares));
  m.family("hashrig_hardware_errors_total", "counter",
           "Hits of each device that the CPU reference rejected.");
  for (const DeviceStatus& d : s.devices)
    m.sample("hashrig_hardware_errors_total", {{"device", d.stats.id}}, double(d.stats.hw_errors));
  m.family("hashrig_device_state", "gauge", "1 for the state each device is in, 0 for the others.");
  for (const DeviceStatus& d : s.devices) {
    for (const char* state : kDeviceStates)
      m.sample("hashrig_device_state", {{"device", d.stats.id}, {"state", state}},
               d.state == state ? 1 : 0);
  }
  m.family("hashrig_device_restarts_total", "counter",
           "Restarts of each device by the watchdog (after a stall or a driver error).");
  for (const DeviceStatus& d : s.devices)
    m.sample("hashrig_device_restarts_total", {{"device", d.stats.id}}, double(d.restarts));
  const auto health = [&](const char* name, const char* help, auto field) {
    bool any = false;
    for (const DeviceStatus& d : s.devices) {
      const std::optional<double> v = d.health.*field;
      if (!v) continue;
      if (!any) m.family(name, "gauge", help);
      any = true;
      m.sample(name, {{"device", d.stats.id}}, *v);
    }
  };
  health("hashrig_device_temperature_celsius", "GPU temperature (NVML).",
         &GpuHealth::temperature_c);
  health("hashrig_device_power_watts", "GPU power draw (NVML).", &GpuHealth::power_w);
  health("hashrig_device_fan_percent", "GPU fan speed, percent of its maximum (NVML).",
         &GpuHealth::fan_percent);

  m.family("hashrig_shares_total", "counter",
           "Shares by what became of them: accepted or rejected by the pool or node, or stale.");
  m.sample("hashrig_shares_total", {{"result", "accepted"}}, double(t.accepted));
  m.sample("hashrig_shares_total", {{"result", "rejected"}}, double(t.rejected));
  m.sample("hashrig_shares_total", {{"result", "stale"}}, double(t.stale));
  m.family("hashrig_shares_unrouted_total", "counter",
           "Verified shares whose job's source was gone (none expected).");
  m.sample("hashrig_shares_unrouted_total", double(t.unrouted));
  m.family("hashrig_blocks_found_total", "counter", "Shares that met the network target.");
  m.sample("hashrig_blocks_found_total", double(t.blocks_found));
  m.family("hashrig_blocks_accepted_total", "counter", "Blocks the pool or node accepted.");
  m.sample("hashrig_blocks_accepted_total", double(t.blocks_accepted));

  if (!s.pools.empty()) {
    m.family("hashrig_pool_up", "gauge", "1 while the pool's session is up (subscribed, mining).");
    for (const auto& p : s.pools)
      m.sample("hashrig_pool_up", {{"pool", p.name}}, p.state == stratum::PoolState::up ? 1 : 0);
    m.family("hashrig_pool_state", "gauge",
             "1 for the connection state each pool is in, 0 for the others.");
    for (const auto& p : s.pools) {
      for (const stratum::PoolState state : kPoolStates)
        m.sample("hashrig_pool_state", {{"pool", p.name}, {"state", to_string(state)}},
                 p.state == state ? 1 : 0);
    }
    m.family("hashrig_pool_active", "gauge", "1 for the pool whose jobs are mined.");
    for (const auto& p : s.pools)
      m.sample("hashrig_pool_active", {{"pool", p.name}}, p.active ? 1 : 0);
    m.family("hashrig_pool_difficulty", "gauge", "The pool's share difficulty (while up).");
    for (const auto& p : s.pools) {
      if (p.difficulty) m.sample("hashrig_pool_difficulty", {{"pool", p.name}}, *p.difficulty);
    }
    m.family("hashrig_pool_shares_total", "counter", "Shares sent to each pool, by result.");
    for (const auto& p : s.pools) {
      m.sample("hashrig_pool_shares_total", {{"pool", p.name}, {"result", "accepted"}},
               double(p.accepted));
      m.sample("hashrig_pool_shares_total", {{"pool", p.name}, {"result", "rejected"}},
               double(p.rejected));
      m.sample("hashrig_pool_shares_total", {{"pool", p.name}, {"result", "stale"}},
               double(p.stale));
      m.sample("hashrig_pool_shares_total", {{"pool", p.name}, {"result", "duplicate"}},
               double(p.duplicate));
    }
    m.family("hashrig_pool_reconnects_total", "counter", "Connection attempts after the first.");
    for (const auto& p : s.pools)
      m.sample("hashrig_pool_reconnects_total", {{"pool", p.name}}, double(p.reconnects));
  }
  if (s.difficulty) {
    m.family("hashrig_job_difficulty", "gauge", "Share difficulty of the job being mined.");
    m.sample("hashrig_job_difficulty", *s.difficulty);
  }
  if (s.template_age_s) {
    m.family("hashrig_template_age_seconds", "gauge",
             "Seconds since the node's last block template arrived.");
    m.sample("hashrig_template_age_seconds", *s.template_age_s);
  }
  return m.text();
}

}  // namespace hashrig::host
