// Files in the node's datadir:
//   - chain.json: {"format":1,"blocks":[hex of block 1, 2, ...],"mempool":[{"hex","fee"}],
//     "mempool_sequence":N}, rewritten after every change;
//   - .cookie: "__cookie__:<64 hex>", a new secret on every start, removed on stop (as Core).
// Every write is atomic: a temporary file beside the target, fsync, rename, fsync of the folder,
// so a node killed at any moment leaves the old file or the new one, never a torn one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hashrig::testnode {

struct StoredState {
  std::vector<std::string> blocks;                            // heights 1.., hex
  std::vector<std::pair<std::string, std::int64_t>> mempool;  // hex, fee
  std::uint64_t mempool_sequence = 0;
};

// Writes content to path atomically with the given permission bits; throws std::runtime_error.
void write_file_atomic(const std::string& path, const std::string& content, unsigned mode = 0644);

void save_state(const std::string& datadir, const StoredState& state);
// nullopt when there is no chain file; throws std::runtime_error naming the file when it is
// unreadable or malformed.
std::optional<StoredState> load_state(const std::string& datadir);

// The blocks of a chain file in the fixtures' format ({"blocks":[{height,hash,hex}]}), heights
// 1..up_to (all when up_to < 0), checked to be in height order; throws std::runtime_error.
std::vector<std::string> read_chain_fixture(const std::string& path, std::int64_t up_to);

}  // namespace hashrig::testnode
