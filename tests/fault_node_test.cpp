// Fault injection, node side: the real hashrig solo-mines (`--node`, one CPU worker, the regtest
// target, so blocks come at once) on a hashrig-test-node process over loopback, which the test
// makes fail through its stdin:
//   - submitblock answered with a 500 HTML page, with garbage, with its JSON cut in half (the
//     block taken all the same), not at all (it hangs), or by closing the connection;
//   - getblocktemplate failing every one of those ways at start-up;
//   - the node killed, a block found while it is down, the node back;
//   - the block journal's directory read-only.
// Each time hashrig stays up, says what happened, and every block it found reaches the node: the
// node's own record of accepted blocks has it. (The node killed while a submitblock hangs:
// CliNodeTest.ABlockPendingWhenTheNodeIsKilledLandsFromTheJournalWhenItIsBack.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api_test_support.h"
#include "fault_support.h"
#include "http_client.h"
#include "node-bridge/journal.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kPayout = "bcrt1qwfgq7m40xvqkswrkjupv0anfrfr6recs3rrlpe";

class FaultNode : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("hashrig-fault-node-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "node");
    m_node.emplace(HASHRIG_TEST_NODE_BINARY,
                   std::vector<std::string>{"--datadir", (m_dir / "node").string()});
    m_port = test::port_of(m_node->read_line());
  }
  void TearDown() override {
    m_log.reset();
    m_hashrig.reset();
    m_node.reset();
    fs::permissions(m_dir, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(m_dir);
  }

  // Orders faults in the node (its stdin commands), and waits until they are in force.
  void order(const std::vector<std::string>& commands) {
    for (const std::string& c : commands)
      m_node->write(c + "\n");
    node_stats();
  }
  nlohmann::json node_stats() {
    m_node->write("stats\n");
    const std::string line = m_node->read_line();
    return line.empty() ? nlohmann::json::object() : nlohmann::json::parse(line);
  }
  bool node_accepted(const std::string& hash) {
    const nlohmann::json stats = node_stats();
    for (const nlohmann::json& b : stats.value("accepted", nlohmann::json::array())) {
      if (b.at("hash") == hash) return true;
    }
    return false;
  }

  // Runs hashrig on the node until `max_blocks` are accepted; `prefix` goes before the program
  // (setpriv, to drop root's right to write anywhere).
  void spawn(const fs::path& journal, int max_blocks, std::vector<std::string> prefix = {},
             const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--node",
                                     "http://127.0.0.1:" + std::to_string(m_port),
                                     "--node-cookie",
                                     (m_dir / "node" / ".cookie").string(),
                                     "--payout",
                                     kPayout,
                                     "--journal",
                                     journal.string(),
                                     "--node-timeout",
                                     "2",
                                     "--max-blocks",
                                     std::to_string(max_blocks),
                                     "--devices",
                                     "cpu",
                                     "--threads",
                                     "1",
                                     "--status-interval",
                                     "0",
                                     "--log-level",
                                     "info"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string binary = HASHRIG_BINARY;
    if (!prefix.empty()) {
      args.insert(args.begin(), binary);
      args.insert(args.begin(), prefix.begin() + 1, prefix.end());
      binary = prefix.front();
    }
    m_log.reset();
    m_hashrig.emplace(binary, args, 120s, test::ServerProcess::Stderr::merged);
    m_log.emplace(*m_hashrig);
  }
  // hashrig's exit status after it stopped by itself (-1: still running after the guard).
  int wait_exit() {
    const int status = m_hashrig->wait(180s);
    m_log->mark();  // what it said last
    return status;
  }
  std::vector<node::JournalBlock> journaled(const fs::path& journal) {
    return node::BlockJournal(journal).all();
  }

  fs::path m_dir;
  std::optional<test::ServerProcess> m_node;
  std::uint16_t m_port = 0;
  std::optional<test::ServerProcess> m_hashrig;
  std::optional<test::LogBook> m_log;
};

