// The config file, through the real binary: every bad file stops start-up (exit 2) with a message
// naming the key, the value and what is allowed; the example passes --check; the command line
// overlays the file; the file is never written; SIGHUP reloads the log level and refuses a broken
// file without stopping.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_test_support.h"
#include "binary_run.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ConfigFiles : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const fs::path& p : m_files)
      fs::remove(p);
  }
  // Writes `text` to a new temporary file and returns its path.
  std::string file(const std::string& text) {
    const fs::path p = fs::temp_directory_path() / ("hashrig-config-" + std::to_string(getpid()) +
                                                    "-" + std::to_string(m_files.size()) + ".json");
    std::ofstream(p) << text;
    m_files.push_back(p);
    return p.string();
  }

 private:
  std::vector<fs::path> m_files;
};

const std::string kJob = "\"" + test::kRecordedJobFile + "\"";
const std::string kPool = R"({"url": "stratum+tcp://127.0.0.1:3333", "user": "rig1", "pass": "x"})";

TEST_F(ConfigFiles, EachBadFileStopsStartUpNamingTheKeyTheValueAndWhatIsAllowed) {
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {R"({"cpu": )", "not valid JSON"},
      {R"([1, 2])", "expected a JSON object"},
      {R"({"cpus": {}})", "cpus: unknown key (known: log, devices, cpu, gpu, watchdog, mining"},
      {R"({"cpu": {"thread": 2}})", "cpu.thread: unknown key (known: kernel, threads"},
      {R"({"cpu": {"threads": "eight"}})",
       R"(cpu.threads: "eight" is not allowed (a whole number >= 0))"},
      {R"({"cpu": {"threads": 0}, "mining": {"job_file": )" + kJob + "}}",
       "cpu.threads: must be between 1 and 4096, got 0"},
      {R"({"cpu": {"per_pu": "yes"}})", R"(cpu.per_pu: "yes" is not allowed (true or false))"},
      {R"({"cpu": {"kernel": "sse9"}, "mining": {"job_file": )" + kJob + "}}", "cpu.kernel"},
      {R"({"log": "debug"})", R"(log: "debug" is not allowed (an object))"},
      {R"({"log": {"level": "loud"}})", "log.level: unknown level 'loud'"},
      {R"({"log": {"file": "/tmp/hashrig-x.log", "max_size": "10Q"}})",
       "log.max_size: '10Q' is not a size"},
      {R"({"devices": 5})", "devices: 5 is not allowed (a non-empty string or array"},
      {R"({"gpu": {"launch_ms": "fast"}})", R"(gpu.launch_ms: "fast" is not allowed (a number))"},
      {R"({"watchdog": {"stall_s": -1}, "mining": {"job_file": )" + kJob + "}}",
       "watchdog.stall_s: must be greater than 0 and at most 3600, got -1"},
      {R"({"watchdog": {"restarts": 1001}, "mining": {"job_file": )" + kJob + "}}",
       "watchdog.restarts: must be between 0 and 1000, got 1001"},
      {R"({"mining": {"job_file": )" + kJob + R"(, "difficulty": -1}})", "mining.difficulty"},
      {R"({"mining": {"status_interval_s": -5, "job_file": )" + kJob + "}}",
       "mining.status_interval_s"},
      {R"({"pools": []})", "pools: [] is not allowed (an array of at least one pool)"},
      {R"({"pools": [{"url": "http://127.0.0.1:1", "user": "u"}]})", "pools[0].url"},
      {R"({"pools": [)" + kPool + R"(], "pool_strategy": {"mode": "random"}})",
       R"(pool_strategy.mode: "random" is not allowed)"},
      {R"({"pools": [)" + kPool + R"(], "mining": {"job_file": )" + kJob + "}}",
       "choose one job source"},
      {R"({"node": {"url": "http://127.0.0.1:8332", "cookie": "/tmp/cookie"}})",
       "node.url: needs --payout"},
      {R"({"node": {"signal": "taproot"}})",
       R"(node.signal: "taproot" is not allowed (an array of non-empty strings))"},
      {R"({"api": {"listen": "0.0.0.0:4028"}, "mining": {"job_file": )" + kJob + "}}",
       "api.listen: 0.0.0.0 is not a loopback address"},
      {R"({"api": {"listen": "127.0.0.1:99999"}, "mining": {"job_file": )" + kJob + "}}",
       "api.listen: '127.0.0.1:99999': the port must be a number from 0 to 65535"},
      {R"({"api": {"listen": 0, "token": "abc"}})", "api.token: has 3 characters"},
      {R"({"api": {"listen": 0, "token": "0123456789abcdef", "token_file": "/x"}})",
       "api.token and api.token_file: choose one"},
  };
  for (const Case& c : cases) {
    const std::string path = file(c.text);
    const test::BinaryRun r = test::run_binary({"config", "--check", path});
    EXPECT_EQ(r.status, 2) << c.text << "\n" << r.output;
    if (c.message != "choose one job source") {  // about the whole file, no one key
      EXPECT_NE(r.output.find("config " + path + ": "), std::string::npos) << r.output;
    }
    EXPECT_NE(r.output.find(c.message), std::string::npos)
        << "expected '" << c.message << "' for " << c.text << " in\n"
        << r.output;
  }
  // Mining with such a file stops the same way, before any device starts.
  const std::string bad = file(R"({"cpu": {"threads": 0}, "mining": {"job_file": )" + kJob + "}}");
  const test::BinaryRun r = test::run_binary({"-c", bad});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("cpu.threads: must be between 1 and 4096, got 0"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("mining"), std::string::npos) << r.output;
  // A file with the API token in it must be closed to other users.
  const std::string with_token =
      file(R"({"api": {"listen": 0, "token": "0123456789abcdef"}, "mining": {"job_file": )" + kJob +
           "}}");
  fs::permissions(with_token, fs::perms::owner_read | fs::perms::owner_write |
                                  fs::perms::group_read | fs::perms::others_read);
  const test::BinaryRun open = test::run_binary({"config", "--check", with_token});
  EXPECT_EQ(open.status, 2) << open.output;
  EXPECT_NE(open.output.find("config " + with_token +
                             ": api.token: the file holds the API token, and every user can "
                             "read it (mode 0644; chmod o-rwx " +
                             with_token + "); or move the token to api.token_file"),
            std::string::npos)
      << open.output;
  fs::permissions(with_token, fs::perms::owner_read | fs::perms::owner_write);
  const test::BinaryRun closed = test::run_binary({"config", "--check", with_token});
  EXPECT_EQ(closed.status, 0) << closed.output;
  const test::BinaryRun missing = test::run_binary({"config", "--check", "/nonexistent/h.json"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find("config /nonexistent/h.json: cannot open it"), std::string::npos)
      << missing.output;
}

TEST_F(ConfigFiles, TheExamplePassesTheCheck) {
  const test::BinaryRun example = test::run_binary({"config", "--example"});
  ASSERT_EQ(example.status, 0) << example.output;
  const std::string path = file(example.output);
  const test::BinaryRun check = test::run_binary({"config", "--check", path});
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_NE(check.output.find("valid: 2 pool(s): main, backup (failover)"), std::string::npos)
      << check.output;
  EXPECT_EQ(test::run_binary({"config"}).status, 2);
  EXPECT_EQ(test::run_binary({"config", "--example", "--check", path}).status, 2);
}

TEST_F(ConfigFiles, TheCommandLineOverlaysTheFileWhichIsNeverWritten) {
  const fs::path summary =
      fs::temp_directory_path() / ("hashrig-config-summary-" + std::to_string(getpid()) + ".json");
  const std::string text = R"({"cpu": {"threads": 2, "pin": false},
    "mining": {"job_file": )" +
                           kJob + R"(, "duration_s": 1, "status_interval_s": 0,
               "summary_json": ")" +
                           summary.string() + R"("}})";
  const std::string path = file(text);
  const auto written = fs::last_write_time(path);

  test::BinaryRun r = test::run_binary({"-c", path});
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(summary);
  EXPECT_EQ(nlohmann::json::parse(in).at("devices").size(), 2u);  // the file's threads

  r = test::run_binary({"-c", path, "--threads", "1"});
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream again(summary);
  EXPECT_EQ(nlohmann::json::parse(again).at("devices").size(), 1u);  // the command line wins

  std::ifstream back(path);
  std::stringstream now;
  now << back.rdbuf();
  EXPECT_EQ(now.str(), text);
  EXPECT_EQ(fs::last_write_time(path), written);
  fs::remove(summary);
}

