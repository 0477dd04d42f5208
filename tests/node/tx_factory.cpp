// tx_factory.h.
#include "tests/node/tx_factory.h"

#include <algorithm>

#include "core/merkle.h"
#include "core/target.h"
#include "tests/node/block_check.h"

namespace hashrig::testnode {
namespace {

core::Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  core::Bytes out(n);
  for (auto& b : out)
    b = std::uint8_t(rng());
  return out;
}

// A DER-looking signature (0x30 ... with sighash ALL) and a compressed-looking key.
core::Bytes fake_signature(std::mt19937_64& rng) {
  core::Bytes sig = random_bytes(rng, 71);
  sig[0] = 0x30;
  sig[1] = 68;
  sig.back() = 0x01;
  return sig;
}

core::Bytes fake_pubkey(std::mt19937_64& rng) {
  core::Bytes key = random_bytes(rng, 33);
  key[0] = 0x02 | (key[0] & 1);
  return key;
}

TxOut random_output(std::mt19937_64& rng, bool segwit) {
  TxOut out;
  out.value = 10'000 + std::int64_t(rng() % 100'000'000);
  if (segwit) {
    out.script_pubkey = {0x00, 0x14};  // P2WPKH
  } else {
    out.script_pubkey = {0x76, 0xa9, 0x14};  // P2PKH
  }
  const core::Bytes hash = random_bytes(rng, 20);
  out.script_pubkey.insert(out.script_pubkey.end(), hash.begin(), hash.end());
  if (!segwit) out.script_pubkey.insert(out.script_pubkey.end(), {0x88, 0xac});
  return out;
}

}  // namespace

Tx synth_transaction(std::mt19937_64& rng, bool segwit,
                     const std::optional<core::Hash256>& parent) {
  Tx tx;
  tx.version = segwit ? 2 : 1;
  const std::size_t inputs = 1 + rng() % 2;
  for (std::size_t i = 0; i < inputs; ++i) {
    TxIn in;
    if (i == 0 && parent) {
      in.prev_txid = *parent;
      in.prev_index = 0;
    } else {
      const core::Bytes id = random_bytes(rng, 32);
      std::copy(id.begin(), id.end(), in.prev_txid.begin());
      in.prev_index = std::uint32_t(rng() % 4);
    }
    const core::Bytes sig = fake_signature(rng);
    const core::Bytes key = fake_pubkey(rng);
    if (segwit) {
      in.witness = {sig, key};
    } else {
      in.script_sig.push_back(std::uint8_t(sig.size()));
      in.script_sig.insert(in.script_sig.end(), sig.begin(), sig.end());
      in.script_sig.push_back(std::uint8_t(key.size()));
      in.script_sig.insert(in.script_sig.end(), key.begin(), key.end());
    }
    tx.inputs.push_back(std::move(in));
  }
  const std::size_t outputs = 1 + rng() % 2;
  for (std::size_t i = 0; i < outputs; ++i)
    tx.outputs.push_back(random_output(rng, segwit));
  return tx;
}

Block mine_empty_block(const Chain& chain, std::int64_t now, std::uint64_t extranonce) {
  const std::int64_t height = chain.height() + 1;
  Tx coinbase;
  coinbase.version = 2;
  TxIn in;
  in.prev_index = 0xffffffff;
  in.script_sig = height_push(height);
  in.script_sig.push_back(8);
  for (int i = 0; i < 8; ++i)
    in.script_sig.push_back(std::uint8_t(extranonce >> (8 * i)));
  in.witness = {core::Bytes(32, 0)};
  coinbase.inputs.push_back(std::move(in));
  coinbase.outputs.push_back({block_subsidy(height), core::Bytes{0x51}});  // OP_TRUE

  Block block;
  block.txs.push_back(std::move(coinbase));
  block.txs[0].outputs.push_back(
      {0, witness_commitment_script(witness_merkle_root(block), core::Hash256{})});

  block.header.version = 0x20000000;
  block.header.prev_hash = chain.tip().hash;
  const core::Hash256 id = txid(block.txs[0]);
  block.header.merkle_root = core::merkle_root(std::span<const core::Hash256>(&id, 1));
  block.header.time = std::uint32_t(
      std::max<std::int64_t>(now, std::int64_t(chain.median_time_past(chain.height())) + 1));
  block.header.bits = kRegtestBits;
  const core::Uint256 target = core::target_from_compact(kRegtestBits);
  while (core::hash_value(block.header.hash()) > target)
    ++block.header.nonce;
  return block;
}

}  // namespace hashrig::testnode
