// The scheduler end to end, on real threads: recorded pool jobs replayed through it give the
// exact headers the pool accepted; devices never hash the same (header, nonce) across job
// switches, with 2..16 workers; version rolling stays inside the mask; hardware errors are
// counted and never routed; a malformed job is refused while the previous one keeps running.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <tuple>

#include "core/error.h"
#include "core/job_work.h"
#include "scheduler_test_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using host::Scheduler;
using host::Share;

host::Logger& quiet_log() {
  static std::ostringstream sink;
  static host::Logger log(sink, host::LogLevel::error, false);
  return log;
}

// Replays one recorded accepted share: the scheduler, started at the recorded extranonce2 and
// nTime a little before the recorded nonce, must find that nonce and build the identical header.
void replay_recorded_share(const nlohmann::json& notify, const nlohmann::json& session_fixture,
                           const nlohmann::json& submit, const std::string& header_hex) {
  const core::Job job = stratum::job_from_notify(notify, test::fixture_session(session_fixture));
  const std::uint64_t en2 = std::stoull(submit.at(2).get<std::string>(), nullptr, 16);
  const std::uint32_t ntime =
      std::uint32_t(std::stoul(submit.at(3).get<std::string>(), nullptr, 16));
  const std::uint32_t nonce =
      std::uint32_t(std::stoul(submit.at(4).get<std::string>(), nullptr, 16));
  ASSERT_GE(ntime, job.ntime);

  Scheduler scheduler(quiet_log());
  test::ShareCollector sink;
  scheduler.set_sink("ckpool", &sink);
  scheduler.add_backend(test::cpu_backend(test::real_kernel(), 2));
  scheduler.start();
  scheduler.publish(job, {en2, ntime - job.ntime, nonce & ~0xffffu});
  const auto found = [&](const std::vector<Share>& v) {
    return std::any_of(v.begin(), v.end(), [&](const Share& s) { return s.nonce == nonce; });
  };
  ASSERT_TRUE(sink.wait_for(found)) << "the recorded nonce was never found";
  scheduler.stop();

  for (const Share& s : sink.shares()) {
    EXPECT_LE(core::hash_value(s.hash), s.job->share_target);  // every share is real
    EXPECT_EQ(s.source_id, "ckpool");
    if (s.nonce != nonce) continue;
    EXPECT_EQ(core::to_hex(s.header), header_hex);
    EXPECT_EQ(s.job_id, submit.at(1));
    EXPECT_EQ(core::to_hex(s.extranonce2), submit.at(2));
    EXPECT_EQ(s.ntime, ntime);
    EXPECT_FALSE(s.stale);
  }
  EXPECT_EQ(scheduler.stats().snapshot(host::Stats::Clock::now()).hw_errors, 0u);
}

class SchedulerReplay : public ::testing::TestWithParam<const char*> {};

TEST_P(SchedulerReplay, ProducesTheRecordedAcceptedShareHeader) {
  const auto f = test::load_gbt_fixture(GetParam());
  const auto& valid = f.at("results").at("valid");
  ASSERT_EQ(valid.at("response").at("result"), true);
  const auto& submit = valid.at("params");
  replay_recorded_share(test::recorded_notify(f.at("transcript"), submit.at(1)), f, submit,
                        valid.at("header_hex"));
}

INSTANTIATE_TEST_SUITE_P(Ckpool, SchedulerReplay,
                         ::testing::Values("stratum-ckpool-shares-empty.json",
                                           "stratum-ckpool-shares-5tx.json"),
                         test::fixture_param_name);

TEST(SchedulerReplayBlock, FlagsThePoolsBlockAsABlockCandidate) {
  const auto f = test::load_gbt_fixture("stratum-ckpool-block-found.json");
  const auto& submit = f.at("submit_params");
  nlohmann::json session = f;
  session["extranonce2_size"] = 8;
  replay_recorded_share(test::recorded_notify(f.at("transcript"), submit.at(1)), session, submit,
                        f.at("header_hex"));
}

