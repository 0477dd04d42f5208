// The Stratum v1 test pool (tests/pool/test_pool.h) over a real TCP socket, driven by the tiny
// blocking client in tests/pool/line_client.h:
//   - subscribe / authorize / set_difficulty / notify, and the notify parses with the project's
//     own parser (stratum::job_from_notify);
//   - a true share found by brute force with core::sha256d is accepted; a wrong nonce, a
//     duplicate, an unknown job, a stale job, a wrong extranonce2 size, a rolled ntime, version
//     bits outside the granted mask and a submit before authorize are each refused as documented;
//   - each job keeps the difficulty it was sent with; a non-clean job keeps older jobs valid;
//   - the pool-to-client messages, unknown methods and over-long lines.
// TLS, restarts, dropped connections, resumption and the separate program are in
// pool_server_process_test.cpp.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/bytes.h"
#include "core/target.h"
#include "pool_server_test_support.h"
#include "stratum/notify.h"

namespace hashrig::testpool {
namespace {

using nlohmann::json;
using test::Joined;

json error_of(int code, const std::string& text) {
  return json::array({code, text, nullptr});
}

class PoolServer : public ::testing::Test {
 protected:
  void start(TestPoolOptions options = test::fast_options()) {
    m_pool = std::make_unique<TestPool>(options);
    m_port = m_pool->start();
  }
  Joined join(std::optional<std::uint32_t> mask = std::nullopt) { return test::join(m_port, mask); }

  std::unique_ptr<TestPool> m_pool;
  std::uint16_t m_port = 0;
};

TEST_F(PoolServer, SubscribeAuthorizeThenDifficultyAndACleanJob) {
  start();
  LineClient client(m_port);
  const json sub = client.call("mining.subscribe", {"test-miner/1.0"});
  ASSERT_TRUE(sub["error"].is_null());
  const json& result = sub["result"];
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0][0][0], "mining.set_difficulty");
  EXPECT_EQ(result[0][1][0], "mining.notify");
  EXPECT_EQ(result[0][0][1], result[0][1][1]);
  EXPECT_EQ(core::from_hex(result[1].get<std::string>()).size(), 4u);
  EXPECT_EQ(result[2], 4);

  EXPECT_EQ(client.call("mining.authorize", {"alice.rig1", "secret"})["result"], true);
  const auto difficulty = client.next("mining.set_difficulty");
  ASSERT_TRUE(difficulty);
  EXPECT_EQ((*difficulty)["params"][0].get<double>(), 1e-5);
  const auto notify = client.next("mining.notify");
  ASSERT_TRUE(notify);
  const json& params = (*notify)["params"];
  ASSERT_EQ(params.size(), 9u);
  EXPECT_EQ(params[8], true);
  EXPECT_EQ(params[5], "20000000");
  EXPECT_EQ(params[6], "1d00ffff");

  stratum::SessionParams session;
  session.extranonce1 = core::from_hex(result[1].get<std::string>());
  session.extranonce2_size = 4;
  session.difficulty = 1e-5;
  const core::Job job = stratum::job_from_notify(params, session);
  EXPECT_EQ(job.share_target, core::target_from_difficulty(1e-5));
  EXPECT_LE(job.merkle_branch.size(), 3u);

  const PoolStats stats = m_pool->stats();
  EXPECT_EQ(stats.connections, 1u);
  EXPECT_EQ(stats.subscribes, 1u);
  EXPECT_EQ(stats.authorizes, 1u);
  EXPECT_EQ(stats.last_user_agent, "test-miner/1.0");
  EXPECT_EQ(stats.last_user, "alice.rig1");
  EXPECT_EQ(stats.last_password, "secret");
  EXPECT_EQ(stats.last_job_id, job.job_id);
  EXPECT_FALSE(m_pool->log().empty());
}

TEST_F(PoolServer, ATrueShareIsAcceptedAndRecorded) {
  start();
  Joined j = join();
  const json share = mine_share(j.job, 1);
  const json answer = j.client->call("mining.submit", share);
  EXPECT_EQ(answer["result"], true) << answer.dump();
  EXPECT_TRUE(answer["error"].is_null());
  const PoolStats stats = m_pool->stats();
  EXPECT_EQ(stats.accepted, 1u);
  ASSERT_EQ(stats.submits.size(), 1u);
  EXPECT_TRUE(stats.submits[0].accepted);
  EXPECT_EQ(stats.submits[0].params, share);
  EXPECT_EQ(stats.submits[0].difficulty, 1e-5);
  EXPECT_LE(core::Uint256::from_hex(stats.submits[0].hash), core::target_from_difficulty(1e-5));
}

