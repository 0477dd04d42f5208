// RpcTestClient: a small blocking HTTP/1.1 JSON-RPC client on Boost.Beast for tests of the test
// node (and of anything else that speaks Core's RPC). One keep-alive connection, opened on first
// use and again after the server closed it; every call has a deadline (beast::tcp_stream
// timeouts), so a node that hangs makes a call fail, never the test hang. Header-only.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "tests/node/base64.h"

namespace hashrig::testnode {

struct HttpReply {
  bool answered = false;  // a whole HTTP response arrived
  std::string error;      // why not, when not ("end of stream", "The socket was closed...")
  bool timed_out = false;
  unsigned status = 0;
  std::string content_type;
  std::string body;

  nlohmann::json json() const { return nlohmann::json::parse(body); }  // throws when not JSON
};

class RpcTestClient {
 public:
  RpcTestClient(std::uint16_t port, std::string user, std::string password)
      : m_port(port), m_user(std::move(user)), m_password(std::move(password)) {}
  explicit RpcTestClient(std::uint16_t port) : m_port(port), m_send_auth(false) {}

  void set_credentials(std::string user, std::string password) {
    m_user = std::move(user);
    m_password = std::move(password);
    m_send_auth = true;
  }
  void close() { m_stream.reset(); }
  bool connected() const { return m_stream.has_value(); }

  // POSTs the body to "/" and waits for the response (at most `timeout`).
  HttpReply post(const std::string& body,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    namespace http = boost::beast::http;
    HttpReply reply;
    boost::system::error_code ec;
    if (!m_stream) {
      m_stream.emplace(m_io);
      m_stream->expires_after(timeout);
      const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address_v4("127.0.0.1"),
                                                    m_port);
      m_stream->async_connect(endpoint, [&](boost::system::error_code e) { ec = e; });
      run();
      if (ec) return failed(reply, ec);
    }
    http::request<http::string_body> request{http::verb::post, "/", 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(m_port));
    request.set(http::field::content_type, "application/json");
    if (m_send_auth) {
      request.set(http::field::authorization, "Basic " + base64_encode(m_user + ":" + m_password));
    }
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    m_stream->expires_after(timeout);
    http::async_write(*m_stream, request,
                      [&](boost::system::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) return failed(reply, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::async_read(*m_stream, m_buffer, parser,
                     [&](boost::system::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) return failed(reply, ec);
    const auto& response = parser.get();
    reply.answered = true;
    reply.status = response.result_int();
    reply.content_type = std::string(response[http::field::content_type]);
    reply.body = response.body();
    if (!response.keep_alive()) close();
    return reply;
  }

  // The whole JSON-RPC 1.0 reply object ({"result","error","id"}); throws std::runtime_error
  // when no HTTP answer came or its body is not JSON.
  nlohmann::json call(const std::string& method,
                      const nlohmann::json& params = nlohmann::json::array(),
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const nlohmann::json request = {
        {"jsonrpc", "1.0"}, {"id", ++m_id}, {"method", method}, {"params", params}};
    const HttpReply reply = post(request.dump(), timeout);
    if (!reply.answered) throw std::runtime_error(method + ": no answer: " + reply.error);
    try {
      return reply.json();
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(method + ": HTTP " + std::to_string(reply.status) +
                               " body is not JSON: " + reply.body);
    }
  }

  // The result; throws std::runtime_error carrying the error object when there is one.
  nlohmann::json result(const std::string& method,
                        const nlohmann::json& params = nlohmann::json::array()) {
    const nlohmann::json reply = call(method, params);
    if (!reply.at("error").is_null()) {
      throw std::runtime_error(method + ": error " + reply.at("error").dump());
    }
    return reply.at("result");
  }

 private:
  void run() {
    m_io.restart();
    m_io.run();
  }
  HttpReply& failed(HttpReply& reply, const boost::system::error_code& ec) {
    reply.error = ec.message();
    reply.timed_out = ec == boost::beast::error::timeout;
    close();
    m_buffer.clear();
    return reply;
  }

  boost::asio::io_context m_io;
  std::optional<boost::beast::tcp_stream> m_stream;
  boost::beast::flat_buffer m_buffer;
  std::uint16_t m_port;
  std::string m_user;
  std::string m_password;
  bool m_send_auth = true;
  int m_id = 0;
};

}  // namespace hashrig::testnode
