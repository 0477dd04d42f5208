// stratum::job_from_notify against a real pool (ckpool, recorded in shared/fixtures/gbt):
//   - every mining.notify the pool sent parses, with the session the transcript set up;
//   - the accepted shares and the found block rebuild byte for byte (coinbase, merkle root,
//     header, hash) from the parsed jobs, and a wrong prevhash word order does not;
//   - one-field corruptions of a recorded notify (and of the session) are refused with a
//     core::ParseError that names the field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/job.h"
#include "core/job_work.h"
#include "core/target.h"
#include "stratum/notify.h"
#include "test_support.h"

namespace hashrig {
namespace {

using nlohmann::json;

constexpr const char* kShareFixtures[] = {"stratum-ckpool-shares-empty.json",
                                          "stratum-ckpool-shares-5tx.json"};
constexpr const char* kBlockFixture = "stratum-ckpool-block-found.json";

std::vector<json> received(const json& transcript) {
  std::vector<json> out;
  for (const auto& entry : transcript) {
    if (entry.at("dir") == "recv") out.push_back(json::parse(entry.at("line").get<std::string>()));
  }
  return out;
}

std::vector<json> notifies(const json& transcript) {
  std::vector<json> out;
  for (const auto& msg : received(transcript)) {
    if (msg.value("method", "") == "mining.notify") out.push_back(msg.at("params"));
  }
  return out;
}

json notify_for(const json& transcript, const std::string& job_id) {
  for (const auto& params : notifies(transcript)) {
    if (params.at(0) == job_id) return params;
  }
  ADD_FAILURE() << "no mining.notify for job " << job_id << " in the transcript";
  return json::array();
}

// The session as the transcript set it up: mining.subscribe's answer
// [subscriptions, extranonce1, extranonce2_size] and the last mining.set_difficulty.
stratum::SessionParams session_from(const json& transcript) {
  stratum::SessionParams session;
  session.source_id = "ckpool-fixture";
  for (const auto& msg : received(transcript)) {
    if (msg.value("id", json()) == 1 && msg.at("result").is_array()) {
      session.extranonce1 = core::from_hex(msg.at("result").at(1).get<std::string>());
      session.extranonce2_size = msg.at("result").at(2).get<std::uint32_t>();
    }
    if (msg.value("method", "") == "mining.set_difficulty") {
      session.difficulty = msg.at("params").at(0).get<double>();
    }
  }
  return session;
}

std::uint32_t be_hex32(const std::string& hex) {
  return core::read_be32(core::from_hex(hex).data());
}

// A submitted share's header: [user, job_id, extranonce2, ntime, nonce].
core::HeaderBytes header_of_submit(const core::Job& job, const json& submit) {
  const core::Bytes en2 = core::from_hex(submit.at(2).get<std::string>());
  core::HeaderBytes header = core::build_header(job, core::job_merkle_root(job, en2), job.version,
                                                be_hex32(submit.at(3).get<std::string>()));
  core::write_le32(header.data() + core::kNonceOffset, be_hex32(submit.at(4).get<std::string>()));
  return header;
}

// --- every recorded notify parses -------------------------------------------------------------

class RecordedNotifies : public ::testing::TestWithParam<const char*> {};

TEST_P(RecordedNotifies, EveryNotifyInTheTranscriptParses) {
  const json f = test::load_gbt_fixture(GetParam());
  const stratum::SessionParams session = session_from(f.at("transcript"));
  ASSERT_EQ(session.extranonce1, core::from_hex(f.at("extranonce1").get<std::string>()));
  ASSERT_EQ(session.extranonce2_size, 8u);
  ASSERT_EQ(session.difficulty, 0.001);

  const std::vector<json> all = notifies(f.at("transcript"));
  ASSERT_FALSE(all.empty());
  for (const json& params : all) {
    SCOPED_TRACE(params.dump());
    core::Job job;
    ASSERT_NO_THROW(job = stratum::job_from_notify(params, session));
    EXPECT_EQ(job.job_id, params.at(0).get<std::string>());  // opaque, as given
    EXPECT_EQ(job.source_id, "ckpool-fixture");
    EXPECT_EQ(job.merkle_branch.size(), params.at(4).size());
    for (std::size_t i = 0; i < job.merkle_branch.size(); ++i) {
      EXPECT_EQ(core::to_hex(job.merkle_branch[i]), params.at(4).at(i));  // bytes as given
    }
    EXPECT_EQ(job.version, 0x20000000u);
    EXPECT_EQ(job.nbits, 0x207fffffu);
    EXPECT_EQ(job.ntime, be_hex32(params.at(7).get<std::string>()));
    EXPECT_EQ(job.clean, params.at(8).get<bool>());
    EXPECT_EQ(job.network_target, core::Uint256(0x7fffff) << 232);  // regtest
    EXPECT_EQ(job.share_target, core::target_from_difficulty(0.001));
    EXPECT_EQ(job.extranonce2_size, 8u);
  }
}

INSTANTIATE_TEST_SUITE_P(Ckpool, RecordedNotifies,
                         ::testing::Values(kShareFixtures[0], kShareFixtures[1], kBlockFixture),
                         test::fixture_param_name);

// --- the accepted shares and the block rebuild byte for byte ---------------------------------

class RecordedShares : public ::testing::TestWithParam<const char*> {};

TEST_P(RecordedShares, TheAcceptedShareRebuildsFromTheParsedJob) {
  const json f = test::load_gbt_fixture(GetParam());
  const json& valid = f.at("results").at("valid");
  const json& submit = valid.at("params");
  ASSERT_EQ(valid.at("response").at("result"), true);
  const core::Job job = stratum::job_from_notify(notify_for(f.at("transcript"), submit.at(1)),
                                                 session_from(f.at("transcript")));

  const core::Bytes en2 = core::from_hex(submit.at(2).get<std::string>());
  EXPECT_EQ(core::to_hex(core::build_coinbase(job, en2)), valid.at("coinbase_hex"));
  EXPECT_EQ(core::to_hex(core::job_merkle_root(job, en2)), valid.at("merkle_root_header_order"));
  const core::HeaderBytes header = header_of_submit(job, submit);
  EXPECT_EQ(core::to_hex(header), valid.at("header_hex"));
  const core::Hash256 hash = core::sha256d(header);
  EXPECT_EQ(core::to_hex_reversed(hash), valid.at("header_hash_display"));
  EXPECT_LE(core::hash_value(hash), job.share_target);
}

INSTANTIATE_TEST_SUITE_P(Ckpool, RecordedShares, ::testing::ValuesIn(kShareFixtures),
                         test::fixture_param_name);

TEST(RecordedBlock, TheFoundBlockRebuildsAndMeetsTheNetworkTarget) {
  const json f = test::load_gbt_fixture(kBlockFixture);
  const json& submit = f.at("submit_params");
  const stratum::SessionParams session = session_from(f.at("transcript"));
  const core::Job job =
      stratum::job_from_notify(notify_for(f.at("transcript"), submit.at(1)), session);

  const core::Bytes en2 = core::from_hex(submit.at(2).get<std::string>());
  EXPECT_EQ(core::to_hex(core::build_coinbase(job, en2)), f.at("coinbase_hex_stripped"));
  const core::HeaderBytes header = header_of_submit(job, submit);
  EXPECT_EQ(core::to_hex(header), f.at("header_hex"));
  const core::Hash256 hash = core::sha256d(header);
  EXPECT_EQ(core::to_hex_reversed(hash), f.at("block_hash"));
  EXPECT_LE(core::hash_value(hash), job.network_target);
  EXPECT_LE(core::hash_value(hash), job.share_target);
  EXPECT_EQ(job.merkle_branch.size(), 3u);  // the block carried 5 mempool transactions
}

TEST(RecordedBlock, TheNextCleanJobBuildsOnTheFoundBlock) {
  const json f = test::load_gbt_fixture(kBlockFixture);
  const std::vector<json> all = notifies(f.at("transcript"));
  ASSERT_FALSE(all.empty());
  const core::Job next = stratum::job_from_notify(all.back(), session_from(f.at("transcript")));
  EXPECT_TRUE(next.clean);
  EXPECT_EQ(next.prev_hash, test::display_hash(f.at("block_hash").get<std::string>()));
}

// --- byte order: the prevhash word swap is what makes the header right ------------------------

TEST(PrevhashByteOrder, WithoutTheWordSwapTheHeaderIsWrong) {
  const json f = test::load_gbt_fixture(kShareFixtures[1]);
  const json& valid = f.at("results").at("valid");
  const json params = notify_for(f.at("transcript"), valid.at("params").at(1));
  core::Job job = stratum::job_from_notify(params, session_from(f.at("transcript")));
  const core::HeaderBytes recorded =
      test::header_from_hex(valid.at("header_hex").get<std::string>());
  ASSERT_EQ(header_of_submit(job, valid.at("params")), recorded);
  EXPECT_TRUE(std::equal(job.prev_hash.begin(), job.prev_hash.end(), recorded.begin() + 4));

  job.prev_hash = core::from_hex_exact<32>(params.at(1).get<std::string>());  // as sent, no swap
  EXPECT_NE(header_of_submit(job, valid.at("params")), recorded);
  EXPECT_EQ(stratum::swap_prevhash_words(job.prev_hash),
            stratum::job_from_notify(params, session_from(f.at("transcript"))).prev_hash);
}

TEST(PrevhashByteOrder, TheSwapIsItsOwnInverseAndReversesEachWord) {
  core::Hash256 in{};
  for (std::size_t i = 0; i < in.size(); ++i)
    in[i] = std::uint8_t(i);
  const core::Hash256 out = stratum::swap_prevhash_words(in);
  EXPECT_EQ(core::to_hex(std::span(out).first(8)), "0302010007060504");
  EXPECT_EQ(stratum::swap_prevhash_words(out), in);
}

// --- what the parser tolerates -----------------------------------------------------------------

json recorded_notify() {
  const json f = test::load_gbt_fixture(kShareFixtures[1]);
  return notify_for(f.at("transcript"), f.at("results").at("valid").at("params").at(1));
}

stratum::SessionParams recorded_session() {
  return session_from(test::load_gbt_fixture(kShareFixtures[1]).at("transcript"));
}

TEST(NotifyTolerates, TrailingParamsUppercaseHexAndARollingSession) {
  const json params = recorded_notify();
  const core::Job base = stratum::job_from_notify(params, recorded_session());

  json longer = params;
  longer.push_back("extra");
  EXPECT_EQ(stratum::job_from_notify(longer, recorded_session()).prev_hash, base.prev_hash);

  json upper = params;
  std::string prev = upper[1].get<std::string>();
  for (char& c : prev)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  upper[1] = prev;
  EXPECT_EQ(stratum::job_from_notify(upper, recorded_session()).prev_hash, base.prev_hash);

  stratum::SessionParams rolling = recorded_session();
  rolling.version_mask = 0x1fffe000;
  rolling.ntime_roll = 600;
  rolling.difficulty = 1e-9;  // below 1: a target above diff1
  const core::Job job = stratum::job_from_notify(params, rolling);
  EXPECT_EQ(job.version_mask, 0x1fffe000u);
  EXPECT_EQ(job.ntime_roll, 600u);
  EXPECT_GT(job.share_target, core::diff1_target());
}

// --- malformed notifies: one field wrong each -------------------------------------------------

struct BadNotify {
  const char* name;
  std::function<void(json& params, stratum::SessionParams& session)> corrupt;
  const char* field;  // the message starts "mining.notify: <field>: "
  const char* what;   // and says this
};

void PrintTo(const BadNotify& m, std::ostream* os) {
  *os << m.name;
}

const std::vector<BadNotify>& malformed_cases() {
  using S = stratum::SessionParams;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  static const std::vector<BadNotify> cases = {
      {"too_few_params", [](json& p, S&) { p.erase(p.begin() + 7, p.end()); }, "params",
       "array of 9, got 7"},
      {"params_not_an_array",
       [](json& p, S&) {
         p = json{{"job_id", p[0]}};
       },
       "params", "expected an array, got object"},
      {"job_id_empty", [](json& p, S&) { p[0] = ""; }, "job_id", "empty"},
      {"job_id_number", [](json& p, S&) { p[0] = 3; }, "job_id", "expected a string, got number"},
      {"prevhash_63_digits", [](json& p, S&) { p[1] = p[1].get<std::string>().substr(1); },
       "prevhash", "not 64 hex digits: got 63"},
      {"prevhash_non_hex", [](json& p, S&) { p[1] = "x" + p[1].get<std::string>().substr(1); },
       "prevhash", "non-hex character 'x' at position 0"},
      {"prevhash_number", [](json& p, S&) { p[1] = 0; }, "prevhash", "got number"},
      {"coinb1_odd_length", [](json& p, S&) { p[2] = p[2].get<std::string>() + "0"; }, "coinb1",
       "odd number of hex digits"},
      {"coinb1_empty", [](json& p, S&) { p[2] = ""; }, "coinb1", "empty"},
      {"coinb2_non_hex", [](json& p, S&) { p[3] = "00zz"; }, "coinb2", "non-hex character 'z'"},
      {"coinb2_null", [](json& p, S&) { p[3] = nullptr; }, "coinb2", "got null"},
      {"merkle_branch_not_an_array", [](json& p, S&) { p[4] = p[4][0]; }, "merkle_branch",
       "expected an array, got string"},
      {"merkle_branch_entry_62_digits",
       [](json& p, S&) { p[4][2] = p[4][2].get<std::string>().substr(2); }, "merkle_branch[2]",
       "not 64 hex digits: got 62"},
      {"merkle_branch_entry_non_hex",
       [](json& p, S&) { p[4][1] = p[4][1].get<std::string>().substr(1) + "g"; },
       "merkle_branch[1]", "not 64 hex digits: non-hex character 'g' at position 63"},
      {"merkle_branch_entry_number", [](json& p, S&) { p[4][0] = 12; }, "merkle_branch[0]",
       "expected a string, got number"},
      {"version_7_digits", [](json& p, S&) { p[5] = "2000000"; }, "version",
       "not 8 hex digits: got 7"},
      {"version_9_digits", [](json& p, S&) { p[5] = "200000000"; }, "version",
       "not 8 hex digits: got 9"},
      {"version_number", [](json& p, S&) { p[5] = 536870912; }, "version", "got number"},
      {"nbits_zero", [](json& p, S&) { p[6] = "00000000"; }, "nbits", "00000000 is a zero target"},
      {"nbits_negative", [](json& p, S&) { p[6] = "20ffffff"; }, "nbits", "20ffffff is negative"},
      {"nbits_overflow", [](json& p, S&) { p[6] = "ff7fffff"; }, "nbits", "overflows 256 bits"},
      {"ntime_non_hex", [](json& p, S&) { p[7] = "6b0255eg"; }, "ntime", "non-hex character 'g'"},
      {"clean_jobs_string", [](json& p, S&) { p[8] = "true"; }, "clean_jobs",
       "expected a boolean, got string"},
      {"clean_jobs_number", [](json& p, S&) { p[8] = 1; }, "clean_jobs",
       "expected a boolean, got number"},
      {"extranonce2_size_0", [](json&, S& s) { s.extranonce2_size = 0; }, "extranonce2_size",
       "0 is outside 1..32"},
      {"extranonce2_size_33", [](json&, S& s) { s.extranonce2_size = 33; }, "extranonce2_size",
       "33 is outside 1..32"},
      {"extranonce1_33_bytes", [](json&, S& s) { s.extranonce1.assign(33, 0xa5); }, "extranonce1",
       "33 bytes"},
      {"difficulty_0", [](json&, S& s) { s.difficulty = 0; }, "difficulty",
       "0 is not a positive finite number"},
      {"difficulty_negative", [](json&, S& s) { s.difficulty = -1; }, "difficulty",
       "-1 is not a positive finite number"},
      {"difficulty_nan", [nan](json&, S& s) { s.difficulty = nan; }, "difficulty",
       "not a positive finite number"},
      {"difficulty_infinity", [inf](json&, S& s) { s.difficulty = inf; }, "difficulty",
       "inf is not a positive finite number"},
      {"difficulty_too_high", [](json&, S& s) { s.difficulty = 1e300; }, "difficulty",
       "the share target would be zero"},
      {"version_mask_top_bits", [](json&, S& s) { s.version_mask = 0x3fffe000; }, "version_mask",
       "3fffe000 touches the top three version bits"},
  };
  return cases;
}

class MalformedNotify : public ::testing::TestWithParam<BadNotify> {};

TEST_P(MalformedNotify, IsRefusedNamingTheField) {
  const BadNotify& m = GetParam();
  json params = recorded_notify();
  stratum::SessionParams session = recorded_session();
  ASSERT_NO_THROW(stratum::job_from_notify(params, session));  // the original is fine
  m.corrupt(params, session);
  try {
    stratum::job_from_notify(params, session);
    ADD_FAILURE() << "accepted " << m.name << ": " << params.dump();
  } catch (const core::ParseError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("mining.notify: " + std::string(m.field) + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(m.what), std::string::npos) << message;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a core::ParseError: " << e.what();
  }
}

std::string malformed_name(const ::testing::TestParamInfo<BadNotify>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(OneFieldWrong, MalformedNotify, ::testing::ValuesIn(malformed_cases()),
                         malformed_name);

}  // namespace
}  // namespace hashrig
