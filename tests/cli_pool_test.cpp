// `hashrig -o URL -u USER -p PASS` end to end: the real program mines against the test pool for a
// bounded time and its summary shows accepted shares, no rejections and no hardware errors; the
// pool options' mistakes are named.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "cli_run.h"
#include "pool/test_pool.h"

extern char** environ;

namespace hashrig {
namespace {

TEST(CliPool, TheProgramMinesAgainstAPoolForABoundedTime) {
  testpool::TestPoolOptions options;
  options.difficulty = 0.0005;
  testpool::TestPool pool(options);
  const std::uint16_t port = pool.start();
  const auto summary = std::filesystem::temp_directory_path() /
                       ("hashrig-pool-summary-" + std::to_string(getpid()) + ".json");
  std::vector<std::string> args = {HASHRIG_BINARY,
                                   "-o",
                                   "stratum+tcp://127.0.0.1:" + std::to_string(port),
                                   "-u",
                                   "rig1",
                                   "-p",
                                   "secret",
                                   "--duration",
                                   "4",
                                   "--status-interval",
                                   "0",
                                   "--summary-json",
                                   summary.string(),
                                   "--log-level",
                                   "warning"};
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(summary);
  ASSERT_TRUE(in) << summary;
  const nlohmann::json s = nlohmann::json::parse(in);
  EXPECT_GT(s.at("accepted").get<std::uint64_t>(), 0u);
  EXPECT_EQ(s.at("rejected"), 0);
  EXPECT_EQ(s.at("hw_errors"), 0);
  const testpool::PoolStats p = pool.stats();
  EXPECT_EQ(p.last_user, "rig1");
  EXPECT_EQ(p.last_password, "secret");
  EXPECT_TRUE(p.last_user_agent.starts_with("hashrig/")) << p.last_user_agent;
  EXPECT_GE(p.accepted, s.at("accepted").get<std::uint64_t>());
  std::filesystem::remove(summary);
}

TEST(CliPool, PoolOptionMistakesAreNamed) {
  const struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"-o", "stratum+tcp://pool.example:3333"}, "-u: a pool user is needed"},
      {{"-o", "http://pool.example:3333", "-u", "w"}, "-o: pool URL"},
      {{"-o", "stratum+tcp://pool.example", "-u", "w"}, "-o: pool URL"},
      {{"-o", "stratum+ssl://p:1", "-u", "w", "--tls-fingerprint", "abcd"}, "--tls-fingerprint"},
      {{"-o", "stratum+ssl://p:1", "-u", "w", "--tls-insecure", "--tls-fingerprint",
        std::string(64, 'a')},
       "choose one"},
      {{"mine", "-o", "stratum+tcp://p:1", "-u", "w", "--job-file", "x.json"},
       "choose one job source"},
      {{"-o", "stratum+tcp://p:1", "-u", "w", "mine", "--difficulty", "2"}, "--difficulty"},
      {{"bench", "--duration", "3"}, "--duration: only when mining"},
      {{"kernels", "--summary-json", "x.json"}, "--summary-json: only when mining"},
  };
  for (const auto& c : cases) {
    const auto r = test::run_cli(c.args);
    EXPECT_EQ(r.status, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in\n"
                                                        << r.err;
  }
}

}  // namespace
}  // namespace hashrig
