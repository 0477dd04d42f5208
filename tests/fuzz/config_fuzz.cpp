// Fuzz target: a config file's text (-c FILE) -> host::parse_config_text -> host::config_options,
// and its "pools" and "pool_strategy" sections -> stratum::parse_pools / apply_pool_strategy, the
// checks `hashrig config --check` and start-up run before any option value is used. Refusals are
// host::UsageError or core::ParseError naming the key. Properties of a file it accepts: every
// value becomes an option ("--name" with at least one value), and an error about an option
// that came from the file is rewritten to name the file and the key.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "host/config_file.h"
#include "host/usage_error.h"
#include "stratum/client.h"
#include "stratum/pool_config.h"
#include "tests/fuzz/fuzz_check.h"

using namespace hashrig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = "/etc/hashrig/hashrig.json";
  host::ConfigOptions config;
  nlohmann::json root;
  try {
    root = host::parse_config_text(fuzz::text_of(data, size), path);
    config = host::config_options(root, path);
  } catch (const host::UsageError& e) {
    FUZZ_CHECK(std::string(e.what()).rfind("config " + path + ": ", 0) == 0);
    return 0;
  }
  for (const auto& [option, values] : config.options) {
    FUZZ_CHECK(option.size() > 2 && option.rfind("--", 0) == 0 && !values.empty());
  }
  for (const auto& [option, key] : config.keys) {
    const std::string rewritten = host::config_key_message(option + ": out of range", config, path);
    FUZZ_CHECK(rewritten.rfind("config " + path + ": ", 0) == 0);
    FUZZ_CHECK(rewritten.find(": out of range") != std::string::npos);
  }
  FUZZ_CHECK(config.has_pools == root.contains("pools"));
  try {
    stratum::ClientOptions options;
    if (config.has_pools) options.pools = stratum::parse_pools(root["pools"]);
    if (root.contains("pool_strategy"))
      stratum::apply_pool_strategy(root["pool_strategy"], options);
    if (config.has_pools) FUZZ_CHECK(!options.pools.empty());
  } catch (const std::invalid_argument&) {  // core::ParseError: "pools[1].quota: ..."
  }
  return 0;
}
