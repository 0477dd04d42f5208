// Transactions and blocks as the network serializes them, parsed and written by the test node
// itself (independent of node-bridge/): segwit serialization (BIP 144: marker 0x00, flag 0x01,
// one witness stack per input), txid over the stripped form, wtxid over the full one, weight,
// and a legacy sigop count. Parsing is strict in the way Bitcoin Core's deserializer is
// (canonical CompactSize, no superfluous witness flag, no unknown flags) and also rejects
// trailing bytes; every failure throws core::ParseError naming what was wrong.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/header.h"
#include "core/sha256.h"

namespace hashrig::testnode {

struct TxIn {
  core::Hash256 prev_txid{};  // internal order
  std::uint32_t prev_index = 0;
  core::Bytes script_sig;
  std::uint32_t sequence = 0xffffffff;
  std::vector<core::Bytes> witness;  // the input's witness stack; empty when none
};

struct TxOut {
  std::int64_t value = 0;  // satoshis
  core::Bytes script_pubkey;
};

struct Tx {
  std::int32_t version = 2;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  std::uint32_t locktime = 0;

  bool has_witness() const;
  // One input spending the null outpoint (all-zero txid, index 0xffffffff).
  bool is_coinbase() const;
};

struct Block {
  core::BlockHeader header;
  std::vector<Tx> txs;
};

core::Bytes serialize_tx(const Tx& tx, bool with_witness);
core::Bytes serialize_block(const Block& block);  // transactions with their witnesses

// Whole input must be one transaction / one block.
Tx parse_tx(std::span<const std::uint8_t> bytes);
Block parse_block(std::span<const std::uint8_t> bytes);

core::Hash256 txid(const Tx& tx);     // sha256d of the stripped serialization
core::Hash256 wtxid(const Tx& tx);    // sha256d of the full serialization (= txid without witness)
std::size_t tx_weight(const Tx& tx);  // stripped size * 3 + full size
std::size_t block_weight(const Block& block);
std::size_t stripped_block_size(const Block& block);

// Sigop cost as Core's template reports it, approximated without the spent outputs: legacy
// sigops (CHECKSIG 1, CHECKMULTISIG 20) in every script times 4, plus 1 for every input whose
// witness looks like a P2WPKH spend (two items, the second a 33-byte key).
int tx_sigop_cost(const Tx& tx);

// Appends Bitcoin's CompactSize encoding of n.
void write_compact_size(core::Bytes& out, std::uint64_t n);

}  // namespace hashrig::testnode
