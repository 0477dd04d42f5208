// The regtest test node (tests/node/) over real sockets, with the Beast client of
// node/rpc_test_client.h and blocks built by hand (node/hand_built_block.h):
//   - HTTP Basic auth: 401 without or with wrong credentials, the cookie, a new cookie per start;
//   - Core's error shapes; the template's shape and its witness commitment;
//   - every recorded fixture case (../shared/fixtures/gbt): accepted ones accepted, negative ones
//     answered with Core's bare reason, after the chain prefix and the case's transactions;
//   - blocks built from the node's own template: accepted, and each spoiled field rejected;
//   - longpoll on tip change, on a new transaction, on timeout;
//   - every fault mode; persistence across restarts; the hashrig-test-node program.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "node/hand_built_block.h"
#include "node/node_process.h"
#include "node/rpc_test_client.h"
#include "node/test_node.h"

extern char** environ;

namespace hashrig::testnode {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kGbtDir = std::string(HASHRIG_FIXTURES_DIR) + "/gbt/";
const json kSegwit = json::array({{{"rules", json::array({"segwit"})}}});

json load_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

struct TempDir {
  TempDir() {
    std::random_device random;
    path = (std::filesystem::temp_directory_path() /
            ("hashrig-test-node-" + std::to_string(random()) + std::to_string(random())))
               .string();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

RpcTestClient client_of(const TestNode& node) {
  const auto [user, password] = node.credentials();
  return RpcTestClient(node.port(), user, password);
}

json gbt(RpcTestClient& client) {
  return client.result("getblocktemplate", kSegwit);
}

// A legacy transaction spending `prev`:0 (random when empty) to one P2PKH output.
std::string legacy_tx(const std::string& prev_display, std::uint64_t value, std::uint8_t salt) {
  core::Bytes tx;
  hand::put_le(tx, 1, 4);
  tx.push_back(1);
  core::Hash256 prev{};
  if (prev_display.empty()) {
    prev.fill(salt);
  } else {
    prev = hand::internal(prev_display);
  }
  tx.insert(tx.end(), prev.begin(), prev.end());
  hand::put_le(tx, 0, 4);
  hand::put_var(tx, core::Bytes{0x51, salt});  // scriptSig: OP_1 push
  hand::put_le(tx, 0xffffffff, 4);
  tx.push_back(1);
  hand::put_le(tx, value, 8);
  core::Bytes script{0x76, 0xa9, 0x14};
  script.insert(script.end(), 20, salt);
  script.insert(script.end(), {0x88, 0xac});
  hand::put_var(tx, script);
  hand::put_le(tx, 0, 4);
  return core::to_hex(tx);
}

std::string txid_of_legacy(const std::string& hex) {
  return core::to_hex_reversed(core::sha256d(core::from_hex(hex)));
}

// --- auth -----------------------------------------------------------------------------------

TEST(NodeAuth, RejectsMissingAndWrongCredentials) {
  TempDir dir;
  TestNodeOptions options;
  options.rpc_user = "alice";
  options.rpc_password = "s3cret";
  options.datadir = dir.path;
  TestNode node(options);
  const std::uint16_t port = node.start();
  const std::string body = R"({"jsonrpc":"1.0","id":1,"method":"getblockcount","params":[]})";

  RpcTestClient anonymous(port);
  HttpReply reply = anonymous.post(body);
  ASSERT_TRUE(reply.answered) << reply.error;
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(reply.body, "");

  RpcTestClient wrong(port, "alice", "guess");
  reply = wrong.post(body);
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(reply.body, "");

  RpcTestClient right(port, "alice", "s3cret");
  reply = right.post(body);
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.json()["result"], 0);
  EXPECT_EQ(reply.json()["id"], 1);
  EXPECT_EQ(node.stats().auth_failures, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/.cookie"));  // user/password: no cookie
}

TEST(NodeAuth, CookieIsNewOnEveryStart) {
  TempDir dir;
  TestNodeOptions options;
  options.datadir = dir.path;
  TestNode node(options);
  const std::uint16_t port = node.start();
  const std::string first = read_text(dir.path + "/.cookie");
  ASSERT_EQ(first.size(), std::string("__cookie__:").size() + 64) << first;
  ASSERT_EQ(first.rfind("__cookie__:", 0), 0u);
  RpcTestClient with_first(port, "__cookie__", first.substr(11));
  EXPECT_EQ(with_first.result("getblockcount"), 0);

  node.stop();
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/.cookie"));  // removed on stop, as Core
  EXPECT_EQ(node.start(), port);
  const std::string second = read_text(dir.path + "/.cookie");
  EXPECT_NE(second, first);
  RpcTestClient old_cookie(port, "__cookie__", first.substr(11));
  EXPECT_EQ(old_cookie.post(R"({"id":1,"method":"getblockcount"})").status, 401u);
  RpcTestClient new_cookie(port, "__cookie__", second.substr(11));
  EXPECT_EQ(new_cookie.result("getblockcount"), 0);
}

// --- errors and shape -----------------------------------------------------------------------

TEST(NodeRpc, ErrorsLookLikeCores) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);