TEST_F(PoolServer, AWrongNonceIsALowDifficultyShare) {
  start();
  Joined j = join();
  json share = mine_share(j.job, 1);
  // The next nonce that misses the target.
  std::uint32_t nonce = core::read_be32(core::from_hex(share[4].get<std::string>()).data());
  const core::Bytes en2 = core::from_hex(share[2].get<std::string>());
  const core::HeaderBytes header =
      core::build_header(j.job, core::job_merkle_root(j.job, en2), j.job.version, j.job.ntime);
  do {
    ++nonce;
  } while (core::hash_value(core::header_hash_with_nonce(header, nonce)) <= j.job.share_target);
  share[4] = hex32(nonce);
  EXPECT_EQ(j.client->call("mining.submit", share)["error"], error_of(23, "Low difficulty share"));
  EXPECT_EQ(m_pool->stats().rejected_by_reason.at("Low difficulty share"), 1u);
}

TEST_F(PoolServer, DuplicateUnknownJobAndUnauthorizedAreRefused) {
  start();
  Joined j = join();
  const json share = mine_share(j.job, 7);
  EXPECT_EQ(j.client->call("mining.submit", share)["result"], true);
  EXPECT_EQ(j.client->call("mining.submit", share)["error"], error_of(22, "Duplicate share"));
  json unknown = share;
  unknown[1] = "no-such-job";
  EXPECT_EQ(j.client->call("mining.submit", unknown)["error"], error_of(21, "Job not found"));

  LineClient stranger(m_port);
  stranger.call("mining.subscribe", json::array());
  EXPECT_EQ(stranger.call("mining.submit", share)["error"], error_of(24, "Unauthorized worker"));
  EXPECT_EQ(stranger.call("mining.submit", {"w", "x"})["error"], error_of(20, "Malformed submit"));
  const PoolStats stats = m_pool->stats();
  EXPECT_EQ(stats.accepted, 1u);
  EXPECT_EQ(stats.rejected, 4u);
}

TEST_F(PoolServer, ExtranonceSizeAndNtimeAreChecked) {
  start();
  Joined j = join();
  json share = mine_share(j.job, 3);
  json short_en2 = share;
  short_en2[2] = "000003";
  EXPECT_EQ(j.client->call("mining.submit", short_en2)["error"],
            error_of(20, "Invalid extranonce2 size"));
  json rolled = share;
  rolled[3] = hex32(j.job.ntime + 1);  // ntime_roll is 0
  EXPECT_EQ(j.client->call("mining.submit", rolled)["error"], error_of(20, "Ntime out of range"));
  EXPECT_EQ(j.client->call("mining.submit", share)["result"], true);
}

TEST_F(PoolServer, ACleanJobMakesOlderJobsStaleANonCleanOneDoesNot) {
  start();
  Joined j = join();
  const core::Job first = j.job;
  const std::string second_id = m_pool->send_job(false);
  const core::Job second = test::next_job(j);
  EXPECT_EQ(second.job_id, second_id);
  EXPECT_EQ(second.prev_hash, first.prev_hash);  // same block
  EXPECT_FALSE(second.clean);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(first, 1))["result"], true);

  m_pool->send_job(true);
  const core::Job third = test::next_job(j);
  EXPECT_TRUE(third.clean);
  EXPECT_NE(third.prev_hash, first.prev_hash);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(first, 2))["error"], error_of(21, "Stale"));
  EXPECT_EQ(j.client->call("mining.submit", mine_share(second, 2))["error"], error_of(21, "Stale"));
  EXPECT_EQ(j.client->call("mining.submit", mine_share(third, 2))["result"], true);
  EXPECT_EQ(m_pool->stats().rejected_by_reason.at("Stale"), 2u);
}

TEST_F(PoolServer, EachJobKeepsTheDifficultyItWasSentWith) {
  start();
  Joined j = join();
  const core::Job easy = j.job;
  m_pool->set_difficulty(1e6);
  EXPECT_EQ((*j.client->next("mining.set_difficulty"))["params"][0].get<double>(), 1e6);
  m_pool->send_job(false);
  j.session.difficulty = 1e6;
  const core::Job hard = test::next_job(j);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(easy, 1))["result"], true);
  // A share good enough for 1e-5 is not one for 1e6 (the same header, under the hard job).
  core::Job hard_as_easy = hard;
  hard_as_easy.share_target = core::target_from_difficulty(1e-5);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(hard_as_easy, 1))["error"],
            error_of(23, "Low difficulty share"));
  const PoolStats stats = m_pool->stats();
  EXPECT_EQ(stats.difficulty, 1e6);
  EXPECT_EQ(stats.submits.back().difficulty, 1e6);
}

TEST_F(PoolServer, VersionRollingInsideTheGrantedMaskOnly) {
  start();
  Joined j = join(0xffffffffu);  // asks for everything, gets the pool's 1fffe000
  EXPECT_EQ(j.session.version_mask, 0x1fffe000u);
  EXPECT_EQ(j.job.version_mask, 0x1fffe000u);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(j.job, 1, 0x00ffe000u))["result"], true);
  json outside = mine_share(j.job, 2, 0x00002000u);
  outside[5] = "00001000";
  EXPECT_EQ(j.client->call("mining.submit", outside)["error"],
            error_of(20, "Invalid version bits"));
  EXPECT_EQ(m_pool->stats().configures, 1u);
}

