// Fault injection, pool side: the real hashrig mines (one CPU worker, failover) on two
// hashrig-test-pool processes over loopback, "flaky" first and "backup" second, and the test
// turns flaky hostile through its stdin:
//   - killed with SIGKILL and restarted on its port 20 times;
//   - half a line, then a TCP reset; a 1 MB line; random bytes; mining.set_difficulty 0, -1, NaN
//     and 1e400;
//   - one byte a second and nothing else (no job, no answer);
//   - shares checked and recorded but never answered.
// Each time: hashrig stays up and hashing, names what happened in its log, comes back to flaky
// within the bounds its pool_strategy sets (backoff_max_s 1, job_timeout_s 3, submit_timeout_s
// 5) or mines on the backup meanwhile, and the shares flaky answers are accepted (it rebuilds
// and hashes every one). The times measured are printed ("[fault] ...") for the record.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "api_test_support.h"
#include "fault_support.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::within;

// A share or two a second from one worker (the pool checks each by rebuilding its header).
const std::vector<std::string> kPoolOptions = {"--difficulty", "0.004", "--job-interval-ms",
                                               "1000"};

class FaultPools : public ::testing::Test {
 protected:
  void SetUp() override {
    m_flaky.emplace(kPoolOptions);
    m_config = fs::temp_directory_path() /
               ("hashrig-fault-pools-" + std::to_string(getpid()) + "-" + test_name() + ".json");
    const nlohmann::json config = {
        {"devices", "cpu"},
        {"cpu", {{"threads", 1}}},
        {"pools",
         {{{"name", "flaky"}, {"url", m_flaky->url()}, {"user", "rig1"}},
          {{"name", "backup"}, {"url", m_backup.url()}, {"user", "rig1"}}}},
        {"pool_strategy",
         {{"mode", "failover"},
          {"failed_connects_before_switch", 1},
          {"switch_back_after_s", 1},
          {"backoff_max_s", 1},
          {"connect_timeout_s", 2},
          {"job_timeout_s", 3},
          {"submit_timeout_s", 5}}}};
    std::ofstream(m_config) << config.dump(2);
    m_hashrig.emplace(std::vector<std::string>{"-c", m_config.string()});
    m_log.emplace(m_hashrig->process());
    ASSERT_TRUE(within(60s, [&] { return pool("flaky").value("active", false); })) << m_log->text();
  }
  void TearDown() override {
    m_log.reset();
    m_hashrig.reset();
    fs::remove(m_config);
  }

  static std::string test_name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  nlohmann::json pool(const std::string& name) {
    const nlohmann::json pools = m_hashrig->get_json("/api/v1/pools");
    for (const nlohmann::json& p : pools.at("pools")) {
      if (p.at("name") == name) return p;
    }
    return nlohmann::json::object();
  }
  std::uint64_t hashes() {
    return m_hashrig->get_json("/api/v1/summary").at("hashes").get<std::uint64_t>();
  }
  // hashrig mines flaky's jobs: its session is up and the failover strategy chose it.
  bool mining_on_flaky() {
    const nlohmann::json p = pool("flaky");
    return p.value("active", false) && p.value("state", "") == "up";
  }
  // Flaky took a new session (subscribe and authorize) after `authorizes` of them.
  bool rejoined(std::uint64_t authorizes) { return m_flaky->stat("authorizes") > authorizes; }
  // hashrig is still up and still hashing: the counter grows (it is sampled once a second).
  void expect_still_hashing() {
    const std::uint64_t before = hashes();
    EXPECT_TRUE(within(10s, [&] { return hashes() > before; })) << m_log->text();
  }
  // Flaky accepts shares again, and none it got was wrong.
  void expect_flaky_accepts_again() {
    const std::uint64_t before = m_flaky->stat("accepted");
    EXPECT_TRUE(within(60s, [&] { return m_flaky->stat("accepted") > before; }))
        << m_flaky->stats().dump() << "\n"
        << m_log->text();
    EXPECT_EQ(m_flaky->stat("rejected"), 0u) << m_flaky->stats().dump();
  }
  void stop_hashrig_cleanly() {
    m_hashrig->process().signal(SIGTERM);
    EXPECT_EQ(m_hashrig->process().wait(), 0) << m_log->text();
  }

  test::PoolProcess m_backup{kPoolOptions};
  std::optional<test::PoolProcess> m_flaky;
  fs::path m_config;
  std::optional<test::ApiProcess> m_hashrig;
  std::optional<test::LogBook> m_log;
};

TEST_F(FaultPools, APoolKilledAndRestartedTwentyTimesIsRejoinedEachTimeWithinTheBackoffCap) {
  const std::uint16_t port = m_flaky->port();
  std::vector<double> rejoin;
  const std::uint64_t hashes_at_start = hashes();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(within(30s, [&] { return m_flaky->stat("authorizes") >= 1; }))
        << "kill " << i << "\n"
        << m_log->text();
    m_flaky->kill();  // SIGKILL: the connection dies with the process, mid-whatever
    m_flaky.reset();
    std::this_thread::sleep_for(200ms);  // down for a moment: hashrig's reconnects are refused
    m_flaky.emplace(kPoolOptions, port);
    const auto back = std::chrono::steady_clock::now();
    ASSERT_TRUE(within(30s, [&] { return m_flaky->stat("authorizes") >= 1; }))
        << "restart " << i << "\n"
        << m_log->text();
    rejoin.push_back(test::seconds_since(back));
  }
  test::report_times("pool restarted: rejoined after", rejoin);
  // The bound: the backoff cap (1 s, plus its 20% jitter) and a connect; 5 s leaves room for a
  // sanitizer build on a loaded machine.
  EXPECT_LT(*std::max_element(rejoin.begin(), rejoin.end()), 5.0);
  EXPECT_GE(pool("flaky").at("reconnects").get<std::uint64_t>(), 20u);
  EXPECT_GT(hashes(), hashes_at_start);
  expect_still_hashing();
  expect_flaky_accepts_again();
  stop_hashrig_cleanly();
}

