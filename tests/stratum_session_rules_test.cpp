// The session's rules for each Stratum extension and for shares, and malformed pool messages:
// each one is refused with a core::ParseError naming the method and the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/target.h"
#include "stratum/session.h"
#include "test_support.h"

namespace hashrig {
namespace {

using stratum::ShareOutcome;

struct Recorder : stratum::SessionEvents {
  std::vector<nlohmann::json> sent;
  std::vector<core::Job> jobs;
  std::vector<ShareOutcome> outcomes;
  std::vector<stratum::ReconnectRequest> reconnects;
  std::vector<std::string> notes;
  void send(std::string line) override {
    EXPECT_EQ(line.back(), '\n');
    sent.push_back(nlohmann::json::parse(line));
  }
  void job(core::Job job) override { jobs.push_back(std::move(job)); }
  void share_result(const ShareOutcome& o) override { outcomes.push_back(o); }
  void reconnect(const stratum::ReconnectRequest& r) override { reconnects.push_back(r); }
  void note(Level, std::string text) override { notes.push_back(std::move(text)); }
};

const stratum::Clock::time_point t0{};

// The recorded pool's notify params with another job id and clean flag.
nlohmann::json notify(const std::string& id, bool clean) {
  static const nlohmann::json job =
      test::load_gbt_fixture("stratum-ckpool-shares-5tx.json").at("job");
  nlohmann::json params = job;
  params[0] = id;
  params[8] = clean;
  return {{"id", nullptr}, {"method", "mining.notify"}, {"params", params}};
}

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

// Malformed pool messages. Each is sent to an open session (after one good job) and must throw
// a core::ParseError that names `expect`; nothing else may escape.
struct Malformed {
  const char* name;
  std::string line;
  const char* expect;
};

std::string with_param(std::size_t i, const nlohmann::json& value) {
  nlohmann::json n = notify("x", false);
  n["params"][i] = value;
  return n.dump();
}

std::vector<Malformed> malformed_messages() {
  const std::string long_line =
      "{\"id\":1,\"method\":\"mining.ping\",\"params\":[\"" + std::string(70000, 'a') + "\"]}";
  nlohmann::json short_notify = notify("x", false);
  short_notify["params"].erase(3);
  return {
      {"not_json", "{\"id\": 1, \"result\": tru", "not JSON"},
      {"binary_garbage", std::string("\x01\x02\xff\xfe", 4), "not JSON"},
      {"json_array", "[1,2,3]", "not a JSON object"},
      {"json_number", "42", "not a JSON object"},
      {"no_method_no_result", "{\"id\":1}", "neither a method nor a result"},
      {"method_number", "{\"id\":null,\"method\":7,\"params\":[]}", "method"},
      {"params_string", "{\"id\":null,\"method\":\"mining.notify\",\"params\":\"x\"}", "params"},
      {"too_long", long_line, "more than the 65536 allowed"},
      {"notify_short", short_notify.dump(), "params"},
      {"notify_prevhash_short", with_param(1, std::string(62, 'a')), "prevhash"},
      {"notify_prevhash_nonhex", with_param(1, std::string(63, 'a') + "z"), "prevhash"},
      {"notify_prevhash_number", with_param(1, 5), "prevhash"},
      {"notify_coinb1_odd", with_param(2, "abc"), "coinb1"},
      {"notify_coinb2_object", with_param(3, nlohmann::json::object()), "coinb2"},
      {"notify_branch_not_array", with_param(4, "ab"), "merkle_branch"},
      {"notify_branch_short_entry", with_param(4, {std::string(62, 'a')}), "merkle_branch[0]"},
      {"notify_branch_long_entry", with_param(4, {std::string(64, 'a'), std::string(66, 'b')}),
       "merkle_branch[1]"},
      {"notify_version_short", with_param(5, "2000000"), "version"},
      {"notify_nbits_zero", with_param(6, "00000000"), "nbits"},
      {"notify_nbits_negative", with_param(6, "20ffffff"), "nbits"},
      {"notify_ntime_nonhex", with_param(7, "6b0255eg"), "ntime"},
      {"notify_clean_string", with_param(8, "true"), "clean_jobs"},
      {"notify_job_id_empty", with_param(0, ""), "job_id"},
      {"notify_job_id_number", with_param(0, 12), "job_id"},
      {"difficulty_zero", R"({"id":null,"method":"mining.set_difficulty","params":[0]})",
       "mining.set_difficulty: difficulty"},
      {"difficulty_negative", R"({"id":null,"method":"mining.set_difficulty","params":[-1]})",
       "mining.set_difficulty: difficulty"},
      {"difficulty_string", R"({"id":null,"method":"mining.set_difficulty","params":["NaN"]})",
       "mining.set_difficulty: difficulty"},
      {"difficulty_missing", R"({"id":null,"method":"mining.set_difficulty","params":[]})",
       "mining.set_difficulty: params"},
      {"extranonce1_too_long",
       R"({"id":null,"method":"mining.set_extranonce","params":[")" + std::string(66, 'a') +
           R"(",4]})",
       "mining.set_extranonce: extranonce1"},
      {"extranonce1_nonhex", R"({"id":null,"method":"mining.set_extranonce","params":["zz",4]})",
       "mining.set_extranonce: extranonce1"},
      {"extranonce2_size_zero", R"({"id":null,"method":"mining.set_extranonce","params":["ab",0]})",
       "mining.set_extranonce: extranonce2_size"},
      {"extranonce2_size_33", R"({"id":null,"method":"mining.set_extranonce","params":["ab",33]})",
       "mining.set_extranonce: extranonce2_size"},
      {"version_mask_top_bits",
       R"({"id":null,"method":"mining.set_version_mask","params":["e0000000"]})",
       "mining.set_version_mask: mask"},
      {"version_mask_short", R"({"id":null,"method":"mining.set_version_mask","params":["1fffe"]})",
       "mining.set_version_mask: mask"},
      {"reconnect_bad_port", R"({"id":null,"method":"client.reconnect","params":["h",70000,0]})",
       "client.reconnect: port"},
      {"reconnect_bad_wait", R"({"id":null,"method":"client.reconnect","params":["h",3333,-5]})",
       "client.reconnect: wait"},
  };
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