TEST_F(PoolServer, VersionRollingRefusedWhenThePoolOffersNone) {
  TestPoolOptions options = test::fast_options();
  options.version_rolling_mask = 0;
  start(options);
  LineClient client(m_port);
  const json answer =
      client.call("mining.configure",
                  {{"version-rolling"},
                   {{"version-rolling.mask", "1fffe000"}, {"version-rolling.min-bit-count", 2}}});
  EXPECT_EQ(answer["result"], json({{"version-rolling", false}}));
}

TEST_F(PoolServer, ExtranonceChangesApplyToTheNextJob) {
  start();
  Joined j = join();
  m_pool->set_extranonce("deadbeef01", 3);
  const auto set = j.client->next("mining.set_extranonce");
  ASSERT_TRUE(set);
  EXPECT_EQ((*set)["params"], json({"deadbeef01", 3}));
  m_pool->send_job(false);
  j.session.extranonce1 = core::from_hex("deadbeef01");
  j.session.extranonce2_size = 3;
  const core::Job job = test::next_job(j);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(job, 5))["result"], true);
}

TEST_F(PoolServer, PoolToClientMessagesAndTheAnswersItRecords) {
  start();
  Joined j = join(0x1fffe000u);
  m_pool->set_version_mask(0x00ffe000u);
  EXPECT_EQ((*j.client->next("mining.set_version_mask"))["params"], json({"00ffe000"}));
  m_pool->send_reconnect("127.0.0.1", 3333, 5);
  EXPECT_EQ((*j.client->next("client.reconnect"))["params"], json({"127.0.0.1", 3333, 5}));
  m_pool->send_show_message("hello miner");
  EXPECT_EQ((*j.client->next("client.show_message"))["params"], json({"hello miner"}));

  m_pool->send_get_version();
  const auto get_version = j.client->next("client.get_version");
  ASSERT_TRUE(get_version);
  j.client->send({{"id", (*get_version)["id"]}, {"result", "hashrig/0.1"}, {"error", nullptr}});
  m_pool->send_ping();
  const auto ping = j.client->next("mining.ping");
  ASSERT_TRUE(ping);
  j.client->send({{"id", (*ping)["id"]}, {"result", "pong"}, {"error", nullptr}});
  ASSERT_TRUE(m_pool->wait_for(
      [](const PoolStats& s) { return !s.get_version_answers.empty() && !s.ping_answers.empty(); },
      std::chrono::seconds(5)));
  EXPECT_EQ(m_pool->stats().get_version_answers[0]["result"], "hashrig/0.1");
  EXPECT_EQ(m_pool->stats().ping_answers[0]["result"], "pong");

  m_pool->send_raw(
      "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"broken\"]}\nnot json\n");
  EXPECT_EQ(j.client->read_line(),
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"broken\"]}");
  EXPECT_EQ(j.client->read_line(), "not json");

  EXPECT_EQ(j.client->call("mining.extranonce.subscribe", json::array())["result"], true);
  EXPECT_EQ(j.client->call("mining.suggest_difficulty", {0.5})["result"], true);
  EXPECT_EQ(m_pool->stats().last_suggested_difficulty, 0.5);
}

TEST_F(PoolServer, UnknownMethodsAreAnsweredWithAnError) {
  start();
  LineClient client(m_port);
  EXPECT_EQ(client.call("mining.frobnicate", json::array())["error"],
            error_of(20, "Unknown method"));
  EXPECT_EQ(m_pool->stats().unknown_methods, 1u);
}

TEST_F(PoolServer, ALineOver64KiBClosesTheConnection) {
  start();
  LineClient client(m_port);
  client.send_line(std::string(64 * 1024 + 10, 'x'));
  EXPECT_TRUE(client.wait_closed());
  EXPECT_TRUE(m_pool->wait_for([](const PoolStats& s) { return s.oversized_lines == 1; },
                               std::chrono::seconds(5)));
}

TEST_F(PoolServer, NeverAnswerSubmitsStillChecksThem) {
  start();
  Joined j = join();
  m_pool->set_never_answer_submits(true);
  j.client->send_request("mining.submit", mine_share(j.job, 1));
  EXPECT_FALSE(j.client->read(std::chrono::milliseconds(300)));
  ASSERT_TRUE(m_pool->wait_for([](const PoolStats& s) { return s.accepted == 1; },
                               std::chrono::seconds(5)));
  EXPECT_FALSE(m_pool->stats().submits[0].answered);
}

}  // namespace
}  // namespace hashrig::testpool
