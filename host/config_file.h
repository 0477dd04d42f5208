// The JSON config file (-c FILE): one file whose schema covers every option of `hashrig mine`.
// Each of its values stands for a command-line option, and the command line is an overlay on it:
// an option given on the command line wins over the file's value. hashrig only reads the file.
//
//   {
//     "log":    {"level": "info", "file": "/var/log/hashrig/hashrig.log", "max_size": "10M",
//                "keep": 5, "syslog": false},
//     "devices": "cpu,cuda",                         (or ["cpu", "cuda:0"])
//     "cpu":    {"kernel": "auto", "threads": 8, "per_pu": false, "pin": true, "batch_ms": 1},
//     "gpu":    {"launch_ms": 50},
//     "watchdog": {"stall_s": 5, "restarts": 3},
//     "mining": {"duration_s": 3600, "status_interval_s": 10, "summary_json": "FILE",
//                "job_file": "FILE", "difficulty": 0.001},
//     "pools": [...], "pool_strategy": {...},        (stratum/pool_config.h validates these)
//     "node":   {"url": "http://127.0.0.1:8332", "cookie": "FILE" | "user": U, "pass": P,
//                "payout": "ADDRESS", "coinbase_tag": "/rig1/", "signal": ["name"],
//                "max_blocks": 1, "tip_poll_ms": 250, "timeout_s": 10,
//                "zmq": "tcp://127.0.0.1:28332",
//                "journal": "FILE"},
//     "api":    {"listen": "127.0.0.1:4028", "token_file": "FILE" | "token": "..."}
//   }
//
// This layer checks the file's shape: known keys only, and each value's JSON type; an error
// names the key, the value and what is allowed. The values themselves are then checked where the
// same option from the command line is (a range, an address), and those messages, which name the
// option, are rewritten to name the file's key (config_key_message).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hashrig::host {

// Reads and parses the file. Throws UsageError ("config FILE: ...") when it cannot be read, is
// not JSON or not an object.
nlohmann::json read_config_file(const std::string& path);
// The same for the file's text; `path` only names it in errors.
nlohmann::json parse_config_text(std::string_view text, const std::string& path);

// What the file says, as command-line options.
struct ConfigOptions {
  // (option, values): "--threads" {"8"}; a flag has {"true"}; --signal may have several values.
  std::vector<std::pair<std::string, std::vector<std::string>>> options;
  // (option, key path), to name the key in errors about the option's value.
  std::vector<std::pair<std::string, std::string>> keys;
  std::optional<std::string> api_token;  // api.token: never a command-line option
  bool has_pools = false;                // "pools" (read by the pool client from the file)
};

// Throws UsageError naming `path`, the key, the value and what is allowed; and when the file
// holds api.token while other users can read or change it.
ConfigOptions config_options(const nlohmann::json& root, const std::string& path);

// `message` ("--threads: must be between 1 and 4096, got 0") rewritten to name the config key
// the option came from ("config FILE: cpu.threads: must be ..."), when it did.
std::string config_key_message(const std::string& message, const ConfigOptions& config,
                               const std::string& path);

// An example file: every section, values that pass `hashrig config --check`.
std::string example_config();

}  // namespace hashrig::host
