// The pool client's section of the JSON config file, validated here (each subsystem validates its
// own section): an unknown key, a wrong type or an out-of-range value is a core::ParseError naming
// the key path, the value and what is allowed, e.g.
//   pools[1].quota: -2 is not allowed (a number > 0)
//
//   "pools": [ { "url": "stratum+ssl://pool.example:4443", "user": "rig1", "pass": "x",
//                "priority": 0, "quota": 1, "name": "main", "extranonce_subscribe": true,
//                "suggest_difficulty": 1024,
//                "tls": { "fingerprint": "ab:cd:..", "ca_file": "/etc/ssl/pool.pem",
//                         "insecure": false } }, ... ],
//   "pool_strategy": { "mode": "failover" | "load-balance", "failed_connects_before_switch": 3,
//                      "switch_back_after_s": 60, "quota_period_s": 60, "job_timeout_s": 120,
//                      "submit_timeout_s": 30, "connect_timeout_s": 10, "backoff_max_s": 60 }
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "stratum/client.h"

namespace hashrig::stratum {

// Parses "pools" (an array with at least one pool); `priority` defaults to the position.
std::vector<PoolSettings> parse_pools(const nlohmann::json& pools);
// Applies "pool_strategy" to `options` (absent keys keep their defaults).
void apply_pool_strategy(const nlohmann::json& section, ClientOptions& options);

}  // namespace hashrig::stratum
