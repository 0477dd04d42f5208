#include "host/mine_api.h"

#include <chrono>

#include "core/target.h"
#include "host/api_views.h"
#include "host/journal_json.h"
#include "host/node_source.h"
#include "host/nvml.h"
#include "host/stratum_source.h"
#include "node-bridge/journal.h"

namespace hashrig::host {
namespace {

// "cuda#0" -> "cuda"
std::string kind_of(const std::string& id) {
  return id.substr(0, id.find('#'));
}

}  // namespace

MineApi::MineApi(MineApiParts parts)
    : m_parts(std::move(parts)), m_devices(m_parts.scheduler.devices()) {
  for (const DeviceDescription& d : m_devices) {
    if (!d.bus_id.empty() && kind_of(d.id) == "cuda") {
      m_nvml = std::make_unique<Nvml>();
      break;
    }
  }
}

MineApi::~MineApi() = default;

MinerStatus MineApi::status() {
  Scheduler& scheduler = m_parts.scheduler;
  MinerStatus s;
  s.version = HASHRIG_VERSION;
  s.mode = m_parts.mode;
  s.paused = scheduler.paused();
  s.stats = scheduler.stats().snapshot(std::chrono::steady_clock::now());
  const JobSnapshot snap = scheduler.board().current();
  if (snap.job) {
    s.job = describe_job(*snap.job);
    s.difficulty = core::difficulty_from_target(snap.job->share_target);
  }
  for (std::size_t i = 0; i < s.stats.devices.size(); ++i) {
    DeviceStatus d;
    d.stats = s.stats.devices[i];
    d.kind = kind_of(d.stats.id);
    const DeviceDescription* desc = i < m_devices.size() ? &m_devices[i] : nullptr;
    if (desc) d.where = desc->where;
    const DeviceCounters& c = scheduler.stats().device(i);
    d.restarts = c.restarts.load();
    d.state = device_state_name(c, s.paused, snap.job != nullptr);
    if (m_nvml && desc && !desc->bus_id.empty() && d.kind == "cuda")
      d.health = m_nvml->read(desc->bus_id);
    s.devices.push_back(std::move(d));
  }
  if (m_parts.pools) {
    s.strategy = std::string(stratum::to_string(m_parts.pools->mode()));
    s.pools = m_parts.pools->pools();
  }
  if (m_parts.node) {
    s.node = m_parts.node_address;
    s.template_age_s = m_parts.node->template_age_s();
  }
  return s;
}

nlohmann::ordered_json MineApi::summary() {
  return summary_view(status());
}
nlohmann::ordered_json MineApi::devices() {
  return devices_view(status());
}
std::string MineApi::metrics() {
  return metrics_text(status());
}

nlohmann::ordered_json MineApi::pools() {
  if (!m_parts.pools)
    return nlohmann::ordered_json{{"strategy", nullptr},
                                  {"pools", nlohmann::ordered_json::array()}};
  return pools_view(status());
}

nlohmann::ordered_json MineApi::shares(std::size_t limit) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const ShareRecord& r : m_parts.scheduler.stats().recent_shares().newest(limit))
    out.push_back(to_json(r));
  return out;
}

nlohmann::ordered_json MineApi::blocks() {
  if (!m_parts.journal) return nlohmann::ordered_json::array();
  if (!std::filesystem::exists(*m_parts.journal)) return nlohmann::ordered_json::array();
  node::BlockJournal journal(*m_parts.journal);
  return journal_json(journal.all());
}

nlohmann::ordered_json MineApi::pause() {
  const bool changed = m_parts.scheduler.set_paused(true);
  return {{"paused", true}, {"changed", changed}};
}

nlohmann::ordered_json MineApi::resume() {
  const bool changed = m_parts.scheduler.set_paused(false);
  return {{"paused", false}, {"changed", changed}};
}

nlohmann::ordered_json MineApi::switch_pool(const std::string& pool) {
  if (!m_parts.pools) throw ApiError(409, "not mining on pools: there is no pool to switch to");
  try {
    m_parts.pools->switch_to(pool);
  } catch (const std::invalid_argument& e) {
    throw ApiError(404, e.what());
  } catch (const std::logic_error& e) {
    throw ApiError(409, e.what());
  }
  return pools_view(status());
}

nlohmann::ordered_json MineApi::reload_pools() {
  if (!m_parts.reload_pools) {
    throw ApiError(409, m_parts.pools ? "the pools came from the command line, not a config file: "
                                        "nothing to reload (start with -c FILE)"
                                      : "not mining on pools: nothing to reload");
  }
  return m_parts.reload_pools();
}

}  // namespace hashrig::host
