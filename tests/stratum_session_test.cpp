// The Stratum session without sockets: the recorded real-pool exchanges replayed line by line
// give byte-identical mining.submit params; every extension's effect; share accounting (stale,
// duplicate, rejected with the pool's reason); and malformed pool messages, each refused with a
// message naming the method and the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/target.h"
#include "session_recorder.h"
#include "stratum/session.h"
#include "test_support.h"

namespace hashrig {
namespace {

using stratum::ShareOutcome;

using Recorder = test::SessionRecorder;
using test::t0;

stratum::SessionConfig plain_config(const std::string& user) {
  stratum::SessionConfig c;
  c.source_id = "pool1";
  c.user = user;
  c.pass = "x";
  c.user_agent = "hashrig/test";
  c.extranonce_subscribe = false;
  c.version_rolling_mask = 0;
  return c;
}

// Replays a recorded session: every line the pool sent, in order, up to (not including) the
// answers to the recorded submits.
class RecordedExchange : public ::testing::TestWithParam<const char*> {};

TEST_P(RecordedExchange, ProducesByteIdenticalSubmitParams) {
  const auto f = test::load_gbt_fixture(GetParam());
  const auto& valid = f.at("results").at("valid");
  const nlohmann::json recorded_params = valid.at("params");
  Recorder events;
  stratum::Session session(plain_config(recorded_params.at(0)), events);
  session.start(t0);
  std::vector<std::string> recorded_sent;
  for (const auto& entry : f.at("transcript")) {
    const std::string line = entry.at("line");
    if (entry.at("dir") == "send") {
      recorded_sent.push_back(line);
      if (nlohmann::json::parse(line).at("method") == "mining.submit") break;
      continue;
    }
    session.receive(line, t0);
  }
  // The same requests as the recorded client, in the same order, with the same params (the user
  // agent aside).
  ASSERT_GE(events.sent.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& ours = events.sent[i];
    const auto theirs = nlohmann::json::parse(recorded_sent[i]);
    EXPECT_EQ(ours.at("id"), theirs.at("id"));
    EXPECT_EQ(ours.at("method"), theirs.at("method"));
  }
  EXPECT_EQ(events.sent[1].at("params"), nlohmann::json::parse(recorded_sent[1]).at("params"));
  EXPECT_TRUE(session.authorized());
  EXPECT_EQ(session.difficulty(), f.at("difficulty").get<double>());
  ASSERT_FALSE(events.jobs.empty());

  stratum::SubmitRequest share;
  share.job_id = recorded_params.at(1);
  share.extranonce2 = core::from_hex(recorded_params.at(2).get<std::string>());
  share.ntime = std::uint32_t(std::stoul(recorded_params.at(3).get<std::string>(), nullptr, 16));
  share.nonce = std::uint32_t(std::stoul(recorded_params.at(4).get<std::string>(), nullptr, 16));
  session.submit(share, t0);
  const auto submit = events.last_sent();
  EXPECT_EQ(submit.at("method"), "mining.submit");
  EXPECT_EQ(submit.at("params").dump(), recorded_params.dump());  // byte-identical params
  EXPECT_EQ(submit.at("id"), nlohmann::json::parse(recorded_sent.back()).at("id"));

  // The pool's recorded answer, then the same share again: suppressed before sending.
  session.receive(valid.at("response").dump(), t0 + std::chrono::milliseconds(3));
  ASSERT_EQ(events.outcomes.size(), 1u);
  EXPECT_EQ(events.outcomes[0].result, ShareOutcome::Result::accepted);
  EXPECT_EQ(events.outcomes[0].latency, std::chrono::milliseconds(3));
  const std::size_t sent_before = events.sent.size();
  session.submit(share, t0);
  EXPECT_EQ(events.sent.size(), sent_before);
  EXPECT_EQ(events.outcomes.back().result, ShareOutcome::Result::duplicate);
}

INSTANTIATE_TEST_SUITE_P(Ckpool, RecordedExchange,
                         ::testing::Values("stratum-ckpool-shares-empty.json",
                                           "stratum-ckpool-shares-5tx.json"),
                         test::fixture_param_name);

TEST(RecordedExchangeAnswers, RejectionsKeepThePoolsReason) {
  const auto f = test::load_gbt_fixture("stratum-ckpool-shares-5tx.json");
  Recorder events;
  stratum::Session session(plain_config("u"), events);
  session.start(t0);
  session.receive(R"({"result":[[["mining.notify","6b0255a5"]],"a555026b",8],"id":1,"error":null})",
                  t0);
  session.receive(R"({"result":true,"error":null,"id":2})", t0);
  session.receive(
      nlohmann::json({{"method", "mining.notify"}, {"id", nullptr}, {"params", f.at("job")}})
          .dump(),
      t0);
  stratum::SubmitRequest share;
  share.job_id = f.at("job").at(0);
  share.extranonce2 = core::Bytes(8, 0);
  session.submit(share, t0);
  // ckpool's recorded rejection: result false with a "reject-reason".
  nlohmann::json answer = f.at("results").at("below_target").at("response");
  answer["id"] = events.last_sent().at("id");
  session.receive(answer.dump(), t0);
  ASSERT_EQ(events.outcomes.size(), 1u);
  EXPECT_EQ(events.outcomes[0].result, ShareOutcome::Result::rejected);
  EXPECT_EQ(events.outcomes[0].reason, "Above target");
  EXPECT_EQ(session.pending_submits(), 0u);
}

}  // namespace
}  // namespace hashrig
