#include "host/pool_options.h"

#include "core/error.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

const std::string& nth_or_last(const std::vector<std::string>& values, std::size_t i) {
  return values[std::min(i, values.size() - 1)];
}

}  // namespace

stratum::ClientOptions client_options(const MineArgs& args, const std::string& user_agent) {
  if (args.users.empty()) throw UsageError("-u: a pool user is needed with -o");
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

  stratum::ClientOptions o;
  o.load_balance = args.load_balance;
  o.session.user_agent = user_agent;
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
  return o;
}

}  // namespace hashrig::host
