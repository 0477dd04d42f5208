// What an operator (the HTTP API, metrics) asks of the pool client, over real sockets against the
// test pool: status() from connecting to up (difficulty, extranonce, the active pool, per-pool
// share outcomes, no password), switch_to() (the chosen pool's job comes next, marked clean;
// refused in load balance), and StratumSource::reload() from one pool to two while the devices
// keep hashing, without losing a share.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/job_work.h"
#include "stratum_client_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using stratum::PoolState;
using stratum::PoolStatus;
using testpool::PoolStats;
using testpool::TestPool;

// Records what a Client reports, for tests that drive a Client without a scheduler.
class Recorder : public stratum::ClientEvents {
 public:
  struct Job {
    std::size_t pool;
    core::Job job;
  };

  void job(std::size_t pool, core::Job job) override {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back({pool, std::move(job)});
    m_changed.notify_all();
  }
  void share_result(std::size_t pool, const stratum::ShareOutcome& outcome) override {
    std::lock_guard lock(m_mutex);
    m_results.emplace_back(pool, outcome.result);
    m_changed.notify_all();
  }
  void note(std::size_t, stratum::SessionEvents::Level, std::string text) override {
    std::lock_guard lock(m_mutex);
    m_notes += text + "\n";
  }
  bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 30s) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, pred);
  }
  // With the lock held (inside wait_for's predicate) or after the client stopped.
  const std::vector<Job>& jobs_locked() const { return m_jobs; }
  std::size_t results_locked() const { return m_results.size(); }
  std::vector<Job> jobs() const {
    std::lock_guard lock(m_mutex);
    return m_jobs;
  }
  std::string notes() const {
    std::lock_guard lock(m_mutex);
    return m_notes;
  }

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<Job> m_jobs;
  std::vector<std::pair<std::size_t, stratum::ShareOutcome::Result>> m_results;
  std::string m_notes;
};

// Polls status() until `pred` holds for it; the last status seen is left in `out`.
bool status_until(const stratum::Client& client, const std::function<bool(const PoolStatus&)>& pred,
                  std::size_t pool, PoolStatus& out, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    out = client.status().at(pool);
    if (pred(out)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
}

// A share of `job`: extranonce2 number `n`, the first nonce that meets the share target (with
// `valid`), or one that does not.
stratum::SubmitRequest mine(const core::Job& job, std::uint64_t n, bool valid = true) {
  stratum::SubmitRequest r;
  r.job_id = job.job_id;
  r.extranonce2 = core::extranonce2_for(job, n);
  r.ntime = job.ntime;
  r.session = job.source_session;
  const core::Hash256 root = core::job_merkle_root(job, r.extranonce2);
  const core::HeaderBytes header = core::build_header(job, root, job.version, job.ntime);
  for (std::uint32_t nonce = 0;; ++nonce) {
    const bool meets =
        core::hash_value(core::header_hash_with_nonce(header, nonce)) <= job.share_target;
    if (meets == valid) {
      r.nonce = nonce;
      return r;
    }
  }
}

testpool::TestPoolOptions cheap_pool() {
  testpool::TestPoolOptions o = test::easy_pool();
  o.difficulty = 0.00001;  // ~43k hashes per share with the reference code
  return o;
}

TEST(StratumClientControl, StatusFollowsAPoolFromSubscribingToUp) {
  testpool::TestPoolOptions quiet = cheap_pool();
  quiet.notify_on_authorize = false;  // connected and authorized, but no job until the test says
  quiet.extranonce1_hex = "a1b2c3d4";
  quiet.extranonce2_size = 6;
  TestPool pool(quiet);
  const std::uint16_t port = pool.start();
  stratum::ClientOptions o = test::one_pool(port);
  o.pools.back().entry.pass = "secret-password";
  Recorder events;
  stratum::Client client(o, events);
  EXPECT_EQ(client.mode(), stratum::StrategyMode::failover);

  PoolStatus s = client.status().at(0);  // before start()
  EXPECT_EQ(s.name, "pool1");
  EXPECT_EQ(s.url, test::tcp_url(port));
  EXPECT_EQ(s.user, "worker.pool1");
  EXPECT_EQ(s.state, PoolState::idle);
  EXPECT_TRUE(s.active);  // the pool it will mine first
  EXPECT_FALSE(s.seconds_since_job);
  EXPECT_FALSE(s.difficulty);

  client.start();
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.state == PoolState::subscribing; }, 0, s))
      << to_string(s.state) << "\n"
      << events.notes();
  EXPECT_FALSE(s.difficulty);  // not up: no session values yet
  EXPECT_TRUE(s.extranonce1.empty());
  EXPECT_FALSE(s.seconds_since_job);

  ASSERT_TRUE(pool.wait_for([](const PoolStats& st) { return st.authorizes >= 1; }, 30s));
  pool.set_difficulty(0.002);
  pool.send_job(true);
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.state == PoolState::up; }, 0, s))
      << to_string(s.state) << "\n"
      << events.notes();
  EXPECT_TRUE(s.active);
  ASSERT_TRUE(s.difficulty);
  EXPECT_EQ(*s.difficulty, 0.002);
  EXPECT_EQ(s.extranonce1, "a1b2c3d4");
  EXPECT_EQ(s.extranonce2_size, 6u);
  ASSERT_TRUE(s.seconds_since_job);
  EXPECT_LT(*s.seconds_since_job, 10.0);
  EXPECT_EQ(s.reconnects, 0u);
  EXPECT_EQ(s.last_error, "");

  // A new difficulty shows without a new job (within a supervision tick).
  pool.set_difficulty(0.004);
  EXPECT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.difficulty == 0.004; }, 0, s));

  // No password anywhere in what status() reports.
  for (const PoolStatus& p : client.status()) {
    for (const std::string& text : {p.name, p.url, p.user, p.last_error, p.extranonce1})
      EXPECT_EQ(text.find("secret"), std::string::npos) << text;
  }
  client.stop();
  s = client.status().at(0);  // after stop(): the last state, without a deadlock
  EXPECT_EQ(s.state, PoolState::idle);
  EXPECT_TRUE(s.seconds_since_job);
}

