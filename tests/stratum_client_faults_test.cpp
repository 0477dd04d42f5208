// The pool client against a hostile pool over real sockets: each malformed message drops the
// connection with a log line naming the pool, method and field, the client reconnects, the
// devices keep hashing and shares keep being accepted; a pool that closes or resets mid-session
// is reconnected to.
#include "malformed_pool_messages.h"
#include "stratum_client_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using testpool::PoolStats;
using testpool::TestPool;

TEST(StratumClientFaults, EveryMalformedMessageDropsTheSessionWhichComesBack) {
  TestPool pool(test::easy_pool());
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(pool, 0, 1)) << rig.log_text();
  const std::vector<test::Malformed> messages = test::malformed_messages();
  ASSERT_GE(messages.size(), 30u);
  for (const test::Malformed& m : messages) {
    const PoolStats before = pool.stats();
    // Sent once the session is up again, so it lands in a subscribed session.
    ASSERT_TRUE(pool.wait_for(
        [&](const PoolStats& s) {
          return s.open_sessions == 1 && s.authorizes >= before.authorizes;
        },
        30s));
    pool.send_raw(m.line + "\n");
    ASSERT_TRUE(pool.wait_for(
        [&](const PoolStats& s) {
          return s.authorizes > before.authorizes && s.open_sessions == 1;
        },
        30s))
        << m.name << " did not make the client reconnect\n"
        << rig.log_text();
    const std::string log = rig.log_text();
    EXPECT_NE(log.find(std::string(m.expect)), std::string::npos)
        << m.name << ": no log line naming '" << m.expect << "'";
  }
  EXPECT_NE(rig.log_text().find("[stratum pool1]"), std::string::npos);
  const std::uint64_t base = pool.stats().accepted;
  ASSERT_TRUE(test::accepted_more(pool, base, 2)) << rig.log_text();  // still mining
  rig.stop();
  EXPECT_EQ(rig.stats().hw_errors, 0u);
  EXPECT_EQ(rig.stats().rejected, 0u);
}

TEST(StratumClientFaults, APoolThatClosesOrResetsIsReconnectedTo) {
  TestPool pool(test::easy_pool());
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(pool, 0, 1)) << rig.log_text();
  for (const bool reset : {false, true, false, true}) {
    const std::uint64_t authorizes = pool.stats().authorizes;
    pool.drop_connections(reset);
    ASSERT_TRUE(pool.wait_for([&](const PoolStats& s) { return s.authorizes > authorizes; }, 30s))
        << rig.log_text();
  }
  EXPECT_GE(pool.stats().resumed, 4u);  // each reconnect asked to resume the session it had
  const std::uint64_t base = pool.stats().accepted;
  ASSERT_TRUE(test::accepted_more(pool, base, 2)) << rig.log_text();
  rig.stop();
  EXPECT_EQ(rig.stats().rejected, 0u);
}

TEST(StratumClientFaults, APoolThatSendsNoJobIsDeclaredDead) {
  testpool::TestPoolOptions quiet = test::easy_pool();
  quiet.notify_on_authorize = false;  // subscribes and authorizes, never sends work
  TestPool pool(quiet);
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::quick_options();
  o.job_timeout = 500ms;
  o.pools.push_back(test::pool_settings(test::tcp_url(port), "pool1"));
  test::Rig rig(o);
  ASSERT_TRUE(pool.wait_for([](const PoolStats& s) { return s.connections >= 3; }, 30s))
      << rig.log_text();
  EXPECT_NE(rig.log_text().find("no job from the pool"), std::string::npos) << rig.log_text();
}

TEST(StratumClientFaults, SharesAPoolNeverAnswersAreCountedStaleNotLost) {
  testpool::TestPoolOptions silent = test::easy_pool();
  silent.never_answer_submits = true;
  TestPool pool(silent);
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  test::Rig rig(o);
  ASSERT_TRUE(pool.wait_for([](const PoolStats& s) { return s.submits.size() >= 2; }, 60s))
      << rig.log_text();
  rig.stop();  // waits 2 s for answers that never come
  const host::StatsSnapshot mine = rig.stats();
  EXPECT_EQ(mine.accepted, 0u);
  EXPECT_EQ(mine.rejected, 0u);
  EXPECT_GE(mine.stale, pool.stats().submits.size());  // every share sent has an outcome
  EXPECT_NE(rig.log_text().find("unanswered"), std::string::npos) << rig.log_text();
}

TEST(StratumClientFaults, APoolThatAnswersNoShareForTheSubmitTimeoutIsDroppedAndComesBack) {
  testpool::TestPoolOptions silent = test::easy_pool();
  silent.never_answer_submits = true;
  TestPool pool(silent);
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  o.submit_timeout = 1s;
  test::Rig rig(o);
  ASSERT_TRUE(pool.wait_for([](const PoolStats& s) { return s.connections >= 3; }, 60s))
      << rig.log_text();
  EXPECT_NE(rig.log_text().find("no answer to a share for 1 s"), std::string::npos)
      << rig.log_text();
  // The shares of each dropped session were counted stale when it was dropped, not at the end.
  EXPECT_GE(rig.stats().stale, 1u);
  rig.stop();
  EXPECT_EQ(rig.stats().accepted, 0u);
  EXPECT_GE(rig.stats().stale, pool.stats().submits.size());  // every share sent has an outcome
}

}  // namespace
}  // namespace hashrig
