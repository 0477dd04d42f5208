// The scheduler's parts on their own: batch sizing, hashrate windows, the candidate queue, and
// the verifier's verdicts (shares, hardware errors, block candidates, stale accounting across
// clean and non-clean job switches).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/job_work.h"
#include "host/batch_sizer.h"
#include "host/candidate.h"
#include "host/hashrate_meter.h"
#include "host/verifier.h"
#include "scheduler_test_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;

TEST(BatchSizer, FollowsTheMeasuredRateToTheTargetDuration) {
  host::BatchSizer sizer(2ms, 1 << 16);
  EXPECT_EQ(sizer.size(), 1u << 16);
  // The time a batch of `n` takes at `rate` hashes per second.
  const auto at = [](std::uint64_t n, double rate) {
    return std::chrono::nanoseconds(std::int64_t(double(n) / rate * 1e9));
  };
  for (int i = 0; i < 40; ++i)
    sizer.record(sizer.size(), at(sizer.size(), 50e6));
  // 50 MH/s for 2 ms: 100k nonces, rounded down to the granule.
  EXPECT_NEAR(double(sizer.size()), 100e3, 1e3);
  EXPECT_EQ(sizer.size() % 256, 0u);
  for (int i = 0; i < 40; ++i)
    sizer.record(sizer.size(), at(sizer.size(), 5e6));
  EXPECT_NEAR(double(sizer.size()), 10e3, 300);  // the device slowed down tenfold
}

TEST(BatchSizer, StaysWithinItsLimits) {
  host::BatchSizer sizer(50ms, 1, {4096, 1 << 20, 1024});
  EXPECT_EQ(sizer.size(), 4096u);
  sizer.record(1 << 30, 1ns);  // absurdly fast
  EXPECT_EQ(sizer.size(), 1u << 20);
  for (int i = 0; i < 300; ++i)
    sizer.record(1, 1s);  // absurdly slow
  EXPECT_EQ(sizer.size(), 4096u);
  sizer.record(0, 1s);  // nothing hashed: ignored
  EXPECT_EQ(sizer.size(), 4096u);
  EXPECT_THROW(host::BatchSizer(0ms, 1), std::invalid_argument);
  EXPECT_THROW(host::BatchSizer(1ms, 1, {10, 5, 1}), std::invalid_argument);
}

TEST(HashrateMeter, RatesOverEachWindow) {
  const auto t0 = host::HashrateMeter::Clock::time_point{};
  host::HashrateMeter meter(t0);
  EXPECT_EQ(meter.rate(5s), 0);
  // 100 H/s for 100 s, then 1000 H/s for 10 s.
  std::uint64_t total = 0;
  for (int s = 1; s <= 100; ++s)
    meter.sample(t0 + s * 1s, total += 100);
  for (int s = 101; s <= 110; ++s)
    meter.sample(t0 + s * 1s, total += 1000);
  EXPECT_DOUBLE_EQ(meter.rate(5s), 1000);
  EXPECT_DOUBLE_EQ(meter.rate(60s), (50 * 100 + 10 * 1000) / 60.0);
  EXPECT_DOUBLE_EQ(meter.rate(900s), double(total) / 110);  // shorter life than the window
}

TEST(HashrateMeter, ForgetsWhatIsOlderThanItsRing) {
  const auto t0 = host::HashrateMeter::Clock::time_point{};
  host::HashrateMeter meter(t0);
  std::uint64_t total = 0;
  for (int s = 1; s <= 3000; ++s)
    meter.sample(t0 + s * 1s, total += (s <= 1000 ? 1 : 7));
  EXPECT_DOUBLE_EQ(meter.rate(900s), 7);
  EXPECT_DOUBLE_EQ(meter.rate(5s), 7);
}

TEST(CandidateQueue, AFullQueueHoldsBackItsProducersAndLosesNothing) {
  host::CandidateQueue q(8);
  std::atomic<std::uint32_t> pushed{0};
  std::jthread producer([&] {
    for (std::uint32_t i = 0; i < 1000; ++i) {
      q.push({0, 1, nullptr, 0, 0, 0, i});
      ++pushed;
    }
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pushed.load(), 8u);  // the ninth push waits for room
  EXPECT_EQ(q.size(), 8u);
  for (std::uint32_t expected = 0; expected < 1000; ++expected) {
    const auto c = q.pop();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->nonce, expected);
    EXPECT_LE(q.size(), 8u);
  }
  producer.join();
  q.close();
  EXPECT_FALSE(q.pop());
  EXPECT_THROW(host::CandidateQueue(0), std::invalid_argument);
}

TEST(CandidateQueue, DeliversEverythingPushedThenEndsWhenClosed) {
  host::CandidateQueue q;
  std::jthread producer([&q] {
    for (std::uint32_t i = 0; i < 1000; ++i)
      q.push({0, 1, nullptr, 0, 0, 0, i});
    q.close();
  });
  std::uint32_t expected = 0;
  while (auto c = q.pop())
    EXPECT_EQ(c->nonce, expected++);
  EXPECT_EQ(expected, 1000u);
  EXPECT_FALSE(q.pop());
}

