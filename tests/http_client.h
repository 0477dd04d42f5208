// A small HTTP/1.1 client over a real loopback TCP connection (Boost.Beast), for the API tests:
// one request per connection, or raw bytes for requests no well-behaved client would send.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hashrig::test {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // field names in lower case
  std::string body;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

inline HttpReply http_request(std::uint16_t port, const HttpRequest& r) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{http::string_to_verb(r.method), r.target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : r.headers)
    req.set(name, value);
  req.body() = r.body;
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(socket, buffer, parser);
  HttpReply reply;
  reply.status = int(parser.get().result_int());
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (char& c : name)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = parser.get().body();
  return reply;
}

inline HttpReply http_get(std::uint16_t port, const std::string& target) {
  return http_request(port, {"GET", target, {}, {}});
}

// Sends `bytes` as they are and returns everything the server writes until it closes.
inline std::string http_raw(std::uint16_t port, const std::string& bytes) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);  // the server may answer and close before the end
  std::string out;
  asio::read(socket, asio::dynamic_buffer(out), ec);  // until EOF (or a reset)
  return out;
}

}  // namespace hashrig::test
