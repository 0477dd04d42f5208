// The regtest test node's blocks and life cycle over real sockets: every recorded fixture case
// (../shared/fixtures/gbt) accepted or answered with Core's bare reason, after the chain prefix
// and the case's transactions; blocks built by hand from the node's own template
// (node/hand_built_block.h), accepted, and each spoiled field rejected; persistence across
// restarts; the hashrig-test-node program.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "node/hand_built_block.h"
#include "node/rpc_test_client.h"
#include "node/test_node.h"
#include "server_process.h"
#include "test_node_support.h"

namespace hashrig::testnode {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// --- recorded fixture cases -----------------------------------------------------------------

// A node with the case's chain prefix and its template's transactions, fees included.
struct CaseNode {
  explicit CaseNode(const json& c) {
    node.import_chain_file(kGbtDir + "chain-bcoin-regtest.json",
                           c["height_before"].get<std::int64_t>());
    for (const json& tx : c["getblocktemplate_response"]["transactions"]) {
      EXPECT_EQ(client.result("addmempooltx", json::array({tx["data"], tx["fee"]})), tx["txid"]);
    }
  }
  TestNode node;
  RpcTestClient client{node.start(), node.credentials().first, node.credentials().second};
};

const char* const kAcceptedCases[] = {"case1-empty-h1", "case1b-empty-optrue-h112",
                                      "case2-mempool-segwit-h114", "case3-mempool-11tx-h128"};
const char* const kNegativeCases[] = {"neg-high-hash-h1", "neg-bad-merkle-h1",
                                      "neg-bad-witness-commitment-h114", "neg-bad-cb-amount-h129"};

TEST(NodeFixtures, AcceptedCasesAreAcceptedAndBecomeTheTip) {
  for (const char* name : kAcceptedCases) {
    SCOPED_TRACE(name);
    const json c = load_json(kGbtDir + name + ".json");
    CaseNode n(c);
    // The node's template for the same chain and mempool is the recorded one where Core and
    // bcoin agree: parent, height, the transactions with their depends, value, commitment.
    const json mine = gbt(n.client);
    const json& recorded = c["getblocktemplate_response"];
    EXPECT_EQ(mine["previousblockhash"], recorded["previousblockhash"]);
    EXPECT_EQ(mine["height"], recorded["height"]);
    EXPECT_EQ(mine["coinbasevalue"], recorded["coinbasevalue"]);
    EXPECT_EQ(mine["mintime"], recorded["mintime"]);
    EXPECT_EQ(mine["default_witness_commitment"], recorded["default_witness_commitment"]);
    ASSERT_EQ(mine["transactions"].size(), recorded["transactions"].size());
    for (std::size_t i = 0; i < mine["transactions"].size(); ++i) {
      for (const char* field : {"data", "txid", "hash", "depends", "fee", "weight"}) {
        EXPECT_EQ(mine["transactions"][i][field], recorded["transactions"][i][field])
            << "transactions[" << i << "]." << field;
      }
    }

    EXPECT_EQ(n.client.result("submitblock", json::array({c["block_hex"]})), nullptr);
    EXPECT_EQ(n.client.result("getbestblockhash"), c["block_hash"]);
    EXPECT_EQ(n.client.result("getblockcount"), c["height_after"]);
    EXPECT_EQ(n.client.result("getmempoolinfo")["size"], 0);  // mined transactions left
    EXPECT_EQ(n.client.result("submitblock", json::array({c["block_hex"]})), "duplicate");
    const NodeStats stats = n.node.stats();
    ASSERT_EQ(stats.accepted.size(), 1u);
    EXPECT_EQ(stats.accepted[0].hash, c["block_hash"]);
    EXPECT_EQ(stats.accepted[0].payout_script_hex, c["payout_script_hex"]);
    EXPECT_EQ(stats.accepted[0].tx_count, recorded["transactions"].size() + 1);
    EXPECT_EQ(stats.rejects_by_reason.at("duplicate"), 1u);
  }
}

TEST(NodeFixtures, NegativeCasesGetCoresBareReasons) {
  for (const char* name : kNegativeCases) {
    SCOPED_TRACE(name);
    const json c = load_json(kGbtDir + name + ".json");
    CaseNode n(c);
    std::string expected = c["submitblock_result"].get<std::string>();
    ASSERT_EQ(expected.rfind("rejected: ", 0), 0u);  // bcoin's prefix
    expected = expected.substr(10);
    EXPECT_EQ(n.client.result("submitblock", json::array({c["block_hex"]})), expected);
    EXPECT_EQ(n.client.result("getblockcount"), c["height_before"]);
    EXPECT_EQ(n.node.stats().rejects_by_reason.at(expected), 1u);
  }
}

// --- blocks built from the node's own template ------------------------------------------------

TEST(NodeBlocks, HandBuiltBlockFromTheTemplateIsAccepted) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  node.generate(127);  // the next height, 128, needs the push 02 80 00
  node.add_transactions(6);
  const json t = gbt(client);
  ASSERT_EQ(t["height"], 128);
  hand::Recipe recipe;
  const hand::Built block = hand::build(t, recipe);
  EXPECT_EQ(client.result("submitblock", json::array({block.hex})), nullptr);
  EXPECT_EQ(client.result("getbestblockhash"), block.hash);
  EXPECT_EQ(client.result("getblockcount"), 128);
  EXPECT_EQ(client.result("getmempoolinfo")["size"], 0);
  const NodeStats stats = node.stats();
  ASSERT_EQ(stats.accepted.size(), 1u);
  EXPECT_EQ(stats.accepted[0].height, 128);
  EXPECT_EQ(stats.accepted[0].tx_count, 7u);
  EXPECT_EQ(stats.accepted[0].payout_script_hex, recipe.payout_script_hex);
  EXPECT_EQ(stats.accepted[0].coinbase_value, t["coinbasevalue"]);
  EXPECT_EQ(client.result("submitblock", json::array({block.hex})), "duplicate");
  // The next template builds on it.
  EXPECT_EQ(gbt(client)["previousblockhash"], block.hash);
}

