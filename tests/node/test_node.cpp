// TestNode (test_node.h): the thread-safe front of NodeCore. start()/stop() own the node thread;
// every control call is posted to that thread and waited for (or run directly while stopped),
// so calls take effect in the order they were made.
#include "tests/node/test_node.h"

#include <future>
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
    : m_core(std::make_unique<NodeCore>(std::move(options))) {}

TestNode::~TestNode() {
  stop();
}

std::uint16_t TestNode::start() {
  std::lock_guard lock(m_control_mutex);
  if (m_running) return m_port;
  m_port = m_core->open(m_port != 0 ? m_port : m_core->options().port);
  m_thread = std::thread([core = m_core.get()] { core->run(); });
  m_running = true;
  return m_port;
}

void TestNode::stop() {
  std::lock_guard lock(m_control_mutex);
  if (!m_running) return;
  m_core->post([core = m_core.get()] { core->shutdown(); });
  m_thread.join();
  m_core->close();
  m_running = false;
}

bool TestNode::running() const {
  std::lock_guard lock(m_control_mutex);
  return m_running;
}

std::uint16_t TestNode::port() const {
  std::lock_guard lock(m_control_mutex);
  return m_port;
}

std::pair<std::string, std::string> TestNode::credentials() const {
  std::lock_guard lock(m_control_mutex);
  return m_core->credentials();
}

std::string TestNode::cookie_path() const {
  return m_core->cookie_path();
}

void TestNode::run_on_node(const std::function<void(NodeCore&)>& fn) {
  std::lock_guard lock(m_control_mutex);
  auto rethrow_rpc = [&] {
    try {
      fn(*m_core);
    } catch (const RpcError& e) {
      throw std::invalid_argument("testnode: " + e.message);
    }
  };
  if (!m_running) {
    rethrow_rpc();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  m_core->post([done, &rethrow_rpc] {
    try {
      rethrow_rpc();
      done->set_value();
    } catch (...) {
      done->set_exception(std::current_exception());
    }
  });
  if (finished.wait_for(kControlTimeout) != std::future_status::ready) {
    throw std::runtime_error("testnode: the node thread did not run a control call in 60 s");
  }
  finished.get();
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
  return m_core->recorder().stats();
}

std::vector<std::string> TestNode::log() const {
  return m_core->recorder().log_lines();
}

bool TestNode::wait_for(const std::function<bool(const NodeStats&)>& predicate,
                        std::chrono::milliseconds timeout) const {
  return m_core->recorder().wait_for(predicate, timeout);
}

}  // namespace hashrig::testnode