TEST(StratumClientControl, StatusCountsSharesPerPoolAndShowsAFailingPool) {
  TestPool dead(cheap_pool()), good(cheap_pool());
  const std::uint16_t dead_port = dead.start();
  dead.stop();  // nothing listens there any more
  const std::uint16_t good_port = good.start();
  stratum::ClientOptions o = test::quick_options();
  o.pools.push_back(test::pool_settings(test::tcp_url(dead_port), "dead"));
  o.pools.push_back(test::pool_settings(test::tcp_url(good_port), "good"));
  Recorder events;
  stratum::Client client(o, events);
  client.start();
  ASSERT_TRUE(events.wait_for([&] {
    for (const auto& j : events.jobs_locked())
      if (j.pool == 1) return true;
    return false;
  })) << events.notes();
  core::Job job;
  for (const auto& j : events.jobs())
    if (j.pool == 1) job = j.job;

  const stratum::SubmitRequest first = mine(job, 1);
  client.submit(1, first);
  client.submit(1, mine(job, 2));
  client.submit(1, mine(job, 3, false));  // a hash above the target: rejected
  ASSERT_TRUE(events.wait_for([&] { return events.results_locked() == 3; }));
  client.submit(1, first);  // the same share again: not sent
  ASSERT_TRUE(client.drain(30s));

  PoolStatus s;
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.duplicate == 1; }, 1, s));
  EXPECT_EQ(s.accepted, 2u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.stale, 0u);
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.state, PoolState::up);

  // The dead pool comes first in the failover order: it is probed, failing, and says why.
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.reconnects >= 2; }, 0, s));
  EXPECT_FALSE(s.active);
  EXPECT_NE(s.state, PoolState::up);
  EXPECT_NE(s.last_error.find("could not connect"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.accepted + s.rejected + s.stale + s.duplicate, 0u);
  client.stop();
}

