// ApiServer: the HTTP/1.1 side of the API (Boost.Beast), on an io thread of its own. It reads
// each request with bounded size (headers, header count, body) and time, hands it to the
// ApiRouter and writes the answer; keep-alive is honoured. What it cannot parse gets a JSON 400
// (431 for too large or too many headers, 413 for too large a body) and the connection is closed.
// Every POST is logged with its peer and result under [api]; anything else at debug level.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "host/api_exchange.h"
#include "host/api_router.h"
#include "host/log.h"

namespace hashrig::host {

// Where the API listens. `host` is an IP address (v4 or v6) or "localhost".
struct ApiListen {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (the log says which)
};

// "PORT", "HOST:PORT" or "[V6]:PORT" (host defaults to 127.0.0.1). Throws std::invalid_argument
// saying what is wrong with `text`.
ApiListen parse_api_listen(const std::string& text);
// Whether `host` names a loopback address (127.0.0.0/8, ::1, "localhost"). Throws
// std::invalid_argument when it is no IP address.
bool is_loopback_host(const std::string& host);

class ApiServer {
 public:
  ApiServer(ApiListen listen, const ApiRouter& router, Logger& log);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving. Throws std::runtime_error naming the address and the reason.
  void start();
  // Closes the listener and every connection and joins the thread; idempotent.
  void stop();
  // "127.0.0.1:4028" (the bound port once started).
  std::string address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace hashrig::host