  HttpReply reply = client.post(R"({"jsonrpc":"1.0","id":7,"method":"nosuchmethod","params":[]})");
  EXPECT_EQ(reply.status, 404u);
  EXPECT_EQ(reply.json()["error"]["code"], -32601);
  EXPECT_EQ(reply.json()["result"], nullptr);
  EXPECT_EQ(reply.json()["id"], 7);

  reply = client.post(R"({"id":8,"method":"getblocktemplate","params":[{"rules":["csv"]}]})");
  EXPECT_EQ(reply.status, 500u);
  EXPECT_EQ(reply.json()["error"]["code"], -8);
  EXPECT_EQ(reply.json()["error"]["message"].get<std::string>().rfind(
                "getblocktemplate must be called with the segwit rule set", 0),
            0u);

  reply = client.post("{not json");
  EXPECT_EQ(reply.status, 500u);
  EXPECT_EQ(reply.json()["error"]["code"], -32700);

  const json bad = client.call("submitblock", json::array({"00ff"}));
  EXPECT_EQ(bad["error"]["code"], -22);
  EXPECT_EQ(bad["error"]["message"], "Block decode failed");

  reply = client.post(R"([{"id":1,"method":"getblockcount"},{"id":2,"method":"nope"}])");
  EXPECT_EQ(reply.status, 200u);
  ASSERT_EQ(reply.json().size(), 2u);
  EXPECT_EQ(reply.json()[0]["result"], 0);
  EXPECT_EQ(reply.json()[1]["error"]["code"], -32601);

