// NodeCore (node_core.h), the parts that are neither HTTP nor JSON-RPC. Contents:
//   - construction: datadir load, start-up import and transactions
//   - open/run/shutdown/close: listener, cookie and io_context lifecycle
//   - state operations: transactions, generate, import, submit, proposals, faults
//   - state_changed/save/load: persistence and longpoll wake-up
#include <utility>  // first: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "core/error.h"
#include "tests/node/block_check.h"
#include "tests/node/chain_store.h"
#include "tests/node/node_core.h"
#include "tests/node/tx_factory.h"

namespace hashrig::testnode {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::int64_t unix_now() {
  return std::int64_t(std::time(nullptr));
}

}  // namespace

const char* fault_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::close:
      return "close";
    case FaultKind::hang:
      return "hang";
    case FaultKind::fail_http:
      return "fail-http";
    case FaultKind::garbage:
      return "garbage";
    case FaultKind::truncate:
      return "truncate";
    case FaultKind::answer:
      return "answer";
  }
  return "?";
}

// --- construction and lifecycle ---------------------------------------------------------------

NodeCore::NodeCore(TestNodeOptions options)
    : m_options(std::move(options)),
      m_rng(m_options.seed != 0 ? m_options.seed : std::random_device{}()) {
  m_shape.extra_rules = m_options.extra_rules;
  m_shape.vbavailable = m_options.vbavailable;
  m_shape.omit_coinbaseaux = m_options.omit_coinbaseaux;
  m_shape.omit_longpollid = m_options.omit_longpollid;
  if (!m_options.datadir.empty()) {
    std::filesystem::create_directories(m_options.datadir);
    load();
  }
  if (m_chain.height() == 0 && !m_options.import_chain_file.empty()) {
    import_chain(read_chain_fixture(m_options.import_chain_file, m_options.import_height));
  }
  if (m_mempool.size() == 0 && m_options.initial_txs > 0) add_transactions(m_options.initial_txs);
  state_changed();
}

NodeCore::~NodeCore() = default;

std::string NodeCore::cookie_path() const {
  if (m_options.datadir.empty()) return "";
  return (std::filesystem::path(m_options.datadir) / ".cookie").string();
}

void NodeCore::new_cookie() {
  if (!m_options.rpc_user.empty() && !m_options.rpc_password.empty()) {
    m_user = m_options.rpc_user;
    m_password = m_options.rpc_password;
    return;
  }
  std::random_device random;
  core::Bytes secret(32);
  for (auto& b : secret)
    b = std::uint8_t(random());
  m_user = "__cookie__";
  m_password = core::to_hex(secret);
  if (!m_options.datadir.empty()) {
    write_file_atomic(cookie_path(), m_user + ":" + m_password, 0600);
  }
}

