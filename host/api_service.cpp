#include "host/api_service.h"

#include <fstream>
#include <stdexcept>

#include "host/secret_file.h"
#include "host/usage_error.h"

namespace hashrig::host {

std::string read_token_file(const std::string& path, const std::string& option) {
  std::ifstream in(path);
  if (!in) throw UsageError(option + ": cannot read " + path);
  if (const std::string open = open_to_others(path); !open.empty())
    throw UsageError(option + ": " + path + " holds the API token, and " + open);
  std::string line;
  std::getline(in, line);
  const std::size_t first = line.find_first_not_of(" \t\r");
  const std::size_t last = line.find_last_not_of(" \t\r");
  if (first == std::string::npos) throw UsageError(option + ": " + path + " holds no token");
  std::string token = line.substr(first, last - first + 1);
  if (token.size() < 16) {
    throw UsageError(option + ": the token in " + path + " has " + std::to_string(token.size()) +
                     " characters; use at least 16 (e.g. openssl rand -hex 32)");
  }
  return token;
}

ApiSettings api_settings(const std::string& listen, const std::optional<std::string>& token_file,
                         const std::optional<std::string>& token) {
  const std::string listen_option = "--api-listen";
  const std::string token_option = "--api-token-file";
  ApiSettings s;
  try {
    s.listen = parse_api_listen(listen);
  } catch (const std::invalid_argument& e) {
    throw UsageError(listen_option + ": " + e.what());
  }
  if (token_file) {
    s.token = read_token_file(*token_file, token_option);
  } else {
    s.token = token;
  }
  if (!s.token && !is_loopback_host(s.listen.host)) {
    throw UsageError(listen_option + ": " + s.listen.host +
                     " is not a loopback address: the API listens beyond this machine only "
                     "with a token (" +
                     token_option + ")");
  }
  return s;
}

ApiService::ApiService(const ApiSettings& settings, MineApiParts parts, Logger& log)
    : m_model(std::move(parts)),
      m_router(m_model, settings.token),
      m_server(settings.listen, m_router, log) {
  m_server.start();
}

ApiService::~ApiService() {
  m_server.stop();
}

}  // namespace hashrig::host
