// Targets: a hash meets a target when hash <= target as 256-bit numbers.
// From/to the header's compact nBits, and from/to pool difficulty (diff1 = 0xffff << 208).
#pragma once

#include <cstdint>

#include "core/uint256.h"

namespace hashrig::core {

// The difficulty-1 target, 0x00000000ffff0000...0000.
Uint256 diff1_target();

struct CompactDecode {
  Uint256 target;
  bool negative = false;  // sign bit set with a non-zero mantissa
  bool overflow = false;  // does not fit in 256 bits
};

// Decodes nBits the way Bitcoin Core's arith_uint256::SetCompact does.
CompactDecode decode_compact(std::uint32_t nbits);
// Decodes nBits; throws ParseError when it is negative, overflows or is zero.
Uint256 target_from_compact(std::uint32_t nbits);
// Encodes a target as nBits (as Bitcoin Core's GetCompact, never negative).
std::uint32_t compact_from_target(const Uint256& target);

// Share target for a pool difficulty: diff1 / difficulty. Difficulties below 1 are allowed
// (targets above diff1, clamped to 2^256-1). Throws ParseError unless difficulty is finite > 0.
Uint256 target_from_difficulty(double difficulty);
// diff1 / value: the difficulty of a target, or the achieved difficulty of a hash.
// A zero value gives +infinity.
double difficulty_from_target(const Uint256& value);

}  // namespace hashrig::core
