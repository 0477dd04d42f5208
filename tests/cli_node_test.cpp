// `hashrig --node URL --payout ADDRESS` end to end: the real program mines on the test node (a
// real HTTP server that validates every block) at the regtest target.
//   - ten blocks, some with transactions, all accepted, all paying the payout address;
//   - the node process SIGKILLed while a block is pending: restarted, the block lands from the
//     journal;
//   - hashrig killed right after a block is found: restarted, the block lands;
//   - a payout address of another network stops start-up naming it; option mistakes are named;
//   - bench --node-tip measures each new tip and submits nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_run.h"
#include "node-bridge/journal.h"
#include "node/test_node.h"
#include "server_process.h"

extern char** environ;

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using testnode::TestNode;
using testnode::TestNodeOptions;

constexpr const char* kPayout = "bcrt1qwfgq7m40xvqkswrkjupv0anfrfr6recs3rrlpe";
constexpr const char* kPayoutScript = "001472500f6eaf33016838769702c7f6691a47a1e710";

class CliNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("hashrig-cli-node-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir / "node");
  }
  void TearDown() override {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
    std::filesystem::remove_all(m_dir);
  }

  TestNodeOptions node_options() const {
    TestNodeOptions o;
    o.datadir = (m_dir / "node").string();
    return o;
  }
  std::filesystem::path journal() const { return m_dir / "blocks.sqlite3"; }
  std::filesystem::path summary() const { return m_dir / "summary.json"; }

  // Starts hashrig on the node with the common options plus `extra`.
  void spawn(const TestNode& node, std::vector<std::string> extra) {
    spawn(node.port(), node.cookie_path(), std::move(extra));
  }
  void spawn(std::uint16_t port, const std::string& cookie, std::vector<std::string> extra) {
    std::vector<std::string> args = {HASHRIG_BINARY,
                                     "--node",
                                     "http://127.0.0.1:" + std::to_string(port),
                                     "--node-cookie",
                                     cookie,
                                     "--payout",
                                     kPayout,
                                     "--journal",
                                     journal().string(),
                                     "--threads",
                                     "2",
                                     "--status-interval",
                                     "0",
                                     "--summary-json",
                                     summary().string(),
                                     "--log-level",
                                     "warning"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    // Only stdin/stdout/stderr: the test node's listening socket must not live on in hashrig
    // (it would keep the port while the test restarts the node).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    const int spawned = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(spawned, 0);
  }

  // The exit status, or -1 after `timeout` (the process is then killed).
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

  void kill_hard() {
    ASSERT_GT(m_pid, 0);
    ASSERT_EQ(::kill(m_pid, SIGKILL), 0);
    ASSERT_EQ(::waitpid(m_pid, nullptr, 0), m_pid);
    m_pid = 0;
  }

  nlohmann::json read_summary() const {
    std::ifstream in(summary());
    EXPECT_TRUE(in) << summary();
    return in ? nlohmann::json::parse(in) : nlohmann::json::object();
  }

  std::filesystem::path m_dir;
  pid_t m_pid = 0;
};

TEST_F(CliNodeTest, MinesTenBlocksSomeWithTransactionsAllAccepted) {
  TestNodeOptions options = node_options();
  options.initial_txs = 4;
  TestNode node(options);
  node.start();
  spawn(node, {"--max-blocks", "10"});
  // Keep the mempool fed, so later templates carry transactions too.
  int status = -1;
  // A hang guard, not a speed target: ten blocks take about 10 s in the dev build but about 50 s
  // under ASan, and longer still beside other tests on a 2-core machine.
  const auto end = std::chrono::steady_clock::now() + 180s;
  while (status < 0 && std::chrono::steady_clock::now() < end) {
    if (node.stats().mempool_size == 0) node.add_transactions(3);
    status = wait_exit(100ms);
  }
  ASSERT_EQ(status, 0);

  const testnode::NodeStats stats = node.stats();
  ASSERT_GE(stats.accepted.size(), 10u);
  EXPECT_TRUE(stats.rejects_by_reason.empty()) << testnode::to_json(stats).dump();
  std::size_t with_transactions = 0;
  for (const testnode::AcceptedBlock& b : stats.accepted) {
    EXPECT_EQ(b.payout_script_hex, kPayoutScript) << b.hash;
    EXPECT_EQ(b.coinbase_value, 50'0000'0000 + b.fees) << b.hash;
    if (b.tx_count > 1) ++with_transactions;
  }
  EXPECT_GE(with_transactions, 2u);

  const nlohmann::json s = read_summary();
  EXPECT_EQ(s.at("blocks_accepted").get<std::size_t>(), stats.accepted.size());
  EXPECT_EQ(s.at("rejected"), 0);
  EXPECT_EQ(s.at("hw_errors"), 0);

  // The journal lists them, accepted, with the node's hashes.
  const test::CliRun listed = test::run_cli({"blocks", "--json", "--journal", journal().string()});
  ASSERT_EQ(listed.status, 0) << listed.err;
  const nlohmann::json blocks = nlohmann::json::parse(listed.out);
  std::size_t accepted = 0;
  for (const nlohmann::json& b : blocks) {
    if (b.at("state") != "accepted") continue;
    ++accepted;
    bool found = false;
    for (const testnode::AcceptedBlock& a : stats.accepted)
      found = found || (a.hash == b.at("hash") && a.height == b.at("height"));
    EXPECT_TRUE(found) << b.dump();
  }
  EXPECT_EQ(accepted, stats.accepted.size());
}