// Drives `workers` devices with the recording kernel through a run of job switches (clean,
// non-clean, and difficulty-only resends) and returns every range hashed.
std::vector<test::RecordedRange> hash_across_switches(unsigned workers, std::uint32_t mask) {
  test::RangeRecorder::instance().take();
  Scheduler scheduler(quiet_log());
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(
      test::cpu_backend(test::fake_kernel("recording", test::recording_kernel), workers, 200us));
  scheduler.start();
  for (int i = 0; i < 40; ++i) {
    // Every second publish resends the same work with another share target.
    core::Job job = test::pool_job("job" + std::to_string(i / 2),
                                   i % 2 ? core::target_from_difficulty(2) : core::Uint256::max());
    job.version_mask = mask;
    job.prev_hash[0] = std::uint8_t(i / 8);
    job.coinbase_prefix = {1, 2, 3, std::uint8_t(i / 2)};
    job.extranonce2_size = 2;
    job.clean = i % 8 == 0;
    scheduler.publish(job);
    std::this_thread::sleep_for(3ms);
  }
  scheduler.stop();
  EXPECT_EQ(scheduler.stats().snapshot(host::Stats::Clock::now()).hw_errors, 0u);
  return test::RangeRecorder::instance().take();
}

class SchedulerDisjoint : public ::testing::TestWithParam<unsigned> {};

TEST_P(SchedulerDisjoint, NoTwoDevicesHashTheSameHeaderAndNonceAcrossJobSwitches) {
  const unsigned workers = GetParam();
  std::vector<test::RecordedRange> ranges = hash_across_switches(workers, 0x1fffe000u);
  ASSERT_GT(ranges.size(), workers * 10u);
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) {
    return std::tie(a.header, a.first) < std::tie(b.header, b.first);
  });
  std::set<std::array<std::uint8_t, 80>> headers;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    headers.insert(ranges[i].header);
    ASSERT_GE(ranges[i].count, 1u);
    if (i > 0 && ranges[i].header == ranges[i - 1].header) {
      ASSERT_GE(ranges[i].first, std::uint64_t(ranges[i - 1].first) + ranges[i - 1].count)
          << "two batches overlap in one header";
    }
  }
  EXPECT_GT(headers.size(), 20u);  // the run really crossed jobs and rolled headers
}

INSTANTIATE_TEST_SUITE_P(Workers, SchedulerDisjoint, ::testing::Values(2u, 4u, 8u, 16u));

TEST(SchedulerVersionRolling, NeverTouchesBitsOutsideTheMask) {
  const std::uint32_t mask = 0x00ff0000u;
  const std::vector<test::RecordedRange> ranges = hash_across_switches(4, mask);
  std::set<std::uint32_t> versions;
  for (const auto& r : ranges) {
    const std::uint32_t v = core::read_le32(r.header.data());
    ASSERT_EQ(v & ~mask, 0x20000000u) << std::hex << v;
    versions.insert(v);
  }
  EXPECT_GT(versions.size(), 8u);  // it did roll
}

TEST(SchedulerVersionRolling, SharesCarryTheRolledBitsForSubmit) {
  Scheduler scheduler(quiet_log());
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(
      test::cpu_backend(test::fake_kernel("recording", test::recording_kernel), 2, 200us));
  scheduler.start();
  core::Job job = test::pool_job("v", core::Uint256::max());
  job.version_mask = 0x1fffe000u;
  scheduler.publish(job);
  ASSERT_TRUE(sink.wait_for([](const auto& v) {
    return std::any_of(v.begin(), v.end(), [](const Share& s) { return s.version_bits != 0; });
  }));
  scheduler.stop();
  for (const Share& s : sink.shares()) {
    EXPECT_EQ(s.version & ~job.version_mask, job.version);
    EXPECT_EQ(s.version_bits, s.version & job.version_mask);
    EXPECT_EQ(core::read_le32(s.header.data()), s.version);
  }
}

