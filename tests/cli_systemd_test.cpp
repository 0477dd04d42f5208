// hashrig under systemd: the sd_notify messages (READY, STATUS, WATCHDOG, STOPPING) read from a
// real AF_UNIX datagram socket, sent by ServiceNotifier in this process and by the real hashrig
// program given NOTIFY_SOCKET; and scripts/hashrig.service and scripts/hashrig.sysusers checked by
// systemd's own tools (systemd-analyze verify, systemd-sysusers --dry-run).
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "datagram_socket.h"
#include "host/log.h"
#include "host/service_notify.h"
#include "server_process.h"
#include "test_support.h"

#ifndef HASHRIG_SCRIPTS_DIR
#error \
    "HASHRIG_SCRIPTS_DIR must name the repository's scripts/ folder (set by tests/CMakeLists.txt)"
#endif

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const fs::path kUnit = fs::path(HASHRIG_SCRIPTS_DIR) / "hashrig.service";
const fs::path kSysusers = fs::path(HASHRIG_SCRIPTS_DIR) / "hashrig.sysusers";

// A fresh temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hashrig-systemd-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

// The service manager's end of the notify protocol: a bound AF_UNIX datagram socket.
class NotifySocket {
 public:
  NotifySocket() : m_socket(m_dir.path() / "notify") {}
  std::string path() const { return m_socket.path().string(); }

  // The next datagram, or nullopt when none comes within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    return m_socket.receive(timeout);
  }
  // Datagrams until one contains `line` as a whole line (returned), or nullopt after `timeout`;
  // every datagram read on the way is appended to `seen`.
  std::optional<std::string> receive_until(const std::string& line,
                                           std::chrono::milliseconds timeout,
                                           std::vector<std::string>& seen) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      const std::optional<std::string> message = receive(left);
      if (!message) break;
      seen.push_back(*message);
      if (has_line(*message, line)) return message;
    }
    return std::nullopt;
  }

  static bool has_line(const std::string& message, const std::string& line) {
    std::istringstream in(message);
    for (std::string l; std::getline(in, l);)
      if (l == line) return true;
    return false;
  }
  // The value of NAME= in a message; empty when absent.
  static std::string value_of(const std::string& message, const std::string& name) {
    std::istringstream in(message);
    for (std::string l; std::getline(in, l);)
      if (l.rfind(name + "=", 0) == 0) return l.substr(name.size() + 1);
    return {};
  }

 private:
  TempDir m_dir;
  test::DatagramSocket m_socket;
};

std::string joined(const std::vector<std::string>& messages) {
  std::string text;
  for (const std::string& m : messages)
    text += "[" + m + "] ";
  return text;
}

TEST(ServiceNotifier, SendsEachMessageToTheNotifySocket) {
  NotifySocket socket;
  test::ScopedEnv notify("NOTIFY_SOCKET", socket.path());
  test::ScopedEnv usec("WATCHDOG_USEC", "400000");
  test::ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
  std::ostringstream text;
  host::Logger log(text, host::LogLevel::debug, false);
  host::ServiceNotifier notifier(log);
  ASSERT_TRUE(notifier.enabled())
      << "hashrig was built without libsystemd (scripts/install-deps.sh installs libsystemd-dev)";
  ASSERT_TRUE(notifier.watchdog_interval());
  EXPECT_EQ(*notifier.watchdog_interval(), 400ms);

  notifier.ready("mining on\n2 CPU workers");
  EXPECT_EQ(socket.receive(1s), "READY=1\nSTATUS=mining on 2 CPU workers");
  notifier.status("1.00 MH/s");
  EXPECT_EQ(socket.receive(1s), "STATUS=1.00 MH/s");
  const Clock::time_point before = Clock::now();
  notifier.ping_watchdog();
  EXPECT_EQ(socket.receive(1s), "WATCHDOG=1");
  EXPECT_GE(notifier.next_watchdog_ping(), before + 200ms);
  EXPECT_LE(notifier.next_watchdog_ping(), Clock::now() + 200ms);
  notifier.stopping("stopping");
  EXPECT_EQ(socket.receive(1s), "STOPPING=1\nSTATUS=stopping");
  EXPECT_EQ(text.str().find("[warning]"), std::string::npos) << text.str();
}