TEST(StratumClientControl, SwitchToSendsTheChosenPoolsJobMarkedClean) {
  TestPool first(cheap_pool()), second(cheap_pool());
  const std::uint16_t first_port = first.start();
  first.stop();  // down at start-up, so the client settles on the second
  const std::uint16_t second_port = second.start();
  stratum::ClientOptions o = test::quick_options();
  o.strategy.switch_back_after = std::chrono::seconds(3600);  // only the operator moves it back
  o.pools.push_back(test::pool_settings(test::tcp_url(first_port), "first"));
  o.pools.push_back(test::pool_settings(test::tcp_url(second_port), "second"));
  Recorder events;
  stratum::Client client(o, events);
  client.start();
  PoolStatus s;
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.active && p.state == PoolState::up; }, 1, s))
      << events.notes();

  // The first pool returns: probed and up, but not mined (switch-back waits an hour).
  first.start();
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.state == PoolState::up; }, 0, s))
      << events.notes();
  EXPECT_FALSE(s.active);

  // Switch to it: its latest job goes out at once, marked clean.
  std::size_t before = events.jobs().size();
  client.switch_to(0);
  std::vector<Recorder::Job> jobs = events.jobs();
  ASSERT_GT(jobs.size(), before) << events.notes();
  EXPECT_EQ(jobs.back().pool, 0u);
  EXPECT_EQ(jobs.back().job.source_id, "first");
  EXPECT_TRUE(jobs.back().job.clean);
  std::vector<PoolStatus> all = client.status();
  EXPECT_TRUE(all[0].active);
  EXPECT_FALSE(all[1].active);
  EXPECT_EQ(all[0].priority, 0);
  EXPECT_EQ(all[1].priority, 1);
  // The second pool is now behind the active one: closed, and that is no error.
  ASSERT_TRUE(status_until(
      client, [](const PoolStatus& p) { return p.state == PoolState::idle; }, 1, s));
  EXPECT_EQ(s.last_error, "");
  // Only the first pool's jobs are forwarded now.
  first.send_job(false);
  ASSERT_TRUE(events.wait_for([&] { return events.jobs_locked().size() > jobs.size(); }));
  for (std::size_t i = before; i < events.jobs().size(); ++i)
    EXPECT_EQ(events.jobs()[i].pool, 0u);

  // Back to the second, which has no connection: its first job is the next one, marked clean.
  before = events.jobs().size();
  client.switch_to(1);
  EXPECT_TRUE(client.status()[1].active);
  ASSERT_TRUE(events.wait_for([&] { return events.jobs_locked().size() > before; }))
      << events.notes();
  jobs = events.jobs();
  EXPECT_EQ(jobs[before].pool, 1u);
  EXPECT_EQ(jobs[before].job.source_id, "second");
  EXPECT_TRUE(jobs[before].job.clean);
  EXPECT_NE(events.notes().find("switched to second by the operator"), std::string::npos);
  client.stop();
}

TEST(StratumClientControl, SwitchToIsRefusedInLoadBalanceAndForAnUnknownPool) {
  stratum::ClientOptions o = test::quick_options();
  o.pools.push_back(test::pool_settings(test::tcp_url(1), "a"));
  o.pools.push_back(test::pool_settings(test::tcp_url(2), "b"));
  Recorder events;
  {
    stratum::Client client(o, events);  // never started: applies at once
    EXPECT_THROW(client.switch_to(2), std::out_of_range);
    client.switch_to(1);
    const std::vector<PoolStatus> s = client.status();
    EXPECT_FALSE(s[0].active);
    EXPECT_TRUE(s[1].active);
  }
  o.load_balance = true;
  stratum::Client balanced(o, events);
  EXPECT_EQ(balanced.mode(), stratum::StrategyMode::load_balance);
  try {
    balanced.switch_to(0);
    ADD_FAILURE() << "switch_to in load balance did not throw";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("load balance"), std::string::npos) << e.what();
  }

  // The source: by name or 1-based position; anything else names the value and the pools.
  std::ostringstream text;
  host::Logger log(text, host::LogLevel::debug, false);
  host::Scheduler scheduler(log);
  o.load_balance = false;
  host::StratumSource source(scheduler, log, o);
  source.switch_to("2");
  EXPECT_TRUE(source.pools()[1].active);
  source.switch_to("a");
  EXPECT_TRUE(source.pools()[0].active);
  for (const std::string bad : {"c", "0", "3", ""}) {
    try {
      source.switch_to(bad);
      ADD_FAILURE() << "switch_to('" << bad << "') did not throw";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("'" + bad + "'"), std::string::npos) << what;
      EXPECT_NE(what.find("a, b"), std::string::npos) << what;
    }
  }
}