TEST_F(FaultPools, HostileBytesEachDropTheSessionWhichComesBackAndMiningGoesOn) {
  const struct {
    const char* name;
    std::vector<std::string> commands;
    const char* logged;  // what hashrig's log must say about it
  } faults[] = {
      {"half a line, then a TCP reset",
       {R"(raw {"id":null,"method":"mining.notify","params":["ab)", "reset"},
       "Connection reset by peer"},
      {"a 1 MB line", {"bigline 1048576"}, "a line longer than the 65536 bytes allowed"},
      {"random bytes", {"garbage 4096 7", "raw \\n"}, "bad message from the pool"},
      {"set_difficulty 0",
       {R"(raw {"id":null,"method":"mining.set_difficulty","params":[0]}\n)"},
       "mining.set_difficulty: difficulty"},
      {"set_difficulty -1",
       {R"(raw {"id":null,"method":"mining.set_difficulty","params":[-1]}\n)"},
       "mining.set_difficulty: difficulty"},
      {"set_difficulty NaN",
       {R"(raw {"id":null,"method":"mining.set_difficulty","params":[NaN]}\n)"},
       "not JSON"},
      {"set_difficulty 1e400",
       {R"(raw {"id":null,"method":"mining.set_difficulty","params":[1e400]}\n)"},
       "not JSON"},
  };
  std::vector<double> rejoin;
  for (const auto& fault : faults) {
    SCOPED_TRACE(fault.name);
    ASSERT_TRUE(within(30s, [&] { return mining_on_flaky(); })) << m_log->text();
    const std::uint64_t authorizes = m_flaky->stat("authorizes");
    const std::size_t mark = m_log->mark();
    const auto sent = std::chrono::steady_clock::now();
    for (const std::string& c : fault.commands)
      m_flaky->command(c);
    ASSERT_TRUE(within(30s, [&] { return rejoined(authorizes); })) << m_log->text();
    rejoin.push_back(test::seconds_since(sent));
    EXPECT_TRUE(m_log->wait_for(fault.logged, 10s, mark)) << m_log->text();
    expect_still_hashing();
  }
  test::report_times("hostile bytes: session back after", rejoin);
  EXPECT_LT(*std::max_element(rejoin.begin(), rejoin.end()), 5.0);
  expect_flaky_accepts_again();
  stop_hashrig_cleanly();
}

TEST_F(FaultPools, APoolTricklingOneByteASecondIsDeclaredDeadAndTheBackupMines) {
  ASSERT_TRUE(within(30s, [&] { return mining_on_flaky(); })) << m_log->text();
  const std::uint64_t backup_accepted = m_backup.stat("accepted");
  const std::size_t mark = m_log->mark();
  const auto sent = std::chrono::steady_clock::now();
  m_flaky->command(R"(trickle 1000 {"id":null,"method":"mining.notify","params":["slow",)");
  ASSERT_TRUE(within(30s, [&] { return pool("backup").value("active", false); })) << m_log->text();
  const double switched = test::seconds_since(sent);
  test::report_times("trickle: mining on the backup after", {switched});
  EXPECT_LT(switched, 3 + 5.0);  // job_timeout_s, then the switch
  EXPECT_TRUE(m_log->wait_for("no job from the pool for 3 s", 10s, mark)) << m_log->text();
  EXPECT_TRUE(within(60s, [&] { return m_backup.stat("accepted") > backup_accepted; }))
      << m_backup.stats().dump() << "\n"
      << m_log->text();
  EXPECT_EQ(m_backup.stat("rejected"), 0u);
  expect_still_hashing();
  stop_hashrig_cleanly();
}

TEST_F(FaultPools, APoolThatNeverAnswersSharesIsDroppedAfterTheSubmitTimeoutAndNothingIsLost) {
  ASSERT_TRUE(within(30s, [&] { return mining_on_flaky(); })) << m_log->text();
  const std::size_t mark = m_log->mark();
  const std::uint64_t authorizes = m_flaky->stat("authorizes");
  m_flaky->command("never-answer on");
  ASSERT_TRUE(m_log->wait_for("no answer to a share for 5 s", 60s, mark)) << m_log->text();
  ASSERT_TRUE(within(30s, [&] { return rejoined(authorizes); })) << m_log->text();
  // The unanswered shares were counted stale when the session was dropped, not lost.
  EXPECT_GE(pool("flaky").at("shares").at("stale").get<std::uint64_t>(), 1u);
  m_flaky->command("never-answer off");
  expect_still_hashing();
  expect_flaky_accepts_again();
  stop_hashrig_cleanly();
}

}  // namespace
}  // namespace hashrig
