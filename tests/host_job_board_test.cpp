// JobBoard: generations, a difficulty-only resend keeps the nonce position, stale accounting
// across clean and non-clean switches, and a publisher racing workers (run under TSan too).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/target.h"
#include "host/job_board.h"

namespace hashrig {
namespace {

using host::JobBoard;

core::Job base_job(const std::string& id, bool clean) {
  core::Job job;
  job.job_id = id;
  job.source_id = "pool1";
  job.version = 0x20000000u;
  job.coinbase_prefix = {1, 2, 3};
  job.coinbase_suffix = {4, 5, 6};
  job.extranonce2_size = 4;
  job.nbits = 0x1d00ffff;
  job.ntime = 1700000000u;
  job.share_target = core::target_from_difficulty(1);
  job.network_target = core::target_from_compact(job.nbits);
  job.clean = clean;
  core::validate(job);
  return job;
}

std::shared_ptr<const core::Job> shared(core::Job job) {
  return std::make_shared<const core::Job>(std::move(job));
}

TEST(JobBoard, GenerationsCountUpAndSnapshotsAreWhatWasPublished) {
  JobBoard board;
  EXPECT_EQ(board.generation(), 0u);
  EXPECT_FALSE(board.current().job);
  EXPECT_EQ(board.publish(shared(base_job("a", true))), 1u);
  EXPECT_EQ(board.publish(shared(base_job("b", false))), 2u);
  const auto snap = board.current();
  EXPECT_EQ(snap.generation, 2u);
  EXPECT_EQ(snap.job->job_id, "b");
  EXPECT_EQ(board.generation(), 2u);
}

TEST(JobBoard, ADifficultyOnlyResendKeepsTheNoncePosition) {
  JobBoard board;
  board.publish(shared(base_job("a", true)));
  const auto first = board.current();
  const auto p1 = first.space->claim(1000);
  core::Job harder = base_job("a", false);
  harder.share_target = core::target_from_difficulty(64);
  board.publish(shared(harder));
  const auto second = board.current();
  EXPECT_EQ(second.space, first.space);
  EXPECT_EQ(second.job->share_target, core::target_from_difficulty(64));
  const auto p2 = second.space->claim(1000);
  EXPECT_EQ(p2->first_nonce, p1->first_nonce + 1000);  // went on, did not restart at 0
  EXPECT_FALSE(board.is_stale(first.generation));      // same work: its hits still count

  core::Job changed = base_job("a", false);
  changed.ntime += 1;  // not just a difficulty change: new space
  board.publish(shared(changed));
  EXPECT_NE(board.current().space, first.space);
  EXPECT_EQ(board.current().space->claim(1)->first_nonce, 0u);
}

TEST(JobBoard, AJobPublishedAgainAfterOthersGoesOnWhereItWas) {
  JobBoard board;
  board.publish(shared(base_job("a", true)));
  const auto a = board.current();
  const auto first = a.space->claim(5000);
  board.publish(shared(base_job("b", true)));  // another pool's turn (load balance)
  EXPECT_NE(board.current().space, a.space);
  board.current().space->claim(100);
  board.publish(shared(base_job("a", true)));  // back to the first pool's job
  EXPECT_EQ(board.current().space, a.space);
  EXPECT_EQ(board.current().space->claim(1)->first_nonce, first->first_nonce + 5000);
  for (int i = 0; i < int(JobBoard::kRecentSpaces) + 1; ++i) {
    board.publish(shared(base_job("filler" + std::to_string(i), true)));
  }
  board.publish(shared(base_job("a", true)));  // forgotten by now: a fresh space
  EXPECT_NE(board.current().space, a.space);
}

TEST(JobBoard, CleanJobsMakeEarlierHitsStaleNonCleanJobsDoNot) {
  JobBoard board;
  const auto g1 = board.publish(shared(base_job("a", true)));
  const auto g2 = board.publish(shared(base_job("b", false)));  // new transactions
  EXPECT_FALSE(board.is_stale(g1));
  EXPECT_FALSE(board.is_stale(g2));
  const auto g3 = board.publish(shared(base_job("c", true)));  // new block
  EXPECT_TRUE(board.is_stale(g1));
  EXPECT_TRUE(board.is_stale(g2));
  EXPECT_FALSE(board.is_stale(g3));
  const auto g4 = board.publish(shared(base_job("d", false)));
  EXPECT_FALSE(board.is_stale(g3));
  EXPECT_FALSE(board.is_stale(g4));
  EXPECT_THROW(board.publish(nullptr), std::invalid_argument);
}

TEST(JobBoard, WorkersFollowAPublisherWithoutEverSeeingAnOlderJob) {
  JobBoard board;
  board.publish(shared(base_job("0", true)));
  std::atomic<bool> done{false};
  std::vector<std::jthread> workers;
  std::atomic<int> regressions{0};
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      host::JobSnapshot held = board.current();
      while (!done.load()) {
        if (board.generation() != held.generation) {
          host::JobSnapshot next = board.current();
          if (next.generation <= held.generation) ++regressions;
          held = std::move(next);
        }
        ASSERT_TRUE(held.space->claim(1 << 16));  // one "batch"
        if (std::to_string(held.generation - 1) != held.job->job_id) ++regressions;
      }
    });
  }
  for (int i = 1; i < 2000; ++i)
    board.publish(shared(base_job(std::to_string(i), i % 3 == 0)));
  done = true;
  workers.clear();
  EXPECT_EQ(regressions.load(), 0);
  EXPECT_EQ(board.generation(), 2000u);
}

}  // namespace
}  // namespace hashrig
