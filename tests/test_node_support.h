// Helpers of the test node's suites (test_node_*_test.cpp): the fixtures, a temporary
// datadir, a client with the node's credentials, and a legacy transaction to feed the mempool.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "node/rpc_test_client.h"
#include "node/test_node.h"

namespace hashrig::testnode {

inline const std::string kGbtDir = std::string(HASHRIG_FIXTURES_DIR) + "/gbt/";
inline const nlohmann::json kSegwit =
    nlohmann::json::array({{{"rules", nlohmann::json::array({"segwit"})}}});

inline nlohmann::json load_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

struct TempDir {
  TempDir() {
    std::random_device random;
    path = (std::filesystem::temp_directory_path() /
            ("hashrig-test-node-" + std::to_string(random()) + std::to_string(random())))
               .string();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline RpcTestClient client_of(const TestNode& node) {
  const auto [user, password] = node.credentials();
  return RpcTestClient(node.port(), user, password);
}

inline nlohmann::json gbt(RpcTestClient& client) {
  return client.result("getblocktemplate", kSegwit);
}

// A legacy transaction spending `prev`:0 (random when empty) to one P2PKH output.
inline std::string legacy_tx(const std::string& prev_display, std::uint64_t value,
                             std::uint8_t salt) {
  core::Bytes tx;
  hand::put_le(tx, 1, 4);
  tx.push_back(1);
  core::Hash256 prev{};
  if (prev_display.empty()) {
    prev.fill(salt);
  } else {
    prev = hand::internal(prev_display);
  }
  tx.insert(tx.end(), prev.begin(), prev.end());
  hand::put_le(tx, 0, 4);
  hand::put_var(tx, core::Bytes{0x51, salt});  // scriptSig: OP_1 push
  hand::put_le(tx, 0xffffffff, 4);
  tx.push_back(1);
  hand::put_le(tx, value, 8);
  core::Bytes script{0x76, 0xa9, 0x14};
  script.insert(script.end(), 20, salt);
  script.insert(script.end(), {0x88, 0xac});
  hand::put_var(tx, script);
  hand::put_le(tx, 0, 4);
  return core::to_hex(tx);
}

inline std::string txid_of_legacy(const std::string& hex) {
  return core::to_hex_reversed(core::sha256d(core::from_hex(hex)));
}

}  // namespace hashrig::testnode
