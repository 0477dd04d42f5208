// The logging options end to end: bad values of --log-file, --log-max-size, --log-keep and
// --log-level exit 2 naming the option; the real program mining a recorded job leaves its tagged
// lines (status line with source and difficulty included) in --log-file; --syslog sends them to
// the syslog socket (a socket of the test's own, through HASHRIG_SYSLOG_SOCKET) with their
// priorities, and a missing syslog daemon is reported once and mining goes on.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_run.h"
#include "datagram_socket.h"
#include "server_process.h"
#include "test_support.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// Runs the real program to its end; returns its exit status and its stdout and stderr together.
std::pair<int, std::string> run_program(const std::vector<std::string>& args) {
  test::ServerProcess program(HASHRIG_BINARY, args, 60s, test::ServerProcess::Stderr::merged);
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  int status = -1;
  while (status == -1 && std::chrono::steady_clock::now() < deadline) {
    for (std::string line = program.read_line(50ms); !line.empty(); line = program.read_line(50ms))
      output += line + "\n";
    status = program.wait(1ms);
  }
  for (std::string line = program.read_line(50ms); !line.empty(); line = program.read_line(50ms))
    output += line + "\n";
  return {status, output};
}

TEST(CliLog, BadLogOptionsExitTwoNamingTheOptionAndWhatIsAllowed) {
  const fs::path folder = test::temp_path("folder");
  fs::create_directories(folder);
  const std::string file = (folder / "hashrig.log").string();
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"--log-file", file, "--log-max-size", "10Q"},
       "--log-max-size: '10Q' is not a size (use N, NK, NM or NG, at least 64K)"},
      {{"--log-file", file, "--log-max-size", "1K"}, "--log-max-size: '1K' is not a size"},
      {{"--log-file", file, "--log-max-size", "0"}, "--log-max-size: '0' is not a size"},
      {{"--log-file", file, "--log-keep", "x"}, "--log-keep: expected a decimal number"},
      {{"--log-file", file, "--log-keep", "101"}, "--log-keep: must be between 0 and 100"},
      {{"--log-max-size", "1M"}, "--log-max-size: only with --log-file FILE"},
      {{"--log-keep", "3"}, "--log-keep: only with --log-file FILE"},
      {{"--log-file", ""}, "--log-file: needs a file name"},
      {{"--log-file", "/nonexistent-hashrig-dir/hashrig.log"},
       "--log-file: cannot open /nonexistent-hashrig-dir/hashrig.log: No such file or directory"},
      {{"--log-file", folder.string()},
       "--log-file: cannot open " + folder.string() + ": Is a directory"},
      {{"--log-level", "loud"}, "--log-level: unknown level 'loud'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"hash", "00"});
    const test::CliRun r = test::run_cli(args);
    EXPECT_EQ(r.status, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find("hashrig: " + c.message), std::string::npos)
        << "expected '" << c.message << "' in\n"
        << r.err;
    EXPECT_EQ(r.out, "") << "the command must not run";
  }
  EXPECT_FALSE(fs::exists(file)) << "no log file is made for a bad command line";
  fs::remove_all(folder);
}

