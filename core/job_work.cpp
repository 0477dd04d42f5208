#include "core/job_work.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "core/merkle.h"

namespace hashrig::core {

Bytes build_coinbase(const Job& job, std::span<const std::uint8_t> extranonce2) {
  if (extranonce2.size() != job.extranonce2_size) {
    throw std::invalid_argument("extranonce2: " + std::to_string(extranonce2.size()) +
                                " bytes, the job wants " + std::to_string(job.extranonce2_size));
  }
  Bytes coinbase;
  coinbase.reserve(job.coinbase_prefix.size() + job.extranonce1.size() + extranonce2.size() +
                   job.coinbase_suffix.size());
  coinbase.insert(coinbase.end(), job.coinbase_prefix.begin(), job.coinbase_prefix.end());
  coinbase.insert(coinbase.end(), job.extranonce1.begin(), job.extranonce1.end());
  coinbase.insert(coinbase.end(), extranonce2.begin(), extranonce2.end());
  coinbase.insert(coinbase.end(), job.coinbase_suffix.begin(), job.coinbase_suffix.end());
  return coinbase;
}

Hash256 job_merkle_root(const Job& job, std::span<const std::uint8_t> extranonce2) {
  return merkle_root_from_branch(sha256d(build_coinbase(job, extranonce2)), job.merkle_branch);
}

HeaderBytes build_header(const Job& job, const Hash256& merkle_root, std::uint32_t version,
                         std::uint32_t ntime) {
  BlockHeader h;
  h.version = version;
  h.prev_hash = job.prev_hash;
  h.merkle_root = merkle_root;
  h.time = ntime;
  h.bits = job.nbits;
  h.nonce = 0;
  return h.encode();
}

Bytes extranonce2_for(const Job& job, std::uint64_t n) {
  Bytes out(job.extranonce2_size, 0);
  for (std::size_t i = 0; i < out.size() && i < 8; ++i) {
    out[out.size() - 1 - i] = std::uint8_t(n >> (8 * i));
  }
  return out;
}

std::uint64_t version_count(std::uint32_t mask) {
  return std::uint64_t(1) << std::popcount(mask);
}

std::uint32_t rolled_version(std::uint32_t base, std::uint32_t mask, std::uint64_t index) {
  std::uint32_t bits = 0;
  for (std::uint32_t m = mask; m != 0 && index != 0; m &= m - 1, index >>= 1) {
    if (index & 1) bits |= m & -m;  // lowest remaining mask bit
  }
  return (base & ~mask) | bits;
}

}  // namespace hashrig::core
