#include "host/pool_options.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "host/config_file.h"
#include "host/number_parse.h"
#include "host/usage_error.h"
#include "stratum/pool_config.h"

namespace hashrig::host {
namespace {

const std::string& nth_or_last(const std::vector<std::string>& values, std::size_t i) {
  return values[std::min(i, values.size() - 1)];
}

// The config file's sections that the pool client owns (config_file.h checks the rest).
void apply_config_file(const std::string& path, stratum::ClientOptions& o) {
  const nlohmann::json j = read_config_file(path);
  try {
    if (j.contains("pools")) o.pools = stratum::parse_pools(j["pools"]);
    if (j.contains("pool_strategy")) stratum::apply_pool_strategy(j["pool_strategy"], o);
  } catch (const core::ParseError& e) {
    throw UsageError("config " + path + ": " + e.what());
  }
}

stratum::TlsOptions tls_options(const MineArgs& args) {
  stratum::TlsOptions tls;
  if (args.tls_fingerprint) {
    tls.fingerprint = parse_argument(
        "--tls-fingerprint", [&] { return stratum::parse_fingerprint(*args.tls_fingerprint); });
  }
  if (args.tls_ca) tls.ca_file = *args.tls_ca;
  tls.insecure = args.tls_insecure;
  if (tls.insecure && tls.fingerprint) {
    throw UsageError("--tls-insecure and --tls-fingerprint: choose one");
  }
  return tls;
}

}  // namespace

stratum::ClientOptions client_options(const MineArgs& args, const std::string& user_agent) {
  stratum::ClientOptions o;
  if (args.config) apply_config_file(*args.config, o);
  o.session.user_agent = user_agent;
  if (args.load_balance) o.load_balance = true;
  if (!args.urls.empty()) {  // the command line's pools replace the file's
    if (args.users.empty()) throw UsageError("-u: a pool user is needed with -o");
    const stratum::TlsOptions tls = tls_options(args);
    o.pools.clear();
    for (std::size_t i = 0; i < args.urls.size(); ++i) {
      stratum::PoolSettings pool;
      pool.entry.url = parse_argument("-o", [&] { return stratum::parse_pool_url(args.urls[i]); });
      pool.entry.user = nth_or_last(args.users, i);
      pool.entry.pass = args.passes.empty() ? "x" : nth_or_last(args.passes, i);
      pool.entry.priority = int(i);
      pool.entry.name = "pool" + std::to_string(i + 1);
      pool.tls = tls;
      o.pools.push_back(std::move(pool));
    }
  }
  if (o.pools.empty()) {
    throw UsageError("no pool: give -o URL -u USER, or a --config file with \"pools\"");
  }
  if (args.suggest_difficulty) {
    const double d = parse_argument("--suggest-difficulty",
                                    [&] { return parse_positive(*args.suggest_difficulty, 1e15); });
    for (stratum::PoolSettings& p : o.pools)
      p.suggest_difficulty = d;
  }
  if (args.no_extranonce_subscribe) {
    for (stratum::PoolSettings& p : o.pools)
      p.extranonce_subscribe = false;
  }
  return o;
}

}  // namespace hashrig::host