TEST_F(CliNodeTest, ABlockPendingWhenTheNodeIsKilledLandsFromTheJournalWhenItIsBack) {
  // The node as a process of its own, killed with SIGKILL while submitblock hangs.
  const std::string datadir = (m_dir / "node").string();
  auto node = std::make_unique<test::ServerProcess>(HASHRIG_TEST_NODE_BINARY,
                                                    std::vector<std::string>{"--datadir", datadir});
  const std::uint16_t port = test::port_of(node->read_line());
  node->write("hang 1000000 submitblock\nstats\n");
  (void)node->read_line();  // the stats line: the order is in force
  spawn(port, datadir + "/.cookie", {"--max-blocks", "1"});
  std::string hash;
  for (int i = 0; i < 300 && hash.empty(); ++i) {
    std::this_thread::sleep_for(50ms);
    if (!std::filesystem::exists(journal())) continue;
    node::BlockJournal j(journal());
    const auto blocks = j.all();
    if (!blocks.empty()) hash = blocks[0].hash;
  }
  ASSERT_FALSE(hash.empty()) << "no block journaled";
  std::this_thread::sleep_for(300ms);  // its submitblock hangs in the node
  node->kill_and_wait(SIGKILL);
  std::this_thread::sleep_for(700ms);  // hashrig retries against nobody
  {
    node::BlockJournal j(journal());
    const auto blocks = j.all();
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_TRUE(blocks[0].pending());
  }
  // The same port, the chain from the datadir, a new cookie.
  node = std::make_unique<test::ServerProcess>(
      HASHRIG_TEST_NODE_BINARY,
      std::vector<std::string>{"--datadir", datadir, "--port", std::to_string(port)});
  ASSERT_EQ(test::port_of(node->read_line()), port);
  ASSERT_EQ(wait_exit(30s), 0);
  node->close_stdin();
  const nlohmann::json summary = nlohmann::json::parse(node->read_line());
  ASSERT_GE(summary.at("accepted").size(), 1u) << summary.dump();
  EXPECT_EQ(summary.at("accepted")[0].at("hash"), hash) << "the journaled block landed first";
  node::BlockJournal j(journal());
  const auto blocks = j.all();
  ASSERT_GE(blocks.size(), 1u);
  EXPECT_TRUE(blocks[0].accepted());
  EXPECT_GE(blocks[0].attempts, 2);
}

TEST_F(CliNodeTest, ABlockFoundJustBeforeHashrigIsKilledLandsWhenItRestarts) {
  TestNode node(node_options());
  node.start();
  node.fail_http(1'000'000, "submitblock");
  spawn(node, {});
  std::string hash;
  for (int i = 0; i < 300 && hash.empty(); ++i) {
    std::this_thread::sleep_for(50ms);
    if (!std::filesystem::exists(journal())) continue;
    node::BlockJournal j(journal());
    const auto blocks = j.all();
    if (!blocks.empty()) hash = blocks[0].hash;
  }
  ASSERT_FALSE(hash.empty()) << "no block journaled";
  kill_hard();
  EXPECT_TRUE(node.stats().accepted.empty());
  node.clear_faults();

  spawn(node, {"--max-blocks", "1"});
  ASSERT_EQ(wait_exit(30s), 0);
  const testnode::NodeStats stats = node.stats();
  ASSERT_GE(stats.accepted.size(), 1u);
  EXPECT_EQ(stats.accepted[0].hash, hash) << "the journaled block went first";
  node::BlockJournal j(journal());
  EXPECT_TRUE(j.all()[0].accepted());
}