  const json info = client.result("getblockchaininfo");
  EXPECT_EQ(info["chain"], "regtest");
  EXPECT_EQ(info["blocks"], 0);
  EXPECT_EQ(info["headers"], 0);
  EXPECT_EQ(info["bestblockhash"],
            "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
  EXPECT_EQ(client.result("getbestblockhash"), info["bestblockhash"]);
  EXPECT_EQ(client.result("getblockhash", json::array({0})), info["bestblockhash"]);
}

TEST(NodeTemplate, LooksLikeCoresAndCommitsToItsTransactions) {
  TestNodeOptions options;
  options.seed = 42;
  TestNode node(options);
  node.start();
  node.generate(3);
  node.add_transactions(12);
  RpcTestClient client = client_of(node);
  const json t = gbt(client);

  EXPECT_EQ(t["version"], 0x20000000);
  EXPECT_EQ(t["rules"], json::array({"csv", "!segwit", "taproot"}));
  EXPECT_EQ(t["vbavailable"], json::object());
  EXPECT_EQ(t["vbrequired"], 0);
  EXPECT_EQ(t["previousblockhash"], client.result("getbestblockhash"));
  EXPECT_EQ(t["height"], 4);
  EXPECT_EQ(t["bits"], "207fffff");
  EXPECT_EQ(t["target"], "7fffff0000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(t["noncerange"], "00000000ffffffff");
  EXPECT_EQ(t["mutable"], json::array({"time", "transactions", "prevblock"}));
  EXPECT_EQ(t["coinbaseaux"], json::object());
  EXPECT_EQ(t["weightlimit"], 4000000);
  EXPECT_EQ(t["sizelimit"], 4000000);
  EXPECT_EQ(t["sigoplimit"], 80000);
  EXPECT_GE(t["curtime"].get<std::int64_t>(), t["mintime"].get<std::int64_t>());
  EXPECT_GE(t["curtime"].get<std::int64_t>(), std::int64_t(std::time(nullptr)) - 5);
  EXPECT_EQ(t["longpollid"].get<std::string>().substr(0, 64), t["previousblockhash"]);

  const json& txs = t["transactions"];
  ASSERT_EQ(txs.size(), 12u);
  std::int64_t fees = 0;
  bool segwit = false, legacy = false, depends = false;
  std::vector<core::Hash256> wtxids{core::Hash256{}};
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const json& tx = txs[i];
    fees += tx["fee"].get<std::int64_t>();
    EXPECT_GT(tx["fee"].get<std::int64_t>(), 0);
    EXPECT_GT(tx["weight"].get<std::int64_t>(), 0);
    EXPECT_TRUE(tx["sigops"].is_number_integer());
    const std::string data_hash =
        core::to_hex_reversed(core::sha256d(core::from_hex(tx["data"].get<std::string>())));
    EXPECT_EQ(tx["hash"], data_hash);  // wtxid = sha256d of the full serialization
    (tx["txid"] == tx["hash"] ? legacy : segwit) = true;
    for (const json& d : tx["depends"]) {
      depends = true;
      EXPECT_GE(d.get<std::size_t>(), 1u);
      EXPECT_LE(d.get<std::size_t>(), i);  // 1-based, an earlier entry
    }
    wtxids.push_back(hand::internal(tx["hash"].get<std::string>()));
  }
  EXPECT_TRUE(segwit);
  EXPECT_TRUE(legacy);
  EXPECT_TRUE(depends);
  EXPECT_EQ(t["coinbasevalue"], 50 * 100'000'000LL + fees);
  core::Bytes joined;
  const core::Hash256 root = core::merkle_root(wtxids);
  joined.insert(joined.end(), root.begin(), root.end());
  joined.insert(joined.end(), 32, 0);
  EXPECT_EQ(t["default_witness_commitment"], "6a24aa21a9ed" + core::to_hex(core::sha256d(joined)));
}

TEST(NodeTemplate, OptionsShapeIt) {
  TestNodeOptions options;
  options.extra_rules = {"!unknownrule"};
  options.vbavailable = {{"testdummy", 28}};
  options.omit_coinbaseaux = true;
  options.omit_longpollid = true;
  TestNode node(options);
  node.start();
  RpcTestClient client = client_of(node);
  const json t = gbt(client);
  EXPECT_EQ(t["rules"], json::array({"csv", "!segwit", "taproot", "!unknownrule"}));
  EXPECT_EQ(t["vbavailable"], json({{"testdummy", 28}}));
  EXPECT_FALSE(t.contains("coinbaseaux"));
  EXPECT_FALSE(t.contains("longpollid"));
  EXPECT_EQ(t["height"], 1);
  EXPECT_EQ(t["coinbasevalue"], 5'000'000'000LL);
  EXPECT_EQ(t["mintime"], 1296688603);
}

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

// --- longpoll -------------------------------------------------------------------------------

// Starts a longpoll for the current template on a connection of its own.
std::future<json> longpoll(const TestNode& node, const std::string& longpollid) {
  return std::async(std::launch::async, [&node, longpollid] {
    RpcTestClient client = client_of(node);
    const json params = {{{"rules", json::array({"segwit"})}, {"longpollid", longpollid}}};
    return client.result("getblocktemplate", params);
  });
}

TEST(NodeLongpoll, ReturnsWhenTheTipChanges) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const json t = gbt(client);
  std::future<json> waiting = longpoll(node, t["longpollid"]);
  ASSERT_TRUE(node.wait_for([](const NodeStats& s) { return s.longpolls_started == 1; }, 10s));
  // Other connections are served meanwhile.
  EXPECT_EQ(client.result("getblockcount"), 0);
  EXPECT_EQ(waiting.wait_for(200ms), std::future_status::timeout);
  const json hashes = client.result("generate", json::array({1}));
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  const json fresh = waiting.get();
  EXPECT_EQ(fresh["height"], 2);
  EXPECT_EQ(fresh["previousblockhash"], hashes[0]);
  EXPECT_NE(fresh["longpollid"], t["longpollid"]);
  EXPECT_EQ(node.stats().longpolls_answered, 1u);
}

TEST(NodeLongpoll, ReturnsWhenTheMempoolChanges) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const json t = gbt(client);
  std::future<json> waiting = longpoll(node, t["longpollid"]);
  ASSERT_TRUE(node.wait_for([](const NodeStats& s) { return s.longpolls_started == 1; }, 10s));
  EXPECT_EQ(waiting.wait_for(200ms), std::future_status::timeout);
  node.add_transactions(2);
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  const json fresh = waiting.get();
  EXPECT_EQ(fresh["height"], 1);
  EXPECT_EQ(fresh["transactions"].size(), 2u);
}

TEST(NodeLongpoll, TimesOutWithAFreshTemplateAndAnOldIdAnswersAtOnce) {
  TestNodeOptions options;
  options.longpoll_timeout = 400ms;
  TestNode node(options);
  node.start();
  RpcTestClient client = client_of(node);
  const json t = gbt(client);
  const auto started = std::chrono::steady_clock::now();
  std::future<json> waiting = longpoll(node, t["longpollid"]);
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms);
  EXPECT_EQ(waiting.get()["longpollid"], t["longpollid"]);

