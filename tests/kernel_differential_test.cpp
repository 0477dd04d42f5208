// Every CPU kernel against the reference sha256d on 10,000 random headers (fixed seed) with
// targets of every ease: the kernels are exact, so the hit lists must be equal, nonce for nonce.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/uint256.h"
#include "core/work.h"
#include "kernel_test_support.h"

namespace hashrig::test {
namespace {

using core::Uint256;

Uint256 random_u256(std::mt19937_64& rng) {
  Uint256 v;
  for (int i = 0; i < 8; ++i)
    v.set_word(i, std::uint32_t(rng()));
  return v;
}

// Chooses the target for one random header; `hashes` are the reference hashes of its range.
Uint256 pick_target(std::mt19937_64& rng, const std::vector<Uint256>& hashes, int* kind) {
  const std::size_t pick = std::size_t(rng() % hashes.size());
  *kind = int(rng() % 8);
  switch (*kind) {
    case 0:
    case 1:
    case 2:  // all ones below bit 256 - k: 1/2 .. 1/4096 of nonces hit
      return Uint256::max() >> unsigned(1 + rng() % 12);
    case 3:  // arbitrary words, same range of ease
      return random_u256(rng) >> unsigned(rng() % 13);
    case 4:  // exactly one of the hashes: that nonce is on the boundary and must be reported
      return hashes[pick];
    case 5:  // one below a hash: same top word, that nonce must not be reported
      return hashes[pick].is_zero() ? hashes[pick] : minus_one(hashes[pick]);
    case 6: {  // a hash's top word with random lower words: the exact compare decides
      Uint256 t = random_u256(rng);
      t.set_word(7, hashes[pick].word(7));
      return t;
    }
    default: {  // a top word strictly between 0 and 2^31: p = word7 / 2^32
      Uint256 t = random_u256(rng);
      t.set_word(7, 1 + std::uint32_t(rng() % 0x7fffffffu));
      return t;
    }
  }
}

class KernelDifferential : public KernelTest {};

TEST_P(KernelDifferential, TenThousandRandomHeadersMatchTheReference) {
  std::mt19937_64 rng(0x5eed0001);  // the same headers, targets and ranges on every run
  constexpr int kHeaders = 10'000;
  std::uint64_t nonces = 0, hits = 0, with_hits = 0, boundary_hits = 0;
  for (int n = 0; n < kHeaders; ++n) {
    core::Work work;
    for (auto& b : work.header)
      b = std::uint8_t(rng());
    // Mostly short ranges (every lane position and partial step), some of several steps.
    const std::uint32_t count =
        rng() % 5 == 0 ? 49 + std::uint32_t(rng() % 260) : 1 + std::uint32_t(rng() % 48);
    std::uint32_t first = std::uint32_t(rng());
    // Now and then the range ends exactly at 2^32 (lanes past it must not report).
    if (rng() % 50 == 0 || std::uint64_t(first) + count > (std::uint64_t(1) << 32)) {
      first = 0u - count;
    }
    const std::vector<Uint256> hashes = reference_hashes(work.header, first, count);
    int kind = 0;
    work.target = pick_target(rng, hashes, &kind);
    const std::vector<std::uint32_t> expected = hits_below(hashes, first, work.target);
    const std::vector<std::uint32_t> got = scan(work, first, count);
    ASSERT_EQ(got, expected) << "header " << n << " " << core::to_hex(work.header) << "\n  target "
                             << work.target.to_hex() << " (kind " << kind << ")\n  nonces ["
                             << first << ", " << first << " + " << count
                             << ")\n  kernel:    " << describe(got)
                             << "\n  reference: " << describe(expected);
    nonces += count;
    hits += expected.size();
    with_hits += expected.empty() ? 0 : 1;
    if (kind == 4) ++boundary_hits;
  }
  // The mix is what it claims to be (a guard against a generator change making this easy).
  EXPECT_GT(nonces, 400'000u);
  EXPECT_GT(hits, nonces / 20);
  EXPECT_GT(with_hits, std::uint64_t(kHeaders) / 2);
  EXPECT_GT(boundary_hits, std::uint64_t(kHeaders) / 16);
}

INSTANTIATE_TEST_SUITE_P(Cpu, KernelDifferential,
                         ::testing::ValuesIn(kernels::cpu::KernelRegistry::names()),
                         kernel_param_name);

}  // namespace
}  // namespace hashrig::test
