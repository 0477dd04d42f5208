// chain_state.h. Contents: consensus helpers (subsidy, BIP 34 push, genesis), Chain, Mempool.
#include "tests/node/chain_state.h"

#include <algorithm>
#include <stdexcept>

#include "core/error.h"
#include "core/uint256.h"

namespace hashrig::testnode {

std::int64_t block_subsidy(std::int64_t height) {
  const std::int64_t halvings = height / kHalvingInterval;
  if (halvings >= 64) return 0;
  return (50 * kCoin) >> halvings;
}

core::Bytes height_push(std::int64_t height) {
  if (height == 0) return {0x00};
  if (height >= 1 && height <= 16) return {std::uint8_t(0x50 + height)};
  // CScriptNum serialization: little-endian magnitude, sign bit in the top byte.
  core::Bytes num;
  const bool negative = height < 0;
  std::uint64_t magnitude = negative ? std::uint64_t(-height) : std::uint64_t(height);
  while (magnitude != 0) {
    num.push_back(std::uint8_t(magnitude & 0xff));
    magnitude >>= 8;
  }
  if ((num.back() & 0x80) != 0) {
    num.push_back(negative ? 0x80 : 0x00);
  } else if (negative) {
    num.back() |= 0x80;
  }
  core::Bytes push{std::uint8_t(num.size())};
  push.insert(push.end(), num.begin(), num.end());
  return push;
}

core::BlockHeader regtest_genesis_header() {
  core::BlockHeader h;
  h.version = 1;
  h.merkle_root =
      core::Uint256::from_hex("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
          .to_le_bytes();
  h.time = 1296688602;
  h.bits = kRegtestBits;
  h.nonce = 2;
  return h;
}

// --- Chain -----------------------------------------------------------------------------------

Chain::Chain() {
  reset();
}

void Chain::reset() {
  m_blocks.clear();
  m_by_hash.clear();
  ChainBlock genesis;
  genesis.header = regtest_genesis_header();
  genesis.hash = genesis.header.hash();
  m_by_hash[genesis.hash] = 0;
  m_blocks.push_back(std::move(genesis));
}

const ChainBlock* Chain::find(const core::Hash256& hash) const {
  const auto it = m_by_hash.find(hash);
  return it == m_by_hash.end() ? nullptr : &m_blocks[std::size_t(it->second)];
}

std::uint32_t Chain::median_time_past(std::int64_t height) const {
  std::vector<std::uint32_t> times;
  for (std::int64_t h = height; h >= 0 && h > height - kMedianTimeSpan; --h) {
    times.push_back(m_blocks.at(std::size_t(h)).header.time);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void Chain::append(const core::BlockHeader& header, std::string hex) {
  if (header.prev_hash != tip().hash) {
    throw std::invalid_argument("block " + core::to_hex_reversed(header.hash()) +
                                " does not build on the tip " + core::to_hex_reversed(tip().hash));
  }
  ChainBlock block;
  block.height = height() + 1;
  block.header = header;
  block.hash = header.hash();
  block.hex = std::move(hex);
  m_by_hash[block.hash] = block.height;
  m_blocks.push_back(std::move(block));
}

// --- Mempool ---------------------------------------------------------------------------------

bool Mempool::add(MempoolTx entry) {
  if (find_txid(entry.txid) != nullptr) return false;
  m_txs.push_back(std::move(entry));
  ++m_sequence;
  return true;
}

const MempoolTx* Mempool::find_txid(const core::Hash256& txid) const {
  for (const MempoolTx& t : m_txs) {
    if (t.txid == txid) return &t;
  }
  return nullptr;
}

const MempoolTx* Mempool::find_wtxid(const core::Hash256& wtxid) const {
  for (const MempoolTx& t : m_txs) {
    if (t.wtxid == wtxid) return &t;
  }
  return nullptr;
}

std::vector<core::Hash256> Mempool::parents_of(const MempoolTx& entry) const {
  std::vector<core::Hash256> parents;
  for (const TxIn& in : entry.tx.inputs) {
    if (find_txid(in.prev_txid) != nullptr &&
        std::find(parents.begin(), parents.end(), in.prev_txid) == parents.end()) {
      parents.push_back(in.prev_txid);
    }
  }
  return parents;
}

std::vector<const MempoolTx*> Mempool::ordered() const {
  std::vector<const MempoolTx*> out;
  std::set<core::Hash256> placed;
  std::vector<bool> done(m_txs.size(), false);
  // Repeated passes in arrival order; a transaction goes out once its parents have. A cycle
  // (impossible with real txids) would leave the rest out.
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < m_txs.size(); ++i) {
      if (done[i]) continue;
      const std::vector<core::Hash256> parents = parents_of(m_txs[i]);
      if (std::all_of(parents.begin(), parents.end(),
                      [&](const core::Hash256& p) { return placed.count(p) != 0; })) {
        done[i] = true;
        placed.insert(m_txs[i].txid);
        out.push_back(&m_txs[i]);
        progress = true;
      }
    }
  }
  return out;
}

void Mempool::remove(const std::set<core::Hash256>& txids) {
  const auto removed = std::remove_if(m_txs.begin(), m_txs.end(),
                                      [&](const MempoolTx& t) { return txids.count(t.txid) != 0; });
  if (removed == m_txs.end()) return;
  m_txs.erase(removed, m_txs.end());
  ++m_sequence;
}

void Mempool::clear() {
  if (m_txs.empty()) return;
  m_txs.clear();
  ++m_sequence;
}

MempoolTx make_mempool_tx(const std::string& hex, std::int64_t fee) {
  MempoolTx entry;
  const core::Bytes bytes = core::from_hex(hex);
  entry.tx = parse_tx(bytes);
  if (entry.tx.is_coinbase()) throw core::ParseError("a coinbase cannot enter the mempool");
  if (entry.tx.inputs.empty() || entry.tx.outputs.empty()) {
    throw core::ParseError("a transaction needs inputs and outputs");
  }
  if (fee < 0 || fee > kMaxMoney) throw core::ParseError("fee out of range");
  entry.hex = core::to_hex(bytes);
  entry.txid = txid(entry.tx);
  entry.wtxid = wtxid(entry.tx);
  entry.fee = fee;
  entry.weight = tx_weight(entry.tx);
  entry.sigops = tx_sigop_cost(entry.tx);
  return entry;
}

}  // namespace hashrig::testnode