TEST(StratumClientControl, TheSourceSwitchesTheDevicesToTheChosenPool) {
  TestPool a(test::easy_pool()), b(test::easy_pool());
  const std::uint16_t port_a = a.start();
  const std::uint16_t port_b = b.start();
  stratum::ClientOptions o = test::quick_options();
  o.pools.push_back(test::pool_settings(test::tcp_url(port_a), "pool1"));
  o.pools.push_back(test::pool_settings(test::tcp_url(port_b), "pool2"));
  test::Rig rig(o);
  ASSERT_TRUE(test::accepted_more(a, 0, 1));
  rig.source().switch_to("pool2");
  ASSERT_TRUE(test::accepted_more(b, 0, 2));
  const std::vector<PoolStatus> s = rig.source().pools();
  EXPECT_FALSE(s[0].active);
  EXPECT_TRUE(s[1].active);
  rig.stop();
  EXPECT_EQ(rig.stats().rejected, 0u) << rig.log_text();
  EXPECT_EQ(rig.stats().unrouted, 0u);
}

TEST(StratumClientControl, ReloadKeepsHashingAndEveryShareGetsAnOutcome) {
  TestPool old_pool(test::easy_pool()), second(test::easy_pool()), third(test::easy_pool());
  const std::uint16_t old_port = old_pool.start();
  const std::uint16_t second_port = second.start();
  const std::uint16_t third_port = third.start();
  test::Rig rig(test::one_pool(old_port));
  ASSERT_TRUE(test::accepted_more(old_pool, 0, 2));

  // The old pool stops answering, so shares are in flight when the pool list is replaced.
  old_pool.set_never_answer_submits(true);
  const std::size_t answered = old_pool.stats().submits.size();
  ASSERT_TRUE(
      old_pool.wait_for([&](const PoolStats& s) { return s.submits.size() >= answered + 2; }, 60s));
  stratum::ClientOptions fresh = test::quick_options();
  fresh.pools.push_back(test::pool_settings(test::tcp_url(second_port), "pool2"));
  fresh.pools.push_back(test::pool_settings(test::tcp_url(third_port), "pool3"));
  rig.source().reload(fresh, 1s);

  const std::vector<PoolStatus> s = rig.source().pools();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "pool2");
  EXPECT_TRUE(s[0].active);
  EXPECT_EQ(s[1].name, "pool3");
  ASSERT_TRUE(test::accepted_more(second, 0, 3));  // the devices hash the new pool's jobs
  rig.stop();

  const std::uint64_t unanswered = old_pool.stats().submits.size() - answered;
  const host::StatsSnapshot mine = rig.stats();
  const std::string log = rig.log_text();
  EXPECT_GE(mine.stale, unanswered) << log;  // what the old pool never answered
  EXPECT_EQ(mine.unrouted, 0u) << log;
  EXPECT_EQ(mine.rejected, 0u) << log;
  EXPECT_EQ(mine.accepted + mine.rejected + mine.stale, mine.shares) << log;  // none lost
  std::uint64_t old_accepted = 0;  // and answered: the pool counts the unanswered ones too
  for (const testpool::SubmitRecord& r : old_pool.stats().submits)
    old_accepted += r.accepted && r.answered;
  EXPECT_EQ(mine.accepted, old_accepted + second.stats().accepted + third.stats().accepted);
  EXPECT_NE(log.find("[stratum] pools reloaded: 1 -> 2 pools; active pool2"), std::string::npos)
      << log;
  EXPECT_EQ(third.stats().accepted, 0u);  // failover: the second pool only
}

}  // namespace
}  // namespace hashrig
