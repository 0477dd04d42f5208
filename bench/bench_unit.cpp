#include "bench/bench_unit.h"

#include <array>

#include "core/bytes.h"
#include "core/header.h"
#include "core/sha256.h"
#include "kernels/cpu/kernel_registry.h"

namespace hashrig::bench {

core::Work unit_work(std::uint64_t unit) {
  std::array<std::uint8_t, 8> encoded{};
  for (std::size_t i = 0; i < encoded.size(); ++i)
    encoded[i] = std::uint8_t(unit >> (8 * i));

  core::BlockHeader header;  // the genesis block's fields, with a per-unit merkle root
  header.version = 1;
  header.merkle_root = core::sha256(encoded);
  header.time = 1231006505;
  header.bits = 0x1d00ffff;

  core::Work work;
  work.header = header.encode();
  work.target = core::Uint256::max() >> 16;
  return work;
}

UnitResult run_unit(kernels::cpu::RawScanFn fn, std::uint64_t unit) {
  const core::Work work = unit_work(unit);
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  UnitResult r;
  core::HitBuffer hits;
  while (r.hashes < kUnitNonces) {
    hits.clear();
    const std::uint64_t n =
        kernels::cpu::scan(fn, in, std::uint32_t(r.hashes), kUnitNonces - r.hashes, hits);
    r.hashes += n;
    for (const std::uint32_t nonce : hits) {
      const core::Hash256 hash = core::header_hash_with_nonce(work.header, nonce);
      if (core::hash_value(hash) <= work.target) {
        ++r.hits;
        r.checksum += core::read_le32(hash.data()) | std::uint64_t(core::read_le32(hash.data() + 4))
                                                         << 32;
      } else {
        ++r.errors;
      }
    }
    if (n == 0) {  // would loop forever
      ++r.errors;
      break;
    }
  }
  return r;
}

void accumulate(UnitResult& a, const UnitResult& b) {
  a.hashes += b.hashes;
  a.hits += b.hits;
  a.errors += b.errors;
  a.checksum += b.checksum;
}

}  // namespace hashrig::bench
