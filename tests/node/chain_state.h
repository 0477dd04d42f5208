// The node's state: the active chain (regtest genesis + every connected block) and the mempool,
// plus the regtest consensus numbers the template and the validator share. Pure data: no I/O,
// no threads; NodeCore owns one of each and touches them on the node thread only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/header.h"
#include "core/sha256.h"
#include "tests/node/block_codec.h"

namespace hashrig::testnode {

inline constexpr std::uint32_t kRegtestBits = 0x207fffff;
inline constexpr std::int64_t kCoin = 100'000'000;
inline constexpr std::int64_t kMaxMoney = 21'000'000 * kCoin;
inline constexpr std::int64_t kHalvingInterval = 150;  // regtest
inline constexpr std::size_t kMaxBlockWeight = 4'000'000;
inline constexpr std::size_t kMaxBlockSigopsCost = 80'000;
inline constexpr std::int64_t kMaxFutureBlockTime = 2 * 60 * 60;
inline constexpr int kMedianTimeSpan = 11;

// Regtest block subsidy: 50 BTC halving every 150 blocks (0 after 64 halvings).
std::int64_t block_subsidy(std::int64_t height);
// The BIP 34 prefix exactly as Core writes CScript() << height: OP_0 for 0, OP_1..OP_16 for
// 1..16, else a minimal little-endian push with a sign byte when the top bit is set.
core::Bytes height_push(std::int64_t height);
// The regtest genesis header (hash 0f9188f1...2206, time 1296688602).
core::BlockHeader regtest_genesis_header();

struct ChainBlock {
  std::int64_t height = 0;
  core::Hash256 hash{};  // internal order
  core::BlockHeader header;
  std::string hex;  // the whole block as submitted; empty for genesis
};

class Chain {
 public:
  Chain();  // genesis only

  const ChainBlock& tip() const { return m_blocks.back(); }
  std::int64_t height() const { return tip().height; }
  const std::vector<ChainBlock>& blocks() const { return m_blocks; }
  const ChainBlock* find(const core::Hash256& hash) const;
  // Median of the times of the 11 blocks ending at `height` (fewer near genesis).
  std::uint32_t median_time_past(std::int64_t height) const;
  // Connects a block whose prev hash is the tip's; throws std::invalid_argument otherwise.
  void append(const core::BlockHeader& header, std::string hex);
  void reset();  // back to genesis

 private:
  std::vector<ChainBlock> m_blocks;
  std::map<core::Hash256, std::int64_t> m_by_hash;
};

struct MempoolTx {
  Tx tx;
  std::string hex;  // full serialization, witness included
  core::Hash256 txid{};
  core::Hash256 wtxid{};
  std::int64_t fee = 0;
  std::size_t weight = 0;
  int sigops = 0;
};

class Mempool {
 public:
  // Adds a transaction; false when one with the same txid is already there.
  bool add(MempoolTx entry);
  const MempoolTx* find_txid(const core::Hash256& txid) const;
  const MempoolTx* find_wtxid(const core::Hash256& wtxid) const;
  // txids of the mempool transactions this one spends from.
  std::vector<core::Hash256> parents_of(const MempoolTx& entry) const;
  // Every transaction, parents before children, otherwise in the order they arrived.
  std::vector<const MempoolTx*> ordered() const;
  void remove(const std::set<core::Hash256>& txids);
  void clear();
  std::size_t size() const { return m_txs.size(); }
  // Bumped on every change; part of the longpoll id.
  std::uint64_t sequence() const { return m_sequence; }
  void set_sequence(std::uint64_t sequence) { m_sequence = sequence; }

 private:
  std::vector<MempoolTx> m_txs;  // arrival order
  std::uint64_t m_sequence = 0;
};

// A mempool entry from a serialized transaction; throws core::ParseError.
MempoolTx make_mempool_tx(const std::string& hex, std::int64_t fee);

}  // namespace hashrig::testnode