TEST(ServiceNotifier, IsSilentOutsideSystemdAndOutsideItsWatchdog) {
  std::ostringstream text;
  host::Logger log(text, host::LogLevel::debug, false);
  test::ScopedEnv usec("WATCHDOG_USEC", "400000");
  {
    test::ScopedEnv notify("NOTIFY_SOCKET", std::nullopt);
    test::ScopedEnv pid("WATCHDOG_PID", std::nullopt);
    host::ServiceNotifier notifier(log);
    EXPECT_FALSE(notifier.enabled());
    EXPECT_FALSE(notifier.watchdog_interval());
    EXPECT_EQ(notifier.next_watchdog_ping(), Clock::time_point::max());
    notifier.ready("x");  // no-ops
    notifier.ping_watchdog();
    notifier.stopping("x");
  }
  // A watchdog meant for another process (systemd sets WATCHDOG_PID to the main process).
  NotifySocket socket;
  test::ScopedEnv notify("NOTIFY_SOCKET", socket.path());
  test::ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));
  host::ServiceNotifier notifier(log);
  EXPECT_FALSE(notifier.watchdog_interval());
  notifier.ping_watchdog();
  EXPECT_EQ(socket.receive(200ms), std::nullopt);
}

// The real program with NOTIFY_SOCKET and a 400 ms watchdog, and no status line
// (--status-interval 0), so only the watchdog wakes its main loop more than once a second.
TEST(CliSystemd, NotifiesReadyPingsTheWatchdogAndSaysStopping) {
  NotifySocket socket;
  test::ServerProcess hashrig(
      HASHRIG_BINARY,
      {"mine", "--job-file", test::kRecordedJobFile, "--status-interval", "0", "--threads", "1"},
      60s, test::ServerProcess::Stderr::merged,
      {"NOTIFY_SOCKET=" + socket.path(), "WATCHDOG_USEC=400000", "WATCHDOG_PID"});
  std::vector<std::string> seen;
  // Start-up (kernel self-tests and calibration) on a loaded machine can take seconds.
  const auto ready = socket.receive_until("READY=1", 60s, seen);
  ASSERT_TRUE(ready) << "no READY=1; got " << joined(seen);
  EXPECT_NE(NotifySocket::value_of(*ready, "STATUS").find("mining on "), std::string::npos)
      << *ready;

  int pings = 0;
  const auto window_end = Clock::now() + 1500ms;
  for (auto now = Clock::now(); now < window_end; now = Clock::now()) {
    const auto message =
        socket.receive(std::chrono::duration_cast<std::chrono::milliseconds>(window_end - now));
    if (!message) break;
    if (*message == "WATCHDOG=1") ++pings;
    EXPECT_FALSE(NotifySocket::has_line(*message, "STOPPING=1")) << *message;
  }
  EXPECT_GE(pings, 3) << "WATCHDOG=1 every 200 ms expected within 1.5 s";

  hashrig.signal(SIGTERM);
  seen.clear();
  const auto stopping = socket.receive_until("STOPPING=1", 20s, seen);
  ASSERT_TRUE(stopping) << "no STOPPING=1 after SIGTERM; got " << joined(seen);
  EXPECT_FALSE(NotifySocket::value_of(*stopping, "STATUS").empty()) << *stopping;
  EXPECT_EQ(hashrig.wait(), 0);  // 128 + N when killed by signal N
}

// Each status line also becomes the service's STATUS=, and --duration ends with STOPPING=1.
TEST(CliSystemd, StatusLinesBecomeTheServiceStatus) {
  NotifySocket socket;
  test::ServerProcess hashrig(HASHRIG_BINARY,
                              {"mine", "--job-file", test::kRecordedJobFile, "--status-interval",
                               "0.3", "--duration", "1.5", "--threads", "1"},
                              60s, test::ServerProcess::Stderr::merged,
                              {"NOTIFY_SOCKET=" + socket.path(), "WATCHDOG_USEC", "WATCHDOG_PID"});
  std::vector<std::string> seen;
  ASSERT_TRUE(socket.receive_until("READY=1", 60s, seen)) << joined(seen);
  seen.clear();
  ASSERT_TRUE(socket.receive_until("STOPPING=1", 20s, seen)) << joined(seen);
  int status_lines = 0;
  for (const std::string& m : seen) {
    EXPECT_NE(m, "WATCHDOG=1") << "no WATCHDOG_USEC, no pings";
    if (m.rfind("STATUS=", 0) == 0 && m.find("H/s (5s)") != std::string::npos) ++status_lines;
  }
  EXPECT_GE(status_lines, 2) << joined(seen);
  EXPECT_EQ(hashrig.wait(), 0);
}

