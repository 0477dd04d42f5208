// MinerStatus: one consistent look at a mining run, gathered for the HTTP API (its JSON views and
// the Prometheus metrics): the stats, each device with its state and health, each pool, the node
// template's age. Plain values; building the views from it reads no live state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/nvml.h"
#include "host/stats.h"
#include "stratum/pool_status.h"

namespace hashrig::host {

struct DeviceStatus {
  DeviceSnapshot stats;  // id, kernel, counts, rates
  std::string kind;      // "cpu", "cuda", "opencl"
  std::string where;
  // hashing, idle (no job), paused, failed (hardware errors, or a driver error the watchdog has
  // not restarted yet), restarting (the watchdog's), dead (restarted in vain; stopped for good)
  std::string state;
  std::uint64_t restarts = 0;  // by the watchdog
  GpuHealth health;            // NVML's readings (CUDA devices); empty elsewhere
};

struct MinerStatus {
  std::string version;
  std::string mode;  // "pools", "node", "job-file"
  bool paused = false;
  StatsSnapshot stats;
  std::vector<DeviceStatus> devices;
  std::optional<std::string> strategy;  // pools: "failover" or "load-balance"
  std::vector<stratum::PoolStatus> pools;
  std::optional<std::string> job;        // describe_job of what is mined; empty when none
  std::optional<double> difficulty;      // the current job's share difficulty
  std::optional<double> template_age_s;  // node: since the last template arrived
  std::optional<std::string> node;       // node: "host:port"
};

}  // namespace hashrig::host
