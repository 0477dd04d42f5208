#include "host/api_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <stdexcept>

namespace hashrig::host {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* kTag = "api";

asio::ip::address address_of(const std::string& host) {
  if (host == "localhost") return asio::ip::address_v4::loopback();
  boost::system::error_code ec;
  const asio::ip::address a = asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("'" + host + "' is not an IP address (nor localhost)");
  return a;
}

std::string endpoint_text(const tcp::endpoint& e) {
  const std::string host = e.address().to_string();
  return (e.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(e.port());
}

}  // namespace

ApiListen parse_api_listen(const std::string& text) {
  ApiListen out;
  std::string port = text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find("]:");
    if (close == std::string::npos)
      throw std::invalid_argument("'" + text + "': expected [IPV6]:PORT");
    out.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (const std::size_t colon = text.rfind(':'); colon != std::string::npos) {
    out.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (out.host.find(':') != std::string::npos)
      throw std::invalid_argument("'" + text + "': write an IPv6 address as [ADDRESS]:PORT");
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    throw std::invalid_argument("'" + text + "': the port must be a number from 0 to 65535");
  out.port = std::uint16_t(value);
  address_of(out.host);  // throws for a host that is no address
  return out;
}

bool is_loopback_host(const std::string& host) {
  return address_of(host).is_loopback();
}

struct ApiServer::Impl {
  ApiListen listen;
  const ApiRouter& router;
  Logger& log;
  // Before io: the connections' coroutine frames, destroyed with io, count themselves out here.
  std::size_t open = 0;  // connections being served (io thread only)
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  tcp::endpoint bound;
  std::jthread thread;
  bool started = false;

  Impl(ApiListen l, const ApiRouter& r, Logger& lg) : listen(std::move(l)), router(r), log(lg) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {  // e.g. out of descriptors: say so, breathe, go on
        log.warning(kTag, "accept failed: " + ec.message());
        asio::steady_timer pause(io, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (open >= ApiLimits::kMaxConnections) {
        log.debug(kTag, "connection refused: " + std::to_string(open) + " already open");
        socket.close(ec);
        continue;
      }
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    ++open;
    struct Count {
      std::size_t& n;
      ~Count() { --n; }
    } count{open};
    boost::system::error_code ec;
    const std::string peer = endpoint_text(socket.remote_endpoint(ec));
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(ApiLimits::kMaxHeaderBytes + ApiLimits::kMaxBodyBytes);
    for (;;) {
      ApiRequestParser parser;
      limit_parser(parser);
      stream.expires_after(ApiLimits::kIdleTimeout);
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (peer_gone(ec)) break;  // nobody to answer
      ApiExchange exchange = answer_request(router, parser, ec);
      const std::string line =
          exchange.what + " from " + peer + ": " + std::to_string(exchange.response.result_int());
      if (exchange.what.rfind("POST ", 0) == 0) {  // the controls: always worth a line
        log.info(kTag, line);
      } else {  // reads and refusals: only when asked for (a scraper must not flood the log)
        log.debug(kTag, line);
      }
      stream.expires_after(ApiLimits::kIdleTimeout);
      co_await http::async_write(stream, exchange.response,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !exchange.keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.socket().close(ec);
  }
};

ApiServer::ApiServer(ApiListen listen, const ApiRouter& router, Logger& log)
    : m_impl(std::make_unique<Impl>(std::move(listen), router, log)) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  Impl& s = *m_impl;
  if (s.started) return;
  const tcp::endpoint wanted(address_of(s.listen.host), s.listen.port);
  boost::system::error_code ec;
  s.acceptor.open(wanted.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(wanted, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("api: cannot listen on " + endpoint_text(wanted) + ": " +
                             ec.message());
  }
  s.bound = s.acceptor.local_endpoint();
  s.started = true;
  asio::co_spawn(s.io, s.accept_loop(), asio::detached);
  s.thread = std::jthread([&s] { s.io.run(); });
  s.log.info(kTag, "listening on http://" + endpoint_text(s.bound) +
                       (s.router.read_only() ? " (read-only: no token configured)" : ""));
}

void ApiServer::stop() {
  Impl& s = *m_impl;
  if (!s.started) return;
  s.started = false;
  s.io.stop();  // the coroutines and their sockets go with the io_context
  if (s.thread.joinable()) s.thread.join();
}

std::string ApiServer::address() const {
  const Impl& s = *m_impl;
  if (s.bound.port() != 0) return endpoint_text(s.bound);
  return endpoint_text(tcp::endpoint(address_of(s.listen.host), s.listen.port));
}

}  // namespace hashrig::host
