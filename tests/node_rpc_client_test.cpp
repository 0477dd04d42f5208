// The node's JSON-RPC client over real sockets against the test node: credentials and the
// cookie re-read after a restart, JSON-RPC errors with their code, and every way a node can fail
// to answer (HTML error page, garbage, a hang past the deadline, a closed connection, nobody
// listening), each an RpcUnavailable that says what happened; cancel() from another thread.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>

#include "node-bridge/rpc_client.h"
#include "node/test_node.h"
#include "node_rpc_support.h"

namespace hashrig::node {
namespace {

using namespace std::chrono_literals;
using testnode::TestNode;
using testnode::TestNodeOptions;

NodeEndpoint local(std::uint16_t port) {
  return {"127.0.0.1", port, "/"};
}

// The message of the RpcUnavailable `call` throws ("" and a test failure when it throws none).
template <class Call>
std::string unavailable_message(Call call) {
  try {
    call();
  } catch (const RpcCancelled& e) {
    ADD_FAILURE() << "cancelled: " << e.what();
  } catch (const RpcUnavailable& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw something else: " << e.what();
    return "";
  }
  ADD_FAILURE() << "answered";
  return "";
}

TEST(NodeUrl, ParsesHostPortAndPath) {
  const NodeEndpoint e = parse_node_url("http://127.0.0.1:18443");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 18443);
  EXPECT_EQ(e.target, "/");
  const NodeEndpoint w = parse_node_url("http://node.lan:8332/wallet/mining");
  EXPECT_EQ(w.host, "node.lan");
  EXPECT_EQ(w.target, "/wallet/mining");
  const NodeEndpoint v6 = parse_node_url("http://[::1]:8332");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8332);
}

TEST(NodeUrl, MistakesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://127.0.0.1:8332", "https is not supported"},
      {"127.0.0.1:8332", "must start with http://"},
      {"http://127.0.0.1", "no port"},
      {"http://:8332", "no host"},
      {"http://127.0.0.1:0", "not a number in 1..65535"},
      {"http://127.0.0.1:99999", "not a number in 1..65535"},
      {"http://127.0.0.1:83x2", "not a number in 1..65535"},
      {"http://user:pw@127.0.0.1:8332", "credentials do not go in the URL"},
      {"http://[::1:8332", "unterminated"},
  };
  for (const auto& [url, expected] : cases) {
    try {
      parse_node_url(url);
      ADD_FAILURE() << url << " parsed";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
    }
  }
}

TEST(NodeRpcClient, CallsWithAPasswordOverOneKeptAliveConnection) {
  TestNodeOptions options;
  options.rpc_user = "miner";
  options.rpc_password = "s3cret";
  TestNode node(options);
  RpcClient rpc(local(node.start()), {"miner", "s3cret", {}});
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0);
  node.generate(3);
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 3);
  EXPECT_EQ(rpc.call("getbestblockhash", nlohmann::json::array(), 5s), node.best_hash());
  EXPECT_EQ(node.stats().connections, 1u);
}

TEST(NodeRpcClient, WrongCredentialsAreA401ThatSaysSo) {
  TestNodeOptions options;
  options.rpc_user = "miner";
  options.rpc_password = "s3cret";
  TestNode node(options);
  RpcClient rpc(local(node.start()), {"miner", "wrong", {}});
  const std::string what =
      unavailable_message([&] { rpc.call("getblockcount", nlohmann::json::array(), 5s); });
  EXPECT_NE(what.find("HTTP 401"), std::string::npos) << what;
  EXPECT_NE(what.find("getblockcount"), std::string::npos) << what;
}

TEST(NodeRpcClient, TheCookieIsReadAgainWhenTheNodeRestartsWithANewOne) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("hashrig-rpc-cookie-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  TestNodeOptions options;
  options.datadir = dir.string();
  TestNode node(options);
  RpcClient rpc(local(node.start()), {"", "", node.cookie_path()});
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0);
  const auto first = node.credentials();
  node.stop();
  node.start();  // same port, a new cookie
  ASSERT_NE(node.credentials().second, first.second);
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0);
  EXPECT_EQ(node.stats().auth_failures, 1u) << "one 401, then the new cookie";
  node.stop();
  std::filesystem::remove_all(dir);
}

