// The device watchdog in the real program. One CPU worker's thread is frozen from outside with
// ptrace (PTRACE_SEIZE and PTRACE_INTERRUPT stop that one thread, as a core taken away would);
// hashrig must notice, abandon the frozen thread, hash on a new one, and say so in its log, its
// status line, its API and its metrics, while the other worker hashes on. The frozen thread, let
// go afterwards, must end without disturbing anything, and SIGTERM still ends the run cleanly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api_test_support.h"
#include "prometheus_parser.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;

// The threads of `pid` named `name` (hashrig names each device's thread after the device).
std::vector<pid_t> threads_named(pid_t pid, const std::string& name) {
  std::vector<pid_t> out;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm == name) out.push_back(pid_t(std::stoi(task.path().filename().string())));
  }
  return out;
}

// Stops one thread of another process (not the process) until destroyed.
class FrozenThread {
 public:
  explicit FrozenThread(pid_t tid) : m_tid(tid) {
    if (::ptrace(PTRACE_SEIZE, tid, nullptr, nullptr) != 0) {
      m_error = std::string("PTRACE_SEIZE: ") + std::strerror(errno);
      return;
    }
    int status = 0;
    if (::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) != 0 ||
        ::waitpid(tid, &status, __WALL) != tid) {
      m_error = std::string("PTRACE_INTERRUPT: ") + std::strerror(errno);
    }
  }
  ~FrozenThread() { ::ptrace(PTRACE_DETACH, m_tid, nullptr, nullptr); }
  FrozenThread(const FrozenThread&) = delete;
  FrozenThread& operator=(const FrozenThread&) = delete;

  const std::string& error() const { return m_error; }

 private:
  pid_t m_tid;
  std::string m_error;
};

TEST(CliWatchdog, AFrozenWorkerIsRestartedAndTheApiAndMetricsSaySo) {
  // No shares (difficulty 1000): the worker takes no lock worth speaking of while it hashes, so
  // freezing it holds up nothing else.
  // Status lines every 0.5 s: the 2 s the watchdog waits for the frozen thread show in them.
  test::ApiProcess hashrig({"--job-file", test::kRecordedJobFile, "--difficulty", "1000",
                            "--threads", "2", "--watchdog-stall-s", "1", "--status-interval",
                            "0.5"});
  // Frozen once it hashes: a device is watched while it has work, and one caught between a wake
  // up and its first batch would still count as waiting for work.
  for (int i = 0; i < 200 && hashrig.get_json("/api/v1/devices")[0].at("hashes") == 0; ++i)
    std::this_thread::sleep_for(10ms);
  const std::vector<pid_t> workers = threads_named(hashrig.process().pid(), "cpu#0");
  ASSERT_EQ(workers.size(), 1u) << "no thread named cpu#0";
  std::vector<std::string> lines;
  {
    FrozenThread frozen(workers[0]);
    if (!frozen.error().empty()) GTEST_SKIP() << "cannot freeze a thread here: " << frozen.error();
    for (;;) {
      const std::string line = hashrig.process().read_line();
      ASSERT_FALSE(line.empty()) << "hashrig never restarted the frozen worker; its log:\n"
                                 << testing::PrintToString(lines);
      lines.push_back(line);
      if (line.find("[cpu#0] restarted") != std::string::npos) break;
    }
    const nlohmann::json devices = hashrig.get_json("/api/v1/devices");
    ASSERT_EQ(devices.size(), 2u);
    EXPECT_EQ(devices[0].at("id"), "cpu#0");
    EXPECT_EQ(devices[0].at("restarts"), 1);
    EXPECT_EQ(devices[0].at("state"), "hashing");
    EXPECT_EQ(devices[1].at("restarts"), 0);
    const test::PromExposition m =
        test::parse_prometheus(test::http_get(hashrig.port(), "/metrics").body);
    EXPECT_EQ(m.value("hashrig_device_restarts_total", {{"device", "cpu#0"}}), 1);
    EXPECT_EQ(m.value("hashrig_device_restarts_total", {{"device", "cpu#1"}}), 0);
    EXPECT_EQ(m.value("hashrig_device_state", {{"device", "cpu#0"}, {"state", "hashing"}}), 1);
    // The new cpu#0 thread hashes: its counter moves while the old one is still frozen.
    const double before = m.value("hashrig_hashes_total", {{"device", "cpu#0"}});
    std::this_thread::sleep_for(500ms);
    const test::PromExposition later =
        test::parse_prometheus(test::http_get(hashrig.port(), "/metrics").body);
    EXPECT_GT(later.value("hashrig_hashes_total", {{"device", "cpu#0"}}), before);
    EXPECT_EQ(threads_named(hashrig.process().pid(), "cpu#0").size(), 2u)
        << "the frozen thread and its successor";
  }  // let go: the abandoned thread wakes, sees that it was, and ends
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (threads_named(hashrig.process().pid(), "cpu#0").size() > 1 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(threads_named(hashrig.process().pid(), "cpu#0").size(), 1u);

  std::string text;
  for (const std::string& line : lines)
    text += line + "\n";
  EXPECT_NE(text.find("[cpu#0] RESTARTING (1 of 3): no batch completed in "), std::string::npos)
      << text;
  EXPECT_NE(text.find("[cpu#0] worker did not stop in time; abandoned it"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("[cpu#1] RESTARTING"), std::string::npos) << text;
  // While it restarts, the status line names it (and only it).
  const std::size_t restarting = text.find("[cpu#0] RESTARTING");
  const std::size_t status = text.find("| devices: cpu#0 restarting |", restarting);
  EXPECT_NE(status, std::string::npos) << text;
  EXPECT_LT(status, text.find("[cpu#0] restarted")) << text;

  hashrig.process().signal(SIGTERM);
  EXPECT_EQ(hashrig.process().wait(60s), 0);
}

}  // namespace
}  // namespace hashrig
