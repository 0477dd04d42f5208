// The regtest test node (tests/node/) over real sockets, with the Beast client of
// node/rpc_test_client.h: HTTP Basic auth (401 without or with wrong credentials, the cookie, a
// new cookie per start); Core's error shapes; the template's shape and its witness commitment;
// longpoll on tip change, on a new transaction, on timeout; every fault mode.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "node/hand_built_block.h"
#include "node/rpc_test_client.h"
#include "node/test_node.h"
#include "test_node_support.h"

namespace hashrig::testnode {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

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

}  // namespace
}  // namespace hashrig::testnode
