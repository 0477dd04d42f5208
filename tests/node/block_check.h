// Validation of a submitted block against the node's chain and mempool, done for real and in
// Bitcoin Core's order (CheckBlock, then the contextual header checks, ContextualCheckBlock, then
// what ConnectBlock would find), answering with Core's reject reasons:
//   high-hash, bad-txnmrklroot, bad-txns-duplicate, bad-blk-length, bad-cb-missing,
//   bad-cb-multiple, bad-cb-length, bad-txns-vin-empty, bad-txns-vout-empty,
//   bad-txns-vout-negative, bad-txns-vout-toolarge, bad-txns-txouttotal-toolarge,
//   bad-txns-prevout-null, bad-blk-sigops,
//   bad-prevblk (the parent is unknown; Core itself answers "prev-blk-not-found" there),
//   bad-diffbits, time-too-old, time-too-new, bad-version(0x........),
//   bad-cb-height, bad-witness-nonce-size, bad-witness-merkle-match, unexpected-witness,
//   bad-blk-weight,
//   bad-txns-unknown (a non-coinbase transaction the mempool does not hold),
//   bad-txns-order (a transaction before a parent it spends from),
//   bad-txns-inputs-missingorspent (a mempool parent missing from the block),
//   bad-cb-amount.
// A block whose parent is a known block other than the tip gets every check that needs no
// mempool, relative to that parent, and then "inconclusive" when it passes (Core stores such a
// side-branch block without connecting it); it is never connected.
// "duplicate" (the block is already in the chain) is the caller's check, made before this one.
#pragma once

#include <cstdint>
#include <string>

#include "tests/node/block_codec.h"
#include "tests/node/chain_state.h"

namespace hashrig::testnode {

struct CheckOptions {
  std::int64_t now = 0;   // unix seconds, for time-too-new
  bool check_pow = true;  // false for getblocktemplate proposals
};

struct CheckResult {
  std::string reason;  // "" when the block can be connected, "inconclusive", or a reject reason
  std::int64_t fees = 0;
  std::int64_t height = 0;  // the height the block would have
  bool ok() const { return reason.empty(); }
};

CheckResult check_block(const Block& block, const Chain& chain, const Mempool& mempool,
                        const CheckOptions& options);

// The witness merkle root over the block's wtxids with the coinbase as 32 zero bytes, and the
// commitment output script: 6a24aa21a9ed + sha256d(root || reserved).
core::Hash256 witness_merkle_root(const Block& block);
core::Bytes witness_commitment_script(const core::Hash256& witness_root,
                                      const core::Hash256& reserved);
// Index of the last coinbase output whose script starts with 6a24aa21a9ed (and is >= 38 bytes).
int witness_commitment_index(const Tx& coinbase);

}  // namespace hashrig::testnode
