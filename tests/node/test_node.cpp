// TestNode (test_node.h): the thread-safe front of NodeCore. start()/stop() own the node thread;
// every control call is posted to that thread and waited for (or run directly while stopped),
// so calls take effect in the order they were made.
#include "tests/node/test_node.h"

#include <stdexcept>

#include "tests/node/chain_store.h"
#include "tests/node/node_core.h"

namespace hashrig::testnode {
namespace {

constexpr auto kControlTimeout = std::chrono::seconds(60);

}  // namespace

nlohmann::json to_json(const NodeStats& stats) {
  nlohmann::json accepted = nlohmann::json::array();
  for (const AcceptedBlock& b : stats.accepted) {
    accepted.push_back({{"height", b.height},
                        {"hash", b.hash},
                        {"tx_count", b.tx_count},
                        {"payout_script_hex", b.payout_script_hex},
                        {"coinbase_value", b.coinbase_value},
                        {"fees", b.fees}});
  }
  return {{"height", stats.height},
          {"best_hash", stats.best_hash},
          {"mempool_size", stats.mempool_size},
          {"connections", stats.connections},
          {"requests", stats.requests},
          {"auth_failures", stats.auth_failures},
          {"requests_by_method", stats.requests_by_method},
          {"templates_served", stats.templates_served},
          {"longpolls_started", stats.longpolls_started},
          {"longpolls_answered", stats.longpolls_answered},
          {"submits", stats.submits.size()},
          {"accepted", accepted},
          {"rejects_by_reason", stats.rejects_by_reason},
          {"faults_served", stats.faults_served},
          {"generated", stats.generated}};
}

TestNode::TestNode(TestNodeOptions options)
    : m_server(std::make_unique<NodeCore>(std::move(options)), "testnode: the node thread",
               kControlTimeout) {}

TestNode::~TestNode() = default;

std::uint16_t TestNode::start() {
  return m_server.start();
}

void TestNode::stop() {
  m_server.stop();
}

bool TestNode::running() const {
  return m_server.running();
}

std::uint16_t TestNode::port() const {
  return m_server.port();
}

std::pair<std::string, std::string> TestNode::credentials() const {
  return m_server.locked([](const NodeCore& core) { return core.credentials(); });
}

std::string TestNode::cookie_path() const {
  return m_server.core().cookie_path();
}

void TestNode::run_on_node(const std::function<void(NodeCore&)>& fn) {
  m_server.run(
      [fn](NodeCore& core) {  // by value: the call may outlive a timeout
        try {
          fn(core);
        } catch (const RpcError& e) {
          throw std::invalid_argument("testnode: " + e.message);
        }
      },
      true);
}

std::vector<std::string> TestNode::add_transactions(std::size_t n) {
  std::vector<std::string> txids;
  run_on_node([&](NodeCore& core) { txids = core.add_transactions(n); });
  return txids;
}

std::string TestNode::add_transaction(const std::string& hex, std::int64_t fee) {
  std::string id;
  run_on_node([&](NodeCore& core) { id = core.add_transaction(hex, fee); });
  return id;
}

std::vector<std::string> TestNode::generate(std::size_t n) {
  std::vector<std::string> hashes;
  run_on_node([&](NodeCore& core) { hashes = core.generate(n); });
  return hashes;
}

void TestNode::import_chain(const std::vector<std::string>& block_hexes) {
  run_on_node([&](NodeCore& core) { core.import_chain(block_hexes); });
}

void TestNode::import_chain_file(const std::string& path, std::int64_t up_to_height) {
  import_chain(read_chain_fixture(path, up_to_height));
}

std::int64_t TestNode::height() {
  std::int64_t h = 0;
  run_on_node([&](NodeCore& core) { h = core.chain().height(); });
  return h;
}

std::string TestNode::best_hash() {
  std::string hash;
  run_on_node([&](NodeCore& core) { hash = core::to_hex_reversed(core.chain().tip().hash); });
  return hash;
}

nlohmann::json TestNode::block_template() {
  nlohmann::json t;
  run_on_node([&](NodeCore& core) { t = core.block_template(); });
  return t;
}

void TestNode::fail_http(std::uint64_t n, const std::string& method) {
  run_on_node([&](NodeCore& core) { core.order_fault(FaultKind::fail_http, {n, method, ""}); });
}

void TestNode::truncate(std::uint64_t n, const std::string& method) {
  run_on_node([&](NodeCore& core) { core.order_fault(FaultKind::truncate, {n, method, ""}); });
}

void TestNode::garbage(std::uint64_t n, const std::string& method) {
  run_on_node([&](NodeCore& core) { core.order_fault(FaultKind::garbage, {n, method, ""}); });
}

void TestNode::hang(std::uint64_t n, const std::string& method) {
  run_on_node([&](NodeCore& core) { core.order_fault(FaultKind::hang, {n, method, ""}); });
}

void TestNode::close_unanswered(std::uint64_t n, const std::string& method) {
  run_on_node([&](NodeCore& core) { core.order_fault(FaultKind::close, {n, method, ""}); });
}

void TestNode::answer_submitblock(std::uint64_t n, const std::string& answer) {
  run_on_node([&](NodeCore& core) {
    core.order_fault(FaultKind::answer, {n, "submitblock", answer});
  });
}

void TestNode::set_delay(std::chrono::milliseconds delay) {
  run_on_node([&](NodeCore& core) { core.set_delay(delay); });
}

void TestNode::clear_faults() {
  run_on_node([](NodeCore& core) { core.clear_faults(); });
}

NodeStats TestNode::stats() const {
  return m_server.core().recorder().stats();
}

std::vector<std::string> TestNode::log() const {
  return m_server.core().recorder().log_lines();
}

bool TestNode::wait_for(const std::function<bool(const NodeStats&)>& predicate,
                        std::chrono::milliseconds timeout) const {
  return m_server.core().recorder().wait_for(predicate, timeout);
}

}  // namespace hashrig::testnode
