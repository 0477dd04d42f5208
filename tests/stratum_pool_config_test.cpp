// The pool client's config sections: a full example parses into the client's options; each bad
// value is refused naming the key path, the value and what is allowed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "stratum/pool_config.h"

namespace hashrig {
namespace {

TEST(PoolConfig, AFullExampleParses) {
  const auto pools = nlohmann::json::parse(R"([
    {"url": "stratum+ssl://Pool.Example:4443", "user": "rig1", "pass": "p", "priority": 5,
     "quota": 2.5, "name": "main", "extranonce_subscribe": false, "suggest_difficulty": 64,
     "tls": {"fingerprint": ")" + std::string(64, 'a') +
                                           R"("}},
    {"url": "stratum+tcp://backup.example:3333", "user": "rig1",
     "tls": {"ca_file": "/etc/ssl/extra.pem", "insecure": false}}
  ])");
  const std::vector<stratum::PoolSettings> p = stratum::parse_pools(pools);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].entry.url.transport, stratum::Transport::tls);
  EXPECT_EQ(p[0].entry.url.host, "pool.example");
  EXPECT_EQ(p[0].entry.priority, 5);
  EXPECT_EQ(p[0].entry.quota, 2.5);
  EXPECT_EQ(p[0].entry.name, "main");
  EXPECT_TRUE(p[0].tls.fingerprint);
  EXPECT_FALSE(p[0].extranonce_subscribe);
  EXPECT_EQ(p[0].suggest_difficulty, 64);
  EXPECT_TRUE(p[1].extranonce_subscribe);
  EXPECT_FALSE(p[1].suggest_difficulty);
  EXPECT_EQ(p[1].entry.pass, "x");
  EXPECT_EQ(p[1].entry.priority, 1);
  EXPECT_EQ(p[1].entry.name, "pool2");
  EXPECT_EQ(p[1].tls.ca_file, "/etc/ssl/extra.pem");

  stratum::ClientOptions o;
  stratum::apply_pool_strategy(nlohmann::json::parse(R"({"mode": "load-balance",
      "failed_connects_before_switch": 5, "switch_back_after_s": 30, "quota_period_s": 120,
      "job_timeout_s": 90, "connect_timeout_s": 4.5, "backoff_max_s": 20})"),
                               o);
  EXPECT_TRUE(o.load_balance);
  EXPECT_EQ(o.strategy.failed_connects_before_switch, 5u);
  EXPECT_EQ(o.strategy.switch_back_after, std::chrono::seconds(30));
  EXPECT_EQ(o.strategy.quota_period, std::chrono::seconds(120));
  EXPECT_EQ(o.job_timeout, std::chrono::seconds(90));
  EXPECT_EQ(o.connect_timeout, std::chrono::milliseconds(4500));
  EXPECT_EQ(o.backoff_max, std::chrono::seconds(20));
}

struct BadPools {
  const char* text;
  const char* message;
};

class PoolConfigRefuses : public ::testing::TestWithParam<BadPools> {};

TEST_P(PoolConfigRefuses, NamingTheKey) {
  try {
    stratum::parse_pools(nlohmann::json::parse(GetParam().text));
    FAIL() << "accepted " << GetParam().text;
  } catch (const core::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PoolConfigRefuses,
    ::testing::Values(
        BadPools{R"([])", "pools: [] is not allowed (an array of at least one pool)"},
        BadPools{R"({"url": "x"})", "pools: "},
        BadPools{R"([{"user": "u"}])", "pools[0].url: missing"},
        BadPools{R"([{"url": "stratum+tcp://a:1"}])", "pools[0].user: missing"},
        BadPools{R"([{"url": "http://a:1", "user": "u"}])", "pools[0].url: pool URL"},
        BadPools{R"([{"url": 5, "user": "u"}])", "pools[0].url: 5 is not allowed"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": ""}])", "pools[0].user"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u", "usr": "v"}])",
                 "pools[0].usr: unknown key"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u", "quota": -2}])",
                 "pools[0].quota: -2 is not allowed"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u", "priority": 1.5}])",
                 "pools[0].priority"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u", "tls": {"fingerprint": "ab"}}])",
                 "pools[0].tls.fingerprint"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u", "tls": {"insecure": "yes"}}])",
                 "pools[0].tls.insecure"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u", "tls": {"verify": false}}])",
                 "pools[0].tls.verify: unknown key"},
        BadPools{R"([{"url": "stratum+tcp://a:1", "user": "u"}, 7])", "pools[1]: 7"}));

TEST(PoolConfig, StrategyMistakesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"mode": "round-robin"})", "pool_strategy.mode"},
      {R"({"failed_connects_before_switch": 0})", "pool_strategy.failed_connects_before_switch"},
      {R"({"switch_back_after_s": -1})", "pool_strategy.switch_back_after_s"},
      {R"({"job_timeout_s": "soon"})", "pool_strategy.job_timeout_s"},
      {R"({"backoff": 3})", "pool_strategy.backoff: unknown key"},
  };
  for (const auto& [text, message] : cases) {
    stratum::ClientOptions o;
    try {
      stratum::apply_pool_strategy(nlohmann::json::parse(text), o);
      ADD_FAILURE() << "accepted " << text;
    } catch (const core::ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace hashrig