void NodeCore::remove_cookie() {
  if (m_user != "__cookie__" || m_options.datadir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove(cookie_path(), ignored);
}

std::uint16_t NodeCore::open(std::uint16_t port) {
  m_io = std::make_unique<asio::io_context>();
  m_acceptor = std::make_unique<tcp::acceptor>(*m_io);
  m_stopping = false;
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  boost::system::error_code ec;
  m_acceptor->open(endpoint.protocol(), ec);
  if (!ec) m_acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m_acceptor->bind(endpoint, ec);
  if (!ec) m_acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    close();
    throw std::runtime_error("testnode: cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             ec.message());
  }
  new_cookie();
  const std::uint16_t bound = m_acceptor->local_endpoint().port();
  m_recorder.log("listening on 127.0.0.1:" + std::to_string(bound));
  accept_next();
  return bound;
}

void NodeCore::run() {
  for (;;) {
    try {
      m_io->run();
      return;
    } catch (const std::exception& e) {
      m_recorder.log(std::string("node thread: exception: ") + e.what());
    }
  }
}

void NodeCore::post(std::function<void()> fn) {
  asio::post(*m_io, std::move(fn));
}

void NodeCore::shutdown() {
  m_stopping = true;
  boost::system::error_code ignored;
  if (m_acceptor) m_acceptor->close(ignored);
  for (auto& [id, socket] : m_connections)
    socket->close(ignored);
  for (const auto& timer : m_waiters)
    timer->cancel();
  m_io->stop();
}

void NodeCore::close() {
  m_connections.clear();
  m_waiters.clear();
  m_acceptor.reset();
  m_io.reset();  // destroys the coroutines still suspended
  remove_cookie();
  m_recorder.log("stopped");
}

// --- state operations -------------------------------------------------------------------------

std::vector<std::string> NodeCore::add_transactions(std::size_t n) {
  std::vector<std::string> txids;
  std::optional<core::Hash256> last;
  for (std::size_t i = 0; i < n; ++i) {
    // Every other one is segwit; every third spends the one before it (a depends chain).
    const bool chained = last && i % 3 == 2 && m_mempool.find_txid(*last) != nullptr;
    const Tx tx = synth_transaction(m_rng, i % 2 == 1, chained ? last : std::nullopt);
    const std::int64_t fee = 500 + std::int64_t(m_rng() % 20000);
    MempoolTx entry = make_mempool_tx(core::to_hex(serialize_tx(tx, true)), fee);
    last = entry.txid;
    txids.push_back(core::to_hex_reversed(entry.txid));
    m_mempool.add(std::move(entry));
  }
  m_recorder.log("mempool: " + std::to_string(n) + " synthetic transactions");
  state_changed();
  return txids;
}

std::string NodeCore::add_transaction(const std::string& hex, std::int64_t fee) {
  MempoolTx entry;
  try {
    entry = make_mempool_tx(hex, fee);
  } catch (const core::ParseError& e) {
    throw RpcError{-22, std::string("TX decode failed: ") + e.what()};
  }
  const std::string id = core::to_hex_reversed(entry.txid);
  if (m_mempool.add(std::move(entry))) {
    m_recorder.log("mempool: added " + id);
    state_changed();
  }
  return id;
}

std::vector<std::string> NodeCore::generate(std::size_t n) {
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < n; ++i) {
    const Block block = mine_empty_block(m_chain, unix_now(), ++m_extranonce);
    const CheckResult check = check_block(block, m_chain, m_mempool, {unix_now(), true});
    if (!check.ok())
      throw std::logic_error("testnode: generated block is invalid: " + check.reason);
    m_chain.append(block.header, core::to_hex(serialize_block(block)));
    hashes.push_back(core::to_hex_reversed(m_chain.tip().hash));
    m_recorder.log("generated " + std::to_string(m_chain.height()) + " " + hashes.back());
  }
  m_recorder.update([&](NodeStats& s) { s.generated += n; });
  state_changed();
  return hashes;
}

namespace {

// Genesis + the blocks, linked but not validated; throws std::invalid_argument.
Chain chain_from_hexes(const std::vector<std::string>& block_hexes) {
  Chain chain;
  for (std::size_t i = 0; i < block_hexes.size(); ++i) {
    try {
      const core::Bytes bytes = core::from_hex(block_hexes[i]);
      if (bytes.size() < core::kHeaderSize) throw core::ParseError("shorter than a header");
      const auto header = core::BlockHeader::decode(
          std::span<const std::uint8_t, core::kHeaderSize>(bytes.data(), core::kHeaderSize));
      chain.append(header, core::to_hex(bytes));
    } catch (const std::exception& e) {
      throw std::invalid_argument("testnode: import: block " + std::to_string(i + 1) + ": " +
                                  e.what());
    }
  }
  return chain;
}

}  // namespace

void NodeCore::import_chain(const std::vector<std::string>& block_hexes) {
  m_chain = chain_from_hexes(block_hexes);
  m_recorder.log("imported blocks 1.." + std::to_string(m_chain.height()));
  state_changed();
}

nlohmann::json NodeCore::block_template() {
  return build_template(m_chain, m_mempool, m_shape, unix_now());
}

