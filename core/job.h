// Job: one unit of mining work from a source (a Stratum pool or a node's block template), in the
// one shape the scheduler understands. Sources build it at their edge and validate() it; the
// inside of the program never sees raw protocol data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/sha256.h"
#include "core/uint256.h"

namespace hashrig::core {

// Version bits a miner may never roll: BIP 320 leaves bits 13..28 to miners; the top three bits
// select the version-bits scheme itself.
inline constexpr std::uint32_t kVersionTopBits = 0xe0000000u;
inline constexpr std::uint32_t kMaxExtranonce1Size = 32;
inline constexpr std::uint32_t kMaxExtranonce2Size = 32;

struct Job {
  std::string job_id;                // opaque: returned to the source as given
  std::string source_id;             // which pool or node issued it
  std::uint64_t source_session = 0;  // which connection of that source: jobs outlive no session
  std::uint32_t version = 0;
  std::uint32_t version_mask = 0;  // bits the miner may change (BIP 310); 0 = no rolling
  Hash256 prev_hash{};             // header (internal) byte order
  Bytes coinbase_prefix;           // coinb1
  Bytes extranonce1;
  std::uint32_t extranonce2_size = 0;
  Bytes coinbase_suffix;  // coinb2
  std::vector<Hash256> merkle_branch;
  std::uint32_t nbits = 0;
  std::uint32_t ntime = 0;
  std::uint32_t ntime_roll = 0;  // seconds the miner may add to ntime; 0 = fixed
  Uint256 share_target;          // what the source accepts as a share
  Uint256 network_target;        // what makes a block (from nbits)
  bool clean = false;            // replaces every earlier job (new block)
};

// Throws ParseError naming the field and value when the job cannot be mined correctly:
// extranonce2_size outside 1..32, extranonce1 longer than 32 bytes, a version mask touching the
// top three version bits, an empty job id, a zero share or network target, empty coinbase parts.
void validate(const Job& job);

}  // namespace hashrig::core