  const auto again = std::chrono::steady_clock::now();
  std::future<json> stale = longpoll(node, "00" + t["longpollid"].get<std::string>());
  ASSERT_EQ(stale.wait_for(10s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - again, 300ms);
  EXPECT_EQ(node.stats().longpolls_started, 1u);
}

// --- faults ---------------------------------------------------------------------------------

TEST(NodeFaults, FailHttpAndGarbage) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const std::string body = R"({"id":1,"method":"getblockcount","params":[]})";
  node.fail_http(1);
  HttpReply reply = client.post(body);
  EXPECT_EQ(reply.status, 500u);
  EXPECT_EQ(reply.content_type, "text/html");
  EXPECT_EQ(reply.body, "<html><body>Internal Server Error</body></html>");
  node.garbage(2);
  for (int i = 0; i < 2; ++i) {
    reply = client.post(body);
    EXPECT_EQ(reply.status, 200u);
    EXPECT_THROW(reply.json(), nlohmann::json::exception);
  }
  EXPECT_EQ(client.post(body).json()["result"], 0);  // orders used up
  const NodeStats stats = node.stats();
  EXPECT_EQ(stats.faults_served.at("fail-http"), 1u);
  EXPECT_EQ(stats.faults_served.at("garbage"), 2u);
}

TEST(NodeFaults, HangAndCloseLeaveTheRequestUnanswered) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const std::string body = R"({"id":1,"method":"getblockcount","params":[]})";
  node.hang(1);
  HttpReply reply = client.post(body, 500ms);
  EXPECT_FALSE(reply.answered);
  EXPECT_TRUE(reply.timed_out);
  node.close_unanswered(1);
  reply = client.post(body);
  EXPECT_FALSE(reply.answered);
  EXPECT_FALSE(reply.timed_out);
  EXPECT_EQ(client.post(body).json()["result"], 0);
  const NodeStats stats = node.stats();
  EXPECT_EQ(stats.faults_served.at("hang"), 1u);
  EXPECT_EQ(stats.faults_served.at("close"), 1u);
}

