// JSON-RPC over HTTP/1.1 with Boost.Beast. Every asynchronous step runs on a private io_context
// with run_until(deadline): an expired step is cancelled by closing the socket, which is also how
// cancel() interrupts a call from another thread.
#include "node-bridge/rpc_client.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>

namespace hashrig::node {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxResponseBytes = 64u << 20;  // a full block template in hex fits easily
constexpr std::size_t kQuotedBodyChars = 120;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (n > 1) v |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    if (n > 2) v |= std::uint32_t(std::uint8_t(in[i + 2]));
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += n > 1 ? kAlphabet[(v >> 6) & 63] : '=';
    out += n > 2 ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// The start of a body, printable, for an error message.
std::string quote_body(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, kQuotedBodyChars)) {
    out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  }
  if (body.size() > kQuotedBodyChars) out += "...";
  return out.empty() ? "(empty body)" : "'" + out + "'";
}

std::string read_cookie(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw RpcUnavailable("cannot read the node's cookie file " + file.string());
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' '))
    line.pop_back();
  if (line.find(':') == std::string::npos)
    throw RpcUnavailable("the node's cookie file " + file.string() +
                         " does not hold 'user:password'");
  return line;
}

bool is_reset(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

NodeEndpoint parse_node_url(std::string_view url) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("node URL '" + std::string(url) + "': " + what);
  };
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    if (url.substr(0, 8) == "https://")
      fail("https is not supported (the node's RPC server speaks plain HTTP; tunnel it)");
    fail("must start with http://");
  }
  std::string_view rest = url.substr(kScheme.size());
  NodeEndpoint endpoint;
  const std::size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    endpoint.target = std::string(rest.substr(slash));
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string_view::npos)
    fail("credentials do not go in the URL (use --node-user/--node-pass or --node-cookie)");
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) fail("unterminated [IPv6] host");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') fail("expected ':' after ]");
      port = rest.substr(close + 2);
    }
  } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) fail("no host");
  if (port.empty()) fail("no port (the node's RPC port, e.g. 8332 on mainnet, 18443 on regtest)");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
    fail("port '" + std::string(port) + "' is not a number in 1..65535");
  endpoint.host = std::string(host);
  endpoint.port = std::uint16_t(value);
  return endpoint;
}

RpcError::RpcError(std::string method, int code, std::string message)
    : std::runtime_error(method + ": the node answered error " + std::to_string(code) + ": " +
                         message),
      m_code(code),
      m_message(std::move(message)) {}

struct RpcClient::Io {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  boost::beast::flat_buffer buffer;
  bool connected = false;
  std::optional<tcp::resolver::results_type> endpoints;

  void close() {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    buffer.clear();
    connected = false;
  }

  // Runs the operation `start` begins until it completes or `deadline` passes; in the second
  // case the socket is closed, the operation drained, and nullopt returned.
  template <class Start>
  std::optional<error_code> run(Start start, Clock::time_point deadline) {
    std::optional<error_code> result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run_until(deadline);
    if (!result) {
      close();
      ioc.restart();
      ioc.run();
      return std::nullopt;
    }
    return result;
  }
};

RpcClient::RpcClient(NodeEndpoint endpoint, RpcCredentials credentials)
    : m_endpoint(std::move(endpoint)),
      m_credentials(std::move(credentials)),
      m_io(std::make_unique<Io>()) {}

RpcClient::~RpcClient() = default;

void RpcClient::cancel() {
  m_cancelled = true;
  asio::post(m_io->ioc, [io = m_io.get()] { io->close(); });
}

