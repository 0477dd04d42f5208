// The API's JSON documents and the Prometheus metrics, built from a MinerStatus.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "host/miner_status.h"

namespace hashrig::host {

nlohmann::ordered_json summary_view(const MinerStatus& s);
nlohmann::ordered_json devices_view(const MinerStatus& s);
nlohmann::ordered_json pools_view(const MinerStatus& s);
// The text exposition: hashrate per device and window, hashes, hardware errors, shares by result
// (in total and per pool), blocks, pool connection state, template age, device state, and
// temperature / power / fan where known. Every name starts with hashrig_.
std::string metrics_text(const MinerStatus& s);

}  // namespace hashrig::host
