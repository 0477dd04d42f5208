// The HTTP API's routes, independent of the transport: a request (method, target, the
// Authorization header, body) in, a response (status, content type, body, extra headers) out.
//
//   GET  /api/v1/summary | devices | pools | shares[?limit=N] | blocks     JSON, open to all
//   GET  /metrics                                                         Prometheus text
//   POST /api/v1/pause | resume | pools/switch | pools/reload              need the bearer token
//
// Without a configured token the API is read-only: every POST gets 403. With one, a POST without
// "Authorization: Bearer TOKEN" (compared in constant time) gets 401. Errors are JSON objects
// {"error": "..."}: 404 for an unknown path, 405 (with Allow) for a wrong method, 400 for a bad
// body or query, and whatever status the model's ApiError carries.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hashrig::host {

// A refusal with its HTTP status, e.g. 409 "load balance: no single pool to switch to".
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message)
      : std::runtime_error(message), m_status(status) {}
  int status() const { return m_status; }

 private:
  int m_status;
};

// What the API shows and controls. Called from the API's thread; implementations are
// thread-safe. Each may throw ApiError.
class ApiModel {
 public:
  virtual ~ApiModel() = default;
  virtual nlohmann::ordered_json summary() = 0;
  virtual nlohmann::ordered_json devices() = 0;
  virtual nlohmann::ordered_json pools() = 0;
  virtual nlohmann::ordered_json shares(std::size_t limit) = 0;  // newest first
  virtual nlohmann::ordered_json blocks() = 0;
  virtual std::string metrics() = 0;  // the Prometheus text exposition
  virtual nlohmann::ordered_json pause() = 0;
  virtual nlohmann::ordered_json resume() = 0;
  virtual nlohmann::ordered_json switch_pool(const std::string& pool) = 0;  // name or 1-based index
  virtual nlohmann::ordered_json reload_pools() = 0;
};

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // "/api/v1/shares?limit=5"
  std::optional<std::string> authorization;
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// {"error": message} with `status`.
ApiResponse error_response(int status, const std::string& message);

class ApiRouter {
 public:
  static constexpr std::size_t kDefaultShares = 50;
  static constexpr std::size_t kMaxShares = 1000;

  // `token`: the bearer token POSTs need; nullopt makes the API read-only.
  ApiRouter(ApiModel& model, std::optional<std::string> token);

  bool read_only() const { return !m_token; }
  // Never throws: the model's exceptions become error responses (ApiError: its status; anything
  // else: 500).
  ApiResponse handle(const ApiRequest& request) const;

 private:
  ApiResponse route(const ApiRequest& request) const;
  std::optional<ApiResponse> refuse_control(const ApiRequest& request) const;

  ApiModel& m_model;
  std::optional<std::string> m_token;
};

}  // namespace hashrig::host
