// ApiService: the HTTP API of `hashrig mine`, put together: its settings (where to listen, the
// token), the model over the running miner, the router and the server.
//
// Start-up rules: the API is off unless a listen address is given; it binds 127.0.0.1 unless told
// otherwise; without a token it is read-only; a non-loopback address without a token is refused
// (UsageError), so the miner's controls are never open to the network by accident.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "host/api_router.h"
#include "host/api_server.h"
#include "host/log.h"
#include "host/mine_api.h"

namespace hashrig::host {

struct ApiSettings {
  ApiListen listen;
  std::optional<std::string> token;
};

// From --api-listen and --api-token-file (either may come from the config file). Throws
// UsageError naming the option: a malformed address, an unreadable or empty token file, one
// other users can read or change, a non-loopback address without a token.
// `token`: one given directly (the config file's api.token), instead of a file.
ApiSettings api_settings(const std::string& listen, const std::optional<std::string>& token_file,
                         const std::optional<std::string>& token = std::nullopt);
// The token in `path`: its first line, surrounding white space removed. Throws UsageError naming
// `option` and the path when it cannot be read, is open to other users, or holds no token.
std::string read_token_file(const std::string& path, const std::string& option);

class ApiService {
 public:
  // Binds at once: throws std::runtime_error when the address cannot be listened on.
  ApiService(const ApiSettings& settings, MineApiParts parts, Logger& log);
  ~ApiService();

  std::string address() const { return m_server.address(); }
  void stop() { m_server.stop(); }

 private:
  MineApi m_model;
  ApiRouter m_router;
  ApiServer m_server;
};

}  // namespace hashrig::host