TEST(SchedulerVerification, ALyingDeviceGetsHardwareErrorsAndNoShares) {
  Scheduler scheduler(quiet_log());
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(test::cpu_backend(test::fake_kernel("lying", test::lying_kernel), 2));
  scheduler.start();
  scheduler.publish(test::pool_job("x", core::target_from_difficulty(1)));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (scheduler.stats().snapshot(host::Stats::Clock::now()).hw_errors < 100 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  scheduler.stop();
  const host::StatsSnapshot s = scheduler.stats().snapshot(host::Stats::Clock::now());
  EXPECT_GE(s.hw_errors, 100u);
  EXPECT_EQ(s.shares, 0u);
  EXPECT_TRUE(sink.shares().empty());
  std::uint64_t candidates = 0;
  for (std::size_t d = 0; d < 2; ++d) {
    candidates += scheduler.stats().device(d).candidates.load();
  }
  EXPECT_EQ(candidates, s.hw_errors);  // every candidate verified, none lost on stop
}

TEST(SchedulerVerification, AFloodOfHitsSlowsHashingButLosesNothing) {
  // Every nonce meets a share target of 2^256 - 1: the devices outrun the verifier, the bounded
  // queue holds them back, and every candidate still becomes a share.
  Scheduler scheduler(quiet_log());
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(test::cpu_backend(test::real_kernel(), 2));
  scheduler.start();
  scheduler.publish(test::pool_job("flood", core::Uint256::max()));
  std::this_thread::sleep_for(300ms);
  scheduler.stop();
  const host::StatsSnapshot s = scheduler.stats().snapshot(host::Stats::Clock::now());
  std::uint64_t candidates = 0;
  for (std::size_t d = 0; d < 2; ++d)
    candidates += scheduler.stats().device(d).candidates.load();
  EXPECT_GT(s.shares, 1000u);
  EXPECT_EQ(s.hw_errors, 0u);
  EXPECT_EQ(s.shares, candidates);
  EXPECT_EQ(sink.shares().size(), candidates);
  EXPECT_EQ(s.hashes, candidates);  // every nonce hashed was a hit, and each was verified
}

TEST(SchedulerEdge, AMalformedJobIsRefusedAndThePreviousJobKeepsRunning) {
  Scheduler scheduler(quiet_log());
  scheduler.add_backend(test::cpu_backend(test::real_kernel(), 1));
  scheduler.start();
  const core::Job good = test::pool_job("good", core::target_from_difficulty(1));
  const auto g = scheduler.publish(good);

  core::Job bad = good;
  bad.job_id = "bad";
  bad.extranonce2_size = 0;
  try {
    scheduler.publish(bad);
    FAIL() << "a job with extranonce2_size 0 was accepted";
  } catch (const core::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("extranonce2_size"), std::string::npos) << e.what();
  }
  bad = good;
  bad.version_mask = 0xe0000000u;
  EXPECT_THROW(scheduler.publish(bad), core::ParseError);
  EXPECT_EQ(scheduler.board().generation(), g);
  EXPECT_EQ(scheduler.board().current().job->job_id, "good");
  const std::uint64_t before = scheduler.stats().device(0).hashes.load();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (scheduler.stats().device(0).hashes.load() == before &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GT(scheduler.stats().device(0).hashes.load(), before);  // still hashing
}

TEST(SchedulerIdle, DevicesWaitForAJobAndStartOnPublish) {
  Scheduler scheduler(quiet_log());
  scheduler.add_backend(test::cpu_backend(test::real_kernel(), 2));
  scheduler.start();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(scheduler.stats().device(0).hashes.load() + scheduler.stats().device(1).hashes.load(),
            0u);
  const auto g = scheduler.publish(test::pool_job("1", core::target_from_difficulty(1)));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((scheduler.stats().device(0).generation.load() != g ||
          scheduler.stats().device(1).generation.load() != g) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(scheduler.stats().device(0).generation.load(), g);
  EXPECT_EQ(scheduler.stats().device(1).generation.load(), g);
}

}  // namespace
}  // namespace hashrig
