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

std::filesystem::path write_config(const std::string& name, const nlohmann::json& config) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("hashrig-config-" + std::to_string(getpid()) + "-" + name + ".json");
  std::ofstream(path) << config.dump(2);
  return path;
}

TEST(CliPool, AConfigFilesPoolsAreMinedAndDashOReplacesThem) {
  testpool::TestPoolOptions options;
  options.difficulty = 0.0005;
  testpool::TestPool pool(options);
  const std::uint16_t port = pool.start();
  const auto config =
      write_config("pools", {{"pools",
                              {{{"url", "stratum+tcp://127.0.0.1:" + std::to_string(port)},
                                {"user", "from-config"},
                                {"name", "configured"}}}},
                             {"pool_strategy", {{"job_timeout_s", 30}}}});
  const auto summary = std::filesystem::temp_directory_path() /
                       ("hashrig-config-summary-" + std::to_string(getpid()) + ".json");
  const auto r = test::run_cli({"--config", config.string(), "--duration", "2", "--summary-json",
                                summary.string(), "--status-interval", "0"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(summary);
  const nlohmann::json s = nlohmann::json::parse(in);
  EXPECT_GT(s.at("accepted").get<std::uint64_t>(), 0u) << r.err;
  EXPECT_EQ(s.at("rejected"), 0);
  EXPECT_EQ(pool.stats().last_user, "from-config");
  EXPECT_NE(r.err.find("[stratum configured]"), std::string::npos) << r.err;

  // -o replaces the file's pools; the file's other sections still apply.
  const auto overlay = write_config(
      "overlay", {{"pools", {{{"url", "stratum+tcp://127.0.0.1:1"}, {"user", "unused"}}}},
                  {"pool_strategy", {{"mode", "failover"}}}});
  const auto again = test::run_cli({"--config", overlay.string(), "-o",
                                    "stratum+tcp://127.0.0.1:" + std::to_string(port), "-u",
                                    "from-flags", "--duration", "1.5", "--status-interval", "0"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(pool.stats().last_user, "from-flags");
  std::filesystem::remove(overlay);
  std::filesystem::remove(config);
  std::filesystem::remove(summary);
}

TEST(CliPool, ConfigFileMistakesAreNamed) {
  const auto unknown = write_config("unknown", {{"pool", nlohmann::json::array()}});
  const auto bad_quota = write_config(
      "quota", {{"pools", {{{"url", "stratum+tcp://a:1"}, {"user", "u"}, {"quota", 0}}}}});
  const auto no_pools = write_config("empty", nlohmann::json::object());
  const struct {
    std::string path;
    const char* message;
  } cases[] = {
      {unknown.string(),
       "pool: unknown key (known: log, devices, cpu, gpu, watchdog, mining, pools,"},
      {bad_quota.string(), "pools[0].quota: 0 is not allowed"},
      {no_pools.string(), "mine: no job source given"},
      {"/nonexistent/hashrig.json", "config /nonexistent/hashrig.json: cannot open it"},
  };
  for (const auto& c : cases) {
    const auto r = test::run_cli({"--config", c.path});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in\n"
                                                        << r.err;
  }
  for (const auto& p : {unknown, bad_quota, no_pools})
    std::filesystem::remove(p);
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
      {{"-o", "stratum+tcp://p:1", "-u", "w", "--suggest-difficulty", "0"}, "--suggest-difficulty"},
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
