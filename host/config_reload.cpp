#include "host/config_reload.h"

#include "host/config_file.h"
#include "host/pool_options.h"
#include "host/stratum_source.h"
#include "host/usage_error.h"

namespace hashrig::host {

ConfigReloader::ConfigReloader(MineArgs args, Logger& log, StratumSource* pools,
                               std::string user_agent)
    : m_args(std::move(args)), m_log(log), m_pools(pools), m_user_agent(std::move(user_agent)) {}

nlohmann::ordered_json ConfigReloader::reload(const std::string& why) {
  const std::lock_guard lock(m_mutex);
  const std::string path = m_args.config.value_or("");
  nlohmann::ordered_json done = nlohmann::ordered_json::object();
  try {
    if (path.empty()) throw UsageError("no config file (-c FILE) to reload");
    const nlohmann::json root = read_config_file(path);
    const ConfigOptions file = config_options(root, path);  // the whole file must still validate
    std::optional<LogLevel> level;
    if (!m_args.log_level_on_command_line) {
      std::string text = "info";
      for (const auto& [option, values] : file.options) {
        if (option == "--log-level") text = values.front();
      }
      level = parse_log_level(text);
      if (!level) {
        throw UsageError("config " + path + ": log.level: unknown level '" + text +
                         "' (choose error, warning, info or debug)");
      }
    }
    std::optional<stratum::ClientOptions> pools;
    if (m_pools && m_args.urls.empty()) {
      try {
        pools = client_options(m_args, m_user_agent);
      } catch (const UsageError& e) {
        throw UsageError(config_key_message(e.what(), file, path));
      }
    }
    // Checked: now apply.
    if (level) {
      m_log.set_level(*level);
      done["log_level"] = std::string(to_string(*level));
    }
    if (pools) {
      nlohmann::ordered_json names = nlohmann::ordered_json::array();
      for (const stratum::PoolSettings& p : pools->pools)
        names.push_back(p.entry.name);
      m_pools->reload(std::move(*pools));
      done["pools"] = std::move(names);
    }
    m_log.info("main", "config " + path + " reloaded (" + why + "): " + done.dump());
    return done;
  } catch (const UsageError& e) {
    m_log.error("main", std::string("reload (") + why +
                            ") refused, the running settings stay: " + e.what());
    throw;
  }
}

}  // namespace hashrig::host
