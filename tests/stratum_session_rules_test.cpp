// The session's rules for each Stratum extension and for shares, and malformed pool messages:
// each one is refused with a core::ParseError naming the method and the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/target.h"
#include "malformed_pool_messages.h"
#include "session_recorder.h"
#include "stratum/session.h"
#include "test_support.h"

namespace hashrig {
namespace {

using stratum::ShareOutcome;
using test::Malformed;
using test::malformed_messages;
using test::notify;

using Recorder = test::SessionRecorder;
using test::t0;

std::string line(const nlohmann::json& j) {
  return j.dump();
}

// A session that has configured (mask 1fffe000 granted as 1fffe000 & offered), subscribed and
// authorized; ids: configure 1, subscribe 2, authorize 3, extranonce.subscribe 4.
struct Rules : ::testing::Test {
  Recorder events;
  stratum::SessionConfig config;
  std::unique_ptr<stratum::Session> session;

  void open(const std::string& offered_mask = "1fffe000") {
    config.source_id = "pool1";
    config.user = "worker";
    config.pass = "x";
    config.user_agent = "hashrig/test";
    config.resume_session_id = "cafe";
    config.suggest_difficulty = 64;
    session = std::make_unique<stratum::Session>(config, events);
    session->start(t0);
    receive({{"id", 1},
             {"result", {{"version-rolling", true}, {"version-rolling.mask", offered_mask}}},
             {"error", nullptr}});
    receive({{"id", 2},
             {"result",
              nlohmann::json::array(
                  {nlohmann::json::array({nlohmann::json::array({"mining.set_difficulty", "d1"}),
                                          nlohmann::json::array({"mining.notify", "n1"})}),
                   "a555026b", 4})},
             {"error", nullptr}});
    receive({{"id", 3}, {"result", true}, {"error", nullptr}});
    receive({{"id", 4}, {"result", true}, {"error", nullptr}});
  }
  void receive(const nlohmann::json& j) { session->receive(line(j), t0); }
  stratum::SubmitRequest share(const std::string& job, std::uint32_t nonce) {
    stratum::SubmitRequest s;
    s.job_id = job;
    s.extranonce2 = {0, 0, 0, 1};
    s.ntime = 0x6b0255e1;
    s.nonce = nonce;
    s.version_bits = 0x00004000;
    return s;
  }
};

TEST_F(Rules, OpeningRequestsResumeTheSessionAndAskForRolling) {
  open();
  ASSERT_GE(events.sent.size(), 5u);
  EXPECT_EQ(events.sent[0].at("method"), "mining.configure");
  EXPECT_EQ(events.sent[0].at("params")[1].at("version-rolling.mask"), "1fffe000");
  EXPECT_EQ(events.sent[1].at("method"), "mining.subscribe");
  EXPECT_EQ(events.sent[1].at("params"), nlohmann::json::array({"hashrig/test", "cafe"}));
  EXPECT_EQ(events.sent[2].at("method"), "mining.authorize");
  EXPECT_EQ(events.sent[2].at("params"), nlohmann::json::array({"worker", "x"}));
  EXPECT_EQ(events.sent[3].at("method"), "mining.extranonce.subscribe");
  EXPECT_EQ(events.sent[4].at("method"), "mining.suggest_difficulty");
  EXPECT_EQ(events.sent[4].at("params"), nlohmann::json::array({64}));
  EXPECT_EQ(session->session_id(), "n1");
  EXPECT_EQ(session->version_mask(), 0x1fffe000u);
}

TEST_F(Rules, TheGrantedMaskIsHonouredAndLaterMasksApplyFromTheNextJob) {
  open("00ffe000");
  receive(notify("a", true));
  EXPECT_EQ(events.jobs.back().version_mask, 0x00ffe000u);  // offered & requested
  receive({{"id", nullptr}, {"method", "mining.set_version_mask"}, {"params", {"00006000"}}});
  EXPECT_EQ(events.jobs.back().version_mask, 0x00ffe000u);
  receive(notify("b", false));
  EXPECT_EQ(events.jobs.back().version_mask, 0x00006000u);
  session->submit(share("b", 1), t0);
  EXPECT_EQ(events.sent.back().at("params").size(), 6u);  // version bits with rolling
  EXPECT_EQ(events.sent.back().at("params")[5], "00004000");
}

TEST_F(Rules, DifficultyAndExtranonceChangesApplyToTheJobsThatFollow) {
  open();
  receive({{"id", nullptr}, {"method", "mining.set_difficulty"}, {"params", {0.5}}});
  receive(notify("a", true));
  receive({{"id", nullptr}, {"method", "mining.set_difficulty"}, {"params", {8}}});
  receive({{"id", nullptr}, {"method", "mining.set_extranonce"}, {"params", {"0102", 6}}});
  EXPECT_EQ(events.jobs[0].share_target, core::target_from_difficulty(0.5));
  EXPECT_EQ(events.jobs[0].extranonce1, core::from_hex("a555026b"));
  receive(notify("b", false));
  EXPECT_EQ(events.jobs[1].share_target, core::target_from_difficulty(8));
  EXPECT_EQ(events.jobs[1].extranonce1, core::from_hex("0102"));
  EXPECT_EQ(events.jobs[1].extranonce2_size, 6u);
  EXPECT_EQ(events.jobs[0].share_target, core::target_from_difficulty(0.5));  // kept its own
}

TEST_F(Rules, StaleDuplicateRejectedAndAccepted) {
  open();
  receive(notify("a", true));
  session->submit(share("a", 1), t0);
  const auto first_id = events.sent.back().at("id");
  session->submit(share("a", 1), t0);  // the same share again
  EXPECT_EQ(events.outcomes.back().result, ShareOutcome::Result::duplicate);
  session->submit(share("a", 2), t0);
  const auto second_id = events.sent.back().at("id");
  receive(notify("b", false));  // not clean: "a" still counts
  session->submit(share("a", 3), t0);
  const auto third_id = events.sent.back().at("id");
  receive(notify("c", true));  // new block: "a" and "b" are stale from now on
  session->submit(share("a", 4), t0);
  EXPECT_EQ(events.outcomes.back().result, ShareOutcome::Result::stale);
  session->submit(share("zzz", 4), t0);  // never seen
  EXPECT_EQ(events.outcomes.back().result, ShareOutcome::Result::stale);
  receive({{"id", first_id}, {"result", true}, {"error", nullptr}});
  receive(
      {{"id", second_id}, {"result", nullptr}, {"error", {23, "Low difficulty share", nullptr}}});
  receive({{"id", third_id}, {"result", false}, {"error", {21, "Stale", nullptr}}});
  ASSERT_EQ(events.outcomes.size(), 6u);
  EXPECT_EQ(events.outcomes[3].result, ShareOutcome::Result::accepted);  // accepted stays accepted
  EXPECT_EQ(events.outcomes[4].result, ShareOutcome::Result::stale);  // rejected after replacement
  EXPECT_EQ(events.outcomes[4].reason, "23: Low difficulty share");
  EXPECT_EQ(events.outcomes[5].result, ShareOutcome::Result::stale);
  receive(notify("d", false));
  session->submit(share("d", 9), t0);
  receive(
      {{"id", events.sent.back().at("id")}, {"result", false}, {"error", {23, "Low", nullptr}}});
  EXPECT_EQ(events.outcomes.back().result, ShareOutcome::Result::rejected);
}

TEST_F(Rules, AShareFromAnEarlierConnectionIsStaleEvenWhenTheJobIdIsReused) {
  config.session_number = 7;
  open();
  receive(notify("a", true));
  EXPECT_EQ(events.jobs.back().source_session, 7u);
  stratum::SubmitRequest old = share("a", 1);
  old.session = 6;  // found for job "a" of the previous connection
  const std::size_t sent = events.sent.size();
  session->submit(old, t0);
  EXPECT_EQ(events.sent.size(), sent);
  EXPECT_EQ(events.outcomes.back().result, ShareOutcome::Result::stale);
  old.session = 7;
  session->submit(old, t0);
  EXPECT_EQ(events.sent.size(), sent + 1);
}

TEST_F(Rules, PoolRequestsAreAnsweredAndReported) {
  open();
  receive({{"id", 77}, {"method", "client.get_version"}, {"params", nlohmann::json::array()}});
  EXPECT_EQ(events.sent.back().at("id"), 77);
  EXPECT_EQ(events.sent.back().at("result"), "hashrig/test");
  receive({{"id", "p"}, {"method", "mining.ping"}, {"params", nullptr}});
  EXPECT_EQ(events.sent.back().at("result"), "pong");
  receive({{"id", nullptr}, {"method", "client.show_message"}, {"params", {"maintenance at 3"}}});
  EXPECT_NE(events.notes.back().find("maintenance at 3"), std::string::npos);
  receive(
      {{"id", nullptr}, {"method", "client.reconnect"}, {"params", {"backup.pool", "3334", 5}}});
  ASSERT_EQ(events.reconnects.size(), 1u);
  EXPECT_EQ(events.reconnects[0].host, "backup.pool");
  EXPECT_EQ(events.reconnects[0].port, 3334);
  EXPECT_EQ(events.reconnects[0].wait, std::chrono::seconds(5));
  receive({{"id", nullptr}, {"method", "client.reconnect"}, {"params", nlohmann::json::array()}});
  EXPECT_FALSE(events.reconnects[1].host);  // the same host
  const std::size_t sent = events.sent.size();
  receive({{"id", 5}, {"method", "mining.something_new"}, {"params", {1}}});
  EXPECT_EQ(events.sent.size(), sent);                           // ignored
  receive({{"id", 999}, {"result", true}, {"error", nullptr}});  // an unknown id: ignored
}

TEST_F(Rules, ARefusedAuthorizationEndsTheSession) {
  config.user = "nobody";
  session = std::make_unique<stratum::Session>(config, events);
  config.version_rolling_mask = 0;
  session->start(t0);
  receive({{"id", 2}, {"result", {nullptr, "a555026b", 4}}, {"error", nullptr}});
  try {
    receive({{"id", 3}, {"result", false}, {"error", {24, "Unauthorized worker", nullptr}}});
    FAIL() << "a refused authorization was accepted";
  } catch (const core::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("mining.authorize"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Unauthorized worker"), std::string::npos);
  }
}

class MalformedMessage : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedMessage, IsRefusedNamingTheMethodAndField) {
  Recorder events;
  stratum::SessionConfig config;
  config.source_id = "pool1";
  config.user = "w";
  config.version_rolling_mask = 0;
  config.extranonce_subscribe = false;
  stratum::Session session(config, events);
  session.start(t0);
  session.receive(R"({"id":1,"result":[[["mining.notify","s"]],"a555026b",4],"error":null})", t0);
  session.receive(line(notify("good", true)), t0);
  ASSERT_EQ(events.jobs.size(), 1u);
  try {
    session.receive(GetParam().line, t0);
    FAIL() << "accepted: " << GetParam().line.substr(0, 200);
  } catch (const core::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().expect), std::string::npos)
        << "message: " << e.what();
  } catch (const std::exception& e) {
    FAIL() << "not a core::ParseError: " << e.what();
  }
  EXPECT_EQ(events.jobs.size(), 1u);  // nothing half-applied
}

