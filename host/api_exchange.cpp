#include "host/api_exchange.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <iterator>
#include <optional>
#include <utility>

namespace hashrig::host {

namespace http = boost::beast::http;

namespace {

// The response to a request the parser refused.
ApiResponse parse_failure(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) {
    return error_response(431, "request headers larger than " +
                                   std::to_string(ApiLimits::kMaxHeaderBytes) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return error_response(
        413, "request body larger than " + std::to_string(ApiLimits::kMaxBodyBytes) + " bytes");
  }
  return error_response(400, "malformed HTTP request: " + ec.message());
}

}  // namespace

void limit_parser(ApiRequestParser& parser) {
  parser.header_limit(std::uint32_t(ApiLimits::kMaxHeaderBytes));
  parser.body_limit(ApiLimits::kMaxBodyBytes);
}

bool peer_gone(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == boost::beast::error::timeout ||
         ec == boost::asio::error::operation_aborted ||
         ec == boost::asio::error::connection_reset || ec == http::error::partial_message;
}

ApiExchange answer_request(const ApiRouter& router, const ApiRequestParser& parser,
                           const boost::system::error_code& ec) {
  ApiExchange out;
  ApiResponse answer;
  unsigned version = 11;
  if (ec) {
    answer = parse_failure(ec);
  } else {
    const http::request<http::string_body>& req = parser.get();
    version = req.version();
    out.what = std::string(req.method_string()) + " " + std::string(req.target());
    const auto fields = std::distance(req.begin(), req.end());
    if (fields > std::ptrdiff_t(ApiLimits::kMaxHeaderFields)) {
      answer = error_response(
          431, "more than " + std::to_string(ApiLimits::kMaxHeaderFields) + " header fields");
    } else {
      ApiRequest request{std::string(req.method_string()), std::string(req.target()), std::nullopt,
                         req.body()};
      if (const auto it = req.find(http::field::authorization); it != req.end())
        request.authorization = std::string(it->value());
      answer = router.handle(request);
      out.keep_alive = req.keep_alive();
    }
  }
  ApiHttpResponse& res = out.response;
  res.result(http::status(answer.status));
  res.version(version);
  res.set(http::field::server, "hashrig");
  res.set(http::field::content_type, answer.content_type);
  res.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : answer.headers)
    res.set(name, value);
  res.body() = std::move(answer.body);
  res.keep_alive(out.keep_alive);
  res.prepare_payload();
  return out;
}

}  // namespace hashrig::host
