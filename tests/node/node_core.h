// The inside of TestNode (test_node.h):
//   - Recorder: NodeStats and the line log (tests/server_thread.h), the only state both the
//     node thread and test threads touch.
//   - NodeCore: the node-thread side: io_context, listener, open connections, longpoll waiters,
//     fault orders, credentials, and the chain and mempool with the operations on them.
//     Its functions are split by idea: node_core.cpp (lifecycle, state changes, persistence),
//     node_http.cpp (connections: HTTP, auth, faults), node_rpc.cpp (the JSON-RPC methods).
#pragma once

#include <utility>  // before Boost 1.74 awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/node/block_template.h"
#include "tests/node/chain_state.h"
#include "tests/node/test_node.h"

#include "tests/server_thread.h"

namespace hashrig::testnode {

using Recorder = test::StatsRecorder<NodeStats>;

// A JSON-RPC error as Core reports it.
struct RpcError {
  int code = 0;
  std::string message;
};

enum class FaultKind { close, hang, fail_http, garbage, truncate, answer };
inline constexpr int kFaultKinds = 6;
// "close", "hang", "fail-http", "garbage", "truncate", "answer"
const char* fault_name(FaultKind kind);

struct FaultOrder {
  std::uint64_t remaining = 0;
  std::string method;  // "" = any
  std::string answer;  // FaultKind::answer: the string submitblock returns
};

class NodeCore {
 public:
  explicit NodeCore(TestNodeOptions options);
  ~NodeCore();

  // Lifecycle, from TestNode: open() on the caller's thread, run() on the node thread,
  // shutdown() posted to it, close() after the thread is joined.
  std::uint16_t open(std::uint16_t port);
  void run();
  void post(std::function<void()> fn);
  void shutdown();
  void close();

  const TestNodeOptions& options() const { return m_options; }
  Recorder& recorder() { return m_recorder; }
  std::pair<std::string, std::string> credentials() const { return {m_user, m_password}; }
  std::string cookie_path() const;

  // State (node thread, or any thread while stopped). Each change is saved and wakes longpolls.
  std::vector<std::string> add_transactions(std::size_t n);
  std::string add_transaction(const std::string& hex, std::int64_t fee);  // throws RpcError
  std::vector<std::string> generate(std::size_t n);
  void import_chain(const std::vector<std::string>& block_hexes);
  nlohmann::json block_template();
  const Chain& chain() const { return m_chain; }
  // submitblock's result: null or a string; throws RpcError for undecodable blocks.
  nlohmann::json submit_block(const std::string& hex);
  // getblocktemplate's "proposal" mode: null or a reason; throws RpcError.
  nlohmann::json propose_block(const std::string& hex);

  // Faults (node thread, or any thread while stopped).
  void order_fault(FaultKind kind, FaultOrder order);
  void set_delay(std::chrono::milliseconds delay) { m_delay = delay; }
  void clear_faults();

 private:
  struct Reply {
    unsigned status = 200;
    nlohmann::json body;
  };

  // node_http.cpp
  void accept_next();
  boost::asio::awaitable<void> serve(std::uint64_t id,
                                     std::shared_ptr<boost::asio::ip::tcp::socket> socket);
  bool authorized(const std::string& header) const;
  // The first fault that applies to a request for `method`, used up; nullopt when none.
  std::optional<std::pair<FaultKind, std::string>> take_fault(const std::string& method);

  // node_rpc.cpp
  boost::asio::awaitable<Reply> handle_body(const std::string& body);
  boost::asio::awaitable<nlohmann::json> handle_call(const nlohmann::json& call, unsigned& status);
  nlohmann::json dispatch(const std::string& method, const nlohmann::json& params);
  boost::asio::awaitable<nlohmann::json> get_block_template(const nlohmann::json& params);
  nlohmann::json blockchain_info() const;

  // node_core.cpp
  void state_changed();  // stats, persistence, longpoll wake-up
  void save();
  void load();
  void new_cookie();
  void remove_cookie();
  // Returns at the deadline or at the next state change (state_changed() wakes every waiter).
  boost::asio::awaitable<void> wait_for_change(std::chrono::steady_clock::time_point deadline);

  TestNodeOptions m_options;
  Recorder m_recorder;
  std::mt19937_64 m_rng;
  TemplateShape m_shape;
  Chain m_chain;
  Mempool m_mempool;
  std::uint64_t m_extranonce = 0;

  std::string m_user;
  std::string m_password;

  std::unique_ptr<boost::asio::io_context> m_io;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> m_acceptor;
  std::map<std::uint64_t, std::shared_ptr<boost::asio::ip::tcp::socket>> m_connections;
  std::set<std::shared_ptr<boost::asio::steady_timer>> m_waiters;
  std::uint64_t m_connection_count = 0;
  bool m_stopping = false;

  FaultOrder m_faults[kFaultKinds];
  std::chrono::milliseconds m_delay{0};
};

}  // namespace hashrig::testnode
