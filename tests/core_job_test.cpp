// Job -> header: replaying the jobs of a real pool (ckpool, recorded in shared/fixtures) with the
// recorded extranonce2 / ntime / nonce must rebuild the exact headers the pool accepted; job
// validation names the bad field; version rolling stays inside the mask.
#include <gtest/gtest.h>

#include <bit>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "core/job.h"
#include "core/job_work.h"
#include "core/target.h"
#include "stratum/notify.h"
#include "test_support.h"

namespace hashrig {
namespace {

using core::Job;

std::uint32_t be_hex32(const std::string& hex) {
  return core::read_be32(core::from_hex(hex).data());
}

// The session the recorded pool set up (extranonce1, extranonce2 size, difficulty); the recorded
// mining.notify goes through the Stratum client's own parser, stratum::job_from_notify.
stratum::SessionParams session_of(const std::string& extranonce1, std::uint32_t extranonce2_size,
                                  double difficulty) {
  stratum::SessionParams session;
  session.source_id = "ckpool-fixture";
  session.extranonce1 = core::from_hex(extranonce1);
  session.extranonce2_size = extranonce2_size;
  session.difficulty = difficulty;
  return session;
}

nlohmann::json notify_params(const nlohmann::json& transcript, const std::string& job_id) {
  for (const auto& entry : transcript) {
    if (entry.at("dir") != "recv") continue;
    const auto msg = nlohmann::json::parse(entry.at("line").get<std::string>());
    if (msg.value("method", "") == "mining.notify" && msg.at("params").at(0) == job_id) {
      return msg.at("params");
    }
  }
  ADD_FAILURE() << "no mining.notify for job " << job_id << " in the transcript";
  return nlohmann::json::array();
}

// Rebuilds a submitted share's header: [user, job_id, extranonce2, ntime, nonce].
core::HeaderBytes header_of_submit(const Job& job, const nlohmann::json& submit) {
  const core::Bytes en2 = core::from_hex(submit.at(2).get<std::string>());
  const core::Hash256 root = core::job_merkle_root(job, en2);
  core::HeaderBytes header =
      core::build_header(job, root, job.version, be_hex32(submit.at(3).get<std::string>()));
  core::write_le32(header.data() + core::kNonceOffset,
                   std::uint32_t(std::stoul(submit.at(4).get<std::string>(), nullptr, 16)));
  return header;
}

class RecordedShares : public ::testing::TestWithParam<const char*> {};

TEST_P(RecordedShares, RebuildTheAcceptedHeaderByteForByte) {
  const auto f = test::load_gbt_fixture(GetParam());
  const auto& valid = f.at("results").at("valid");
  const auto& submit = valid.at("params");
  ASSERT_EQ(valid.at("response").at("result"), true);
  const Job job = stratum::job_from_notify(
      notify_params(f.at("transcript"), submit.at(1)),
      session_of(f.at("extranonce1"), f.at("extranonce2_size"), f.at("difficulty")));
  ASSERT_NO_THROW(core::validate(job));

  const core::Bytes en2 = core::from_hex(submit.at(2).get<std::string>());
  EXPECT_EQ(core::to_hex(core::build_coinbase(job, en2)), valid.at("coinbase_hex"));
  const core::HeaderBytes header = header_of_submit(job, submit);
  EXPECT_EQ(core::to_hex(header), valid.at("header_hex"));
  const core::Hash256 hash = core::sha256d(header);
  EXPECT_EQ(core::to_hex_reversed(hash), valid.at("header_hash_display"));
  EXPECT_LE(core::hash_value(hash), job.share_target);
  EXPECT_NEAR(core::difficulty_from_target(core::hash_value(hash)),
              valid.at("share_diff").get<double>(), 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Ckpool, RecordedShares,
                         ::testing::Values("stratum-ckpool-shares-empty.json",
                                           "stratum-ckpool-shares-5tx.json"),
                         test::fixture_param_name);

TEST(RecordedBlock, ThePoolsBlockRebuildsAndMeetsTheNetworkTarget) {
  const auto f = test::load_gbt_fixture("stratum-ckpool-block-found.json");
  const auto& submit = f.at("submit_params");
  const Job job = stratum::job_from_notify(notify_params(f.at("transcript"), submit.at(1)),
                                           session_of(f.at("extranonce1"), 8, 0.001));
  const core::HeaderBytes header = header_of_submit(job, submit);
  EXPECT_EQ(core::to_hex(header), f.at("header_hex"));
  const core::Hash256 hash = core::sha256d(header);
  EXPECT_EQ(core::to_hex_reversed(hash), f.at("block_hash"));
  EXPECT_LE(core::hash_value(hash), job.network_target);
  EXPECT_EQ(job.merkle_branch.size(), 3u);  // the block carried 5 mempool transactions
}

Job valid_job() {
  Job job;
  job.job_id = "1";
  job.version = 0x20000000;
  job.coinbase_prefix = {0x01};
  job.coinbase_suffix = {0x02};
  job.extranonce2_size = 4;
  job.share_target = core::diff1_target();
  job.network_target = core::diff1_target();
  return job;
}

void expect_refused(const Job& job, const std::string& field) {
  try {
    core::validate(job);
    ADD_FAILURE() << "accepted a job with a bad " << field;
  } catch (const core::ParseError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(field + ":", 0), 0u) << e.what();
  }
}

TEST(JobValidate, RefusesBadFieldsNamingThem) {
  EXPECT_NO_THROW(core::validate(valid_job()));
  Job j = valid_job();
  j.extranonce2_size = 0;
  expect_refused(j, "extranonce2_size");
  j.extranonce2_size = 33;
  expect_refused(j, "extranonce2_size");
  j = valid_job();
  j.extranonce1.assign(33, 0);
  expect_refused(j, "extranonce1");
  j = valid_job();
  j.version_mask = 0x3fffe000;  // bit 29 is one of the top three
  expect_refused(j, "version_mask");
  j = valid_job();
  j.job_id.clear();
  expect_refused(j, "job_id");
  j = valid_job();
  j.share_target = core::Uint256{};
  expect_refused(j, "share_target");
  j = valid_job();
  j.coinbase_suffix.clear();
  expect_refused(j, "coinbase_suffix");
  j = valid_job();
  j.version_mask = 0x1fffe000;  // BIP 310's usual mask is fine
  j.extranonce2_size = 32;
  EXPECT_NO_THROW(core::validate(j));
}

TEST(JobWork, CoinbaseRefusesAWrongExtranonce2Size) {
  const Job job = valid_job();
  EXPECT_THROW(core::build_coinbase(job, core::Bytes(3)), std::invalid_argument);
  EXPECT_EQ(core::build_coinbase(job, core::Bytes{9, 8, 7, 6}),
            (core::Bytes{0x01, 9, 8, 7, 6, 0x02}));
}

TEST(JobWork, Extranonce2IsABigEndianCounter) {
  Job job = valid_job();
  EXPECT_EQ(core::to_hex(core::extranonce2_for(job, 0x0102)), "00000102");
  job.extranonce2_size = 1;
  EXPECT_EQ(core::to_hex(core::extranonce2_for(job, 0x0102)), "02");
  job.extranonce2_size = 10;
  EXPECT_EQ(core::to_hex(core::extranonce2_for(job, 0x0102030405060708)), "00000102030405060708");
}

TEST(VersionRolling, EveryIndexGivesADistinctVersionInsideTheMask) {
  for (std::uint32_t mask : {0x1fffe000u, 0x00002000u, 0x1e000000u, 0x0000a0c0u, 0u}) {
    const std::uint32_t base = 0x20000004u ^ (mask & 0x55555555u);  // some mask bits already set
    const std::uint64_t n = core::version_count(mask);
    ASSERT_EQ(n, std::uint64_t(1) << std::popcount(mask));
    std::set<std::uint32_t> seen;
    const std::uint64_t step = n > 4096 ? n / 4093 : 1;  // sample large masks
    for (std::uint64_t i = 0; i < n; i += step) {
      const std::uint32_t v = core::rolled_version(base, mask, i);
      EXPECT_EQ(v & ~mask, base & ~mask) << std::hex << "mask " << mask << " index " << i;
      seen.insert(v);
    }
    EXPECT_EQ(seen.size(), (n + step - 1) / step) << std::hex << "mask " << mask;
    EXPECT_EQ(core::rolled_version(base, mask, n - 1), (base & ~mask) | mask);
    EXPECT_EQ(core::rolled_version(base, mask, 0), base & ~mask);
  }
}

}  // namespace
}  // namespace hashrig
