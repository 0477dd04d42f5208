// The pool client end to end over real sockets: a rig (scheduler, CPU workers, Stratum client)
// against the test pool, which checks every share by rebuilding and hashing its header.
// Scenarios: a normal session; difficulty changes between jobs; clean and non-clean jobs;
// set_extranonce; version rolling negotiated; client.reconnect; the pool dying and coming back
// (failover and switch-back).
#include "stratum_client_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using testpool::PoolStats;
using testpool::TestPool;

TEST(StratumClient, ANormalSessionGetsSharesAccepted) {
  TestPool pool(test::easy_pool());
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  o.pools.back().suggest_difficulty = 0.5;
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(pool, 0, 3)) << rig.log_text();
  rig.stop();
  const PoolStats s = pool.stats();
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(s.last_user_agent, "hashrig/test");
  EXPECT_EQ(s.last_user, "worker.pool1");
  EXPECT_EQ(s.configures, 1u);
  EXPECT_EQ(s.extranonce_subscribes, 1u);
  EXPECT_EQ(s.last_suggested_difficulty, 0.5);
  for (const auto& submit : s.submits)
    EXPECT_EQ(submit.params.size(), 6u);  // version bits
  const host::StatsSnapshot mine = rig.stats();
  EXPECT_GE(mine.accepted, 3u);
  EXPECT_EQ(mine.rejected, 0u);
  EXPECT_EQ(mine.hw_errors, 0u);
}

TEST(StratumClient, EachJobKeepsTheDifficultySentBeforeIt) {
  TestPool pool(test::easy_pool());
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(pool, 0, 2)) << rig.log_text();
  for (const double d : {0.0001, 0.0004, 0.0002}) {
    pool.set_difficulty(d);
    pool.send_job(false);
    const std::uint64_t base = pool.stats().accepted;
    ASSERT_TRUE(test::accepted_more(pool, base, 2)) << rig.log_text();
  }
  rig.stop();
  const PoolStats s = pool.stats();
  EXPECT_EQ(s.rejected_by_reason.count("Low difficulty share"), 0u);
  EXPECT_EQ(rig.stats().rejected, 0u);
  bool saw_hardest = false;
  for (const auto& submit : s.submits)
    saw_hardest |= submit.accepted && submit.difficulty == 0.0004;
  EXPECT_TRUE(saw_hardest);
}

TEST(StratumClient, CleanAndNonCleanJobsNeverCostARejection) {
  TestPool pool(test::easy_pool());
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(pool, 0, 1)) << rig.log_text();
  for (int i = 0; i < 12; ++i) {
    pool.send_job(i % 3 == 0);
    std::this_thread::sleep_for(150ms);
  }
  const std::uint64_t base = pool.stats().accepted;
  ASSERT_TRUE(test::accepted_more(pool, base, 2)) << rig.log_text();
  rig.stop();
  const PoolStats s = pool.stats();
  // Only a share in flight while a clean job crossed it may be refused, and only as stale.
  for (const auto& [reason, n] : s.rejected_by_reason)
    EXPECT_EQ(reason, "Stale") << n;
  const host::StatsSnapshot mine = rig.stats();
  EXPECT_EQ(mine.rejected, 0u);
  EXPECT_EQ(mine.hw_errors, 0u);
}

TEST(StratumClient, SetExtranonceAppliesFromTheNextJob) {
  TestPool pool(test::easy_pool());
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(pool, 0, 1)) << rig.log_text();
  pool.set_extranonce("feedbeef01", 3);
  pool.send_job(true);
  ASSERT_TRUE(pool.wait_for(
      [](const PoolStats& s) {
        int n = 0;
        for (const auto& sub : s.submits)
          n += sub.accepted && sub.params[2].get<std::string>().size() == 6;
        return n >= 2;
      },
      60s))
      << rig.log_text();
  rig.stop();
  EXPECT_EQ(rig.stats().rejected, 0u);
}

TEST(StratumClient, ClientReconnectMovesToTheHostItNames) {
  TestPool first(test::easy_pool()), second(test::easy_pool());
  const std::uint16_t port1 = first.start();
  const std::uint16_t port2 = second.start();
  stratum::ClientOptions o = test::one_pool(port1);
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(first, 0, 1)) << rig.log_text();
  first.send_reconnect("127.0.0.1", port2, 0);
  ASSERT_TRUE(test::accepted_more(second, 0, 2)) << rig.log_text();
  rig.stop();
  EXPECT_EQ(rig.stats().rejected, 0u);
  EXPECT_NE(rig.log_text().find("asked to reconnect"), std::string::npos);
}

TEST(StratumClient, FailsOverWhenThePoolDiesAndSwitchesBackWhenItReturns) {
  TestPool main_pool(test::easy_pool()), backup(test::easy_pool());
  const std::uint16_t main_port = main_pool.start();
  const std::uint16_t backup_port = backup.start();
  stratum::ClientOptions o = test::quick_options();
  o.pools.push_back(test::pool_settings(test::tcp_url(main_port), "main"));
  o.pools.push_back(test::pool_settings(test::tcp_url(backup_port), "backup"));
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(main_pool, 0, 1)) << rig.log_text();
  EXPECT_EQ(backup.stats().accepted, 0u);

  main_pool.stop();  // the pool dies
  ASSERT_TRUE(test::accepted_more(backup, 0, 2)) << rig.log_text();

  main_pool.start();  // and comes back on the same port
  const std::uint64_t main_base = main_pool.stats().accepted;
  ASSERT_TRUE(test::accepted_more(main_pool, main_base, 2)) << rig.log_text();
  const std::uint64_t backup_after = backup.stats().accepted;
  std::this_thread::sleep_for(1500ms);
  // Back on the main pool: the backup gets no new work's shares (one in flight at most).
  EXPECT_LE(backup.stats().accepted, backup_after + 1);
  rig.stop();
  EXPECT_EQ(rig.stats().rejected, 0u) << rig.log_text();
  EXPECT_EQ(rig.stats().hw_errors, 0u);
}

TEST(StratumClient, LoadBalanceSharesTheTimeAmongThePoolsThatAreUp) {
  TestPool a(test::easy_pool()), b(test::easy_pool());
  const std::uint16_t port_a = a.start();
  const std::uint16_t port_b = b.start();
  stratum::ClientOptions o = test::quick_options();
  o.load_balance = true;
  o.strategy.quota_period = std::chrono::seconds(2);
  o.pools.push_back(test::pool_settings(test::tcp_url(port_a), "a"));
  o.pools.push_back(test::pool_settings(test::tcp_url(port_b), "b"));
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(a, 0, 3)) << rig.log_text();
  ASSERT_TRUE(test::accepted_more(b, 0, 3)) << rig.log_text();
  rig.stop();
  EXPECT_EQ(rig.stats().rejected, 0u);
  EXPECT_EQ(rig.stats().accepted, a.stats().accepted + b.stats().accepted);
  // Each pool's job goes on where it was when its turn comes again: nothing is hashed twice.
  EXPECT_EQ(rig.log_text().find("already submitted"), std::string::npos) << rig.log_text();
}

}  // namespace
}  // namespace hashrig
