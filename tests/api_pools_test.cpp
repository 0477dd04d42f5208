// The pools through the API of the real hashrig, against two hashrig-test-pool processes over
// loopback: their state and shares in /api/v1/pools and the metrics, a switch by name, a reload of
// the config file's pool list (POST and SIGHUP), and recent shares with the pool's verdict.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "api_test_support.h"
#include "prometheus_parser.h"
#include "test_support.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct TestPool {
  test::ServerProcess process{HASHRIG_TEST_POOL_BINARY,
                              {"--difficulty", "0.0002", "--job-interval-ms", "2000"},
                              std::chrono::seconds(20)};
  std::uint16_t port = test::port_of(process.read_line());
};

std::string pool_json(const std::string& name, const TestPool& pool) {
  return R"({"name": ")" + name + R"(", "url": "stratum+tcp://127.0.0.1:)" +
         std::to_string(pool.port) + R"(", "user": "rig1"})";
}

class ApiPools : public ::testing::Test {
 protected:
  void SetUp() override {
    m_config =
        fs::temp_directory_path() / ("hashrig-api-pools-" + std::to_string(getpid()) + ".json");
    write_config({pool_json("main", m_main), pool_json("backup", m_backup)});
    m_hashrig.emplace(std::vector<std::string>{"-c", m_config.string()});
  }
  void TearDown() override {
    m_hashrig.reset();
    fs::remove(m_config);
    fs::remove(m_token);
  }
  void write_config(const std::vector<std::string>& pools) {
    std::string list;
    for (const std::string& p : pools)
      list += (list.empty() ? "" : ", ") + p;
    std::ofstream(m_config) << R"({"pools": [)" << list << R"(], "cpu": {"threads": 1},
      "api": {"token_file": ")"
                            << m_token << R"("}})";
  }
  nlohmann::json pool_named(const std::string& name) {
    const nlohmann::json pools = m_hashrig->get_json("/api/v1/pools");
    for (const auto& p : pools.at("pools")) {
      if (p.at("name") == name) return p;
    }
    return nullptr;
  }
  bool is_active_and_up(const std::string& name) {
    const nlohmann::json p = pool_named(name);
    return !p.is_null() && p.at("active") == true && p.at("state") == "up";
  }

  TestPool m_main, m_backup;
  const std::string m_token = test::write_token_file(test::kApiToken);
  fs::path m_config;
  std::optional<test::ApiProcess> m_hashrig;
};

TEST_F(ApiPools, ShowsThePoolsTheirSharesAndSwitchesByName) {
  test::ApiProcess& hashrig = *m_hashrig;
  ASSERT_TRUE(test::within(30s, [&] { return is_active_and_up("main"); }))
      << hashrig.get_json("/api/v1/pools").dump();
  nlohmann::json pools = hashrig.get_json("/api/v1/pools");
  EXPECT_EQ(pools.at("strategy"), "failover");
  ASSERT_EQ(pools.at("pools").size(), 2u);
  const nlohmann::json main = pool_named("main");
  EXPECT_EQ(main.at("url"), "stratum+tcp://127.0.0.1:" + std::to_string(m_main.port));
  EXPECT_EQ(main.at("user"), "rig1");
  EXPECT_NEAR(main.at("difficulty").get<double>(), 0.0002, 1e-12);
  EXPECT_FALSE(main.at("extranonce1").get<std::string>().empty());
  EXPECT_EQ(pool_named("backup").at("active"), false);

  // Shares reach the pool and come back accepted, per pool and in the recent list.
  ASSERT_TRUE(
      test::within(30s, [&] { return pool_named("main").at("shares").at("accepted") > 0; }));
  const nlohmann::json shares = hashrig.get_json("/api/v1/shares");
  ASSERT_FALSE(shares.empty());
  EXPECT_EQ(shares[0].at("source"), "main");
  EXPECT_EQ(shares[0].at("result"), "accepted");
  EXPECT_GE(shares[0].at("latency_ms").get<double>(), 0);

  test::HttpReply r =
      hashrig.post("/api/v1/pools/switch", test::kApiToken, R"({"pool": "backup"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(test::within(30s, [&] { return is_active_and_up("backup"); }));
  EXPECT_EQ(pool_named("main").at("active"), false);
  r = hashrig.post("/api/v1/pools/switch", test::kApiToken, R"({"pool": 1})");  // 1-based: main
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(test::within(30s, [&] { return is_active_and_up("main"); }))
      << hashrig.get_json("/api/v1/pools").dump();
  r = hashrig.post("/api/v1/pools/switch", test::kApiToken, R"({"pool": "nowhere"})");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("nowhere"), std::string::npos) << r.body;

  const test::PromExposition m =
      test::parse_prometheus(test::http_get(hashrig.port(), "/metrics").body);
  EXPECT_EQ(m.value("hashrig_pool_up", {{"pool", "main"}}), 1);
  EXPECT_EQ(m.value("hashrig_pool_active", {{"pool", "main"}}), 1);
  EXPECT_EQ(m.value("hashrig_pool_active", {{"pool", "backup"}}), 0);
  EXPECT_EQ(m.value("hashrig_pool_state", {{"pool", "main"}, {"state", "up"}}), 1);
  EXPECT_GT(m.value("hashrig_pool_shares_total", {{"pool", "main"}, {"result", "accepted"}}), 0);
  EXPECT_EQ(m.value("hashrig_pool_shares_total", {{"pool", "main"}, {"result", "rejected"}}), 0);
  EXPECT_NEAR(m.value("hashrig_pool_difficulty", {{"pool", "main"}}), 0.0002, 1e-12);
  EXPECT_EQ(m.family("hashrig_pool_reconnects_total").type, "counter");
}

TEST_F(ApiPools, ReloadReplacesThePoolListByPostAndBySighup) {
  test::ApiProcess& hashrig = *m_hashrig;
  ASSERT_TRUE(test::within(30s, [&] { return is_active_and_up("main"); }))
      << hashrig.get_json("/api/v1/pools").dump();
  TestPool third;
  write_config({pool_json("backup", m_backup), pool_json("third", third)});
  test::HttpReply r = hashrig.post("/api/v1/pools/reload", test::kApiToken);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body).at("pools"), nlohmann::json({"backup", "third"}));
  ASSERT_TRUE(test::within(30s, [&] { return is_active_and_up("backup"); }));
  EXPECT_TRUE(pool_named("main").is_null());
  EXPECT_FALSE(pool_named("third").is_null());

  write_config({pool_json("third", third)});
  hashrig.process().signal(SIGHUP);
  ASSERT_TRUE(test::within(30s, [&] { return is_active_and_up("third"); }));
  EXPECT_EQ(hashrig.get_json("/api/v1/pools").at("pools").size(), 1u);

  std::ofstream(m_config) << R"({"pools": []})";  // broken: refused, the pools stay
  r = hashrig.post("/api/v1/pools/reload", test::kApiToken);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("pools: [] is not allowed"), std::string::npos) << r.body;
  EXPECT_TRUE(is_active_and_up("third"));
  const auto summary = hashrig.get_json("/api/v1/summary");
  EXPECT_EQ(summary.at("pool"), "third");
  EXPECT_EQ(summary.at("shares").at("rejected"), 0);
}

}  // namespace
}  // namespace hashrig
