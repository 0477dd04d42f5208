// TestNode: an HTTP JSON-RPC server that behaves like a regtest Bitcoin Core node for solo-mining
// tests, over real sockets on 127.0.0.1.
//
// It runs its own io_context on its own thread (one coroutine per connection, HTTP/1.1
// keep-alive via Boost.Beast, so a longpoll hanging on one connection blocks no other), and the
// test steers it through the control API below or, as a process, through hashrig-test-node's
// stdin (test_node_main.cpp).
//
// Protocol: JSON-RPC 1.0 over HTTP POST, HTTP Basic auth (rpc_user/rpc_password, or the cookie
// "__cookie__:<64 hex>" written to <datadir>/.cookie with a new secret on every start). Wrong or
// missing credentials: 401, empty body. A reply is {"result":...,"error":null,"id":...} with 200;
// an error is {"result":null,"error":{"code":C,"message":M},"id":...} with 500 (404 for an
// unknown method). A JSON array is a batch, answered with an array and 200.
//
// Methods: getblockchaininfo, getbestblockhash, getblockcount, getblockhash [h],
// getmempoolinfo, getnetworkinfo, getblocktemplate [{rules, capabilities, longpollid, mode,
// data}], submitblock [hex], and the test-only addmempooltx [hex, fee_sats] and generate [n].
// Template: block_template.h. Validation and reject reasons: block_check.h. submitblock answers
// null (accepted), "duplicate", "inconclusive" (builds on a known block that is not the tip), or
// a reason; undecodable hex or a block without a coinbase first is error -22.
//
// Longpoll: getblocktemplate with the current longpollid waits until the tip or the mempool
// changes or options.longpoll_timeout passes, then answers with a fresh template; any other
// longpollid is answered at once.
//
// Faults are counted per request that passed authentication and are taken in this order: close,
// hang, fail-http, garbage, truncate, answer (submitblock only). A fault restricted to a method
// only fires on (and is only used up by) requests for that method; for a batch, the method is
// "batch".
//
// Thread safety: every public function may be called from any thread except the node's own;
// start() and stop() must not race each other. Control calls run on the node thread in call
// order while it runs, and directly while it is stopped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/server_thread.h"

namespace hashrig::testnode {

struct TestNodeOptions {
  std::uint16_t port = 0;  // 0: an ephemeral port (kept across stop()/start())
  // Where .cookie and chain.json live; empty: nothing is written and the chain starts at genesis.
  std::string datadir;
  // Both set: Basic auth with these; otherwise the cookie (see cookie_credentials()).
  std::string rpc_user;
  std::string rpc_password;
  // Template shape.
  std::vector<std::string> extra_rules;    // e.g. "!unknownrule", which a miner must refuse
  std::map<std::string, int> vbavailable;  // e.g. {"testdummy", 28}
  bool omit_coinbaseaux = false;
  bool omit_longpollid = false;  // clients must poll for tip changes
  std::chrono::milliseconds longpoll_timeout{30000};
  // Start-up content, applied when the chain loaded from the datadir (if any) is only genesis.
  std::string import_chain_file;    // fixtures' chain format (chain-bcoin-regtest.json)
  std::int64_t import_height = -1;  // import blocks 1..import_height; < 0: all of them
  std::size_t initial_txs = 0;      // synthetic mempool transactions, when the mempool is empty
  std::uint64_t seed = 0;           // synthetic transactions; 0 = std::random_device
  std::size_t max_body_bytes = 32u << 20;
};

struct AcceptedBlock {
  std::int64_t height = 0;
  std::string hash;                 // display order
  std::size_t tx_count = 0;         // coinbase included
  std::string payout_script_hex;    // the coinbase's first output script
  std::int64_t coinbase_value = 0;  // all coinbase outputs together
  std::int64_t fees = 0;
};

struct SubmitRecord {
  std::string hash;    // display order; "" when the block did not decode
  std::string result;  // "null" when accepted, else the answer string or the error message
};

struct NodeStats {
  std::uint64_t connections = 0;  // accepted since construction (across restarts)
  std::uint64_t requests = 0;     // HTTP requests read, authenticated or not
  std::uint64_t auth_failures = 0;
  std::map<std::string, std::uint64_t> requests_by_method;  // authenticated calls
  std::uint64_t templates_served = 0;
  std::uint64_t longpolls_started = 0;                     // requests that had to wait
  std::uint64_t longpolls_answered = 0;                    // of those, answered
  std::vector<AcceptedBlock> accepted;                     // by submitblock, in order
  std::map<std::string, std::uint64_t> rejects_by_reason;  // incl. "duplicate", "inconclusive"
  std::vector<SubmitRecord> submits;
  std::map<std::string, std::uint64_t> faults_served;  // "fail-http", "garbage", "hang", ...
  std::uint64_t generated = 0;                         // blocks made by generate
  std::int64_t height = 0;
  std::string best_hash;
  std::size_t mempool_size = 0;
  std::uint64_t mempool_sequence = 0;
};

nlohmann::json to_json(const NodeStats& stats);  // the summary line of hashrig-test-node

class NodeCore;  // the node-thread side (node_core.h)

class TestNode {
 public:
  // Loads <datadir>/chain.json when there is one; throws std::runtime_error when it or the
  // import file is unreadable or does not link up.
  explicit TestNode(TestNodeOptions options = {});
  ~TestNode();
  TestNode(const TestNode&) = delete;
  TestNode& operator=(const TestNode&) = delete;

