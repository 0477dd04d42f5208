// The HTTP API of the real hashrig, over real loopback connections: every read endpoint's
// document, the Prometheus text read by a strict parser, the token rules, malformed and oversized
// requests, and pause / resume seen in the counters.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "api_test_support.h"
#include "cli_run.h"
#include "prometheus_parser.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using test::ApiProcess;
using test::HttpReply;

// A job-file miner with shares often enough to show up (difficulty 1/4096).
std::vector<std::string> job_file_options() {
  return {"--job-file", test::kRecordedJobFile, "--difficulty", "0.00025", "--threads", "1"};
}

nlohmann::json error_of(const HttpReply& r) {
  const nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_TRUE(j.at("error").is_string()) << r.body;
  return j;
}

TEST(ApiHttp, ReadEndpointsDescribeTheRunningMiner) {
  ApiProcess hashrig(job_file_options());
  std::this_thread::sleep_for(1500ms);  // a few samples and shares

  const nlohmann::json summary = hashrig.get_json("/api/v1/summary");
  EXPECT_EQ(summary.at("mode"), "job-file");
  EXPECT_EQ(summary.at("paused"), false);
  EXPECT_GT(summary.at("uptime_s").get<double>(), 1.0);
  EXPECT_GT(summary.at("hashes").get<std::uint64_t>(), 0u);
  EXPECT_GT(summary.at("hashrate").at("5s").get<double>(), 0);
  for (const char* k : {"verified", "accepted", "rejected", "stale", "unrouted"})
    EXPECT_TRUE(summary.at("shares").contains(k)) << k;
  EXPECT_EQ(summary.at("devices").at("total"), 1);
  EXPECT_EQ(summary.at("devices").at("hashing"), 1);
  EXPECT_NE(summary.at("job").get<std::string>().find("from job-file"), std::string::npos);
  EXPECT_NEAR(summary.at("difficulty").get<double>(), 0.00025, 1e-9);

  const nlohmann::json devices = hashrig.get_json("/api/v1/devices");
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].at("id"), "cpu#0");
  EXPECT_EQ(devices[0].at("kind"), "cpu");
  EXPECT_EQ(devices[0].at("state"), "hashing");
  EXPECT_GT(devices[0].at("hashes").get<std::uint64_t>(), 0u);
  EXPECT_TRUE(devices[0].at("temperature_c").is_null());  // a CPU: NVML has nothing to say

  const nlohmann::json pools = hashrig.get_json("/api/v1/pools");
  EXPECT_TRUE(pools.at("pools").empty());

  const nlohmann::json shares = hashrig.get_json("/api/v1/shares?limit=3");
  ASSERT_FALSE(shares.empty()) << "no share in 1.5 s at difficulty 1/4096";
  EXPECT_LE(shares.size(), 3u);
  EXPECT_EQ(shares[0].at("source"), "job-file");
  EXPECT_EQ(shares[0].at("result"), "logged");
  EXPECT_EQ(shares[0].at("nonce").get<std::string>().size(), 8u);
  EXPECT_GE(shares[0].at("difficulty").get<double>(), 0.00025);

  EXPECT_TRUE(hashrig.get_json("/api/v1/blocks").empty());  // no node, no journal
}