TEST_F(CliNodeTest, APayoutAddressOfAnotherNetworkStopsStartUpNamingIt) {
  TestNode node(node_options());
  node.start();
  const std::string mainnet = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
  const test::CliRun run =
      test::run_cli({"--node", "http://127.0.0.1:" + std::to_string(node.port()), "--node-cookie",
                     node.cookie_path(), "--payout", mainnet, "--journal", journal().string(),
                     "--duration", "5"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find(mainnet), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("regtest"), std::string::npos) << run.err;
  EXPECT_EQ(node.stats().requests_by_method.count("getblocktemplate"), 0u);
}

TEST(CliNode, TheTipBenchMeasuresEveryTipAndSubmitsNothing) {
  TestNodeOptions options;
  options.rpc_user = "u";
  options.rpc_password = "p";
  TestNode node(options);
  const std::uint16_t port = node.start();
  const test::CliRun run =
      test::run_cli({"bench", "--node-tip", "--node", "http://127.0.0.1:" + std::to_string(port),
                     "--node-user", "u", "--node-pass", "p", "--payout", kPayout, "--tips", "3",
                     "--threads", "1", "--json", "--log-level", "warning"});
  ASSERT_EQ(run.status, 0) << run.err;
  const nlohmann::json r = nlohmann::json::parse(run.out);
  EXPECT_EQ(r.at("tips"), 3);
  EXPECT_EQ(r.at("timeouts"), 0);
  EXPECT_GT(r.at("p50_ms").get<double>(), 0.0);
  EXPECT_LE(r.at("p50_ms").get<double>(), r.at("max_ms").get<double>());
  const testnode::NodeStats stats = node.stats();
  EXPECT_EQ(stats.generated, 3u);
  EXPECT_TRUE(stats.submits.empty());
}

TEST(CliNode, OptionMistakesAreNamed) {
  const std::pair<std::vector<std::string>, const char*> cases[] = {
      {{"--node", "http://127.0.0.1:1", "--payout", "x"}, "--node needs credentials"},
      {{"--node", "http://127.0.0.1:1", "--node-cookie", "c"}, "--node needs --payout"},
      {{"--node", "127.0.0.1:1", "--node-cookie", "c", "--payout", "x"}, "--node: node URL"},
      {{"--node", "http://127.0.0.1:1", "--node-user", "u", "--payout", "x"},
       "--node-user needs --node-pass"},
      {{"--node", "http://127.0.0.1:1", "--node-cookie", "c", "--node-user", "u", "--node-pass",
        "p", "--payout", "x"},
       "choose one way to log in"},
      {{"--node", "http://127.0.0.1:1", "--node-cookie", "c", "--payout", "x", "--max-blocks", "0"},
       "--max-blocks"},
      {{"--node", "http://127.0.0.1:1", "--node-cookie", "c", "--payout", "x", "-o",
        "stratum+tcp://127.0.0.1:1"},
       "choose one job source"},
      {{"--node", "http://127.0.0.1:1", "--node-cookie", "c", "--payout", "x", "--coinbase-tag",
        std::string(61, 't')},
       "--coinbase-tag"},
      {{"--node", "http://127.0.0.1:1", "--node-cookie", "c", "--payout", "x", "--node-timeout",
        "0"},
       "--node-timeout: must be between 1 and 600, got 0"},
      {{"--node-timeout", "5"}, "--node-timeout: only with --node"},
      {{"--payout", "x"}, "--payout: only with --node"},
      {{"--max-blocks", "3"}, "--max-blocks: only with --node"},
      {{"blocks", "--journal", "/nonexistent/blocks.sqlite3"}, "does not exist"},
      {{"bench", "--node-tip"}, "--node-tip: needs --node"},
      {{"bench", "--tips", "3"}, "--tips: only with --node-tip"},
      {{"bench", "--node", "http://127.0.0.1:1"}, "only with --node-tip"},
  };
  for (const auto& [args, expected] : cases) {
    const test::CliRun run = test::run_cli(args);
    EXPECT_EQ(run.status, 2) << args[0] << " ... " << run.err;
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace hashrig