TEST(NodeBlocks, EachSpoiledFieldGetsItsReason) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  node.generate(20);
  node.add_transactions(4);
  const json t = gbt(client);
  const auto now = std::uint32_t(std::time(nullptr));
  const std::string unknown_tx = legacy_tx("", 5000, 0x77);

  struct Case {
    const char* reason;
    std::function<void(hand::Recipe&)> spoil;
  };
  const std::vector<Case> cases = {
      {"high-hash", [](hand::Recipe& r) { r.valid_pow = false; }},
      {"bad-cb-height", [](hand::Recipe& r) { r.height_push = hand::bip34_push(20); }},
      {"bad-cb-height",
       [](hand::Recipe& r) {
         r.height_push = core::Bytes{0x02, 21, 0x00};
       }},  // not minimal
      {"bad-cb-amount", [](hand::Recipe& r) { r.extra_value = 1; }},
      {"time-too-old", [&](hand::Recipe& r) { r.time = t["mintime"].get<std::uint32_t>() - 1; }},
      {"time-too-new", [&](hand::Recipe& r) { r.time = now + 3 * 3600; }},
      {"bad-diffbits", [](hand::Recipe& r) { r.bits = 0x207ffffe; }},
      {"bad-witness-nonce-size",
       [](hand::Recipe& r) { r.coinbase_witness = {core::Bytes(31, 0)}; }},
      {"bad-witness-nonce-size",
       [](hand::Recipe& r) {
         r.coinbase_witness = {core::Bytes(32, 0), core::Bytes(1, 0)};
       }},
      {"bad-witness-merkle-match", [](hand::Recipe& r) { r.spoil_commitment = true; }},
      {"unexpected-witness",
       [](hand::Recipe& r) {
         r.commitment = false;
         r.coinbase_witness.clear();
       }},
      {"bad-prevblk",
       [](hand::Recipe& r) {
         r.prev = core::Hash256{1, 2, 3};
       }},
      {"bad-txns-unknown",
       [&](hand::Recipe& r) {
         std::vector<hand::TemplateTx> txs;
         for (const json& tx : t["transactions"])
           txs.push_back({tx["data"], tx["txid"]});
         txs.push_back({unknown_tx, txid_of_legacy(unknown_tx)});
         r.txs = txs;
       }},
      {"bad-txns-duplicate",
       [&](hand::Recipe& r) {
         const json& tx = t["transactions"][0];
         r.txs = std::vector<hand::TemplateTx>{{tx["data"], tx["txid"]}, {tx["data"], tx["txid"]}};
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    hand::Recipe recipe;
    c.spoil(recipe);
    EXPECT_EQ(client.result("submitblock", json::array({hand::build(t, recipe).hex})), c.reason);
  }
  EXPECT_EQ(client.result("getblockcount"), 20);
  EXPECT_EQ(node.stats().accepted.size(), 0u);
  // The unspoiled block is still good after all that.
  EXPECT_EQ(client.result("submitblock", json::array({hand::build(t).hex})), nullptr);
}

TEST(NodeBlocks, DependsOrderIsEnforced) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const std::string parent = legacy_tx("", 90'000, 0x31);
  const std::string child = legacy_tx(txid_of_legacy(parent), 80'000, 0x32);
  EXPECT_EQ(client.result("addmempooltx", json::array({child, 1000})), txid_of_legacy(child));
  EXPECT_EQ(client.result("addmempooltx", json::array({parent, 2000})), txid_of_legacy(parent));
  const json t = gbt(client);
  ASSERT_EQ(t["transactions"].size(), 2u);
  EXPECT_EQ(t["transactions"][0]["txid"], txid_of_legacy(parent));  // parents first
  EXPECT_EQ(t["transactions"][1]["depends"], json::array({1}));
  EXPECT_EQ(t["coinbasevalue"], 5'000'003'000LL);

  const hand::TemplateTx p{parent, txid_of_legacy(parent)};
  const hand::TemplateTx c{child, txid_of_legacy(child)};
  hand::Recipe reversed;
  reversed.txs = std::vector<hand::TemplateTx>{c, p};
  EXPECT_EQ(client.result("submitblock", json::array({hand::build(t, reversed).hex})),
            "bad-txns-order");
  hand::Recipe orphan;
  orphan.txs = std::vector<hand::TemplateTx>{c};
  EXPECT_EQ(client.result("submitblock", json::array({hand::build(t, orphan).hex})),
            "bad-txns-inputs-missingorspent");
  hand::Recipe parent_only;  // fine: pays out only the parent's fee, the child stays
  parent_only.txs = std::vector<hand::TemplateTx>{p};
  parent_only.extra_value = -1000;
  EXPECT_EQ(client.result("submitblock", json::array({hand::build(t, parent_only).hex})), nullptr);
  const json next = gbt(client);
  ASSERT_EQ(next["transactions"].size(), 1u);
  EXPECT_EQ(next["transactions"][0]["depends"], json::array());
}

TEST(NodeBlocks, ABlockOnAnOlderTipIsInconclusive) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const json old = gbt(client);
  node.generate(1);
  EXPECT_EQ(client.result("submitblock", json::array({hand::build(old).hex})), "inconclusive");
  EXPECT_EQ(client.result("getblockcount"), 1);
  EXPECT_EQ(node.stats().rejects_by_reason.at("inconclusive"), 1u);
}

TEST(NodeBlocks, ProposalsAreCheckedWithoutProofOfWork) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  node.add_transactions(3);
  const json t = gbt(client);
  hand::Recipe no_pow;
  no_pow.valid_pow = false;
  const json proposal = {{{"mode", "proposal"}, {"data", hand::build(t, no_pow).hex}}};
  EXPECT_EQ(client.result("getblocktemplate", proposal), nullptr);
  no_pow.extra_value = 1;
  const json bad = {{{"mode", "proposal"}, {"data", hand::build(t, no_pow).hex}}};
  EXPECT_EQ(client.result("getblocktemplate", bad), "bad-cb-amount");
  EXPECT_EQ(client.result("getblockcount"), 0);
}

// --- persistence ----------------------------------------------------------------------------

TEST(NodePersistence, ANewNodeOnTheSameDatadirHasTheChainAndMempool) {
  TempDir dir;
  TestNodeOptions options;
  options.datadir = dir.path;
  std::string best;
  json mempool;
  {
    TestNode node(options);
    node.start();
    RpcTestClient client = client_of(node);
    node.generate(3);
    node.add_transactions(5);
    const json t = gbt(client);
    ASSERT_EQ(client.result("submitblock", json::array({hand::build(t).hex})), nullptr);
    node.add_transactions(2);
    best = node.best_hash();
    mempool = gbt(client)["transactions"];
  }  // destroyed without any further save
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/chain.json.tmp"));
  TestNode again(options);
  again.start();
  RpcTestClient client = client_of(again);
  EXPECT_EQ(client.result("getblockcount"), 4);
  EXPECT_EQ(client.result("getbestblockhash"), best);
  EXPECT_EQ(gbt(client)["transactions"], mempool);
}

TEST(NodePersistence, StartupImportOnlyOnAFreshDatadir) {
  TempDir dir;
  const json chain = load_json(kGbtDir + "chain-bcoin-regtest.json");
  TestNodeOptions options;
  options.datadir = dir.path;
  options.import_chain_file = kGbtDir + "chain-bcoin-regtest.json";
  options.import_height = 10;
  {
    TestNode node(options);
    EXPECT_EQ(node.height(), 10);
    EXPECT_EQ(node.best_hash(), chain["blocks"][9]["hash"]);
    node.generate(2);
  }
  TestNode again(options);
  EXPECT_EQ(again.height(), 12);  // not imported over
}

// --- the program ----------------------------------------------------------------------------

RpcTestClient cookie_client(std::uint16_t port, const std::string& datadir) {
  const std::string cookie = read_text(datadir + "/.cookie");
  return RpcTestClient(port, "__cookie__", cookie.substr(cookie.find(':') + 1));
}

TEST(NodeProgram, TakesCommandsAndSummarisesWhenStdinCloses) {
  TempDir dir;
  test::ServerProcess node(HASHRIG_TEST_NODE_BINARY,
                           {"--datadir", dir.path, "--txs", "3", "--rule", "!unknownrule"});
  const std::uint16_t port = test::port_of(node.read_line());
  RpcTestClient client = cookie_client(port, dir.path);
  EXPECT_EQ(client.result("getblockcount"), 0);
  const json t = gbt(client);
  EXPECT_EQ(t["transactions"].size(), 3u);
  EXPECT_EQ(t["rules"].back(), "!unknownrule");
  node.write("generate 2\n");
  EXPECT_EQ(node.read_line().substr(0, 6), "block ");
  const std::string second = node.read_line();
  EXPECT_EQ(client.result("getbestblockhash"), second.substr(6));
  node.write("tx 2\nfail-http 1 getblockcount\nstats\n");
  EXPECT_EQ(json::parse(node.read_line())["mempool_size"], 5);
  EXPECT_EQ(client.call("getmempoolinfo")["result"]["size"], 5);
  EXPECT_EQ(client.post(R"({"id":1,"method":"getblockcount"})").status, 500u);
  node.write("answer 1 rejected: for a test\n");
  node.write("stats\n");
  (void)node.read_line();  // the stats line orders the commands before the next call
  EXPECT_EQ(client.result("submitblock", json::array({hand::build(gbt(client)).hex})),
            "rejected: for a test");
  node.close_stdin();
  const json summary = json::parse(node.read_line());
  EXPECT_EQ(summary["height"], 2);
  EXPECT_EQ(summary["generated"], 2);
  EXPECT_EQ(summary["faults_served"]["fail-http"], 1);
  EXPECT_EQ(node.wait(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/.cookie"));
}

TEST(NodeProgram, KilledAndStartedAgainKeepsTheChain) {
  TempDir dir;
  const std::vector<std::string> args = {"--datadir",       dir.path,
                                         "--import-chain",  kGbtDir + "chain-bcoin-regtest.json",
                                         "--import-height", "113"};
  std::string best;
  {
    test::ServerProcess node(HASHRIG_TEST_NODE_BINARY, args);
    RpcTestClient client = cookie_client(test::port_of(node.read_line()), dir.path);
    EXPECT_EQ(client.result("getblockcount"), 113);
    const json c = load_json(kGbtDir + "case2-mempool-segwit-h114.json");
    for (const json& tx : c["getblocktemplate_response"]["transactions"]) {
      client.result("addmempooltx", json::array({tx["data"], tx["fee"]}));
    }
    EXPECT_EQ(client.result("submitblock", json::array({c["block_hex"]})), nullptr);
    client.result("generate", json::array({1}));
    best = client.result("getbestblockhash");
    node.signal(SIGKILL);
    EXPECT_EQ(node.wait(), 128 + SIGKILL);
  }
  test::ServerProcess node(HASHRIG_TEST_NODE_BINARY, args);
  RpcTestClient client = cookie_client(test::port_of(node.read_line()), dir.path);
  EXPECT_EQ(client.result("getblockcount"), 115);
  EXPECT_EQ(client.result("getbestblockhash"), best);
  node.signal(SIGTERM);
  EXPECT_EQ(json::parse(node.read_line())["height"], 115);
  EXPECT_EQ(node.wait(), 0);
}

TEST(NodeProgram, BadUsageExitsWith2) {
  test::ServerProcess node(HASHRIG_TEST_NODE_BINARY, {"--port", "seventy"});
  EXPECT_EQ(node.wait(), 2);
}

}  // namespace
}  // namespace hashrig::testnode
