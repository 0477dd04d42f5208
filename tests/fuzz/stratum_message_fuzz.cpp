// Fuzz target: one line from a pool -> stratum::parse_message. Properties: a request's params is
// always an array; what hashrig writes back (a result for a request, a request with the same
// method and params) parses to the same values; error_text never throws.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "stratum/json_rpc.h"
#include "tests/fuzz/fuzz_check.h"

using hashrig::stratum::Message;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Message m;
  try {
    m = hashrig::stratum::parse_message(hashrig::fuzz::text_of(data, size));
  } catch (const std::invalid_argument&) {  // core::ParseError: refused, naming why
    return 0;
  }
  (void)hashrig::stratum::error_text(m.error);
  if (m.kind == Message::Kind::request) {
    FUZZ_CHECK(m.params.is_array());
    std::string line = hashrig::stratum::request_line(7, m.method, m.params);
    FUZZ_CHECK(!line.empty() && line.back() == '\n');
    line.pop_back();
    const Message again = hashrig::stratum::parse_message(line);
    FUZZ_CHECK(again.kind == Message::Kind::request);
    FUZZ_CHECK(again.method == m.method && again.params == m.params && again.id == 7);
    // hashrig answers a request (client.get_version, mining.ping) with its id echoed.
    std::string answer = hashrig::stratum::result_line(m.id, m.params);
    answer.pop_back();
    const Message reply = hashrig::stratum::parse_message(answer);
    FUZZ_CHECK(reply.kind == Message::Kind::response && reply.id == m.id);
    FUZZ_CHECK(reply.result == m.params && reply.error.is_null());
  } else {
    FUZZ_CHECK(m.method.empty());
  }
  return 0;
}