TEST(NodeFaults, AFaultForOneMethodSparesTheOthers) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const json t = gbt(client);
  node.fail_http(1, "submitblock");
  EXPECT_EQ(client.result("getblockcount"), 0);
  const std::string block = hand::build(t).hex;
  const json request = {{"id", 1}, {"method", "submitblock"}, {"params", {block}}};
  EXPECT_EQ(client.post(request.dump()).status, 500u);
  EXPECT_EQ(client.result("getblockcount"), 0);  // the block was not looked at
  EXPECT_EQ(client.result("submitblock", json::array({block})), nullptr);
}

TEST(NodeFaults, OrderedSubmitblockAnswersDoNotAcceptTheBlock) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  const json t = gbt(client);
  const hand::Built block = hand::build(t);
  node.answer_submitblock(1, "inconclusive");
  node.answer_submitblock(1, "rejected: something");  // replaces the order above
  EXPECT_EQ(client.result("getblockcount"), 0);       // other methods are not affected
  EXPECT_EQ(client.result("submitblock", json::array({block.hex})), "rejected: something");
  EXPECT_EQ(client.result("getblockcount"), 0);
  EXPECT_EQ(client.result("submitblock", json::array({block.hex})), nullptr);
  const NodeStats stats = node.stats();
  ASSERT_EQ(stats.submits.size(), 2u);
  EXPECT_EQ(stats.submits[0].hash, block.hash);
  EXPECT_EQ(stats.submits[0].result, "rejected: something");
  EXPECT_EQ(stats.submits[1].result, "null");
}

TEST(NodeFaults, DelayComesBeforeEveryAnswer) {
  TestNode node;
  node.start();
  RpcTestClient client = client_of(node);
  node.set_delay(300ms);
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client.result("getblockcount"), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  node.set_delay(0ms);
  started = std::chrono::steady_clock::now();
  EXPECT_EQ(client.result("getblockcount"), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 250ms);
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
  NodeProcess node(HASHRIG_TEST_NODE_BINARY,
                   {"--datadir", dir.path, "--txs", "3", "--rule", "!unknownrule"});
  const std::uint16_t port = port_of(node.read_line());
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
    NodeProcess node(HASHRIG_TEST_NODE_BINARY, args);
    RpcTestClient client = cookie_client(port_of(node.read_line()), dir.path);
    EXPECT_EQ(client.result("getblockcount"), 113);
    const json c = load_json(kGbtDir + "case2-mempool-segwit-h114.json");
    for (const json& tx : c["getblocktemplate_response"]["transactions"]) {
      client.result("addmempooltx", json::array({tx["data"], tx["fee"]}));
    }
    EXPECT_EQ(client.result("submitblock", json::array({c["block_hex"]})), nullptr);
    client.result("generate", json::array({1}));
    best = client.result("getbestblockhash");
    node.kill(SIGKILL);
    EXPECT_EQ(node.wait(), 128 + SIGKILL);
  }
  NodeProcess node(HASHRIG_TEST_NODE_BINARY, args);
  RpcTestClient client = cookie_client(port_of(node.read_line()), dir.path);
  EXPECT_EQ(client.result("getblockcount"), 115);
  EXPECT_EQ(client.result("getbestblockhash"), best);
  node.kill(SIGTERM);
  EXPECT_EQ(json::parse(node.read_line())["height"], 115);
  EXPECT_EQ(node.wait(), 0);
}

TEST(NodeProgram, BadUsageExitsWith2) {
  NodeProcess node(HASHRIG_TEST_NODE_BINARY, {"--port", "seventy"});
  EXPECT_EQ(node.wait(), 2);
}

}  // namespace
}  // namespace hashrig::testnode
