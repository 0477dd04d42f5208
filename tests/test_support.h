// Helpers shared by the GoogleTest suites: polling with a hang guard, temporary paths and
// environment variables, the recorded fixtures, hex shorthands, a few Uint256 operations the
// library does not need, and the reference nonce scan every kernel is held to. Each suite builds
// as one translation unit, so a helper two test files need lives here (or in a header like it).
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/header.h"
#include "core/sha256.h"
#include "core/uint256.h"
#include "core/work.h"

#ifndef HASHRIG_FIXTURES_DIR
#error "HASHRIG_FIXTURES_DIR must name ../shared/fixtures (set by tests/CMakeLists.txt)"
#endif

namespace hashrig::test {

// Polls `done` every 50 ms until it holds (true) or `limit` passes (false). The limits are hang
// guards, generous for sanitizer builds on a loaded 2-core machine; bounds a test asserts are
// checked separately, on the times it measures.
inline bool within(std::chrono::milliseconds limit, const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// The recorded template the program's --job-file tests mine.
inline const std::string kRecordedJobFile =
    std::string(HASHRIG_FIXTURES_DIR) + "/gbt/stratum-ckpool-shares-5tx.json";

// A path in the temporary directory that names this process (tests run in parallel).
inline std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("hashrig-test-" + std::to_string(::getpid()) + "-" + name);
}

// Sets (or with nullopt, removes) an environment variable for one scope, for the programs a
// test starts; restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (m_old)
      ::setenv(m_name, m_old->c_str(), 1);
    else
      ::unsetenv(m_name);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// The recorded node and pool data (../shared/fixtures/gbt/<name>). A missing file fails the test
// that needs it, naming the path: the suites are meant to run against the real data.
inline nlohmann::json load_gbt_fixture(const std::string& name) {
  const std::string path = std::string(HASHRIG_FIXTURES_DIR) + "/gbt/" + name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "fixture not found: " << path
                  << " (clone the shared/ folder beside the repository)";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

inline std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

// A hash given in display order (as explorers and RPC show it) -> internal byte order.
inline core::Hash256 display_hash(std::string_view display_hex) {
  const auto be = core::from_hex_exact<32>(display_hex);
  core::Hash256 out{};
  std::reverse_copy(be.begin(), be.end(), out.begin());
  return out;
}

inline core::HeaderBytes header_from_hex(std::string_view hex) {
  return core::from_hex_exact<80>(hex);
}

// value - 1 (value must not be zero) and value + 1 (value must not be the maximum).
inline core::Uint256 minus_one(core::Uint256 v) {
  for (int i = 0; i < 8; ++i) {
    const std::uint32_t w = v.word(i);
    v.set_word(i, w - 1);
    if (w != 0) break;
  }
  return v;
}
inline core::Uint256 plus_one(core::Uint256 v) {
  for (int i = 0; i < 8; ++i) {
    const std::uint32_t w = v.word(i) + 1;
    v.set_word(i, w);
    if (w != 0) break;
  }
  return v;
}

// The reference: hash every nonce with core::header_hash_with_nonce (portable SHA-256) and keep
// those whose hash <= target. About 1 µs per nonce in an optimised build.
inline std::vector<core::Uint256> reference_hashes(const core::HeaderBytes& header,
                                                   std::uint32_t first, std::uint32_t count) {
  std::vector<core::Uint256> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    out.push_back(core::hash_value(core::header_hash_with_nonce(header, first + i)));
  }
  return out;
}

inline std::vector<std::uint32_t> hits_below(const std::vector<core::Uint256>& hashes,
                                             std::uint32_t first, const core::Uint256& target) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (hashes[i] <= target) out.push_back(first + std::uint32_t(i));
  }
  return out;
}

inline std::vector<std::uint32_t> reference_hits(const core::Work& work, std::uint32_t first,
                                                 std::uint32_t count) {
  return hits_below(reference_hashes(work.header, first, count), first, work.target);
}

// Test names for suites parameterised by fixture file: "case1-empty-h1.json" -> case1_empty_h1.
inline std::string fixture_param_name(const ::testing::TestParamInfo<const char*>& param) {
  std::string name = param.param;
  name = name.substr(0, name.find(".json"));
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

inline std::string describe(const std::vector<std::uint32_t>& nonces) {
  std::ostringstream out;
  out << nonces.size() << " nonce(s)";
  const std::size_t shown = std::min<std::size_t>(nonces.size(), 12);
  for (std::size_t i = 0; i < shown; ++i)
    out << (i == 0 ? ": " : ", ") << nonces[i];
  if (shown < nonces.size()) out << ", ...";
  return out.str();
}

}  // namespace hashrig::test
