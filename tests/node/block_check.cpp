// block_check.h. Contents: the context-free checks (Core's CheckBlock), the header checks that
// need the parent, the witness checks (ContextualCheckBlock), the mempool and amount checks.
#include "tests/node/block_check.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "core/merkle.h"
#include "core/target.h"

namespace hashrig::testnode {
namespace {

constexpr std::uint8_t kCommitmentPrefix[6] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};

bool money_range(std::int64_t v) {
  return v >= 0 && v <= kMaxMoney;
}

// Core's CheckTransaction, minus the checks a synthetic test transaction cannot fail.
std::string check_transaction(const Tx& tx) {
  if (tx.inputs.empty()) return "bad-txns-vin-empty";
  if (tx.outputs.empty()) return "bad-txns-vout-empty";
  std::int64_t total = 0;
  for (const TxOut& out : tx.outputs) {
    if (out.value < 0) return "bad-txns-vout-negative";
    if (out.value > kMaxMoney) return "bad-txns-vout-toolarge";
    total += out.value;
    if (!money_range(total)) return "bad-txns-txouttotal-toolarge";
  }
  std::set<std::pair<core::Hash256, std::uint32_t>> outpoints;
  for (const TxIn& in : tx.inputs) {
    if (!outpoints.insert({in.prev_txid, in.prev_index}).second) {
      return "bad-txns-inputs-duplicate";
    }
  }
  if (tx.is_coinbase()) {
    const std::size_t n = tx.inputs[0].script_sig.size();
    if (n < 2 || n > 100) return "bad-cb-length";
  } else {
    for (const TxIn& in : tx.inputs) {
      const bool null_prevout =
          in.prev_index == 0xffffffff &&
          std::all_of(in.prev_txid.begin(), in.prev_txid.end(), [](auto b) { return b == 0; });
      if (null_prevout) return "bad-txns-prevout-null";
    }
  }
  return "";
}

// CheckBlock: everything that needs neither the parent nor the mempool.
std::string check_context_free(const Block& block, const CheckOptions& options) {
  if (options.check_pow) {
    const core::CompactDecode target = core::decode_compact(block.header.bits);
    const core::Uint256 pow_limit = core::decode_compact(kRegtestBits).target;
    if (target.negative || target.overflow || target.target.is_zero() ||
        target.target > pow_limit || core::hash_value(block.header.hash()) > target.target) {
      return "high-hash";
    }
  }
  std::vector<core::Hash256> txids;
  for (const Tx& tx : block.txs)
    txids.push_back(txid(tx));
  if (core::merkle_root(txids) != block.header.merkle_root) return "bad-txnmrklroot";
  if (std::set<core::Hash256>(txids.begin(), txids.end()).size() != txids.size()) {
    return "bad-txns-duplicate";
  }
  if (block.txs.empty() || block.txs.size() * 4 > kMaxBlockWeight ||
      stripped_block_size(block) * 4 > kMaxBlockWeight) {
    return "bad-blk-length";
  }
  if (!block.txs[0].is_coinbase()) return "bad-cb-missing";
  for (std::size_t i = 1; i < block.txs.size(); ++i) {
    if (block.txs[i].is_coinbase()) return "bad-cb-multiple";
  }
  std::size_t sigops = 0;
  for (const Tx& tx : block.txs) {
    if (std::string reason = check_transaction(tx); !reason.empty()) return reason;
    sigops += std::size_t(tx_sigop_cost(tx));
  }
  if (sigops > kMaxBlockSigopsCost) return "bad-blk-sigops";
  return "";
}

// ContextualCheckBlockHeader against the parent.
std::string check_header_context(const Block& block, const Chain& chain, const ChainBlock& parent,
                                 const CheckOptions& options) {
  const core::BlockHeader& h = block.header;
  if (h.bits != kRegtestBits) return "bad-diffbits";
  if (h.time <= chain.median_time_past(parent.height)) return "time-too-old";
  if (std::int64_t(h.time) > options.now + kMaxFutureBlockTime) return "time-too-new";
  if (std::int32_t(h.version) < 4) {
    char reason[32];
    std::snprintf(reason, sizeof reason, "bad-version(0x%08x)", h.version);
    return reason;
  }
  return "";
}

// ContextualCheckBlock: BIP 34 height, witness commitment, weight.
std::string check_block_context(const Block& block, std::int64_t height) {
  const Tx& coinbase = block.txs[0];
  const core::Bytes expect = height_push(height);
  const core::Bytes& script_sig = coinbase.inputs[0].script_sig;
  if (script_sig.size() < expect.size() ||
      !std::equal(expect.begin(), expect.end(), script_sig.begin())) {
    return "bad-cb-height";
  }
  bool have_witness_commitment = false;
  if (const int pos = witness_commitment_index(coinbase); pos >= 0) {
    const std::vector<core::Bytes>& stack = coinbase.inputs[0].witness;
    if (stack.size() != 1 || stack[0].size() != 32) return "bad-witness-nonce-size";
    core::Hash256 reserved{};
    std::copy(stack[0].begin(), stack[0].end(), reserved.begin());
    const core::Bytes expected = witness_commitment_script(witness_merkle_root(block), reserved);
    const core::Bytes& script = coinbase.outputs[std::size_t(pos)].script_pubkey;
    if (!std::equal(expected.begin() + 6, expected.end(), script.begin() + 6)) {
      return "bad-witness-merkle-match";
    }
    have_witness_commitment = true;
  }
  if (!have_witness_commitment) {
    for (const Tx& tx : block.txs) {
      if (tx.has_witness()) return "unexpected-witness";
    }
  }
  if (block_weight(block) > kMaxBlockWeight) return "bad-blk-weight";
  return "";
}

// What ConnectBlock would find: every transaction known, parents first, the coinbase amount.
std::string check_against_mempool(const Block& block, const Mempool& mempool, std::int64_t height,
                                  std::int64_t& fees) {
  std::set<core::Hash256> in_block;
  for (const Tx& tx : block.txs)
    in_block.insert(txid(tx));
  std::set<core::Hash256> seen;
  fees = 0;
  for (std::size_t i = 1; i < block.txs.size(); ++i) {
    const MempoolTx* entry = mempool.find_wtxid(wtxid(block.txs[i]));
    if (entry == nullptr) return "bad-txns-unknown";
    for (const core::Hash256& parent : mempool.parents_of(*entry)) {
      if (seen.count(parent) != 0) continue;
      return in_block.count(parent) != 0 ? "bad-txns-order" : "bad-txns-inputs-missingorspent";
    }
    seen.insert(entry->txid);
    fees += entry->fee;
  }
  std::int64_t paid = 0;
  for (const TxOut& out : block.txs[0].outputs)
    paid += out.value;
  if (paid > block_subsidy(height) + fees) return "bad-cb-amount";
  return "";
}

}  // namespace

