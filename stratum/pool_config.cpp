#include "stratum/pool_config.h"

#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace hashrig::stratum {
namespace {

[[noreturn]] void fail(const std::string& key, const nlohmann::json& value,
                       const std::string& allowed) {
  throw core::ParseError(key + ": " + value.dump().substr(0, 120) + " is not allowed (" + allowed +
                         ")");
}

void only_keys(const nlohmann::json& object, const std::string& path,
               std::initializer_list<const char*> known) {
  if (!object.is_object()) fail(path, object, "an object");
  for (const auto& [key, value] : object.items()) {
    bool ok = false;
    std::string list;
    for (const char* k : known) {
      ok = ok || key == k;
      list += (list.empty() ? "" : ", ") + std::string(k);
    }
    if (!ok) throw core::ParseError(path + "." + key + ": unknown key (known: " + list + ")");
  }
}

std::string text(const nlohmann::json& v, const std::string& key) {
  if (!v.is_string() || v.get<std::string>().empty()) fail(key, v, "a non-empty string");
  return v.get<std::string>();
}

double number(const nlohmann::json& v, const std::string& key, double min, double max) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < min ||
      v.get<double>() > max) {
    fail(key, v,
         "a number from " + nlohmann::json(min).dump() + " to " + nlohmann::json(max).dump());
  }
  return v.get<double>();
}

std::chrono::milliseconds seconds(const nlohmann::json& v, const std::string& key, double max) {
  return std::chrono::milliseconds(std::int64_t(number(v, key, 0.001, max) * 1000));
}

TlsOptions parse_tls(const nlohmann::json& tls, const std::string& path) {
  only_keys(tls, path, {"fingerprint", "ca_file", "insecure"});
  TlsOptions o;
  if (tls.contains("fingerprint")) {
    try {
      o.fingerprint = parse_fingerprint(text(tls["fingerprint"], path + ".fingerprint"));
    } catch (const core::ParseError& e) {
      throw core::ParseError(path + ".fingerprint: " + e.what());
    }
  }
  if (tls.contains("ca_file")) o.ca_file = text(tls["ca_file"], path + ".ca_file");
  if (tls.contains("insecure")) {
    if (!tls["insecure"].is_boolean()) fail(path + ".insecure", tls["insecure"], "true or false");
    o.insecure = tls["insecure"].get<bool>();
  }
  if (o.insecure && o.fingerprint) {
    throw core::ParseError(path + ": insecure and fingerprint: choose one");
  }
  return o;
}

}  // namespace

std::vector<PoolSettings> parse_pools(const nlohmann::json& pools) {
  if (!pools.is_array() || pools.empty()) fail("pools", pools, "an array of at least one pool");
  std::vector<PoolSettings> out;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const std::string path = "pools[" + std::to_string(i) + "]";
    const nlohmann::json& p = pools[i];
    only_keys(p, path,
              {"url", "user", "pass", "priority", "quota", "name", "tls", "extranonce_subscribe",
               "suggest_difficulty"});
    PoolSettings s;
    if (!p.contains("url")) throw core::ParseError(path + ".url: missing");
    if (!p.contains("user")) throw core::ParseError(path + ".user: missing");
    try {
      s.entry.url = parse_pool_url(text(p["url"], path + ".url"));
    } catch (const core::ParseError& e) {
      throw core::ParseError(path + ".url: " + e.what());
    }
    s.entry.user = text(p["user"], path + ".user");
    s.entry.pass = p.contains("pass") ? text(p["pass"], path + ".pass") : "x";
    s.entry.priority = p.contains("priority")
                           ? int(number(p["priority"], path + ".priority", -1000, 1000))
                           : int(i);
    if (p.contains("priority") && !p["priority"].is_number_integer()) {
      fail(path + ".priority", p["priority"], "a whole number");
    }
    s.entry.quota = p.contains("quota") ? number(p["quota"], path + ".quota", 1e-6, 1e6) : 1.0;
    s.entry.name =
        p.contains("name") ? text(p["name"], path + ".name") : "pool" + std::to_string(i + 1);
    if (p.contains("tls")) s.tls = parse_tls(p["tls"], path + ".tls");
    if (p.contains("extranonce_subscribe")) {
      if (!p["extranonce_subscribe"].is_boolean()) {
        fail(path + ".extranonce_subscribe", p["extranonce_subscribe"], "true or false");
      }
      s.extranonce_subscribe = p["extranonce_subscribe"].get<bool>();
    }
    if (p.contains("suggest_difficulty")) {
      s.suggest_difficulty =
          number(p["suggest_difficulty"], path + ".suggest_difficulty", 1e-9, 1e15);
    }
    out.push_back(std::move(s));
  }
  return out;
}

void apply_pool_strategy(const nlohmann::json& section, ClientOptions& o) {
  const std::string path = "pool_strategy";
  only_keys(section, path,
            {"mode", "failed_connects_before_switch", "switch_back_after_s", "quota_period_s",
             "job_timeout_s", "submit_timeout_s", "connect_timeout_s", "backoff_max_s"});
  if (section.contains("mode")) {
    const std::string mode = text(section["mode"], path + ".mode");
    if (mode != "failover" && mode != "load-balance") {
      fail(path + ".mode", section["mode"], "\"failover\" or \"load-balance\"");
    }
    o.load_balance = mode == "load-balance";
  }
  if (section.contains("failed_connects_before_switch")) {
    const nlohmann::json& v = section["failed_connects_before_switch"];
    if (!v.is_number_integer()) fail(path + ".failed_connects_before_switch", v, "1 to 1000");
    o.strategy.failed_connects_before_switch =
        unsigned(number(v, path + ".failed_connects_before_switch", 1, 1000));
  }
  const auto whole_seconds = [&](const char* key, double max) {
    return std::chrono::seconds(std::int64_t(number(section[key], path + "." + key, 1, max)));
  };
  if (section.contains("switch_back_after_s")) {
    o.strategy.switch_back_after = whole_seconds("switch_back_after_s", 86400);
  }
  if (section.contains("quota_period_s")) {
    o.strategy.quota_period = whole_seconds("quota_period_s", 86400);
  }
  if (section.contains("job_timeout_s")) {
    o.job_timeout = seconds(section["job_timeout_s"], path + ".job_timeout_s", 86400);
  }
  if (section.contains("submit_timeout_s")) {
    o.submit_timeout = seconds(section["submit_timeout_s"], path + ".submit_timeout_s", 3600);
  }
  if (section.contains("connect_timeout_s")) {
    o.connect_timeout = seconds(section["connect_timeout_s"], path + ".connect_timeout_s", 600);
  }
  if (section.contains("backoff_max_s")) {
    o.backoff_max = seconds(section["backoff_max_s"], path + ".backoff_max_s", 3600);
    if (o.backoff_max < o.backoff_initial) o.backoff_initial = o.backoff_max;
  }
}

}  // namespace hashrig::stratum
