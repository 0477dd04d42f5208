// Made-up chain activity: structurally valid transactions for the mempool (fake inputs, a mix of
// legacy P2PKH-style and segwit P2WPKH-style spends, some spending an earlier one so the
// template has depends), and blocks mined by "another miner" (generate): the coinbase pays the
// subsidy to OP_TRUE and commits to an empty witness tree, the nonce is ground on the CPU.
#pragma once

#include <cstdint>
#include <optional>
#include <random>

#include "tests/node/block_codec.h"
#include "tests/node/chain_state.h"

namespace hashrig::testnode {

// One synthetic transaction. With `parent`, its first input spends parent:0, so it depends on
// it. `segwit` chooses witness data (txid != wtxid) over a scriptSig. Output values are small.
Tx synth_transaction(std::mt19937_64& rng, bool segwit, const std::optional<core::Hash256>& parent);

// An empty block on the chain's tip, paying block_subsidy() to OP_TRUE, with time
// max(mtp + 1, now) and a valid proof of work. `extranonce` makes sibling blocks differ.
Block mine_empty_block(const Chain& chain, std::int64_t now, std::uint64_t extranonce);

}  // namespace hashrig::testnode