TEST_F(ConfigFiles, SighupReloadsTheLogLevelAndRefusesABrokenFileWithoutStopping) {
  const auto config = [&](const std::string& level) {
    return R"({"log": {"level": ")" + level + R"("}, "cpu": {"threads": 1},
      "mining": {"job_file": )" +
           kJob + R"(, "status_interval_s": 0},
      "api": {"listen": "127.0.0.1:0"}})";
  };
  const std::string path = file(config("info"));
  test::ServerProcess hashrig(HASHRIG_BINARY, {"-c", path}, 60s,
                              test::ServerProcess::Stderr::merged);
  std::uint16_t port = 0;
  const std::string marker = "listening on http://127.0.0.1:";
  for (std::string line = hashrig.read_line(); !line.empty(); line = hashrig.read_line()) {
    if (const auto at = line.find(marker); at != std::string::npos) {
      port = std::uint16_t(std::stoi(line.substr(at + marker.size())));
      break;
    }
  }
  ASSERT_NE(port, 0);
  ASSERT_TRUE(hashrig.wait_for_line("] mining "));

  std::ofstream(path) << config("debug");
  hashrig.signal(SIGHUP);
  ASSERT_TRUE(hashrig.wait_for_line("reloaded (SIGHUP): {\"log_level\":\"debug\"}"));
  ASSERT_EQ(test::http_get(port, "/api/v1/summary").status, 200);
  EXPECT_TRUE(hashrig.wait_for_line("[api] GET /api/v1/summary")) << "debug lines not logged";

  std::ofstream(path) << R"({"log": {"level": "debug"}, "cpu": {"threads": "many"}})";
  hashrig.signal(SIGHUP);
  ASSERT_TRUE(hashrig.wait_for_line("reload (SIGHUP) refused, the running settings stay"));
  const auto hashes = [&] {
    return nlohmann::json::parse(test::http_get(port, "/api/v1/summary").body)
        .at("hashes")
        .get<std::uint64_t>();
  };
  const std::uint64_t before = hashes();
  std::this_thread::sleep_for(300ms);
  EXPECT_GT(hashes(), before) << "hashing stopped after a refused reload";

  hashrig.signal(SIGTERM);
  EXPECT_EQ(hashrig.wait(), 0);
}

}  // namespace
}  // namespace hashrig
