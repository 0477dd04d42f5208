// ConfigReloader: SIGHUP (systemctl reload) and POST /api/v1/pools/reload re-read the config file
// and apply, without stopping the devices, what can change while mining: the log level and the
// pool list (with its strategy). Everything else needs a restart. A file that no longer reads or
// validates changes nothing: the running settings stay, and the reason is logged and returned.
// What the command line gave still wins (a --log-level on the command line is kept; pools from
// -o are not the file's, so only the log level is reloaded then).
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "host/commands.h"
#include "host/log.h"

namespace hashrig::host {

class StratumSource;

class ConfigReloader {
 public:
  // `args`: the mining arguments as started (args.config names the file). `pools`: the running
  // pool client, or nullptr when not mining on pools; `user_agent` its mining.subscribe agent.
  ConfigReloader(MineArgs args, Logger& log, StratumSource* pools, std::string user_agent);

  // Re-reads and applies the file; `why` says who asked ("SIGHUP", "API"). Returns what it did:
  // {"log_level": "debug", "pools": ["main", "backup"]} (absent: not reloaded). Throws
  // UsageError with the file's problem, after logging it.
  nlohmann::ordered_json reload(const std::string& why);

 private:
  std::mutex m_mutex;  // one reload at a time (signal and API)
  MineArgs m_args;
  Logger& m_log;
  StratumSource* m_pools;
  std::string m_user_agent;
};

}  // namespace hashrig::host
