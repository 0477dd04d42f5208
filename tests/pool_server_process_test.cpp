// The test pool's connection life cycle and its forms:
//   - several clients at once get distinct extranonce1 values; a client may resume its session;
//   - drop_connections() and stop()/start() on the same port;
//   - the TLS listener, with a certificate made by the openssl program for the test;
//   - hashrig-test-pool as a separate process: "port N", periodic jobs, the JSON summary at exit
//     (stdin closed or SIGTERM), exit status 2 on bad usage.
#include <signal.h>

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
#include "server_process.h"

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

// hashrig-test-pool in a process of its own; reads and waits time out after 10 s.
struct PoolProcess : ::hashrig::test::ServerProcess {
  explicit PoolProcess(std::vector<std::string> args)
      : ServerProcess(HASHRIG_TEST_POOL_BINARY, std::move(args), 10s) {}
};

using ::hashrig::test::port_of;

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