// Runs a shell command; its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> run_shell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char buffer[512];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

bool have_tool(const std::string& name) {
  return run_shell("command -v " + name).first == 0;
}

// systemd-analyze verify checks every key and value of the unit and that the commands exist: the
// unit is verified as a copy whose ExecStart runs the binary just built. Bad keys or values are
// only warnings (exit status 0), so the test also fails on any line that names the unit.
TEST(SystemdUnit, SystemdAnalyzeVerifiesIt) {
  ASSERT_TRUE(have_tool("systemd-analyze"))
      << "systemd-analyze not found: install the systemd package (scripts/install-deps.sh does)";
  std::ifstream in(kUnit);
  ASSERT_TRUE(in) << kUnit;
  TempDir dir;
  const fs::path copy = dir.path() / "hashrig.service";
  std::ofstream out(copy);
  bool rewritten = false;
  for (std::string line; std::getline(in, line);) {
    const std::string installed = "ExecStart=/usr/local/bin/hashrig ";
    if (line.rfind(installed, 0) == 0) {
      line = "ExecStart=" + std::string(HASHRIG_BINARY) + line.substr(installed.size() - 1);
      rewritten = true;
    }
    out << line << '\n';
  }
  out.close();
  ASSERT_TRUE(rewritten) << "no ExecStart=/usr/local/bin/hashrig line in " << kUnit;

  const auto [status, output] = run_shell("systemd-analyze verify '" + copy.string() + "'");
  EXPECT_EQ(status, 0) << output;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find("hashrig.service"), std::string::npos) << line;
    if (!line.empty()) std::cout << "systemd-analyze: " << line << '\n';
  }
}

// systemd-sysusers parses the sysusers.d file and would create the user, against an empty root.
TEST(SystemdUnit, SysusersFileCreatesTheUser) {
  ASSERT_TRUE(have_tool("systemd-sysusers"))
      << "systemd-sysusers not found: install the systemd package (scripts/install-deps.sh does)";
  TempDir root;
  fs::create_directories(root.path() / "etc");
  const auto [status, output] =
      run_shell("systemd-sysusers --dry-run --root='" + root.path().string() + "' - < '" +
                kSysusers.string() + "'");
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("Creating user 'hashrig'"), std::string::npos) << output;
}

// The choices the unit's comments explain, kept: notify with a watchdog, GPUs reachable, no W^X
// ban (OpenCL and CUDA JIT), a stop timeout longer than hashrig's 5 s submission flush.
TEST(SystemdUnit, KeepsTheNotifyProtocolAndTheGpusReachable) {
  std::ifstream in(kUnit);
  ASSERT_TRUE(in) << kUnit;
  std::map<std::string, std::string> keys;
  for (std::string line; std::getline(in, line);) {
    const std::size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    keys[line.substr(0, eq)] = line.substr(eq + 1);
  }
  EXPECT_EQ(keys["Type"], "notify");
  EXPECT_EQ(keys["NotifyAccess"], "main");
  EXPECT_FALSE(keys["WatchdogSec"].empty());
  EXPECT_EQ(keys["TimeoutStopSec"], "15s");
  EXPECT_EQ(keys["SupplementaryGroups"], "video render");
  EXPECT_EQ(keys["CapabilityBoundingSet"], "");
  for (const char* absent :
       {"MemoryDenyWriteExecute", "PrivateDevices", "DevicePolicy", "DeviceAllow", "ProtectClock"})
    EXPECT_EQ(keys.count(absent), 0u) << absent;
}

}  // namespace
}  // namespace hashrig
