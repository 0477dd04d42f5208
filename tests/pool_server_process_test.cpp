// The test pool's connection life cycle and its forms:
//   - several clients at once get distinct extranonce1 values; a client may resume its session;
//   - drop_connections() and stop()/start() on the same port;
//   - the TLS listener, with a certificate made by the openssl program for the test;
//   - hashrig-test-pool as a separate process: "port N", periodic jobs, the JSON summary at exit
//     (stdin closed or SIGTERM), exit status 2 on bad usage.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pool_server_test_support.h"

extern char** environ;

namespace hashrig::testpool {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(PoolConnections, ClientsGetDistinctExtranoncesAndMayResume) {
  TestPool pool(test::fast_options());
  const std::uint16_t port = pool.start();
  std::set<std::string> extranonces;
  std::vector<test::Joined> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(test::join(port));
    extranonces.insert(clients.back().subscribe_result[1].get<std::string>());
  }
  EXPECT_EQ(extranonces.size(), 3u);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_EQ(clients[i].client->call("mining.submit", mine_share(clients[i].job, i))["result"],
              true);
  }
  const std::string session_id = clients[0].subscribe_result[0][0][1].get<std::string>();
  const json first_extranonce = clients[0].subscribe_result[1];
  clients.clear();  // all three disconnect
  ASSERT_TRUE(pool.wait_for([](const PoolStats& s) { return s.open_sessions == 0; }, 5s));

  test::Joined again =
      test::join(std::make_unique<LineClient>(port), std::nullopt, "m/2", session_id);
  EXPECT_EQ(again.subscribe_result[1], first_extranonce);
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.resumed, 1u);
  EXPECT_EQ(stats.last_resume_request, session_id);
  EXPECT_EQ(stats.accepted, 3u);
  EXPECT_EQ(stats.connections, 4u);
}

TEST(PoolConnections, DropConnectionsClosesEveryClient) {
  TestPool pool(test::fast_options());
  const std::uint16_t port = pool.start();
  test::Joined a = test::join(port);
  test::Joined b = test::join(port);
  pool.drop_connections();
  EXPECT_TRUE(a.client->wait_closed());
  pool.drop_connections(true);  // nothing left to reset
  EXPECT_TRUE(b.client->wait_closed());
  EXPECT_TRUE(pool.wait_for([](const PoolStats& s) { return s.disconnects == 2; }, 5s));
  test::Joined c = test::join(port);  // the listener is still there
  EXPECT_EQ(c.client->call("mining.submit", mine_share(c.job, 1))["result"], true);
}

TEST(PoolConnections, StopAndStartAgainOnTheSamePort) {
  TestPool pool(test::fast_options());
  const std::uint16_t port = pool.start();
  test::Joined before = test::join(port);
  pool.stop();
  EXPECT_FALSE(pool.running());
  EXPECT_TRUE(before.client->wait_closed());
  EXPECT_THROW(LineClient refused(port), boost::system::system_error);
  pool.send_job(true);  // a no-op while stopped

  EXPECT_EQ(pool.start(), port);
  test::Joined after = test::join(port);
  EXPECT_EQ(after.client->call("mining.submit", mine_share(after.job, 1))["result"], true);
  EXPECT_EQ(pool.stats().connections, 2u);
}

// --- TLS ------------------------------------------------------------------------------------

class TlsPool : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl program is not installed";
    }
    const auto base =
        std::filesystem::temp_directory_path() / ("hashrig-pool-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(base);
    m_dir = base.string();
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key() + " -out " + cert() +
        " -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
        " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!m_dir.empty()) std::filesystem::remove_all(m_dir, ignored);
  }
  std::string key() const { return m_dir + "/key.pem"; }
  std::string cert() const { return m_dir + "/cert.pem"; }

  std::string m_dir;
};

TEST_F(TlsPool, SharesOverTlsAndPlainClientsAreTurnedAway) {
  TestPoolOptions options = test::fast_options();
  options.tls_cert_pem = cert();
  options.tls_key_pem = key();
  TestPool pool(options);
  const std::uint16_t port = pool.start();
  test::Joined j = test::join(std::make_unique<LineClient>(port, cert()));
  EXPECT_EQ(j.client->call("mining.submit", mine_share(j.job, 1))["result"], true);
  EXPECT_EQ(pool.stats().tls_handshakes, 1u);

  LineClient plain(port);
  plain.send_request("mining.subscribe", json::array());
  EXPECT_TRUE(plain.wait_closed());
}

