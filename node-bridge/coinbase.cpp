// The coinbase transaction. Contents:
//   - bip34_height_push(), push_data(): script encodings
//   - append_le32/64(), append_compact_size(): serialization primitives
//   - coinbase_script_sig(): height, aux, extranonce and tag pushes, extranonce offset recorded
//   - serialize(): one function for both serializations (witness or not), so they cannot drift
#include "node-bridge/coinbase.h"

#include <stdexcept>
#include <string>

namespace hashrig::node {
namespace {

constexpr std::uint8_t kOp0 = 0x00;
constexpr std::uint8_t kOp1 = 0x51;
constexpr std::uint8_t kOpPushdata1 = 0x4c;
constexpr std::uint8_t kOpPushdata2 = 0x4d;
constexpr std::size_t kMaxDirectPush = 75;
constexpr std::uint32_t kMaxExtranonceSize = 32;

void append_le32(core::Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(std::uint8_t(v >> (8 * i)));
}

void append_le64(core::Bytes& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(std::uint8_t(v >> (8 * i)));
}

void append(core::Bytes& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

struct ScriptSig {
  core::Bytes bytes;
  std::size_t extranonce_offset = 0;  // within bytes
};

ScriptSig coinbase_script_sig(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                              std::span<const std::uint8_t> extranonce) {
  ScriptSig s;
  s.bytes = bip34_height_push(tmpl.height);
  if (spec.include_coinbase_aux) {
    for (const auto& [key, value] : tmpl.coinbase_aux) {
      if (!value.empty()) append(s.bytes, push_data(value));
    }
  }
  s.bytes.push_back(std::uint8_t(extranonce.size()));  // a direct push: size is 1..32
  s.extranonce_offset = s.bytes.size();
  append(s.bytes, extranonce);
  if (!spec.tag.empty()) append(s.bytes, push_data(spec.tag));
  if (s.bytes.size() < kMinScriptSig || s.bytes.size() > kMaxScriptSig) {
    throw std::invalid_argument("coinbase scriptSig: " + std::to_string(s.bytes.size()) +
                                " bytes, consensus allows 2..100 (shorten the tag)");
  }
  return s;
}

// Version, [marker, flag,] one input, outputs, [witness,] locktime. Returns where the scriptSig
// starts.
std::size_t serialize(core::Bytes& out, const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                      const core::Bytes& script_sig, bool with_witness) {
  append_le32(out, kCoinbaseTxVersion);
  if (with_witness) {
    out.push_back(0x00);  // marker
    out.push_back(0x01);  // flag
  }
  append_compact_size(out, 1);
  out.insert(out.end(), 32, 0x00);  // previous output: null hash
  append_le32(out, 0xffffffffu);    // and index
  append_compact_size(out, script_sig.size());
  const std::size_t script_offset = out.size();
  append(out, script_sig);
  append_le32(out, kCoinbaseSequence);

  const bool commitment = tmpl.default_witness_commitment.has_value();
  append_compact_size(out, commitment ? 2 : 1);
  append_le64(out, std::uint64_t(tmpl.coinbase_value));
  append_compact_size(out, spec.payout_script.size());
  append(out, spec.payout_script);
  if (commitment) {
    append_le64(out, 0);
    append_compact_size(out, tmpl.default_witness_commitment->size());
    append(out, *tmpl.default_witness_commitment);
  }
  if (with_witness) {
    append_compact_size(out, 1);  // one witness item: the reserved value
    append_compact_size(out, 32);
    out.insert(out.end(), 32, 0x00);
  }
  append_le32(out, kCoinbaseLocktime);
  return script_offset;
}

}  // namespace

core::Bytes bip34_height_push(std::int64_t height) {
  if (height < 0) throw std::invalid_argument("BIP 34 height " + std::to_string(height) + " < 0");
  if (height == 0) return {kOp0};
  if (height <= 16) return {std::uint8_t(kOp1 + height - 1)};
  core::Bytes number;
  for (auto v = std::uint64_t(height); v != 0; v >>= 8)
    number.push_back(std::uint8_t(v));
  if (number.back() & 0x80) number.push_back(0x00);  // keep the number positive
  return push_data(number);
}

core::Bytes push_data(std::span<const std::uint8_t> data) {
  core::Bytes out;
  if (data.empty()) {
    out.push_back(kOp0);
  } else if (data.size() <= kMaxDirectPush) {
    out.push_back(std::uint8_t(data.size()));
  } else if (data.size() <= 0xff) {
    out.push_back(kOpPushdata1);
    out.push_back(std::uint8_t(data.size()));
  } else if (data.size() <= 0xffff) {
    out.push_back(kOpPushdata2);
    out.push_back(std::uint8_t(data.size()));
    out.push_back(std::uint8_t(data.size() >> 8));
  } else {
    throw std::invalid_argument("push_data: " + std::to_string(data.size()) + " bytes");
  }
  append(out, data);
  return out;
}

void append_compact_size(core::Bytes& out, std::uint64_t n) {
  if (n < 0xfd) {
    out.push_back(std::uint8_t(n));
  } else if (n <= 0xffff) {
    out.push_back(0xfd);
    out.push_back(std::uint8_t(n));
    out.push_back(std::uint8_t(n >> 8));
  } else if (n <= 0xffffffffu) {
    out.push_back(0xfe);
    append_le32(out, std::uint32_t(n));
  } else {
    out.push_back(0xff);
    append_le64(out, n);
  }
}

core::Hash256 CoinbaseTx::txid() const {
  return core::sha256d(stripped);
}

core::Hash256 CoinbaseTx::wtxid() const {
  return core::sha256d(full);
}

CoinbaseTx build_coinbase_tx(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                             std::span<const std::uint8_t> extranonce) {
  if (spec.extranonce_size < 1 || spec.extranonce_size > kMaxExtranonceSize) {
    throw std::invalid_argument("coinbase extranonce size " + std::to_string(spec.extranonce_size) +
                                " outside 1..32");
  }
  if (extranonce.size() != spec.extranonce_size) {
    throw std::invalid_argument("coinbase extranonce: " + std::to_string(extranonce.size()) +
                                " bytes, the spec wants " + std::to_string(spec.extranonce_size));
  }
  if (spec.payout_script.empty()) throw std::invalid_argument("coinbase payout script: empty");
  CoinbaseTx tx;
  const ScriptSig sig = coinbase_script_sig(tmpl, spec, extranonce);
  tx.script_sig = sig.bytes;
  tx.extranonce_offset =
      serialize(tx.stripped, tmpl, spec, sig.bytes, false) + sig.extranonce_offset;
  if (tmpl.default_witness_commitment) {
    serialize(tx.full, tmpl, spec, sig.bytes, true);
  } else {
    tx.full = tx.stripped;
  }
  return tx;
}

}  // namespace hashrig::node