TEST_F(FaultNode, EachWayASubmitblockFailsTheBlockStillReachesTheNode) {
  const struct {
    const char* name;
    std::string order;
  } faults[] = {
      {"500 with an HTML page", "fail-http 3 submitblock"},
      {"200 with garbage", "garbage 3 submitblock"},
      {"the block taken, the answer cut in half", "truncate 1 submitblock"},
      {"no answer: the call hangs", "hang 1 submitblock"},
      {"the connection closed", "close 2 submitblock"},
  };
  int n = 0;
  for (const auto& fault : faults) {
    SCOPED_TRACE(fault.name);
    const fs::path journal = m_dir / ("journal-" + std::to_string(n++) + ".sqlite3");
    order({fault.order});
    const auto start = std::chrono::steady_clock::now();
    spawn(journal, 1);
    ASSERT_EQ(wait_exit(), 0) << m_log->text();
    test::report_times(std::string("submitblock ") + fault.name + ": done after",
                       {test::seconds_since(start)});
    const std::vector<node::JournalBlock> blocks = journaled(journal);
    ASSERT_FALSE(blocks.empty()) << m_log->text();
    // The first block found failed at least once, was retried, and is in the node's chain.
    EXPECT_GE(blocks.front().attempts, 2) << m_log->text();
    EXPECT_FALSE(blocks.front().pending());
    EXPECT_TRUE(node_accepted(blocks.front().hash)) << node_stats().dump();
    for (const node::JournalBlock& b : blocks)
      EXPECT_TRUE(!b.accepted() || node_accepted(b.hash)) << b.hash;
  }
  // Nothing was refused but the retry of the block whose answer was cut: the node had it.
  EXPECT_EQ(node_stats().at("rejects_by_reason"), nlohmann::json({{"duplicate", 1}}))
      << node_stats().dump();
}

TEST_F(FaultNode, TemplateCallsFailingEveryWayAtStartUpAreRetriedUntilWorkComes) {
  order({"close 1 getblocktemplate", "hang 1 getblocktemplate", "fail-http 2 getblocktemplate",
         "garbage 2 getblocktemplate", "truncate 2 getblocktemplate"});
  const fs::path journal = m_dir / "journal.sqlite3";
  spawn(journal, 2);
  ASSERT_EQ(wait_exit(), 0) << m_log->text();
  const nlohmann::json served = node_stats().at("faults_served");
  for (const char* kind : {"close", "hang", "fail-http", "garbage", "truncate"})
    EXPECT_GE(served.value(kind, 0), 1) << kind << ": " << served.dump();
  const std::vector<node::JournalBlock> blocks = journaled(journal);
  std::size_t accepted = 0;
  for (const node::JournalBlock& b : blocks) {
    if (!b.accepted()) continue;
    ++accepted;
    EXPECT_TRUE(node_accepted(b.hash)) << b.hash;
  }
  EXPECT_GE(accepted, 2u) << m_log->text();  // --max-blocks 2; one more may be in flight
}

