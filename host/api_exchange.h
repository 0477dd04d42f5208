// One HTTP exchange of the API, without the socket: the request parser with the API's limits,
// and the response to what it read (the router's answer, or a 400/413/431 for what it refused).
// ApiServer reads and writes the bytes; the fuzz target feeds the same parser from memory.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <string>

#include "host/api_router.h"

namespace hashrig::host {

struct ApiLimits {
  static constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
  static constexpr std::size_t kMaxHeaderFields = 64;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;
  static constexpr std::size_t kMaxConnections = 32;
  static constexpr std::chrono::seconds kIdleTimeout{10};  // to read a request or write an answer
};

using ApiRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
using ApiHttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Sets the header and body limits on a fresh parser.
void limit_parser(ApiRequestParser& parser);

// Whether a read that ended with `ec` leaves nobody to answer: the peer closed, went quiet or
// sent half a request.
bool peer_gone(const boost::system::error_code& ec);

struct ApiExchange {
  ApiHttpResponse response;  // ready to write (Content-Length set)
  bool keep_alive = false;
  std::string what = "request";  // "GET /api/v1/summary" for the log; "request" when unparsed
};

// The response to the request `parser` read, or, when `ec` is set, to the read's failure.
ApiExchange answer_request(const ApiRouter& router, const ApiRequestParser& parser,
                           const boost::system::error_code& ec);

}  // namespace hashrig::host