nlohmann::json RpcClient::call(std::string_view method, const nlohmann::json& params,
                               std::chrono::milliseconds deadline_in) {
  const std::string where = std::string(method) + " (node " + m_endpoint.host + ":" +
                            std::to_string(m_endpoint.port) + ")";
  const auto deadline = Clock::now() + deadline_in;
  // Every failure goes through here, so a call cancel() interrupted reads as cancelled.
  const auto unavailable = [&](const std::string& what) {
    if (m_cancelled) throw RpcCancelled();
    throw RpcUnavailable(where + ": " + what);
  };
  const auto timed_out = [&](const char* step) {
    unavailable(std::string(step) + " timed out after " + std::to_string(deadline_in.count()) +
                " ms");
  };
  if (m_cancelled) throw RpcCancelled();

  const std::uint64_t id = m_next_id++;
  const std::string body =
      nlohmann::json{{"jsonrpc", "1.0"}, {"id", id}, {"method", method}, {"params", params}}.dump();
  if (m_authorization.empty()) {
    const std::string pair = m_credentials.cookie_file.empty()
                                 ? m_credentials.user + ":" + m_credentials.password
                                 : read_cookie(m_credentials.cookie_file);
    m_authorization = "Basic " + base64(pair);
  }

  Io& io = *m_io;
  bool reread_cookie = false;
  for (int attempt = 0;; ++attempt) {
    const bool reused = io.connected;
    if (!io.connected) {
      if (!io.endpoints) {
        tcp::resolver resolver(io.ioc);
        tcp::resolver::results_type results;
        const auto ec = io.run(
            [&](auto handler) {
              resolver.async_resolve(
                  m_endpoint.host, std::to_string(m_endpoint.port),
                  [&results, handler](error_code e, tcp::resolver::results_type r) mutable {
                    results = std::move(r);
                    handler(e);
                  });
            },
            deadline);
        if (!ec) {
          resolver.cancel();
          timed_out("resolving the host");
        }
        if (*ec) unavailable("cannot resolve the host: " + ec->message());
        io.endpoints = std::move(results);
      }
      const auto ec = io.run(
          [&](auto handler) { asio::async_connect(io.socket, *io.endpoints, handler); }, deadline);
      if (!ec) timed_out("connect");
      if (*ec) {
        io.close();
        unavailable("cannot connect: " + ec->message());
      }
      // A connect to a free local port in the ephemeral range can land on itself (TCP
      // simultaneous open) and would then hold the node's port while it restarts.
      error_code local_ec, remote_ec;
      if (io.socket.local_endpoint(local_ec) == io.socket.remote_endpoint(remote_ec)) {
        io.close();
        unavailable("cannot connect: nobody is listening (the connection met itself)");
      }
      error_code ignored;
      io.socket.set_option(tcp::no_delay(true), ignored);
      io.connected = true;
    }

    http::request<http::string_body> request{http::verb::post, m_endpoint.target, 11};
    request.set(http::field::host, m_endpoint.host);
    request.set(http::field::user_agent, "hashrig");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::authorization, m_authorization);
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();

    auto ec =
        io.run([&](auto handler) { http::async_write(io.socket, request, handler); }, deadline);
    if (!ec) timed_out("sending the request");
    if (*ec) {
      io.close();
      if (reused && attempt == 0 && is_reset(*ec)) continue;  // the node closed an idle connection
      unavailable("sending the request failed: " + ec->message());
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    ec = io.run([&](auto handler) { http::async_read(io.socket, io.buffer, parser, handler); },
                deadline);
    if (!ec) timed_out("waiting for the answer");
    if (*ec) {
      io.close();
      if (reused && attempt == 0 && is_reset(*ec) && !parser.got_some()) continue;
      unavailable("reading the answer failed: " + ec->message());
    }
    http::response<http::string_body> response = parser.release();
    if (!response.keep_alive()) io.close();

    const unsigned status = response.result_int();
    if (status == 401) {
      if (!m_credentials.cookie_file.empty() && !reread_cookie) {
        reread_cookie = true;  // the node may have restarted and written a new cookie
        m_authorization = "Basic " + base64(read_cookie(m_credentials.cookie_file));
        continue;
      }
      unavailable(
          "the node refused the credentials (HTTP 401): check --node-user/--node-pass or "
          "--node-cookie");
    }
    const std::string content_type(response[http::field::content_type]);
    const auto not_a_reply = [&](const std::string& what) {
      unavailable("HTTP " + std::to_string(status) +
                  (content_type.empty() ? "" : " (" + content_type + ")") + ", " + what + ": " +
                  quote_body(response.body()));
    };
    nlohmann::json reply = nlohmann::json::parse(response.body(), nullptr, false);
    if (reply.is_discarded() || !reply.is_object()) not_a_reply("not a JSON-RPC reply");
    const auto reply_id = reply.find("id");
    if (reply_id == reply.end() || *reply_id != id)
      not_a_reply("the reply's id is not " + std::to_string(id));
    const auto error = reply.find("error");
    if (error != reply.end() && !error->is_null()) {
      if (!error->is_object() || !error->contains("code") || !(*error)["code"].is_number_integer())
        not_a_reply("an error without an integer code");
      const auto message = error->find("message");
      throw RpcError(std::string(method), (*error)["code"].get<int>(),
                     message != error->end() && message->is_string() ? message->get<std::string>()
                                                                     : error->dump());
    }
    const auto result = reply.find("result");
    if (result == reply.end()) not_a_reply("neither result nor error");
    if (status != 200) not_a_reply("a result with a failure status");
    return std::move(*result);
  }
}

}  // namespace hashrig::node