nlohmann::json NodeCore::submit_block(const std::string& hex) {
  Block block;
  try {
    block = parse_block(core::from_hex(hex));
  } catch (const core::ParseError& e) {
    m_recorder.update([&](NodeStats& s) {
      s.submits.push_back({"", "Block decode failed"});
      ++s.rejects_by_reason["Block decode failed"];
    });
    throw RpcError{-22, "Block decode failed"};
  }
  const std::string hash = core::to_hex_reversed(block.header.hash());
  auto reject = [&](const std::string& reason) {
    m_recorder.log("submitblock " + hash + ": " + reason);
    m_recorder.update([&](NodeStats& s) {
      s.submits.push_back({hash, reason});
      ++s.rejects_by_reason[reason];
    });
    return nlohmann::json(reason);
  };
  if (block.txs.empty() || !block.txs[0].is_coinbase()) {
    reject("Block does not start with a coinbase");
    throw RpcError{-22, "Block does not start with a coinbase"};
  }
  if (m_chain.find(block.header.hash()) != nullptr) return reject("duplicate");
  const CheckResult check = check_block(block, m_chain, m_mempool, {unix_now(), true});
  if (!check.ok()) return reject(check.reason);

  m_chain.append(block.header, hex);
  std::set<core::Hash256> mined;
  for (const Tx& tx : block.txs)
    mined.insert(txid(tx));
  m_mempool.remove(mined);
  AcceptedBlock record;
  record.height = check.height;
  record.hash = hash;
  record.tx_count = block.txs.size();
  record.payout_script_hex =
      block.txs[0].outputs.empty() ? "" : core::to_hex(block.txs[0].outputs[0].script_pubkey);
  for (const TxOut& out : block.txs[0].outputs)
    record.coinbase_value += out.value;
  record.fees = check.fees;
  m_recorder.log("accepted " + std::to_string(record.height) + " " + hash + " with " +
                 std::to_string(record.tx_count) + " transactions");
  m_recorder.update([&](NodeStats& s) {
    s.accepted.push_back(record);
    s.submits.push_back({hash, "null"});
  });
  state_changed();
  return nullptr;
}

nlohmann::json NodeCore::propose_block(const std::string& hex) {
  Block block;
  try {
    block = parse_block(core::from_hex(hex));
  } catch (const core::ParseError&) {
    throw RpcError{-22, "Block decode failed"};
  }
  if (block.txs.empty() || !block.txs[0].is_coinbase()) {
    throw RpcError{-22, "Block does not start with a coinbase"};
  }
  if (m_chain.find(block.header.hash()) != nullptr) return "duplicate";
  if (block.header.prev_hash != m_chain.tip().hash) return "inconclusive-not-best-prevblk";
  const CheckResult check = check_block(block, m_chain, m_mempool, {unix_now(), false});
  if (check.ok()) return nullptr;
  return check.reason;
}

void NodeCore::order_fault(FaultKind kind, FaultOrder order) {
  m_recorder.log(std::string("fault ordered: ") + fault_name(kind) + " x" +
                 std::to_string(order.remaining) +
                 (order.method.empty() ? "" : " " + order.method));
  m_faults[int(kind)] = std::move(order);
}

void NodeCore::clear_faults() {
  for (FaultOrder& f : m_faults)
    f = FaultOrder{};
  m_delay = std::chrono::milliseconds(0);
}

// --- changes, persistence, longpoll -----------------------------------------------------------

void NodeCore::state_changed() {
  m_recorder.update([&](NodeStats& s) {
    s.height = m_chain.height();
    s.best_hash = core::to_hex_reversed(m_chain.tip().hash);
    s.mempool_size = m_mempool.size();
    s.mempool_sequence = m_mempool.sequence();
  });
  save();
  for (const auto& timer : m_waiters)
    timer->cancel();
}

void NodeCore::save() {
  if (m_options.datadir.empty()) return;
  StoredState state;
  for (std::size_t h = 1; h < m_chain.blocks().size(); ++h) {
    state.blocks.push_back(m_chain.blocks()[h].hex);
  }
  for (const MempoolTx* tx : m_mempool.ordered())
    state.mempool.emplace_back(tx->hex, tx->fee);
  state.mempool_sequence = m_mempool.sequence();
  save_state(m_options.datadir, state);
}

void NodeCore::load() {
  const std::optional<StoredState> state = load_state(m_options.datadir);
  if (!state) return;
  try {
    m_chain = chain_from_hexes(state->blocks);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("testnode: " + m_options.datadir + ": " + e.what());
  }
  for (const auto& [hex, fee] : state->mempool) {
    try {
      m_mempool.add(make_mempool_tx(hex, fee));
    } catch (const core::ParseError& e) {
      throw std::runtime_error("testnode: " + m_options.datadir + ": mempool: " + e.what());
    }
  }
  m_mempool.set_sequence(state->mempool_sequence);
  m_recorder.log("loaded height " + std::to_string(m_chain.height()) + " and " +
                 std::to_string(m_mempool.size()) + " mempool transactions from " +
                 m_options.datadir);
}

asio::awaitable<void> NodeCore::wait_for_change(std::chrono::steady_clock::time_point deadline) {
  auto timer = std::make_shared<asio::steady_timer>(*m_io, deadline);
  m_waiters.insert(timer);
  boost::system::error_code ec;
  co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  m_waiters.erase(timer);
}

}  // namespace hashrig::testnode