TEST(ApiHttp, MetricsAreValidPrometheusText) {
  ApiProcess hashrig(job_file_options());
  std::this_thread::sleep_for(1500ms);
  const HttpReply r = test::http_get(hashrig.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const test::PromExposition m = test::parse_prometheus(r.body);

  EXPECT_EQ(m.family("hashrig_hashes_total").type, "counter");
  EXPECT_GT(m.value("hashrig_hashes_total", {{"device", "cpu#0"}}), 0);
  EXPECT_EQ(m.family("hashrig_hashrate_hashes_per_second").type, "gauge");
  for (const char* window : {"5s", "60s", "15m"}) {
    EXPECT_GT(
        m.value("hashrig_hashrate_hashes_per_second", {{"device", "cpu#0"}, {"window", window}}), 0)
        << window;
  }
  EXPECT_EQ(m.value("hashrig_hardware_errors_total", {{"device", "cpu#0"}}), 0);
  EXPECT_EQ(m.value("hashrig_device_state", {{"device", "cpu#0"}, {"state", "hashing"}}), 1);
  EXPECT_EQ(m.value("hashrig_device_state", {{"device", "cpu#0"}, {"state", "failed"}}), 0);
  for (const char* result : {"accepted", "rejected", "stale"})
    EXPECT_EQ(m.family("hashrig_shares_total").type, "counter") << result;
  EXPECT_EQ(m.value("hashrig_shares_total", {{"result", "rejected"}}), 0);
  EXPECT_GT(m.value("hashrig_uptime_seconds"), 1.0);
  EXPECT_EQ(m.value("hashrig_paused"), 0);
  EXPECT_NEAR(m.value("hashrig_job_difficulty"), 0.00025, 1e-9);
  EXPECT_EQ(m.value("hashrig_build_info", {{"mode", "job-file"}}), 1);
  EXPECT_EQ(m.families.count("hashrig_pool_up"), 0u);  // no pools
  for (const auto& [name, family] : m.families) {
    EXPECT_TRUE(name.starts_with("hashrig_")) << name;
    EXPECT_FALSE(family.help.empty()) << name;
    if (family.type == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    }
  }
}

TEST(ApiHttp, WithoutATokenTheApiIsReadOnly) {
  ApiProcess hashrig(job_file_options());
  for (const char* path :
       {"/api/v1/pause", "/api/v1/resume", "/api/v1/pools/switch", "/api/v1/pools/reload"}) {
    const HttpReply r = hashrig.post(path, test::kApiToken);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_NE(error_of(r).at("error").get<std::string>().find("read-only"), std::string::npos);
  }
  EXPECT_EQ(hashrig.get_json("/api/v1/summary").at("paused"), false);
}

TEST(ApiHttp, ControlsNeedTheBearerTokenAndPauseStopsHashing) {
  const std::string token_file = test::write_token_file(test::kApiToken);
  std::vector<std::string> options = job_file_options();
  options.insert(options.end(), {"--api-token-file", token_file});
  ApiProcess hashrig(options);

  HttpReply r = hashrig.post("/api/v1/pause");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer realm=\"hashrig\"");
  r = hashrig.post("/api/v1/pause", "0123456789abcdef0123456789abcdeX");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_of(r).at("error"), "wrong token");
  r = test::http_request(hashrig.port(),
                         {"POST", "/api/v1/pause", {{"Authorization", test::kApiToken}}, ""});
  EXPECT_EQ(r.status, 401) << "a token without the Bearer scheme";
  EXPECT_EQ(hashrig.get_json("/api/v1/summary").at("paused"), false);

  r = hashrig.post("/api/v1/pause", test::kApiToken);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body).at("changed"), true);
  EXPECT_EQ(
      nlohmann::json::parse(hashrig.post("/api/v1/pause", test::kApiToken).body).at("changed"),
      false);
  std::this_thread::sleep_for(300ms);  // the workers reach their batch boundary
  const auto hashes = [&] {
    return hashrig.get_json("/api/v1/summary").at("hashes").get<std::uint64_t>();
  };
  const std::uint64_t paused_at = hashes();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(hashes(), paused_at) << "hashing went on while paused";
  nlohmann::json summary = hashrig.get_json("/api/v1/summary");
  EXPECT_EQ(summary.at("paused"), true);
  EXPECT_EQ(hashrig.get_json("/api/v1/devices")[0].at("state"), "paused");

  ASSERT_EQ(hashrig.post("/api/v1/resume", test::kApiToken).status, 200);
  std::this_thread::sleep_for(500ms);
  EXPECT_GT(hashes(), paused_at) << "hashing did not resume";
  EXPECT_EQ(hashrig.get_json("/api/v1/summary").at("paused"), false);

  // No pools here: switching and reloading are refused for what they are.
  r = hashrig.post("/api/v1/pools/switch", test::kApiToken, R"({"pool": "pool2"})");
  EXPECT_EQ(r.status, 409) << r.body;
  r = hashrig.post("/api/v1/pools/reload", test::kApiToken);
  EXPECT_EQ(r.status, 409) << r.body;
  r = hashrig.post("/api/v1/pools/switch", test::kApiToken, "{not json");
  EXPECT_EQ(r.status, 400) << r.body;
  r = hashrig.post("/api/v1/pools/switch", test::kApiToken, R"({"pool": []})");
  EXPECT_EQ(r.status, 400) << r.body;
  std::filesystem::remove(token_file);
}