INSTANTIATE_TEST_SUITE_P(OneAtATime, MalformedMessage, ::testing::ValuesIn(malformed_messages()),
                         [](const ::testing::TestParamInfo<Malformed>& p) {
                           return std::string(p.param.name);
                         });

TEST(MalformedSubscribe, ExtranonceSizesAndShapeAreChecked) {
  const char* answers[] = {
      R"({"id":1,"result":[[["mining.notify","s"]],"a555026b",0],"error":null})",
      R"({"id":1,"result":[[["mining.notify","s"]],"a555026b",33],"error":null})",
      R"({"id":1,"result":[[["mining.notify","s"]],"a555026bz",4],"error":null})",
      R"({"id":1,"result":"hello","error":null})",
      R"({"id":1,"result":null,"error":[20,"Other",null]})",
  };
  for (const char* answer : answers) {
    Recorder events;
    stratum::SessionConfig config;
    config.version_rolling_mask = 0;
    stratum::Session session(config, events);
    session.start(t0);
    try {
      session.receive(answer, t0);
      ADD_FAILURE() << "accepted: " << answer;
    } catch (const core::ParseError& e) {
      EXPECT_NE(std::string(e.what()).find("mining.subscribe"), std::string::npos) << e.what();
    }
  }
}

TEST(MalformedOrder, ANotifyBeforeSubscribeIsRefused) {
  Recorder events;
  stratum::SessionConfig config;
  stratum::Session session(config, events);
  session.start(t0);
  EXPECT_THROW(session.receive(line(notify("early", true)), t0), core::ParseError);
}

}  // namespace
}  // namespace hashrig
