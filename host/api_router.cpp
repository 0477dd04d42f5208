#include "host/api_router.h"

#include <charconv>
#include <string_view>

namespace hashrig::host {
namespace {

constexpr std::string_view kPrefix = "/api/v1/";
constexpr std::string_view kBearer = "Bearer ";
// What a request sends (its path, a pool name) is echoed in errors and need not be UTF-8: JSON
// text gets U+FFFD in place of each bad byte rather than an exception and no answer.
constexpr auto kReplaceBadUtf8 = nlohmann::ordered_json::error_handler_t::replace;

// Equal strings compare in a time that depends only on their lengths, so a wrong token reveals
// nothing of the right one but its length.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

ApiResponse json_response(const nlohmann::ordered_json& body) {
  ApiResponse r;
  r.body = body.dump(2, ' ', false, kReplaceBadUtf8) + "\n";
  return r;
}

ApiResponse method_not_allowed(const std::string& allowed) {
  ApiResponse r = error_response(405, "method not allowed: use " + allowed);
  r.headers.emplace_back("Allow", allowed);
  return r;
}

// The query's "limit" for /shares; throws ApiError(400) for anything else in the query.
std::size_t shares_limit(std::string_view query) {
  std::size_t limit = ApiRouter::kDefaultShares;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key != "limit")
      throw ApiError(400, "unknown query parameter '" + std::string(key) + "' (known: limit)");
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < 1 ||
        n > ApiRouter::kMaxShares) {
      throw ApiError(400, "limit: '" + std::string(value) + "' is not a number from 1 to " +
                              std::to_string(ApiRouter::kMaxShares));
    }
    limit = n;
  }
  return limit;
}

// {"pool": "pool2"} or {"pool": 2}: the pool's name or 1-based index, as text.
std::string pool_of_body(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw ApiError(400, "body: expected a JSON object such as {\"pool\": \"pool2\"}");
  const auto it = j.find("pool");
  if (it == j.end())
    throw ApiError(400, "body: \"pool\" is missing (a pool name or 1-based index)");
  if (it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  throw ApiError(400, "body: \"pool\" must be a pool name or a 1-based index, got " + it->dump());
}

}  // namespace

ApiResponse error_response(int status, const std::string& message) {
  ApiResponse r;
  r.status = status;
  r.body = nlohmann::ordered_json{{"error", message}}.dump(-1, ' ', false, kReplaceBadUtf8) + "\n";
  return r;
}

ApiRouter::ApiRouter(ApiModel& model, std::optional<std::string> token)
    : m_model(model), m_token(std::move(token)) {
  if (m_token && m_token->empty()) m_token.reset();
}

ApiResponse ApiRouter::handle(const ApiRequest& request) const {
  try {
    return route(request);
  } catch (const ApiError& e) {
    return error_response(e.status(), e.what());
  } catch (const std::exception& e) {
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

std::optional<ApiResponse> ApiRouter::refuse_control(const ApiRequest& request) const {
  if (!m_token) {
    return error_response(
        403, "the API is read-only: no token is configured (set api.token or --api-token-file)");
  }
  const std::string_view auth =
      request.authorization ? std::string_view(*request.authorization) : std::string_view();
  if (auth.substr(0, kBearer.size()) != kBearer ||
      !same_secret(auth.substr(kBearer.size()), *m_token)) {
    ApiResponse r = error_response(
        401, request.authorization ? "wrong token" : "this needs Authorization: Bearer TOKEN");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"hashrig\"");
    return r;
  }
  return std::nullopt;
}

ApiResponse ApiRouter::route(const ApiRequest& request) const {
  const std::string_view target = request.target;
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  if (path != "/api/v1/shares" && !query.empty())
    throw ApiError(400, std::string(path) + " takes no query parameters");

  if (path == "/metrics") {
    if (request.method != "GET") return method_not_allowed("GET");
    ApiResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = m_model.metrics();
    return r;
  }
  if (path.substr(0, kPrefix.size()) != kPrefix)
    return error_response(404,
                          "no such path: " + std::string(path) + " (the API is under /api/v1/)");
  const std::string_view name = path.substr(kPrefix.size());

  if (name == "summary" || name == "devices" || name == "pools" || name == "shares" ||
      name == "blocks") {
    if (request.method != "GET") return method_not_allowed("GET");
    if (name == "summary") return json_response(m_model.summary());
    if (name == "devices") return json_response(m_model.devices());
    if (name == "pools") return json_response(m_model.pools());
    if (name == "shares") return json_response(m_model.shares(shares_limit(query)));
    return json_response(m_model.blocks());
  }
  if (name == "pause" || name == "resume" || name == "pools/switch" || name == "pools/reload") {
    if (request.method != "POST") return method_not_allowed("POST");
    if (auto refusal = refuse_control(request)) return *refusal;
    if (name == "pause") return json_response(m_model.pause());
    if (name == "resume") return json_response(m_model.resume());
    if (name == "pools/switch")
      return json_response(m_model.switch_pool(pool_of_body(request.body)));
    return json_response(m_model.reload_pools());
  }
  return error_response(404, "no such path: " + std::string(path));
}

}  // namespace hashrig::host