TEST_F(FaultNode, ABlockFoundWhileTheNodeIsDownLandsWhenItIsBack) {
  const fs::path journal = m_dir / "journal.sqlite3";
  const std::string token_file = test::write_token_file(test::kApiToken, "fault-node-token");
  spawn(journal, 1000, {}, {"--api-listen", "127.0.0.1:0", "--api-token-file", token_file});
  std::uint16_t api = 0;
  ASSERT_TRUE(m_log->wait_for("listening on http://127.0.0.1:", 60s)) << m_log->text();
  {
    const std::string log = m_log->text();
    const std::string marker = "listening on http://127.0.0.1:";
    api = std::uint16_t(std::stoi(log.substr(log.find(marker) + marker.size())));
  }
  const auto post = [&](const std::string& path) {
    return test::http_request(api,
                              {"POST", path, {{"Authorization", "Bearer " + test::kApiToken}}, ""});
  };
  const auto accepted_in_journal = [&] {
    std::size_t n = 0;
    if (fs::exists(journal))
      for (const node::JournalBlock& b : journaled(journal))
        n += b.accepted();
    return n;
  };
  ASSERT_TRUE(test::within(60s, [&] { return accepted_in_journal() >= 2; })) << m_log->text();
  // Paused, so no block is found while the node goes down; a second for the feed to take the
  // newest template.
  ASSERT_EQ(post("/api/v1/pause").status, 200);
  std::this_thread::sleep_for(1s);
  const std::size_t before = journaled(journal).size();
  m_node->kill_and_wait(SIGKILL);
  const auto down = std::chrono::steady_clock::now();
  ASSERT_EQ(post("/api/v1/resume").status, 200);
  // The block on the newest template: found at once, journaled, its submission refused.
  ASSERT_TRUE(test::within(60s, [&] { return journaled(journal).size() > before; }))
      << m_log->text();
  const node::JournalBlock found = journaled(journal).back();
  EXPECT_TRUE(found.pending());
  std::this_thread::sleep_for(1s);  // hashrig retries against nobody

  // The node back on its port with its chain (the datadir), and a new cookie.
  m_node.emplace(HASHRIG_TEST_NODE_BINARY,
                 std::vector<std::string>{"--datadir", (m_dir / "node").string(), "--port",
                                          std::to_string(m_port)});
  ASSERT_EQ(test::port_of(m_node->read_line()), m_port);
  ASSERT_TRUE(test::within(60s, [&] { return node_accepted(found.hash); }))
      << node_stats().dump() << "\n"
      << m_log->text();
  test::report_times("node down: the block found meanwhile accepted after",
                     {test::seconds_since(down)});
  EXPECT_TRUE(test::within(30s, [&] {
    for (const node::JournalBlock& b : journaled(journal))
      if (b.hash == found.hash) return b.accepted() && b.attempts >= 2;
    return false;
  })) << m_log->text();
  // Still mining: blocks on the chain after it are accepted too.
  const std::size_t accepted = accepted_in_journal();
  EXPECT_TRUE(test::within(60s, [&] { return accepted_in_journal() > accepted; })) << m_log->text();
  fs::remove(token_file);
}

TEST_F(FaultNode, AJournalInAReadOnlyDirectoryStillGetsEveryBlockToTheNode) {
  const fs::path dir = m_dir / "read-only";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  std::vector<std::string> prefix;
  if (::geteuid() == 0) {  // root writes anywhere: run hashrig without that capability
    const char* drop = "-dac_override,-dac_read_search";
    prefix = {"/usr/bin/setpriv", std::string("--inh-caps=") + drop,
              std::string("--bounding-set=") + drop, "--"};
    // 0: setpriv works and the directory refuses a file.
    test::ServerProcess probe(prefix.front(),
                              {prefix[1], prefix[2], "--", "/bin/sh", "-c",
                               "touch '" + (dir / "probe").string() + "' && exit 3; exit 0"});
    if (probe.wait(10s) != 0) GTEST_SKIP() << "cannot drop root's CAP_DAC_OVERRIDE here";
  }
  spawn(dir / "blocks.sqlite3", 2, prefix);
  ASSERT_EQ(wait_exit(), 0) << m_log->text();
  const std::string log = m_log->text();
  EXPECT_NE(log.find("mining WITHOUT a block journal"), std::string::npos) << log;
  const nlohmann::json accepted = node_stats().at("accepted");
  ASSERT_GE(accepted.size(), 2u) << log;
  for (const nlohmann::json& b : accepted) {
    // Each block the node took was found by hashrig, which said it was not journaled.
    const std::string hash = b.at("hash").get<std::string>();
    EXPECT_NE(log.find("block " + hash + " is NOT journaled"), std::string::npos) << hash;
  }
  EXPECT_FALSE(fs::exists(dir / "blocks.sqlite3"));
}

}  // namespace
}  // namespace hashrig
