// Fuzz target: the bytes an HTTP client sends to the API (--api-listen) -> the request parser with
// the API's limits -> host::answer_request -> the router -> the response bytes. Several requests
// may come on one connection (keep-alive); the input ends the connection. The model answers as a
// running miner would, refusing a pool it does not know with ApiError.
// Properties: every answer is a status from 200 to 599 with a JSON body (or the metrics text);
// an answer that does not keep the connection ends it; a POST passes the token check only with
// the right bearer token.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "host/api_exchange.h"
#include "host/api_router.h"
#include "tests/fuzz/fuzz_check.h"

using namespace hashrig;
namespace http = boost::beast::http;

namespace {

constexpr const char* kToken = "fuzz-token-0123456789abcdef";

class Model : public host::ApiModel {
 public:
  nlohmann::ordered_json summary() override { return {{"hashrate", 1.5e9}, {"devices", 2}}; }
  nlohmann::ordered_json devices() override { return nlohmann::ordered_json::array(); }
  nlohmann::ordered_json pools() override { return {{"mode", "failover"}}; }
  nlohmann::ordered_json shares(std::size_t limit) override {
    FUZZ_CHECK(limit <= host::ApiRouter::kMaxShares);
    return nlohmann::ordered_json::array();
  }
  nlohmann::ordered_json blocks() override { return nlohmann::ordered_json::array(); }
  std::string metrics() override { return "hashrig_up 1\n"; }
  nlohmann::ordered_json pause() override { return control(); }
  nlohmann::ordered_json resume() override { return control(); }
  nlohmann::ordered_json switch_pool(const std::string& pool) override {
    if (pool != "main" && pool != "1") throw host::ApiError(404, "no pool '" + pool + "'");
    return control();
  }
  nlohmann::ordered_json reload_pools() override {
    throw host::ApiError(400, "config: pools[0].url: missing");
  }
  int controls = 0;

 private:
  nlohmann::ordered_json control() {
    ++controls;
    return {{"ok", true}};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Model model;
  const host::ApiRouter router(model, std::string(kToken));
  std::string_view rest = fuzz::text_of(data, size);
  for (int requests = 0; requests < 64; ++requests) {
    host::ApiRequestParser parser;
    host::limit_parser(parser);
    parser.eager(true);
    boost::system::error_code ec;
    while (!parser.is_done()) {
      if (rest.empty()) {  // the client closed the connection
        if (!parser.got_some()) return 0;
        parser.put_eof(ec);
        break;
      }
      const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == http::error::need_more) {
        // The parser has looked at all that is left and needs more; as the server's reads do, only
        // new bytes may follow (Beast asserts on being handed the same ones again), and none come:
        // the client closed.
        ec = {};
        rest = {};
        continue;
      }
      if (ec) break;
    }
    if (host::peer_gone(ec)) return 0;
    const int controls_before = model.controls;
    host::ApiExchange exchange = host::answer_request(router, parser, ec);
    const int status = exchange.response.result_int();
    FUZZ_CHECK(status >= 200 && status <= 599);
    const std::string& body = exchange.response.body();
    if (exchange.response[http::field::content_type] == "application/json") {
      FUZZ_CHECK(!nlohmann::json::parse(body, nullptr, false).is_discarded());
    }
    if (model.controls != controls_before) {  // a control ran: it had the right token
      const auto auth = parser.get().find(http::field::authorization);
      FUZZ_CHECK(auth != parser.get().end() && auth->value() == std::string("Bearer ") + kToken);
    }
    std::ostringstream wire;
    wire << exchange.response;
    FUZZ_CHECK(!wire.str().empty());
    if (ec || !exchange.keep_alive || rest.empty()) return 0;
  }
  return 0;
}
