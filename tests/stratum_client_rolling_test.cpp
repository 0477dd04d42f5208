// Version rolling through the whole client: a share whose header rolled version bits inside the
// granted mask, found here by brute force with the reference sha256d, goes from the Stratum source
// to the test pool with its version bits as mining.submit's 6th parameter, and the pool (which
// rebuilds the header with those bits) accepts it. (Bits outside the mask never reach a pool: the
// scheduler's nonce space rolls only inside it, which the scheduler suite proves.)
#include "core/job_work.h"
#include "core/target.h"
#include "stratum_client_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using testpool::PoolStats;
using testpool::TestPool;

// A share for `version`: the first nonce whose header meets the job's share target.
host::Share mine_rolled_share(const std::shared_ptr<const core::Job>& job, std::uint32_t version,
                              std::uint64_t extranonce2) {
  host::Share s;
  s.job = job;
  s.job_id = job->job_id;
  s.source_id = job->source_id;
  s.extranonce2 = core::extranonce2_for(*job, extranonce2);
  s.ntime = job->ntime;
  s.version = version;
  s.version_bits = version & job->version_mask;
  const core::Hash256 root = core::job_merkle_root(*job, s.extranonce2);
  const core::HeaderBytes header = core::build_header(*job, root, version, job->ntime);
  for (std::uint32_t n = 0;; ++n) {
    if (core::hash_value(core::header_hash_with_nonce(header, n)) <= job->share_target) {
      s.nonce = n;
      return s;
    }
  }
}

TEST(StratumClientRolling, RolledVersionBitsInsideTheGrantedMaskAreAccepted) {
  testpool::TestPoolOptions options = test::easy_pool();
  options.difficulty = 0.00001;  // ~43k hashes per share with the reference code
  options.version_rolling_mask = 0x00ffe000;
  TestPool pool(options);
  const std::uint16_t port = pool.start();
  std::ostringstream text;
  host::Logger log(text, host::LogLevel::debug, false);
  host::Scheduler scheduler(log);  // not started: the shares come from this test
  stratum::ClientOptions o = test::one_pool(port);
  host::StratumSource source(scheduler, log, o);
  source.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!scheduler.board().current().job && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  const auto job = scheduler.board().current().job;
  ASSERT_TRUE(job) << text.str();
  EXPECT_EQ(job->version_mask, 0x00ffe000u);  // requested 1fffe000 & offered 00ffe000
  const std::uint32_t rolled[] = {0x00002000, 0x00ffe000, 0x00a4c000};
  for (std::size_t i = 0; i < std::size(rolled); ++i) {
    source.submit(mine_rolled_share(job, job->version | rolled[i], i));
  }
  ASSERT_TRUE(pool.wait_for([](const PoolStats& s) { return s.accepted >= 3; }, 30s)) << text.str();
  source.stop(5s);  // the pool's last answers may still be on their way
  const PoolStats s = pool.stats();
  EXPECT_EQ(s.rejected, 0u);
  ASSERT_EQ(s.submits.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(s.submits[i].params.size(), 6u);
    EXPECT_EQ(std::stoul(s.submits[i].params[5].get<std::string>(), nullptr, 16), rolled[i]);
  }
  EXPECT_EQ(scheduler.stats().totals().accepted.load(), 3u);
}

}  // namespace
}  // namespace hashrig
