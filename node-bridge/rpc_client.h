// RpcClient: JSON-RPC 1.0 over HTTP/1.1 to a ledger node (Bitcoin Core's RPC server and
// compatible ones), blocking, one keep-alive connection per client. Contents:
//   - NodeEndpoint / parse_node_url(): "http://host:port[/path]"
//   - RpcCredentials: user + password, or the node's cookie file
//   - RpcError: the node answered with a JSON-RPC error (code and message kept)
//   - RpcUnavailable: no usable answer (refused, timed out, closed, not JSON, HTTP 401...)
//   - RpcClient::call()
//
// Behaviour:
//   - every call has a deadline covering connect, write and read; on expiry the connection is
//     closed and RpcUnavailable says which step timed out;
//   - a kept-alive connection the node closed meanwhile is reopened once, transparently;
//   - with a cookie file, the cookie is read before the first call and again after a 401 (the
//     node writes a new one at every start), then the call is retried once;
//   - an answer is only a result or an RpcError when the body is a JSON-RPC reply with our id:
//     an HTML error page, a garbage body or a reply without result/error is RpcUnavailable, with
//     the HTTP status, content type and the start of the body in the message.
// Thread safety: one thread calls call(); cancel() may be called from any thread and makes the
// call in progress and every later one throw RpcCancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hashrig::node {

struct NodeEndpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string target = "/";  // the HTTP request path, e.g. "/wallet/mining"
};

// Throws std::invalid_argument naming what is wrong: only http:// (the node's RPC server does
// not speak TLS), a host, and a port 1..65535 are required.
NodeEndpoint parse_node_url(std::string_view url);

struct RpcCredentials {
  std::string user;
  std::string password;
  std::filesystem::path cookie_file;  // when set, user/password come from it ("user:password")
};

// The node answered the call with a JSON-RPC error.
class RpcError : public std::runtime_error {
 public:
  RpcError(std::string method, int code, std::string message);
  int code() const { return m_code; }
  const std::string& rpc_message() const { return m_message; }

 private:
  int m_code;
  std::string m_message;
};

// Bitcoin Core's RPC_IN_WARMUP: the node is starting and will answer later.
inline constexpr int kRpcInWarmup = -28;

// No usable answer: the call may be retried.
class RpcUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RpcCancelled : public RpcUnavailable {
 public:
  RpcCancelled() : RpcUnavailable("the call was cancelled (hashrig is stopping)") {}
};

class RpcClient {
 public:
  RpcClient(NodeEndpoint endpoint, RpcCredentials credentials);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // The call's "result" (null included). Throws RpcError, RpcUnavailable or RpcCancelled.
  nlohmann::json call(std::string_view method, const nlohmann::json& params,
                      std::chrono::milliseconds deadline);

  void cancel();
  const NodeEndpoint& endpoint() const { return m_endpoint; }

 private:
  struct Io;
  NodeEndpoint m_endpoint;
  RpcCredentials m_credentials;
  std::string m_authorization;  // "Basic ..." header value; empty until first needed
  std::uint64_t m_next_id = 1;
  std::atomic<bool> m_cancelled{false};
  std::unique_ptr<Io> m_io;
};

}  // namespace hashrig::node
