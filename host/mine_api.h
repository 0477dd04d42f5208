// MineApi: the ApiModel of `hashrig mine`: what the API shows of the scheduler, the devices, the
// pools or the node, the recent shares and the block journal, and the operator's controls (pause,
// resume, switch pool, reload pools). Built once the devices are opened; thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "host/api_router.h"
#include "host/miner_status.h"
#include "host/scheduler.h"

namespace hashrig::host {

class NodeSource;
class StratumSource;
class Nvml;

struct MineApiParts {
  Scheduler& scheduler;
  std::string mode;                              // "pools", "node", "job-file"
  StratumSource* pools = nullptr;                // with pools
  NodeSource* node = nullptr;                    // solo mining
  std::optional<std::string> node_address;       // "host:port"
  std::optional<std::filesystem::path> journal;  // solo mining: the block journal
  // Re-reads the pool settings and hands them to the pools (POST /pools/reload, SIGHUP); returns
  // what changed. Empty: reloading is refused (409) because the pools did not come from a file.
  std::function<nlohmann::ordered_json()> reload_pools;
};

class MineApi final : public ApiModel {
 public:
  explicit MineApi(MineApiParts parts);
  ~MineApi() override;

  MinerStatus status();

  nlohmann::ordered_json summary() override;
  nlohmann::ordered_json devices() override;
  nlohmann::ordered_json pools() override;
  nlohmann::ordered_json shares(std::size_t limit) override;
  nlohmann::ordered_json blocks() override;
  std::string metrics() override;
  nlohmann::ordered_json pause() override;
  nlohmann::ordered_json resume() override;
  nlohmann::ordered_json switch_pool(const std::string& pool) override;
  nlohmann::ordered_json reload_pools() override;

 private:
  MineApiParts m_parts;
  std::vector<DeviceDescription> m_devices;
  std::unique_ptr<Nvml> m_nvml;  // only when a device has a PCI bus id
};

}  // namespace hashrig::host
