// Stratum's JSON-RPC 1.0 dialect, one '\n'-terminated line per message: classify a received line
// as a request/notification (has "method") or a response (has "result" or "error"), and write the
// lines hashrig sends. Pools differ in details (ckpool adds "reject-reason" to responses, some send
// "params" as null); what matters is accepted, anything else is an error naming what was wrong.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hashrig::stratum {

struct Message {
  enum class Kind { request, response };
  Kind kind = Kind::request;
  nlohmann::json id;          // null for notifications
  std::string method;         // requests
  nlohmann::json params;      // requests: always an array (a missing or null "params" becomes [])
  nlohmann::json result;      // responses
  nlohmann::json error;       // responses: null, or [code, message, data], or an object
  std::string reject_reason;  // "reject-reason" when the pool sends it
};

// Throws core::ParseError: "not JSON (...)", "not a JSON object", "params: expected an array, got
// string", "method: expected a string", "neither a method nor a result".
Message parse_message(std::string_view line);

// The lines hashrig sends, each ending in '\n'.
std::string request_line(std::uint64_t id, std::string_view method, const nlohmann::json& params);
std::string result_line(const nlohmann::json& id, const nlohmann::json& result);

// A pool's error, for logs and share results: "21: Job not found", or the JSON as sent.
std::string error_text(const nlohmann::json& error);

}  // namespace hashrig::stratum
