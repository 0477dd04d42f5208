#include "host/config_file.h"

#include <fstream>
#include <initializer_list>
#include <iterator>

#include "host/secret_file.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

using json = nlohmann::json;

enum class Kind {
  text,      // a non-empty string
  number,    // a JSON number
  integer,   // a JSON integer >= 0
  flag,      // true sets the option; false leaves it out
  no_flag,   // false sets the option (pin: false -> --no-pin)
  list,      // a non-empty string or an array of them, joined with commas (devices)
  repeated,  // an array of non-empty strings, one option each (signal)
  size,      // "10M" or a number of bytes
  listen,    // "HOST:PORT" or a port number
};

struct Key {
  const char* name;
  const char* option;
  Kind kind;
};

struct Section {
  const char* name;  // "" for the top level
  std::initializer_list<Key> keys;
};

const Section kSections[] = {
    {"log",
     {{"level", "--log-level", Kind::text},
      {"file", "--log-file", Kind::text},
      {"max_size", "--log-max-size", Kind::size},
      {"keep", "--log-keep", Kind::integer},
      {"syslog", "--syslog", Kind::flag}}},
    {"cpu",
     {{"kernel", "--cpu-kernel", Kind::text},
      {"threads", "--threads", Kind::integer},
      {"per_pu", "--per-pu", Kind::flag},
      {"pin", "--no-pin", Kind::no_flag},
      {"batch_ms", "--batch-ms", Kind::number}}},
    {"gpu", {{"launch_ms", "--gpu-launch-ms", Kind::number}}},
    {"watchdog",
     {{"stall_s", "--watchdog-stall-s", Kind::number},
      {"restarts", "--watchdog-restarts", Kind::integer}}},
    {"mining",
     {{"duration_s", "--duration", Kind::number},
      {"status_interval_s", "--status-interval", Kind::number},
      {"summary_json", "--summary-json", Kind::text},
      {"job_file", "--job-file", Kind::text},
      {"difficulty", "--difficulty", Kind::number}}},
    {"node",
     {{"url", "--node", Kind::text},
      {"user", "--node-user", Kind::text},
      {"pass", "--node-pass", Kind::text},
      {"cookie", "--node-cookie", Kind::text},
      {"payout", "--payout", Kind::text},
      {"coinbase_tag", "--coinbase-tag", Kind::text},
      {"signal", "--signal", Kind::repeated},
      {"max_blocks", "--max-blocks", Kind::integer},
      {"tip_poll_ms", "--tip-poll-ms", Kind::integer},
      {"timeout_s", "--node-timeout", Kind::integer},
      {"zmq", "--node-zmq", Kind::text},
      {"journal", "--journal", Kind::text}}},
    {"api",
     {{"listen", "--api-listen", Kind::listen},
      {"token_file", "--api-token-file", Kind::text},
      {"token", "", Kind::text}}},  // never an option (argv is public): see config_options
};

// The top level: the sections above, "devices", and the pool client's own sections.
constexpr const char* kTopLevel =
    "log, devices, cpu, gpu, watchdog, mining, pools, pool_strategy, node, api";

[[noreturn]] void refuse(const std::string& path, const std::string& key, const json& value,
                         const std::string& allowed) {
  throw UsageError("config " + path + ": " + key + ": " + value.dump().substr(0, 120) +
                   " is not allowed (" + allowed + ")");
}

std::string text_of(const json& v, const std::string& path, const std::string& key) {
  if (!v.is_string() || v.get<std::string>().empty()) refuse(path, key, v, "a non-empty string");
  return v.get<std::string>();
}

// The values `v` stands for as arguments of its option; empty: leave the option out.
std::vector<std::string> values_of(const Key& k, const json& v, const std::string& path,
                                   const std::string& key) {
  switch (k.kind) {
    case Kind::text:
      return {text_of(v, path, key)};
    case Kind::number:
      if (!v.is_number()) refuse(path, key, v, "a number");
      return {v.dump()};
    case Kind::integer:
      if (!v.is_number_unsigned()) refuse(path, key, v, "a whole number >= 0");
      return {v.dump()};
    case Kind::flag:
    case Kind::no_flag:
      if (!v.is_boolean()) refuse(path, key, v, "true or false");
      if (v.get<bool>() == (k.kind == Kind::flag)) return {"true"};
      return {};
    case Kind::list:
    case Kind::repeated: {
      if (k.kind == Kind::list && v.is_string()) return {text_of(v, path, key)};
      const std::string allowed = k.kind == Kind::list
                                      ? "a non-empty string or array of non-empty strings"
                                      : "an array of non-empty strings";
      if (!v.is_array() || v.empty()) refuse(path, key, v, allowed);
      std::vector<std::string> items;
      for (const json& item : v) {
        if (!item.is_string() || item.get<std::string>().empty()) refuse(path, key, v, allowed);
        items.push_back(item.get<std::string>());
      }
      if (k.kind == Kind::repeated) return items;
      std::string joined;
      for (const std::string& item : items)
        joined += (joined.empty() ? "" : ",") + item;
      return {joined};
    }
    case Kind::size:
      if (v.is_number_unsigned()) return {v.dump()};
      if (v.is_string() && !v.get<std::string>().empty()) return {v.get<std::string>()};
      refuse(path, key, v, "a size such as \"10M\", or a number of bytes");
    case Kind::listen:
      if (v.is_number_unsigned()) return {v.dump()};
      if (v.is_string() && !v.get<std::string>().empty()) return {v.get<std::string>()};
      refuse(path, key, v, "\"HOST:PORT\" or a port number");
  }
  return {};
}

