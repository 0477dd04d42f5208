// hashrig_fuzz_seeds FIXTURES_DIR OUT_DIR: writes each fuzz target's seed inputs, taken from the
// data recorded from a real pool and node (../shared/fixtures/gbt), into OUT_DIR/<target>/:
//   stratum_message   every line of the ckpool transcripts, both directions
//   stratum_session   what the pool sent in each transcript, as one input
//   stratum_notify    the params of each mining.notify the pool sent
//   gbt_template      each getblocktemplate result the node answered
//   payout_address    each payout address and miner address the fixtures used
//   config            the example config, and one with the recorded pool and payout
//   api_request       a request to every route, with and without the token, pipelined
// Prints how many seeds it wrote per target. Exit 1 when the fixtures cannot be read.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/config_file.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::map<std::string, int> g_count;

void seed(const fs::path& out, const std::string& target, const std::string& name,
          const std::string& bytes) {
  fs::create_directories(out / target);
  std::ofstream(out / target / name, std::ios::binary) << bytes;
  ++g_count[target];
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return json::parse(in);
}

void stratum_seeds(const fs::path& file, const fs::path& out, std::string& miner_user) {
  const json fixture = read_json(file);
  const std::string stem = file.stem().string();
  std::string from_pool;
  int n = 0;
  for (const json& entry : fixture.at("transcript")) {
    const std::string line = entry.at("line").get<std::string>();
    seed(out, "stratum_message", stem + "-" + std::to_string(n++), line);
    if (entry.at("dir") != "recv") {
      const json sent = json::parse(line);
      if (sent.value("method", "") == "mining.authorize")
        miner_user = sent.at("params").at(0).get<std::string>();
      continue;
    }
    from_pool += line + "\n";
    const json message = json::parse(line);
    if (message.value("method", "") == "mining.notify")
      seed(out, "stratum_notify", stem + "-" + std::to_string(n), message.at("params").dump());
  }
  seed(out, "stratum_session", stem, from_pool);
}

std::vector<std::string> api_requests() {
  const std::string token = "Authorization: Bearer fuzz-token-0123456789abcdef\r\n";
  std::vector<std::string> out;
  for (const char* path : {"/api/v1/summary", "/api/v1/devices", "/api/v1/pools",
                           "/api/v1/shares?limit=5", "/api/v1/blocks", "/metrics"}) {
    out.push_back(std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1:4028\r\n\r\n");
  }
  for (const char* path : {"/api/v1/pause", "/api/v1/resume", "/api/v1/pools/reload"}) {
    out.push_back(std::string("POST ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + token +
                  "Content-Length: 0\r\n\r\n");
  }
  const std::string body = R"({"pool":"main"})";
  out.push_back("POST /api/v1/pools/switch HTTP/1.1\r\nHost: 127.0.0.1\r\n" + token +
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body);
  out.push_back("POST /api/v1/pause HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  out.push_back(
      "GET /api/v1/summary HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n"
      "Connection: close\r\n\r\n");
  out.push_back("POST /api/v1/pools/switch HTTP/1.1\r\n" + token +
                "Transfer-Encoding: chunked\r\n\r\nf\r\n" + body + "\r\n0\r\n\r\n");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hashrig_fuzz_seeds FIXTURES_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path fixtures = argv[1];
  const fs::path out = argv[2];
  try {
    std::string miner_user;
    std::vector<std::string> addresses;
    for (const auto& entry : fs::directory_iterator(fixtures / "gbt")) {
      const fs::path& file = entry.path();
      const std::string name = file.filename().string();
      if (file.extension() != ".json") continue;
      if (name.rfind("stratum-", 0) == 0) {
        stratum_seeds(file, out, miner_user);
      } else if (name.rfind("case", 0) == 0 || name.rfind("neg-", 0) == 0) {
        const json fixture = read_json(file);
        seed(out, "gbt_template", file.stem().string(),
             fixture.at("getblocktemplate_response").dump());
        if (fixture.at("payout_address").is_string())
          addresses.push_back(fixture["payout_address"].get<std::string>());
      }
    }
    if (!miner_user.empty()) addresses.push_back(miner_user.substr(0, miner_user.find('.')));
    for (std::size_t i = 0; i < addresses.size(); ++i)
      seed(out, "payout_address", "address-" + std::to_string(i), addresses[i]);

    seed(out, "config", "example", hashrig::host::example_config());
    json config = json::parse(hashrig::host::example_config());
    config["pools"] = json::array({{{"url", "stratum+tcp://127.0.0.1:3333"},
                                    {"user", miner_user},
                                    {"pass", "x"},
                                    {"name", "ckpool"},
                                    {"suggest_difficulty", 0.001}}});
    config["pool_strategy"] = {{"mode", "failover"}, {"job_timeout_s", 120}};
    if (!addresses.empty())
      config["node"] = {{"url", "http://127.0.0.1:18443"}, {"payout", addresses.front()}};
    seed(out, "config", "recorded", config.dump(2));

    const std::vector<std::string> requests = api_requests();
    for (std::size_t i = 0; i < requests.size(); ++i)
      seed(out, "api_request", "request-" + std::to_string(i), requests[i]);
  } catch (const std::exception& e) {
    std::cerr << "hashrig_fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  for (const auto& [target, n] : g_count)
    std::cout << target << ": " << n << " seeds\n";
  return 0;
}