TEST(ApiHttp, WrongPathsMethodsAndQueriesGetJsonErrors) {
  ApiProcess hashrig(job_file_options());
  const std::uint16_t port = hashrig.port();
  HttpReply r = test::http_get(port, "/api/v1/nothing");
  EXPECT_EQ(r.status, 404);
  error_of(r);
  EXPECT_EQ(test::http_get(port, "/").status, 404);
  r = test::http_request(port, {"POST", "/api/v1/summary", {}, ""});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET");
  r = test::http_get(port, "/api/v1/pause");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "POST");
  EXPECT_EQ(test::http_request(port, {"DELETE", "/metrics", {}, ""}).status, 405);
  for (const char* q : {"?limit=0", "?limit=1001", "?limit=x", "?limit=", "?colour=red"}) {
    r = test::http_get(port, std::string("/api/v1/shares") + q);
    EXPECT_EQ(r.status, 400) << q;
    error_of(r);
  }
  EXPECT_EQ(test::http_get(port, "/api/v1/summary?x=1").status, 400);
}

TEST(ApiHttp, MalformedAndOversizedRequestsAreRefusedAndTheServerGoesOn) {
  ApiProcess hashrig(job_file_options());
  const std::uint16_t port = hashrig.port();
  const auto status_of = [](const std::string& raw) {
    return raw.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(raw.substr(9, 3)) : 0;
  };
  std::string raw = test::http_raw(port, "HELLO THERE\r\n\r\n");
  EXPECT_EQ(status_of(raw), 400) << raw;
  EXPECT_NE(raw.find("\"error\""), std::string::npos) << raw;
  raw = test::http_raw(port, "GET /api/v1/summary HTTP/1.1\r\nHost x\r\n\r\n");
  EXPECT_EQ(status_of(raw), 400) << raw;
  raw =
      test::http_raw(port, "GET /api/v1/summary HTTP/1.1\r\nHost: x\r\nContent-Length: -4\r\n\r\n");
  EXPECT_EQ(status_of(raw), 400) << raw;

  std::string many = "GET /api/v1/summary HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i)
    many += "X-Field-" + std::to_string(i) + ": y\r\n";
  raw = test::http_raw(port, many + "\r\n");
  EXPECT_EQ(status_of(raw), 431) << raw;

  raw = test::http_raw(port, "GET /api/v1/summary HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                 std::string(10000, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_of(raw), 431) << raw;

  raw = test::http_raw(port,
                       "POST /api/v1/pause HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                           std::string(100000, 'a'));
  EXPECT_EQ(status_of(raw), 413) << raw;

  // A path that is not UTF-8 is echoed in the error with U+FFFD for each bad byte (found by the
  // api_request fuzz target: the JSON writer threw, and the client got no answer at all).
  raw = test::http_raw(port, "GET /api/v1/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(raw), 404) << raw;
  const std::size_t body = raw.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos) << raw;
  EXPECT_EQ(nlohmann::json::parse(raw.substr(body + 4)).at("error"),
            "no such path: /api/v1/\xef\xbf\xbd\xef\xbf\xbd");

  // Still serving, and still mining (the counters are sampled once a second).
  std::uint64_t hashes = 0;
  for (int i = 0; i < 50 && hashes == 0; ++i) {
    std::this_thread::sleep_for(100ms);
    hashes = hashrig.get_json("/api/v1/summary").at("hashes").get<std::uint64_t>();
  }
  EXPECT_GT(hashes, 0u);
}

TEST(ApiHttp, KeepAliveServesSeveralRequestsOnOneConnection) {
  ApiProcess hashrig(job_file_options());
  const std::string get = "GET /api/v1/summary HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string last = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string raw = test::http_raw(hashrig.port(), get + get + last);
  std::size_t answers = 0;
  for (std::size_t at = raw.find("HTTP/1.1 200"); at != std::string::npos;
       at = raw.find("HTTP/1.1 200", at + 1))
    ++answers;
  EXPECT_EQ(answers, 3u) << raw;
}

TEST(ApiStartup, BadApiOptionsStopStartUpNamingTheOption) {
  namespace fs = std::filesystem;
  const std::string short_token = test::write_token_file("short");
  // Token files other users can read or change, as ssh refuses its keys.
  const std::string readable = test::write_token_file(test::kApiToken, "readable-token");
  fs::permissions(readable, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);
  const std::string writable = test::write_token_file(test::kApiToken, "writable-token");
  fs::permissions(writable,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_write);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"--api-listen", "0.0.0.0:0"}, "not a loopback address"},
      {{"--api-listen", "[::]:0"}, "not a loopback address"},
      {{"--api-listen", "127.0.0.1:70000"}, "the port must be a number from 0 to 65535"},
      {{"--api-listen", "example.com:80"}, "is not an IP address"},
      {{"--api-listen", "::1:80"}, "[ADDRESS]:PORT"},
      {{"--api-listen", "0", "--api-token-file", "/nonexistent/token"}, "cannot read"},
      {{"--api-listen", "0", "--api-token-file", short_token}, "at least 16"},
      {{"--api-token-file", short_token}, "only with --api-listen"},
      {{"--api-listen", "0", "--api-token-file", readable},
       readable + " holds the API token, and every user can read it (mode 0644; chmod o-rwx " +
           readable + ")"},
      {{"--api-listen", "0", "--api-token-file", writable}, "every user can change it (mode 0602;"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"mine", "--job-file", test::kRecordedJobFile, "--duration",
                                     "1"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const test::CliRun r = test::run_cli(args);
    EXPECT_EQ(r.status, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in\n"
                                                        << r.err;
  }
  const test::CliRun r = test::run_cli({"bench", "--api-listen", "0"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--api-listen: only when mining"), std::string::npos) << r.err;
  for (const std::string& f : {short_token, readable, writable})
    fs::remove(f);
}

TEST(ApiStartup, ANonLoopbackAddressWithATokenIsServedAndABusyPortIsAnError) {
  const std::string token_file = test::write_token_file(test::kApiToken);
  test::ServerProcess open(
      HASHRIG_BINARY,
      {"mine", "--job-file", test::kRecordedJobFile, "--threads", "1", "--api-listen", "0.0.0.0:0",
       "--api-token-file", token_file, "--status-interval", "0"},
      std::chrono::seconds(60), test::ServerProcess::Stderr::merged);
  ASSERT_TRUE(open.wait_for_line("listening on http://0.0.0.0:"));

  ApiProcess first(job_file_options());
  const std::string taken = "127.0.0.1:" + std::to_string(first.port());
  const test::CliRun r =
      test::run_cli({"mine", "--job-file", test::kRecordedJobFile, "--api-listen", taken});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("cannot listen on " + taken), std::string::npos) << r.err;
  std::filesystem::remove(token_file);
}

TEST(ApiHttp, SigtermWithTheApiOnStillExitsCleanly) {
  ApiProcess hashrig(job_file_options());
  ASSERT_EQ(test::http_get(hashrig.port(), "/api/v1/summary").status, 200);
  hashrig.process().signal(SIGTERM);
  EXPECT_EQ(hashrig.process().wait(), 0);
}

}  // namespace
}  // namespace hashrig