// A job whose header we can mine on the spot: regtest bits, so about half of all nonces are
// blocks, and a share target of difficulty 1/1000.
std::shared_ptr<const core::Job> regtest_job(const std::string& id, bool clean) {
  auto job = std::make_shared<core::Job>();
  job->job_id = id;
  job->source_id = "node";
  job->version = 0x20000000u;
  job->version_mask = 0x1fffe000u;
  job->coinbase_prefix = {1, 2, 3};
  job->coinbase_suffix = {4, 5, 6};
  job->extranonce1 = {9, 9};
  job->extranonce2_size = 4;
  job->nbits = 0x207fffff;
  job->ntime = 1500000000u;
  job->share_target = core::target_from_compact(0x2000ffff);
  job->network_target = core::target_from_compact(job->nbits);
  job->clean = clean;
  core::validate(*job);
  return job;
}

// The first nonce whose header hash meets `target` / misses it.
std::uint32_t find_nonce(const core::Job& job, std::uint64_t en2, std::uint32_t version,
                         const core::Uint256& target, bool meets) {
  const auto root = core::job_merkle_root(job, core::extranonce2_for(job, en2));
  const auto header = core::build_header(job, root, version, job.ntime);
  for (std::uint32_t n = 0;; ++n) {
    if ((core::hash_value(core::header_hash_with_nonce(header, n)) <= target) == meets) return n;
  }
}

struct VerifierFixture : ::testing::Test {
  host::JobBoard board;
  host::Stats stats;
  host::Verifier verifier{board, stats};
  VerifierFixture() { stats.add_device("cpu#0", "test"); }

  // A candidate for the board's current job that meets its share target.
  host::Candidate candidate(std::uint64_t generation) {
    auto job = board.current().job;
    const std::uint32_t version = 0x20002000u;
    return {0,
            generation,
            job,
            7,
            version,
            job->ntime,
            find_nonce(*job, 7, version, job->share_target, true)};
  }
};

TEST_F(VerifierFixture, RebuildsTheHeaderFromTheCandidateAlone) {
  board.publish(regtest_job("a", true));
  const host::Candidate c = candidate(1);
  const auto share = verifier.verify(c);
  ASSERT_TRUE(share);
  EXPECT_EQ(core::to_hex(share->extranonce2), "00000007");
  const auto root = core::job_merkle_root(*c.job, share->extranonce2);
  auto header = core::build_header(*c.job, root, c.version, c.ntime);
  core::write_le32(header.data() + core::kNonceOffset, c.nonce);
  EXPECT_EQ(share->header, header);
  EXPECT_EQ(share->hash, core::sha256d(header));
  EXPECT_EQ(share->version_bits, 0x00002000u);
  EXPECT_TRUE(share->block_candidate);
  EXPECT_FALSE(share->stale);
  EXPECT_EQ(stats.totals().blocks_found.load(), 1u);
  EXPECT_EQ(stats.device(0).shares.load(), 1u);
}

TEST_F(VerifierFixture, AShareThatIsNoBlockAndAHitThatIsNoShare) {
  board.publish(regtest_job("a", true));
  host::Candidate c = candidate(1);
  // A nonce meeting the share target but not the network target does not exist for regtest's
  // easy target; make the job's network target hard instead.
  auto hard = std::make_shared<core::Job>(*c.job);
  hard->network_target = core::target_from_compact(0x1d00ffff);
  c.job = hard;
  c.nonce = find_nonce(*hard, 7, c.version, hard->share_target, true);
  auto share = verifier.verify(c);
  ASSERT_TRUE(share);
  EXPECT_FALSE(share->block_candidate);

  c.nonce = find_nonce(*hard, 7, c.version, hard->share_target, false);
  EXPECT_FALSE(verifier.verify(c));
  EXPECT_EQ(stats.device(0).hw_errors.load(), 1u);
  EXPECT_EQ(stats.device(0).shares.load(), 1u);
}

TEST_F(VerifierFixture, StaleAcrossCleanButNotNonCleanSwitches) {
  const auto g1 = board.publish(regtest_job("a", true));
  const host::Candidate from_a = candidate(g1);
  const auto g2 = board.publish(regtest_job("b", false));  // new transactions, same block
  const host::Candidate from_b = candidate(g2);
  EXPECT_FALSE(verifier.verify(from_a)->stale);  // in flight across a non-clean switch: counts
  EXPECT_FALSE(verifier.verify(from_b)->stale);

  const auto g3 = board.publish(regtest_job("c", true));  // new block
  const host::Candidate from_c = candidate(g3);
  EXPECT_TRUE(verifier.verify(from_a)->stale);
  EXPECT_TRUE(verifier.verify(from_b)->stale);
  EXPECT_FALSE(verifier.verify(from_c)->stale);

  board.publish(regtest_job("d", false));
  EXPECT_FALSE(verifier.verify(from_c)->stale);  // c's block is still the tip
  // A clean resend of the same work (difficulty change) is no new block.
  auto resend = std::make_shared<core::Job>(*board.current().job);
  resend->clean = true;
  resend->share_target = core::target_from_compact(0x2000fff0);
  board.publish(resend);
  EXPECT_FALSE(verifier.verify(from_c)->stale);
  EXPECT_EQ(stats.totals().shares.load(), 7u);
  EXPECT_EQ(stats.totals().stale.load(), 0u);  // the sources count stale shares, by their rules
}

}  // namespace
}  // namespace hashrig