  // Binds 127.0.0.1 on options.port, or the port of an earlier start(), or an ephemeral one;
  // writes a new cookie; starts the node thread; returns the port. Throws std::runtime_error.
  std::uint16_t start();
  // Closes every connection (hanging and longpolling ones too) and the listener, joins the node
  // thread and removes the cookie file. Chain, mempool and stats are kept.
  void stop();
  bool running() const;
  std::uint16_t port() const;
  // The credentials a client must send ("user", "password"): the options' or the cookie's.
  std::pair<std::string, std::string> credentials() const;
  std::string cookie_path() const;  // "" without a datadir

  // --- chain and mempool ---
  // n synthetic transactions (mixed legacy/segwit, some chained); returns their txids.
  std::vector<std::string> add_transactions(std::size_t n);
  // A transaction as hex with its fee; returns its txid. Throws std::invalid_argument.
  std::string add_transaction(const std::string& hex, std::int64_t fee);
  // n empty blocks on the tip, as if another miner found them; returns their hashes.
  std::vector<std::string> generate(std::size_t n);
  // Replaces the chain with genesis + these blocks, linked but not validated; the mempool is
  // kept. Throws std::invalid_argument when a block does not decode or does not link.
  void import_chain(const std::vector<std::string>& block_hexes);
  void import_chain_file(const std::string& path, std::int64_t up_to_height);
  std::int64_t height();
  std::string best_hash();
  nlohmann::json block_template();  // what getblocktemplate would answer now

  // --- faults (each counts requests that passed auth; method "" = any) ---
  void fail_http(std::uint64_t n, const std::string& method = "");  // 500, text/html body
  void garbage(std::uint64_t n, const std::string& method = "");    // 200, non-JSON body
  // Handled (a submitblock's block is taken), but the JSON answer is cut in half.
  void truncate(std::uint64_t n, const std::string& method = "");
  void hang(std::uint64_t n, const std::string& method = "");              // read, never answer
  void close_unanswered(std::uint64_t n, const std::string& method = "");  // close, no answer
  void answer_submitblock(std::uint64_t n, const std::string& answer);     // not accepted
  void set_delay(std::chrono::milliseconds delay);                         // before every answer
  void clear_faults();

  // --- observation ---
  NodeStats stats() const;
  std::vector<std::string> log() const;  // "#3 <- getblocktemplate", "accepted 115 ...", ...
  bool wait_for(const std::function<bool(const NodeStats&)>& predicate,
                std::chrono::milliseconds timeout) const;

 private:
  // Runs fn on the node thread and waits for it (directly when stopped); rethrows what it threw.
  void run_on_node(const std::function<void(NodeCore&)>& fn);

  test::ServerThread<NodeCore> m_server;
};

}  // namespace hashrig::testnode