const Section* section_named(const std::string& name) {
  for (const Section& s : kSections) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

void add(ConfigOptions& out, const Key& k, const std::string& key,
         std::vector<std::string> values) {
  if (values.empty() || *k.option == '\0') return;
  out.options.emplace_back(k.option, std::move(values));
  out.keys.emplace_back(k.option, key);
}

void read_section(const Section& section, const json& object, const std::string& path,
                  ConfigOptions& out) {
  if (!object.is_object()) refuse(path, section.name, object, "an object");
  for (const auto& [name, value] : object.items()) {
    const std::string key = std::string(section.name) + "." + name;
    const Key* found = nullptr;
    std::string known;
    for (const Key& k : section.keys) {
      if (name == k.name) found = &k;
      known += (known.empty() ? "" : ", ") + std::string(k.name);
    }
    if (!found) {
      throw UsageError("config " + path + ": " + key + ": unknown key (known: " + known + ")");
    }
    add(out, *found, key, values_of(*found, value, path, key));
  }
}

}  // namespace

json read_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("config " + path + ": cannot open it");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parse_config_text(text, path);
}

json parse_config_text(std::string_view text, const std::string& path) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // says where: line and column
    throw UsageError("config " + path + ": not valid JSON: " + e.what());
  }
  if (!root.is_object()) throw UsageError("config " + path + ": expected a JSON object {...}");
  return root;
}

ConfigOptions config_options(const json& root, const std::string& path) {
  ConfigOptions out;
  for (const auto& [name, value] : root.items()) {
    if (const Section* section = section_named(name)) {
      read_section(*section, value, path, out);
    } else if (name == "devices") {
      const Key devices{"devices", "--devices", Kind::list};
      add(out, devices, name, values_of(devices, value, path, name));
    } else if (name == "pools") {
      out.has_pools = true;  // stratum::parse_pools checks it, naming pools[i].key
    } else if (name == "pool_strategy") {
      // stratum::apply_pool_strategy checks it
    } else {
      throw UsageError("config " + path + ": " + name + ": unknown key (known: " + kTopLevel + ")");
    }
  }
  if (const auto api = root.find("api"); api != root.end() && api->contains("token")) {
    const json& token = (*api)["token"];
    const std::string t = text_of(token, path, "api.token");
    if (t.size() < 16) {
      throw UsageError("config " + path + ": api.token: has " + std::to_string(t.size()) +
                       " characters; use at least 16 (e.g. openssl rand -hex 32)");
    }
    if (api->contains("token_file"))
      throw UsageError("config " + path + ": api.token and api.token_file: choose one");
    if (const std::string open = open_to_others(path); !open.empty()) {
      throw UsageError("config " + path + ": api.token: the file holds the API token, and " + open +
                       "; or move the token to api.token_file");
    }
    out.api_token = t;
  }
  return out;
}

std::string config_key_message(const std::string& message, const ConfigOptions& config,
                               const std::string& path) {
  for (const auto& [option, key] : config.keys) {
    if (message.size() > option.size() && message.compare(0, option.size(), option) == 0 &&
        (message[option.size()] == ':' || message[option.size()] == ' ')) {
      std::string rest = message.substr(option.size());
      if (rest[0] == ' ') rest = ":" + rest;
      return "config " + path + ": " + key + rest;
    }
  }
  return message;
}

std::string example_config() {
  return R"({
  "log": {"level": "info", "syslog": false},
  "devices": "cpu,cuda,opencl",
  "cpu": {"kernel": "auto", "per_pu": false, "pin": true, "batch_ms": 1},
  "gpu": {"launch_ms": 50},
  "watchdog": {"stall_s": 5, "restarts": 3},
  "mining": {"status_interval_s": 10},
  "pools": [
    {"name": "main", "url": "stratum+ssl://pool.example.com:4443", "user": "rig1.worker",
     "pass": "x", "priority": 0},
    {"name": "backup", "url": "stratum+tcp://backup.example.net:3333", "user": "rig1.worker",
     "pass": "x", "priority": 1}
  ],
  "pool_strategy": {"mode": "failover", "failed_connects_before_switch": 3,
                    "switch_back_after_s": 60},
  "api": {"listen": "127.0.0.1:4028"}
}
)";
}

}  // namespace hashrig::host
