#include "stratum/json_rpc.h"

#include "core/error.h"

namespace hashrig::stratum {

Message parse_message(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or a number out of range (406)
    throw core::ParseError(std::string("not JSON (") + e.what() + ")");
  }
  if (!j.is_object()) throw core::ParseError("not a JSON object");
  Message m;
  m.id = j.contains("id") ? j["id"] : nlohmann::json();
  if (j.contains("method") && !j["method"].is_null()) {
    if (!j["method"].is_string()) throw core::ParseError("method: expected a string");
    m.kind = Message::Kind::request;
    m.method = j["method"].get<std::string>();
    const nlohmann::json params = j.value("params", nlohmann::json());
    if (params.is_null()) {
      m.params = nlohmann::json::array();
    } else if (params.is_array()) {
      m.params = params;
    } else {
      throw core::ParseError(m.method + ": params: expected an array, got " +
                             std::string(params.type_name()));
    }
    return m;
  }
  if (!j.contains("result") && !j.contains("error")) {
    throw core::ParseError("neither a method nor a result");
  }
  m.kind = Message::Kind::response;
  m.result = j.value("result", nlohmann::json());
  m.error = j.value("error", nlohmann::json());
  if (j.contains("reject-reason") && j["reject-reason"].is_string()) {
    m.reject_reason = j["reject-reason"].get<std::string>();
  }
  return m;
}

std::string request_line(std::uint64_t id, std::string_view method, const nlohmann::json& params) {
  nlohmann::ordered_json j;
  j["id"] = id;
  j["method"] = method;
  j["params"] = params;
  return j.dump() + '\n';
}

std::string result_line(const nlohmann::json& id, const nlohmann::json& result) {
  nlohmann::ordered_json j;
  j["id"] = id;
  j["result"] = result;
  j["error"] = nullptr;
  return j.dump() + '\n';
}

std::string error_text(const nlohmann::json& error) {
  if (error.is_array() && error.size() >= 2 && error[1].is_string()) {
    return (error[0].is_number() ? error[0].dump() + ": " : std::string()) +
           error[1].get<std::string>();
  }
  if (error.is_object() && error.contains("message") && error["message"].is_string()) {
    return error["message"].get<std::string>();
  }
  if (error.is_string()) return error.get<std::string>();
  return error.dump();
}

}  // namespace hashrig::stratum
