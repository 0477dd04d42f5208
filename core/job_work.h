// From a Job to the 80-byte headers devices hash: the coinbase for an extranonce2, its merkle
// root, the header for a merkle root / version / ntime, and BIP 310 version rolling.
#pragma once

#include <cstdint>
#include <span>

#include "core/header.h"
#include "core/job.h"

namespace hashrig::core {

// coinb1 + extranonce1 + extranonce2 + coinb2. Throws std::invalid_argument when extranonce2 is
// not job.extranonce2_size bytes.
Bytes build_coinbase(const Job& job, std::span<const std::uint8_t> extranonce2);

// The merkle root of the job's block with this extranonce2 (the coinbase txid folded with the
// job's branch).
Hash256 job_merkle_root(const Job& job, std::span<const std::uint8_t> extranonce2);

// The header with nonce 0.
HeaderBytes build_header(const Job& job, const Hash256& merkle_root, std::uint32_t version,
                         std::uint32_t ntime);

// The extranonce2 for counter value `n`: n as a big-endian number in extranonce2_size bytes
// (the low bytes of n; what does not fit is dropped).
Bytes extranonce2_for(const Job& job, std::uint64_t n);

// How many distinct versions rolling allows: 2^popcount(mask).
std::uint64_t version_count(std::uint32_t mask);
// The version with the mask's bits set to `index` (bits of index deposited into the mask's bit
// positions, lowest first); bits outside the mask are those of `base`.
std::uint32_t rolled_version(std::uint32_t base, std::uint32_t mask, std::uint64_t index);

}  // namespace hashrig::core
