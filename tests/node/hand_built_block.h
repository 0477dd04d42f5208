// A block built by hand from a getblocktemplate result, the way a miner would, for tests of the
// test node: its own coinbase serialization (BIP 34 height push, extranonce, payout, the
// template's default_witness_commitment, the 32-byte reserved witness), merkle root over txids,
// header, nonce ground on the CPU. It shares no code with the node's codec or validator (only
// core/'s sha256d, merkle and header helpers), and every field can be spoiled to provoke one
// reject reason. Header-only.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/header.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "core/target.h"
#include "core/uint256.h"

namespace hashrig::testnode::hand {

struct TemplateTx {
  std::string data;  // hex, as the template gives it
  std::string txid;  // display order
};

struct Recipe {
  std::string payout_script_hex = "00147b0f6aa1e2a5b63c7a31f1f1e7e4a2a16f6d3b8c";  // P2WPKH
  std::int64_t extra_value = 0;            // added to coinbasevalue
  std::optional<core::Bytes> height_push;  // default: as CScript() << height
  std::vector<core::Bytes> coinbase_witness{core::Bytes(32, 0)};
  bool commitment = true;         // the default_witness_commitment output
  bool spoil_commitment = false;  // last byte XOR 1
  // Default: the template's, in order, with its default_witness_commitment; when given, the
  // commitment is computed for these.
  std::optional<std::vector<TemplateTx>> txs;
  std::optional<std::uint32_t> time;  // default: curtime
  std::optional<std::uint32_t> bits;  // default: the template's
  std::optional<core::Hash256> prev;  // default: previousblockhash
  bool valid_pow = true;              // false: a nonce whose hash is above target
  std::uint64_t extranonce = 0x1122334455667788ULL;
};

struct Built {
  std::string hex;
  std::string hash;  // display order
  core::BlockHeader header;
  std::string coinbase_txid;
};

inline core::Bytes bip34_push(std::int64_t height) {
  if (height >= 1 && height <= 16) return {std::uint8_t(0x50 + height)};
  core::Bytes n;
  for (std::int64_t h = height; h != 0; h >>= 8)
    n.push_back(std::uint8_t(h & 0xff));
  if (n.empty() || (n.back() & 0x80) != 0) n.push_back(0);
  n.insert(n.begin(), std::uint8_t(n.size()));
  return n;
}

inline void put_compact(core::Bytes& out, std::uint64_t n) {
  if (n < 0xfd) {
    out.push_back(std::uint8_t(n));
  } else {
    out.push_back(0xfd);
    out.push_back(std::uint8_t(n));
    out.push_back(std::uint8_t(n >> 8));
  }
}

inline void put_le(core::Bytes& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(std::uint8_t(v >> (8 * i)));
}

inline void put_var(core::Bytes& out, const core::Bytes& b) {
  put_compact(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

inline core::Hash256 internal(const std::string& display_hex) {
  return core::Uint256::from_hex(display_hex).to_le_bytes();
}

// The commitment a miner computes for its own transaction set: wtxid = sha256d(data), the
// coinbase counted as 32 zero bytes, reserved value 32 zero bytes.
inline core::Bytes commitment_for(const std::vector<TemplateTx>& txs) {
  std::vector<core::Hash256> wtxids{core::Hash256{}};
  for (const TemplateTx& t : txs)
    wtxids.push_back(core::sha256d(core::from_hex(t.data)));
  const core::Hash256 root = core::merkle_root(wtxids);
  core::Bytes joined(root.begin(), root.end());
  joined.insert(joined.end(), 32, 0);
  const core::Hash256 commitment = core::sha256d(joined);
  core::Bytes script{0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  script.insert(script.end(), commitment.begin(), commitment.end());
  return script;
}

// The coinbase: with_witness gives the segwit serialization (when it has a witness).
inline core::Bytes coinbase_bytes(const nlohmann::json& tmpl, const Recipe& r, bool with_witness) {
  const bool witness = with_witness && !r.coinbase_witness.empty();
  core::Bytes tx;
  put_le(tx, 2, 4);
  if (witness) tx.insert(tx.end(), {0x00, 0x01});
  tx.push_back(1);
  tx.insert(tx.end(), 32, 0x00);
  put_le(tx, 0xffffffff, 4);
  core::Bytes script_sig =
      r.height_push.value_or(bip34_push(tmpl.at("height").get<std::int64_t>()));
  script_sig.push_back(8);
  put_le(script_sig, r.extranonce, 8);
  put_var(tx, script_sig);
  put_le(tx, 0xffffffff, 4);
  put_compact(tx, r.commitment ? 2 : 1);
  put_le(tx, std::uint64_t(tmpl.at("coinbasevalue").get<std::int64_t>() + r.extra_value), 8);
  put_var(tx, core::from_hex(r.payout_script_hex));
  if (r.commitment) {
    core::Bytes script =
        r.txs ? commitment_for(*r.txs)
              : core::from_hex(tmpl.at("default_witness_commitment").get<std::string>());
    if (r.spoil_commitment) script.back() ^= 1;
    put_le(tx, 0, 8);
    put_var(tx, script);
  }
  if (witness) {
    put_compact(tx, r.coinbase_witness.size());
    for (const core::Bytes& item : r.coinbase_witness)
      put_var(tx, item);
  }
  put_le(tx, 0, 4);
  return tx;
}

inline Built build(const nlohmann::json& tmpl, const Recipe& r = {}) {
  std::vector<TemplateTx> txs;
  if (r.txs) {
    txs = *r.txs;
  } else {
    for (const nlohmann::json& t : tmpl.at("transactions")) {
      txs.push_back({t.at("data").get<std::string>(), t.at("txid").get<std::string>()});
    }
  }
  const core::Bytes coinbase = coinbase_bytes(tmpl, r, true);
  const core::Hash256 coinbase_txid = core::sha256d(coinbase_bytes(tmpl, r, false));
  std::vector<core::Hash256> leaves{coinbase_txid};
  for (const TemplateTx& t : txs)
    leaves.push_back(internal(t.txid));

  Built b;
  b.header.version = tmpl.at("version").get<std::uint32_t>();
  b.header.prev_hash = r.prev.value_or(internal(tmpl.at("previousblockhash").get<std::string>()));
  b.header.merkle_root = core::merkle_root(leaves);
  b.header.time = r.time.value_or(tmpl.at("curtime").get<std::uint32_t>());
  b.header.bits =
      r.bits.value_or(std::uint32_t(std::stoul(tmpl.at("bits").get<std::string>(), nullptr, 16)));
  const core::Uint256 target = core::Uint256::from_hex(tmpl.at("target").get<std::string>());
  while ((core::hash_value(b.header.hash()) <= target) != r.valid_pow)
    ++b.header.nonce;

  const core::HeaderBytes header = b.header.encode();
  core::Bytes block(header.begin(), header.end());
  put_compact(block, 1 + txs.size());
  block.insert(block.end(), coinbase.begin(), coinbase.end());
  for (const TemplateTx& t : txs) {
    const core::Bytes data = core::from_hex(t.data);
    block.insert(block.end(), data.begin(), data.end());
  }
  b.hex = core::to_hex(block);
  b.hash = core::to_hex_reversed(b.header.hash());
  b.coinbase_txid = core::to_hex_reversed(coinbase_txid);
  return b;
}

}  // namespace hashrig::testnode::hand
