// The real hashrig with its HTTP API on, for the API tests: spawned with `mine` and the given
// options plus --api-listen 127.0.0.1:0, its log read until the API says where it listens and the
// devices are mining.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "http_client.h"
#include "server_process.h"
#include "test_support.h"

namespace hashrig::test {

// The bearer token the API suites give the program (in a file) and send with controls.
inline const std::string kApiToken = "0123456789abcdef0123456789abcdef";

// A token file in the temp directory, closed to other users as hashrig requires (removed by the
// caller's fs::remove, or left in /tmp). `name` tells apart the files of one test.
inline std::string write_token_file(const std::string& token,
                                    const std::string& name = "api-token") {
  namespace fs = std::filesystem;
  const fs::path path = temp_path(name);
  std::ofstream(path) << token << "\n";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path.string();
}

class ApiProcess {
 public:
  explicit ApiProcess(std::vector<std::string> options)
      : m_process(HASHRIG_BINARY, with_api(std::move(options)), std::chrono::seconds(60),
                  ServerProcess::Stderr::merged) {
    const std::string marker = "listening on http://127.0.0.1:";
    for (;;) {
      const std::string line = m_process.read_line();
      if (line.empty()) throw std::runtime_error("hashrig never said where the API listens");
      if (const std::size_t at = line.find(marker); at != std::string::npos) {
        m_port = std::uint16_t(std::stoi(line.substr(at + marker.size())));
        break;
      }
    }
    if (!m_process.wait_for_line("] mining ")) throw std::runtime_error("hashrig never mined");
  }

  std::uint16_t port() const { return m_port; }
  ServerProcess& process() { return m_process; }

  nlohmann::json get_json(const std::string& path) {
    const HttpReply r = http_get(m_port, path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    EXPECT_EQ(r.headers.at("content-type"), "application/json") << path;
    return nlohmann::json::parse(r.body);
  }
  HttpReply post(const std::string& path, const std::string& token = "",
                 const std::string& body = "") {
    HttpRequest req{"POST", path, {}, body};
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    return http_request(m_port, req);
  }

 private:
  // No status lines unless the test asks for them.
  static std::vector<std::string> with_api(std::vector<std::string> options) {
    const bool status =
        std::find(options.begin(), options.end(), "--status-interval") != options.end();
    options.insert(options.begin(), "mine");
    for (const char* o : {"--api-listen", "127.0.0.1:0", "--log-level", "info"})
      options.emplace_back(o);
    if (!status) options.insert(options.end(), {"--status-interval", "0"});
    return options;
  }

  ServerProcess m_process;
  std::uint16_t m_port = 0;
};

}  // namespace hashrig::test