TEST(NodeRpcClient, AJsonRpcErrorKeepsItsCodeAndMessage) {
  TestNode node;
  const std::uint16_t port = node.start();
  RpcClient rpc(local(port), test::password_of(node));
  try {
    rpc.call("getnothing", nlohmann::json::array(), 5s);
    FAIL() << "an unknown method answered";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), -32601);
    EXPECT_NE(std::string(e.what()).find("getnothing"), std::string::npos) << e.what();
  }
  // A template request without the segwit rule: Core's -8.
  try {
    rpc.call("getblocktemplate", nlohmann::json::array({nlohmann::json::object()}), 5s);
    FAIL() << "a template without the segwit rule";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), -8);
    EXPECT_NE(e.rpc_message().find("segwit"), std::string::npos) << e.rpc_message();
  }
}

TEST(NodeRpcClient, AnHtmlErrorPageIsNotAnAnswer) {
  TestNode node;
  const std::uint16_t port = node.start();
  RpcClient rpc(local(port), test::password_of(node));
  node.fail_http(1);
  const std::string what =
      unavailable_message([&] { rpc.call("getblockcount", nlohmann::json::array(), 5s); });
  EXPECT_NE(what.find("HTTP 500"), std::string::npos) << what;
  EXPECT_NE(what.find("text/html"), std::string::npos) << what;
  EXPECT_NE(what.find("Internal Server Error"), std::string::npos) << what;
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0) << "and the next one works";
}

TEST(NodeRpcClient, AGarbageBodyIsNotAnAnswer) {
  TestNode node;
  const std::uint16_t port = node.start();
  RpcClient rpc(local(port), test::password_of(node));
  node.garbage(1);
  const std::string what =
      unavailable_message([&] { rpc.call("getbestblockhash", nlohmann::json::array(), 5s); });
  EXPECT_NE(what.find("HTTP 200"), std::string::npos) << what;
  EXPECT_NE(what.find("not a JSON-RPC reply"), std::string::npos) << what;
}

TEST(NodeRpcClient, AHangingNodeRunsIntoTheDeadline) {
  TestNode node;
  const std::uint16_t port = node.start();
  RpcClient rpc(local(port), test::password_of(node));
  node.hang(1);
  const auto start = std::chrono::steady_clock::now();
  const std::string what =
      unavailable_message([&] { rpc.call("getblockcount", nlohmann::json::array(), 300ms); });
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_NE(what.find("timed out after 300 ms"), std::string::npos) << what;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0) << "a new connection";
}

TEST(NodeRpcClient, AClosedKeptAliveConnectionIsReopenedOnceButNotTwice) {
  TestNode node;
  const std::uint16_t port = node.start();
  RpcClient rpc(local(port), test::password_of(node));
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0);
  node.close_unanswered(1);
  EXPECT_EQ(rpc.call("getblockcount", nlohmann::json::array(), 5s), 0);
  node.close_unanswered(2);
  const std::string what =
      unavailable_message([&] { rpc.call("getblockcount", nlohmann::json::array(), 5s); });
  EXPECT_NE(what.find("reading the answer failed"), std::string::npos) << what;
}

TEST(NodeRpcClient, NobodyListeningIsRefused) {
  std::uint16_t port = 0;
  {
    TestNode node;
    port = node.start();
  }
  RpcClient rpc(local(port), {"u", "p", {}});
  const std::string what =
      unavailable_message([&] { rpc.call("getblockcount", nlohmann::json::array(), 2s); });
  EXPECT_NE(what.find("cannot connect"), std::string::npos) << what;
}

TEST(NodeRpcClient, CancelInterruptsAHangingCall) {
  TestNode node;
  const std::uint16_t port = node.start();
  RpcClient rpc(local(port), test::password_of(node));
  node.hang(1);
  auto call = std::async(std::launch::async, [&] {
    try {
      rpc.call("getblockcount", nlohmann::json::array(), 60s);
    } catch (const RpcCancelled&) {
      return true;
    } catch (...) {
    }
    return false;
  });
  ASSERT_TRUE(node.wait_for([](const auto& s) { return s.faults_served.count("hang") > 0; }, 5s));
  rpc.cancel();
  ASSERT_EQ(call.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(call.get());
  EXPECT_THROW(rpc.call("getblockcount", nlohmann::json::array(), 5s), RpcCancelled);
}

}  // namespace
}  // namespace hashrig::node
