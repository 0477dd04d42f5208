// NodeCore's connections (node_core.h): the accept loop, one coroutine per connection reading
// HTTP/1.1 requests (keep-alive) with Boost.Beast, Basic auth, the fault orders and the delay,
// then the JSON-RPC answer from node_rpc.cpp.
#include <utility>  // first: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/bytes.h"
#include "core/header.h"

#include "tests/node/base64.h"
#include "tests/node/node_core.h"

namespace hashrig::testnode {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr const char* kHtml500 = "<html><body>Internal Server Error</body></html>";
constexpr const char* kGarbage = "<<this is not JSON>> {\"result\": ";

// The method a request body names, for fault filters and the per-method counters: the
// "method" of an object, "batch" for an array, "" when it is not JSON.
std::string method_of(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_array()) return "batch";
  if (j.is_object()) {
    const auto it = j.find("method");
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// The display hash of the header at the start of a submitblock call's params[0]; "" if none.
std::string header_hash_of(const nlohmann::json& call) {
  try {
    const std::string hex = call.at("params").at(0).get<std::string>();
    const core::Bytes header = core::from_hex(hex.substr(0, 2 * core::kHeaderSize));
    if (header.size() != core::kHeaderSize) return "";
    return core::to_hex_reversed(core::sha256d(header));
  } catch (const std::exception&) {
    return "";
  }
}

// Keeps reading (and discarding) until the peer closes or the node closes the socket.
asio::awaitable<void> hang_until_closed(tcp::socket& socket) {
  char sink[1024];
  for (;;) {
    boost::system::error_code ec;
    co_await socket.async_read_some(asio::buffer(sink),
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace

void NodeCore::accept_next() {
  m_acceptor->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && !m_stopping) accept_next();
      return;
    }
    const std::uint64_t id = ++m_connection_count;
    auto shared = std::make_shared<tcp::socket>(std::move(socket));
    m_connections[id] = shared;
    m_recorder.update([](NodeStats& s) { ++s.connections; });
    m_recorder.log("#" + std::to_string(id) + " connected");
    asio::co_spawn(*m_io, serve(id, shared), asio::detached);
    accept_next();
  });
}

bool NodeCore::authorized(const std::string& header) const {
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size() || header.compare(0, kBasic.size(), kBasic) != 0) {
    return false;
  }
  const std::optional<std::string> decoded = base64_decode(header.substr(kBasic.size()));
  return decoded && *decoded == m_user + ":" + m_password;
}

std::optional<std::pair<FaultKind, std::string>> NodeCore::take_fault(const std::string& method) {
  for (int k = 0; k < kFaultKinds; ++k) {
    const auto kind = FaultKind(k);
    FaultOrder& order = m_faults[k];
    if (order.remaining == 0) continue;
    if (kind == FaultKind::answer && method != "submitblock") continue;
    if (!order.method.empty() && order.method != method) continue;
    --order.remaining;
    m_recorder.update([&](NodeStats& s) { ++s.faults_served[fault_name(kind)]; });
    return std::make_pair(kind, order.answer);
  }
  return std::nullopt;
}

asio::awaitable<void> NodeCore::serve(std::uint64_t id, std::shared_ptr<tcp::socket> socket) {
  const std::string tag = "#" + std::to_string(id);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(m_options.max_body_bytes);
    boost::system::error_code ec;
    co_await http::async_read(*socket, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const http::request<http::string_body>& request = parser.get();
    m_recorder.update([](NodeStats& s) { ++s.requests; });

    http::response<http::string_body> response;
    response.version(request.version());
    response.set(http::field::server, "hashrig-test-node");
    const bool keep_alive = request.keep_alive();
    std::string method;
    if (!authorized(std::string(request[http::field::authorization]))) {
      m_recorder.update([](NodeStats& s) { ++s.auth_failures; });
      m_recorder.log(tag + " 401: bad or missing credentials");
      response.result(http::status::unauthorized);
      response.set(http::field::www_authenticate, "Basic realm=\"jsonrpc\"");
    } else if (request.method() != http::verb::post) {
      response.result(http::status::method_not_allowed);
      response.body() = "JSONRPC server handles only POST requests";
    } else {
      method = method_of(request.body());
      m_recorder.update([&](NodeStats& s) { ++s.requests_by_method[method]; });
      m_recorder.log(tag + " <- " + (method.empty() ? "(not JSON)" : method));
      const auto fault = take_fault(method);
      if (fault && fault->first == FaultKind::close) {
        m_recorder.log(tag + " closed without an answer (fault)");
        break;
      }
      if (fault && fault->first == FaultKind::hang) {
        m_recorder.log(tag + " hangs (fault)");
        co_await hang_until_closed(*socket);
        break;
      }
      if (fault && fault->first == FaultKind::fail_http) {
        response.result(http::status::internal_server_error);
        response.set(http::field::content_type, "text/html");
        response.body() = kHtml500;
      } else if (fault && fault->first == FaultKind::garbage) {
        response.result(http::status::ok);
        response.set(http::field::content_type, "application/json");
        response.body() = kGarbage;
      } else if (fault && fault->first == FaultKind::answer) {
        const nlohmann::json call = nlohmann::json::parse(request.body());
        const std::string hash = header_hash_of(call);
        m_recorder.log(tag + " submitblock " + hash + " answered by order: " + fault->second);
        m_recorder.update([&](NodeStats& s) { s.submits.push_back({hash, fault->second}); });
        const nlohmann::json answer = {{"result", fault->second},
                                       {"error", nullptr},
                                       {"id", call.value("id", nlohmann::json())}};
        response.result(http::status::ok);
        response.set(http::field::content_type, "application/json");
        response.body() = answer.dump() + "\n";
      } else {
        const Reply reply = co_await handle_body(request.body());
        response.result(http::status(reply.status));
        response.set(http::field::content_type, "application/json");
        response.body() = reply.body.dump() + "\n";
        if (fault && fault->first == FaultKind::truncate) {  // done, but the answer is cut short
          response.body().resize(response.body().size() / 2);
          m_recorder.log(tag + " answer truncated (fault)");
        }
      }
    }
    if (m_delay.count() > 0) {
      asio::steady_timer delay(*m_io, m_delay);
      co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (m_stopping) break;
    response.keep_alive(keep_alive);
    response.prepare_payload();
    m_recorder.log(tag + " -> " + std::to_string(response.result_int()) + " " +
                   response.body().substr(0, 200));
    co_await http::async_write(*socket, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  socket->shutdown(tcp::socket::shutdown_both, ignored);
  socket->close(ignored);
  m_connections.erase(id);
  m_recorder.log(tag + " closed");
}

}  // namespace hashrig::testnode