TEST_F(TlsPool, BothOnOnePortWhenTlsIsNotRequired) {
  TestPoolOptions options = test::fast_options();
  options.tls_cert_pem = cert();
  options.tls_key_pem = key();
  options.require_tls = false;
  TestPool pool(options);
  const std::uint16_t port = pool.start();
  test::Joined tls = test::join(std::make_unique<LineClient>(port, cert()));
  test::Joined plain = test::join(port);
  EXPECT_EQ(tls.client->call("mining.submit", mine_share(tls.job, 1))["result"], true);
  EXPECT_EQ(plain.client->call("mining.submit", mine_share(plain.job, 1))["result"], true);
}

TEST(TlsPoolFiles, AMissingCertificateIsAnErrorNamingIt) {
  TestPoolOptions options;
  options.tls_cert_pem = "/nonexistent/cert.pem";
  options.tls_key_pem = "/nonexistent/key.pem";
  TestPool pool(options);
  try {
    pool.start();
    FAIL() << "start() did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
  }
}

// --- the separate program -------------------------------------------------------------------

class PoolProcess {
 public:
  explicit PoolProcess(std::vector<std::string> args) {
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1]})
      posix_spawn_file_actions_addclose(&actions, fd);
    args.insert(args.begin(), HASHRIG_TEST_POOL_BINARY);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    m_stdin = in[1];
    m_stdout = out[0];
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }
  ~PoolProcess() {
    close_stdin();
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
    ::close(m_stdout);
  }

  std::string read_line(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{m_stdout, POLLIN, 0};
      if (::poll(&fd, 1, 50) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
      if (n <= 0) break;
      m_out.append(buffer, std::size_t(n));
    }
    const std::size_t eol = m_out.find('\n');
    if (eol == std::string::npos) return {};
    std::string line = m_out.substr(0, eol);
    m_out.erase(0, eol + 1);
    return line;
  }
  void write(const std::string& text) { (void)!::write(m_stdin, text.data(), text.size()); }
  void close_stdin() {
    if (m_stdin >= 0) ::close(m_stdin);
    m_stdin = -1;
  }
  void signal(int sig) { ::kill(m_pid, sig); }
  // The exit status, or -1 when it has not exited within the timeout.
  int wait(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  std::string m_out;
};

std::uint16_t port_of(const std::string& line) {
  if (line.rfind("port ", 0) != 0) throw std::runtime_error("expected \"port N\", got: " + line);
  return std::uint16_t(std::stoi(line.substr(5)));
}

TEST(PoolProgram, TakesCommandsAndSummarisesWhenStdinCloses) {
  PoolProcess pool({"--difficulty", "1e-5"});
  const std::uint16_t port = port_of(pool.read_line());
  test::Joined j = test::join(port);
  pool.write("job\n");
  const core::Job second = test::next_job(j);
  EXPECT_FALSE(second.clean);
  pool.write("clean\n");
  const core::Job third = test::next_job(j);
  EXPECT_TRUE(third.clean);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(third, 1))["result"], true);
  EXPECT_EQ(j.client->call("mining.submit", mine_share(second, 1))["error"],
            json::array({21, "Stale", nullptr}));
  pool.write("stats\n");
  EXPECT_EQ(json::parse(pool.read_line())["accepted"], 1);
  pool.close_stdin();
  const json summary = json::parse(pool.read_line());
  EXPECT_EQ(summary["accepted"], 1);
  EXPECT_EQ(summary["rejected"], 1);
  EXPECT_EQ(summary["connections"], 1);
  EXPECT_EQ(pool.wait(), 0);
}

TEST(PoolProgram, SendsJobsPeriodically) {
  PoolProcess pool({"--difficulty", "1e-5", "--job-interval-ms", "50", "--clean-every", "2"});
  test::Joined j = test::join(port_of(pool.read_line()));
  bool clean = false;
  bool not_clean = false;
  for (int i = 0; i < 4; ++i) {
    const core::Job job = test::next_job(j);
    (job.clean ? clean : not_clean) = true;
  }
  EXPECT_TRUE(clean);
  EXPECT_TRUE(not_clean);
}

TEST(PoolProgram, SigtermEndsItWithASummary) {
  PoolProcess pool({"--port", "0"});
  const std::uint16_t port = port_of(pool.read_line());
  LineClient client(port);
  EXPECT_EQ(client.call("mining.subscribe", json::array())["error"], nullptr);
  pool.signal(SIGTERM);
  EXPECT_EQ(json::parse(pool.read_line())["connections"], 1);
  EXPECT_EQ(pool.wait(), 0);
  EXPECT_TRUE(client.wait_closed());
}

TEST(PoolProgram, BadUsageExitsWith2) {
  PoolProcess pool({"--difficulty", "zero"});
  EXPECT_EQ(pool.wait(), 2);
}

}  // namespace
}  // namespace hashrig::testpool
