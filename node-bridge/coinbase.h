// The coinbase (generation) transaction of a block built from a template, as Bitcoin Core
// writes it. Contents:
//   - bip34_height_push(): the height as `CScript() << nHeight` encodes it
//   - push_data(): a minimal script push of some bytes
//   - CoinbaseSpec: the miner's choices (payout script, tag, extranonce size, aux flags)
//   - CoinbaseTx / build_coinbase_tx(): the scriptSig, the non-witness serialization (txid,
//     merkle tree) and the segwit one (inside the block), and where the extranonce sits
// scriptSig = height push, coinbaseaux values (each pushed, when present and wanted),
// extranonce push, tag push. Outputs: coinbasevalue to the payout script, then a 0-value output
// with the template's default_witness_commitment unchanged (when present); the witness is the
// 32-byte zero reserved value. Version 2, sequence 0xffffffff, locktime 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/bytes.h"
#include "core/sha256.h"
#include "node-bridge/template.h"

namespace hashrig::node {

inline constexpr std::uint32_t kCoinbaseTxVersion = 2;
inline constexpr std::uint32_t kCoinbaseSequence = 0xffffffffu;
inline constexpr std::uint32_t kCoinbaseLocktime = 0;
inline constexpr std::size_t kMinScriptSig = 2;  // consensus: 2..100 bytes
inline constexpr std::size_t kMaxScriptSig = 100;

// OP_0 for 0, OP_1..OP_16 (0x51..0x60) for 1..16, otherwise a minimal little-endian number push
// with a sign byte where the top bit would be set (128 -> 02 80 00). Throws std::invalid_argument
// for negative heights.
core::Bytes bip34_height_push(std::int64_t height);

// A minimal push of `data` (direct up to 75 bytes, else OP_PUSHDATA1/2); OP_0 for empty data.
core::Bytes push_data(std::span<const std::uint8_t> data);

struct CoinbaseSpec {
  core::Bytes payout_script;          // scriptPubKey the block reward goes to
  core::Bytes tag;                    // pushed after the extranonce; nothing when empty
  std::uint32_t extranonce_size = 8;  // 1..32 bytes
  bool include_coinbase_aux = true;   // push the template's coinbaseaux values, if any
};

struct CoinbaseTx {
  core::Bytes script_sig;
  core::Bytes stripped;               // non-witness serialization: the txid and merkle tree use it
  core::Bytes full;                   // segwit serialization when the template has a commitment
  std::size_t extranonce_offset = 0;  // where the extranonce bytes start in `stripped`
  core::Hash256 txid() const;         // sha256d(stripped), internal order
  core::Hash256 wtxid() const;        // sha256d(full), internal order
};

// Throws std::invalid_argument when the extranonce is not spec.extranonce_size bytes, the size
// is outside 1..32, the payout script is empty, or the scriptSig would leave 2..100 bytes.
CoinbaseTx build_coinbase_tx(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                             std::span<const std::uint8_t> extranonce);

// Bitcoin's CompactSize encoding of a count, appended to `out`.
void append_compact_size(core::Bytes& out, std::uint64_t n);

}  // namespace hashrig::node