TEST(CliLog, GoodLogOptionsAreAcceptedBeforeOrAfterTheSubcommand) {
  const fs::path file = test::temp_path("ok.log");
  const test::CliRun r = test::run_cli(
      {"hash", "00", "--log-file", file.string(), "--log-max-size", "512K", "--log-keep", "0"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  EXPECT_TRUE(fs::exists(file));
  EXPECT_EQ(fs::status(file).permissions() & (fs::perms::others_all | fs::perms::group_write),
            fs::perms::none)
      << "the log file is not world-readable";
  fs::remove(file);
}

TEST(CliLog, TheProgramMiningLeavesTaggedLinesInItsLogFile) {
  const fs::path folder = test::temp_path("mine");
  fs::remove_all(folder);
  fs::create_directories(folder);
  const fs::path file = folder / "hashrig.log";
  const auto [status, output] =
      run_program({"mine", "--job-file", test::kRecordedJobFile, "--duration", "2", "--threads",
                   "1", "--status-interval", "0.5", "--log-level", "debug", "--log-file",
                   file.string(), "--log-max-size", "64K"});
  ASSERT_EQ(status, 0) << output;
  ASSERT_TRUE(fs::exists(file)) << output;
  // Every line of every file (rotated ones too, oldest first) is whole and tagged.
  const std::regex line_format(
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (error|warning|info|debug) +\[([^\]]+)\] .+)");
  std::string text;
  std::size_t lines = 0;
  for (unsigned n = 6; n-- > 0;) {
    const fs::path path = n == 0 ? file : fs::path(file.string() + "." + std::to_string(n));
    if (!fs::exists(path)) continue;
    EXPECT_LE(fs::file_size(path), 64u << 10) << path;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line); ++lines) {
      EXPECT_TRUE(std::regex_match(line, line_format)) << path << ": " << line;
      text += line + "\n";
    }
  }
  EXPECT_GT(lines, 3u);
  EXPECT_EQ(text.find('\033'), std::string::npos) << "no colour in the file";
  EXPECT_NE(text.find("info    [main] mining "), std::string::npos) << text;
  EXPECT_NE(text.find("debug   [sched] "), std::string::npos) << text;
  // The status line: rates, share counts, hardware errors, where the work comes from, the
  // difficulty.
  const std::regex status_line(
      R"(info    \[stats\] .*\(5s\), .*\(60s\), .*\(15m\) \| shares \d+ \(accepted \d+, )"
      R"(rejected \d+, stale \d+\) \| hw errors \d+ .*\| job-file \| diff [0-9.e+-]+ \| job \S+)");
  EXPECT_TRUE(std::regex_search(text, status_line)) << text;
  // The same lines went to stderr.
  EXPECT_NE(output.find("[main] mining "), std::string::npos) << output;
  fs::remove_all(folder);
}

// An AF_UNIX datagram socket standing in for /dev/log; a thread of its own collects what comes
// (the socket queues only a few datagrams, and the program drops what does not fit).
class SyslogDaemon {
 public:
  explicit SyslogDaemon(fs::path path) : m_socket(std::move(path)) {
    m_thread = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        if (std::optional<std::string> m = m_socket.receive(std::chrono::milliseconds(100))) {
          const std::lock_guard lock(m_mutex);
          m_received.push_back(std::move(*m));
        }
      }
    });
  }
  ~SyslogDaemon() {
    m_thread.request_stop();
    m_thread.join();
  }
  std::vector<std::string> received() {
    const std::lock_guard lock(m_mutex);
    return m_received;
  }
  const fs::path& path() const { return m_socket.path(); }

 private:
  test::DatagramSocket m_socket;
  std::mutex m_mutex;
  std::vector<std::string> m_received;
  std::jthread m_thread;
};

TEST(CliLog, SyslogGetsTheProgramsLinesWithTheirPriority) {
  SyslogDaemon daemon(test::temp_path("syslog.sock"));
  const test::ScopedEnv env("HASHRIG_SYSLOG_SOCKET", daemon.path().string());
  const auto [status, output] =
      run_program({"--syslog", "mine", "--job-file", test::kRecordedJobFile, "--duration", "1.5",
                   "--threads", "1", "--status-interval", "0.5"});
  ASSERT_EQ(status, 0) << output;
  EXPECT_EQ(output.find("[log]"), std::string::npos) << output;
  const std::vector<std::string> received = daemon.received();
  const std::regex mining(R"(<30>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d hashrig\[\d+\]: )"
                          R"(\[main\] mining .*)");
  const std::regex stats(R"(<30>.* hashrig\[\d+\]: \[stats\] .*\| job-file \| diff .*)");
  bool saw_mining = false, saw_stats = false;
  std::string all;
  for (const std::string& d : received) {
    saw_mining = saw_mining || std::regex_match(d, mining);
    saw_stats = saw_stats || std::regex_match(d, stats);
    EXPECT_EQ(d.find('\n'), std::string::npos) << d;
    EXPECT_EQ(d.find("\033"), std::string::npos) << d;
    all += d + "\n";
  }
  EXPECT_TRUE(saw_mining) << all;
  EXPECT_TRUE(saw_stats) << all;
}

TEST(CliLog, AMissingSyslogDaemonIsReportedOnceAndMiningGoesOn) {
  const fs::path absent = test::temp_path("no-syslog.sock");
  const test::ScopedEnv env("HASHRIG_SYSLOG_SOCKET", absent.string());
  const auto [status, output] =
      run_program({"--syslog", "mine", "--job-file", test::kRecordedJobFile, "--duration", "1",
                   "--threads", "1", "--status-interval", "0.3"});
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(
      count_of(output, "[log] syslog socket " + absent.string() + ": No such file or directory"),
      1u)
      << output;
  EXPECT_NE(output.find("[stats]"), std::string::npos) << output;
}

}  // namespace
}  // namespace hashrig
