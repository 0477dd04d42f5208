// SIGTERM against a real pool: hashrig stops hashing, sends what it found, waits up to 5 s for
// the pool's answers, counts what stays unanswered as stale, writes its summary and exits 0.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pool/test_pool.h"
#include "server_process.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Stopped {
  int status = -1;
  double seconds = 0;  // from SIGTERM to exit
  nlohmann::json summary;
};

// Mines against `pool` until it has `submits` shares, then sends SIGTERM.
Stopped mine_then_sigterm(testpool::TestPool& pool, std::size_t submits) {
  const fs::path summary =
      fs::temp_directory_path() / ("hashrig-sigterm-" + std::to_string(getpid()) + ".json");
  test::ServerProcess hashrig(
      HASHRIG_BINARY,
      {"-o", "stratum+tcp://127.0.0.1:" + std::to_string(pool.port()), "-u", "rig1", "--threads",
       "1", "--status-interval", "0", "--summary-json", summary.string()},
      60s, test::ServerProcess::Stderr::merged);
  EXPECT_TRUE(hashrig.wait_for_line("] mining "));
  EXPECT_TRUE(pool.wait_for(
      [&](const testpool::PoolStats& s) { return s.submits.size() >= submits; }, 30s));
  const Clock::time_point signalled = Clock::now();
  hashrig.signal(SIGTERM);
  Stopped out;
  out.status = hashrig.wait(20s);
  out.seconds = std::chrono::duration<double>(Clock::now() - signalled).count();
  std::ifstream in(summary);
  if (in) out.summary = nlohmann::json::parse(in);
  fs::remove(summary);
  return out;
}

TEST(CliSigterm, WaitsForThePoolsAnswersThenExitsWithEveryShareAccountedFor) {
  testpool::TestPoolOptions options;
  options.difficulty = 0.0002;
  testpool::TestPool pool(options);
  pool.start();
  const Stopped s = mine_then_sigterm(pool, 5);
  ASSERT_EQ(s.status, 0);
  EXPECT_LT(s.seconds, 4.5) << "the pool answers at once: no need to wait the 5 s";
  const testpool::PoolStats p = pool.stats();
  EXPECT_EQ(s.summary.at("accepted").get<std::uint64_t>(), p.accepted);
  EXPECT_EQ(s.summary.at("rejected"), 0);
  // Every verified share was answered, or counted stale (found after the job was replaced).
  EXPECT_EQ(
      s.summary.at("shares").get<std::uint64_t>(),
      s.summary.at("accepted").get<std::uint64_t>() + s.summary.at("stale").get<std::uint64_t>());
  EXPECT_EQ(s.summary.at("unrouted"), 0);
}

TEST(CliSigterm, APoolThatNeverAnswersIsGivenFiveSecondsAndItsSharesCountStale) {
  testpool::TestPoolOptions options;
  options.difficulty = 0.0002;
  testpool::TestPool pool(options);
  pool.start();
  pool.set_never_answer_submits(true);
  const Stopped s = mine_then_sigterm(pool, 3);
  ASSERT_EQ(s.status, 0);
  EXPECT_GE(s.seconds, 4.5) << "hashrig did not wait for the answers";
  EXPECT_LT(s.seconds, 10.0);
  const testpool::PoolStats p = pool.stats();
  EXPECT_EQ(s.summary.at("accepted"), 0);
  EXPECT_EQ(s.summary.at("stale").get<std::uint64_t>(), p.submits.size())
      << "every share sent is counted, unanswered ones as stale";
  EXPECT_EQ(s.summary.at("shares").get<std::uint64_t>(), p.submits.size());
}

}  // namespace
}  // namespace hashrig
