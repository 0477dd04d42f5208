// NodeCore's JSON-RPC layer (node_core.h): request objects and batches, Core's error shapes and
// HTTP statuses, and the methods. getblocktemplate is a coroutine of its own because a longpoll
// waits for the tip or the mempool to change.
#include <utility>  // first: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <sstream>

#include "core/target.h"
#include "tests/node/node_core.h"

namespace hashrig::testnode {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

constexpr int kMaxGenerate = 10000;
constexpr const char* kSegwitRuleError =
    "getblocktemplate must be called with the segwit rule set (call with {\"rules\": "
    "[\"segwit\"]})";

json error_object(int code, const std::string& message, const json& id) {
  return {{"result", nullptr}, {"error", {{"code", code}, {"message", message}}}, {"id", id}};
}

const json& param(const json& params, std::size_t i, const char* usage) {
  if (params.size() <= i) throw RpcError{-1, usage};
  return params[i];
}

std::string string_param(const json& params, std::size_t i, const char* usage) {
  const json& p = param(params, i, usage);
  if (!p.is_string()) throw RpcError{-3, "Expected type string, got " + std::string(p.type_name())};
  return p.get<std::string>();
}

std::int64_t int_param(const json& params, std::size_t i, const char* usage) {
  const json& p = param(params, i, usage);
  if (!p.is_number_integer()) {
    throw RpcError{-3, "Expected type number, got " + std::string(p.type_name())};
  }
  return p.get<std::int64_t>();
}

// Cumulative work of a regtest chain: every block at 207fffff adds 2.
std::string chain_work(std::int64_t height) {
  std::ostringstream hex;
  hex.width(64);
  hex.fill('0');
  hex << std::hex << (height + 1) * 2;
  return hex.str();
}

}  // namespace

asio::awaitable<NodeCore::Reply> NodeCore::handle_body(const std::string& body) {
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) co_return Reply{500, error_object(-32700, "Parse error", nullptr)};
  if (parsed.is_array()) {
    json answers = json::array();
    for (const json& call : parsed) {
      unsigned ignored = 200;
      answers.push_back(co_await handle_call(call, ignored));
    }
    co_return Reply{200, answers};
  }
  if (!parsed.is_object()) {
    co_return Reply{500, error_object(-32700, "Top-level object parse error", nullptr)};
  }
  unsigned status = 200;
  json answer = co_await handle_call(parsed, status);
  co_return Reply{status, std::move(answer)};
}

asio::awaitable<json> NodeCore::handle_call(const json& call, unsigned& status) {
  if (!call.is_object()) {
    status = 400;
    co_return error_object(-32600, "Invalid Request object", nullptr);
  }
  const json id = call.value("id", json());
  const auto method_it = call.find("method");
  if (method_it == call.end() || !method_it->is_string()) {
    status = 400;
    co_return error_object(-32600, "Method must be a string", id);
  }
  const std::string method = method_it->get<std::string>();
  json params = call.value("params", json::array());
  if (params.is_null()) params = json::array();
  RpcError error;
  try {
    if (!params.is_array()) throw RpcError{-8, "the test node takes positional params only"};
    json result;
    if (method == "getblocktemplate") {
      result = co_await get_block_template(params);
    } else {
      result = dispatch(method, params);
    }
    status = 200;
    co_return json{{"result", result}, {"error", nullptr}, {"id", id}};
  } catch (const RpcError& e) {
    error = e;
  } catch (const std::exception& e) {
    error = RpcError{-1, e.what()};
  }
  status = error.code == -32601 ? 404 : 500;
  co_return error_object(error.code, error.message, id);
}

json NodeCore::dispatch(const std::string& method, const json& params) {
  if (method == "getblockchaininfo") return blockchain_info();
  if (method == "getbestblockhash") return core::to_hex_reversed(m_chain.tip().hash);
  if (method == "getblockcount") return m_chain.height();
  if (method == "getblockhash") {
    const std::int64_t h = int_param(params, 0, "getblockhash height");
    if (h < 0 || h > m_chain.height()) throw RpcError{-8, "Block height out of range"};
    return core::to_hex_reversed(m_chain.blocks()[std::size_t(h)].hash);
  }
  if (method == "getmempoolinfo") {
    return {{"loaded", true}, {"size", m_mempool.size()}};
  }
  if (method == "getnetworkinfo") {
    return {{"version", 270000},        {"subversion", "/hashrig-test-node:0.1.0/"},
            {"protocolversion", 70016}, {"connections", 0},
            {"networkactive", true},    {"warnings", ""}};
  }
  if (method == "submitblock") {
    return submit_block(string_param(params, 0, "submitblock \"hexdata\" ( \"dummy\" )"));
  }
  if (method == "addmempooltx") {
    const char* usage = "addmempooltx \"hexstring\" fee_sats";
    return add_transaction(string_param(params, 0, usage), int_param(params, 1, usage));
  }
  if (method == "generate") {
    const std::int64_t n = int_param(params, 0, "generate nblocks");
    if (n < 1 || n > kMaxGenerate) throw RpcError{-8, "nblocks must be 1..10000"};
    return generate(std::size_t(n));
  }
  throw RpcError{-32601, "Method not found"};
}

json NodeCore::blockchain_info() const {
  const std::int64_t height = m_chain.height();
  return {
      {"chain", "regtest"},
      {"blocks", height},
      {"headers", height},
      {"bestblockhash", core::to_hex_reversed(m_chain.tip().hash)},
      {"difficulty", double(core::difficulty_from_target(core::target_from_compact(kRegtestBits)))},
      {"time", m_chain.tip().header.time},
      {"mediantime", m_chain.median_time_past(height)},
      {"verificationprogress", 1},
      {"initialblockdownload", false},
      {"chainwork", chain_work(height)},
      {"size_on_disk", 0},
      {"pruned", false},
      {"warnings", ""}};
}

asio::awaitable<json> NodeCore::get_block_template(const json& params) {
  json request = params.empty() ? json::object() : params[0];
  if (request.is_null()) request = json::object();
  if (!request.is_object()) throw RpcError{-3, "template_request must be an object"};
  const json mode = request.value("mode", json("template"));
  if (mode == "proposal") {
    const auto data = request.find("data");
    if (data == request.end() || !data->is_string()) {
      throw RpcError{-3, "Missing data String key for proposal"};
    }
    co_return propose_block(data->get<std::string>());
  }
  if (mode != "template") throw RpcError{-8, "Invalid mode"};
  bool segwit = false;
  const json rules = request.value("rules", json::array());
  if (rules.is_array()) {
    for (const json& r : rules)
      segwit = segwit || r == "segwit";
  }
  if (!segwit) throw RpcError{-8, kSegwitRuleError};

  const auto lp = request.find("longpollid");
  if (lp != request.end() && lp->is_string() &&
      lp->get<std::string>() == longpoll_id(m_chain, m_mempool)) {
    const std::string waiting_for = lp->get<std::string>();
    m_recorder.update([](NodeStats& s) { ++s.longpolls_started; });
    const auto deadline = std::chrono::steady_clock::now() + m_options.longpoll_timeout;
    while (!m_stopping && waiting_for == longpoll_id(m_chain, m_mempool) &&
           std::chrono::steady_clock::now() < deadline) {
      co_await wait_for_change(deadline);
    }
    if (m_stopping) throw RpcError{-1, "Shutting down"};
    m_recorder.update([](NodeStats& s) { ++s.longpolls_answered; });
  }
  m_recorder.update([](NodeStats& s) { ++s.templates_served; });
  co_return block_template();
}

}  // namespace hashrig::testnode