core::Hash256 witness_merkle_root(const Block& block) {
  std::vector<core::Hash256> leaves;
  leaves.push_back(core::Hash256{});
  for (std::size_t i = 1; i < block.txs.size(); ++i)
    leaves.push_back(wtxid(block.txs[i]));
  return core::merkle_root(leaves);
}

core::Bytes witness_commitment_script(const core::Hash256& witness_root,
                                      const core::Hash256& reserved) {
  core::Bytes joined(witness_root.begin(), witness_root.end());
  joined.insert(joined.end(), reserved.begin(), reserved.end());
  const core::Hash256 commitment = core::sha256d(joined);
  // Sized once, then filled: GCC 12 at -O3 misreads a growing insert here (-Warray-bounds).
  const std::size_t prefix = std::size(kCommitmentPrefix);
  core::Bytes script(prefix + commitment.size());
  std::copy(std::begin(kCommitmentPrefix), std::end(kCommitmentPrefix), script.begin());
  std::copy(commitment.begin(), commitment.end(), script.begin() + std::ptrdiff_t(prefix));
  return script;
}

int witness_commitment_index(const Tx& coinbase) {
  int index = -1;
  for (std::size_t i = 0; i < coinbase.outputs.size(); ++i) {
    const core::Bytes& s = coinbase.outputs[i].script_pubkey;
    if (s.size() >= 38 &&
        std::equal(std::begin(kCommitmentPrefix), std::end(kCommitmentPrefix), s.begin())) {
      index = int(i);
    }
  }
  return index;
}

CheckResult check_block(const Block& block, const Chain& chain, const Mempool& mempool,
                        const CheckOptions& options) {
  CheckResult result;
  result.reason = check_context_free(block, options);
  if (!result.ok()) return result;
  const ChainBlock* parent = chain.find(block.header.prev_hash);
  if (parent == nullptr) {
    result.reason = "bad-prevblk";
    return result;
  }
  result.height = parent->height + 1;
  result.reason = check_header_context(block, chain, *parent, options);
  if (!result.ok()) return result;
  result.reason = check_block_context(block, result.height);
  if (!result.ok()) return result;
  if (parent->hash != chain.tip().hash) {
    result.reason = "inconclusive";
    return result;
  }
  result.reason = check_against_mempool(block, mempool, result.height, result.fees);
  return result;
}

}  // namespace hashrig::testnode
