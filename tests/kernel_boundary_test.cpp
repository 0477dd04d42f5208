// Every CPU kernel at the edges: a hash exactly equal to the target, targets of every shape
// (top word non-zero, difficulty 1, regtest, mainnet), every count 0..64 at unaligned starts,
// ranges that end at 2^32, and a HitBuffer that fills up mid-scan.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/target.h"
#include "core/uint256.h"
#include "core/work.h"
#include "kernel_test_support.h"
#include "mainnet_headers.h"

namespace hashrig::test {
namespace {

using core::Uint256;
using core::Work;

constexpr std::uint64_t kTwo32 = std::uint64_t(1) << 32;

Work random_work(std::mt19937_64& rng, const Uint256& target) {
  Work w;
  for (auto& b : w.header)
    b = std::uint8_t(rng());
  w.target = target;
  return w;
}

std::vector<std::uint32_t> every_nonce(std::uint32_t first, std::uint32_t count) {
  std::vector<std::uint32_t> out(count);
  std::iota(out.begin(), out.end(), first);
  return out;
}

bool contains(const std::vector<std::uint32_t>& v, std::uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class KernelBoundary : public KernelTest {};

TEST_P(KernelBoundary, HashEqualToTargetIsReportedAndOneBelowIsNot) {
  // Each nonce of a 96-nonce range in turn (every lane of every kernel) is put on the boundary.
  std::mt19937_64 rng(101);
  Work work = random_work(rng, Uint256());
  const std::uint32_t first = 0x12345677, count = 96;
  const auto hashes = reference_hashes(work.header, first, count);
  for (std::uint32_t j = 0; j < count; ++j) {
    work.target = hashes[j];
    auto got = scan(work, first, count);
    ASSERT_TRUE(contains(got, first + j)) << "hash == target not reported, nonce " << first + j;
    ASSERT_EQ(got, hits_below(hashes, first, work.target)) << "target = hash of " << first + j;

    work.target = minus_one(hashes[j]);
    got = scan(work, first, count);
    ASSERT_FALSE(contains(got, first + j)) << "hash == target + 1 reported, nonce " << first + j;
    ASSERT_EQ(got, hits_below(hashes, first, work.target))
        << "target = hash of " << first + j << " - 1";
  }
}

TEST_P(KernelBoundary, SmallestHashInARangeIsTheOnlyHitAtItsOwnValue) {
  // Tiny targets: only the best nonce qualifies, decided in the low words of the hash.
  std::mt19937_64 rng(202);
  for (int round = 0; round < 40; ++round) {
    Work work = random_work(rng, Uint256());
    const std::uint32_t first = std::uint32_t(rng()) & ~0xffu, count = 64 + round % 7;
    const auto hashes = reference_hashes(work.header, first, count);
    const auto best = std::min_element(hashes.begin(), hashes.end());
    const std::uint32_t best_nonce = first + std::uint32_t(best - hashes.begin());
    work.target = *best;
    ASSERT_EQ(scan(work, first, count), std::vector<std::uint32_t>{best_nonce}) << round;
    work.target = minus_one(*best);
    ASSERT_EQ(scan(work, first, count), std::vector<std::uint32_t>{}) << round;
  }
}

TEST_P(KernelBoundary, ZeroTargetReportsNothing) {
  std::mt19937_64 rng(303);
  const Work work = random_work(rng, Uint256());
  EXPECT_EQ(scan(work, 1000, 500), std::vector<std::uint32_t>{});
}

TEST_P(KernelBoundary, TargetsWithANonZeroTopWord) {
  std::mt19937_64 rng(404);
  Work work = random_work(rng, Uint256());
  const std::uint32_t first = 0x7ffffc01, count = 2048;  // crosses 2^31 too
  const auto hashes = reference_hashes(work.header, first, count);
  const char* targets[] = {
      "8000000000000000000000000000000000000000000000000000000000000000",  // half
      "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      "0fffffff00000000000000000000000000000000000000000000000000000000",
      "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff",
      "0000000100000000000000000000000000000000000000000000000000000000",
      "fffffffe00000000000000000000000000000000000000000000000000000000",
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  };
  for (const char* t : targets) {
    work.target = Uint256::from_hex(t);
    const auto expected = hits_below(hashes, first, work.target);
    EXPECT_EQ(scan(work, first, count), expected) << "target " << t;
  }
  // The mix: the all-ones target takes everything, the half target about half.
  work.target = Uint256::from_hex(targets[0]);
  const std::size_t half = hits_below(hashes, first, work.target).size();
  EXPECT_GT(half, count * 2 / 5);
  EXPECT_LT(half, count * 3 / 5);
}

TEST_P(KernelBoundary, DifficultyOneTargetFindsTheEarlyMainnetBlocks) {
  // Genesis and blocks 1 and 2 (nBits 0x1d00ffff): in 600 nonces around each, only its nonce.
  for (const MainnetBlock& b : kMainnet) {
    if (b.bits != 0x1d00ffff) continue;
    Work work;
    work.header = header_from_hex(b.header_hex);
    work.target = core::target_from_difficulty(1.0);
    const std::uint32_t first = b.nonce - 300;
    ASSERT_EQ(reference_hits(work, first, 600), std::vector<std::uint32_t>{b.nonce}) << b.height;
    EXPECT_EQ(scan(work, first, 600), std::vector<std::uint32_t>{b.nonce}) << "height " << b.height;
  }
}

TEST_P(KernelBoundary, MainnetTargetsFindOnlyTheBlocksNonce) {
  // Every real header at its own nBits target, 1400 nonces around the real nonce (top target
  // word 0 for all of them: every candidate goes through the exact compare).
  for (const MainnetBlock& b : kMainnet) {
    Work work;
    work.header = header_from_hex(b.header_hex);
    work.target = core::target_from_compact(b.bits);
    const std::uint32_t first = b.nonce >= 700 ? b.nonce - 700 : 0;
    const std::uint32_t count = std::uint32_t(std::min<std::uint64_t>(1400, kTwo32 - first));
    ASSERT_EQ(reference_hits(work, first, count), std::vector<std::uint32_t>{b.nonce}) << b.height;
    EXPECT_EQ(scan(work, first, count), std::vector<std::uint32_t>{b.nonce})
        << "height " << b.height << " (" << b.source << ")";
  }
}

TEST_P(KernelBoundary, GenesisHashAsTheTargetIsTheExactBoundary) {
  const MainnetBlock& g = kMainnet[0];
  Work work;
  work.header = header_from_hex(g.header_hex);
  work.target = Uint256::from_hex(g.hash_display);
  EXPECT_EQ(scan(work, g.nonce - 40, 81), std::vector<std::uint32_t>{g.nonce});
  work.target = minus_one(work.target);
  EXPECT_EQ(scan(work, g.nonce - 40, 81), std::vector<std::uint32_t>{});
  work.target = plus_one(Uint256::from_hex(g.hash_display));
  EXPECT_EQ(scan(work, g.nonce - 40, 81), std::vector<std::uint32_t>{g.nonce});
}

TEST_P(KernelBoundary, RegtestTargetHitsAboutHalfOfTheNonces) {
  // Blocks a bcoin regtest node accepted (nBits 0x207fffff): 1500 nonces from 0, which fills
  // the HitBuffer more than once.
  const auto chain = load_gbt_fixture("chain-bcoin-regtest.json");
  ASSERT_TRUE(chain.contains("blocks"));
  for (int height : {1, 64, 128}) {
    const auto& block = chain["blocks"][std::size_t(height - 1)];
    Work work;
    work.header = header_from_hex(block["hex"].get<std::string>().substr(0, 160));
    work.target = core::target_from_compact(0x207fffff);
    const std::uint32_t nonce = core::BlockHeader::decode(work.header).nonce;
    const std::uint32_t first = nonce > 700 ? nonce - 700 : 0;
    const auto expected = reference_hits(work, first, 1500);
    EXPECT_GT(expected.size(), 600u);
    EXPECT_LT(expected.size(), 900u);
    ASSERT_TRUE(contains(expected, nonce));
    EXPECT_EQ(scan(work, first, 1500), expected) << "regtest height " << height;
  }
}

TEST_P(KernelBoundary, EveryCountUpTo64AtUnalignedStarts) {
  std::mt19937_64 rng(505);
  Work work = random_work(rng, Uint256());
  const Uint256 half = Uint256::max() >> 1;
  for (std::uint32_t count = 0; count <= 64; ++count) {
    const std::uint32_t starts[] = {0, 0x40000000u + count % 37, 0x9e3779b9u + count,
                                    std::uint32_t(rng())};
    for (std::uint32_t first : starts) {
      work.target = half;
      ASSERT_EQ(scan(work, first, count), reference_hits(work, first, count))
          << "count " << count << " from " << first;
      work.target = Uint256::max();  // every nonce hits: exactly the range, nothing beyond
      ASSERT_EQ(scan(work, first, count), every_nonce(first, count))
          << "count " << count << " from " << first;
    }
  }
}

TEST_P(KernelBoundary, ZeroCountScansNothing) {
  std::mt19937_64 rng(606);
  const Work work = random_work(rng, Uint256::max());
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  core::HitBuffer hits;
  EXPECT_EQ(kernels::cpu::scan(m_fn, in, 12345, 0, hits), 0u);
  EXPECT_TRUE(hits.empty());
  kernels::cpu::HitSink sink{hits.data(), core::HitBuffer::kCapacity, 0};
  EXPECT_EQ(m_fn(in, 12345, 0, sink), 0u);
  EXPECT_EQ(sink.count, 0u);
}

TEST_P(KernelBoundary, RangesEndingAtOrJustBelowTwoToThe32NeverWrap) {
  std::mt19937_64 rng(707);
  Work work = random_work(rng, Uint256());
  for (std::uint32_t count = 1; count <= 64; ++count) {
    for (std::uint32_t gap : {0u, 3u, 17u}) {  // the range ends `gap` below 2^32
      const std::uint32_t first = std::uint32_t(kTwo32 - count - gap);
      work.target = Uint256::max();
      ASSERT_EQ(scan(work, first, count), every_nonce(first, count))
          << "count " << count << " from " << first;
      work.target = Uint256::max() >> 1;
      ASSERT_EQ(scan(work, first, count), reference_hits(work, first, count))
          << "count " << count << " from " << first;
    }
  }
  // Longer ranges up to the very last nonce, through the HitBuffer's refills.
  for (std::uint32_t count : {100u, 513u, 1000u}) {
    const std::uint32_t first = std::uint32_t(kTwo32 - count);
    work.target = Uint256::max();
    ASSERT_EQ(scan(work, first, count), every_nonce(first, count)) << "count " << count;
  }
  // The raw kernel on the last nonce alone.
  work.target = Uint256::max();
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  core::HitBuffer hits;
  kernels::cpu::HitSink sink{hits.data(), core::HitBuffer::kCapacity, 0};
  EXPECT_EQ(m_fn(in, 0xffffffffu, 1, sink), 1u);
  ASSERT_EQ(sink.count, 1u);
  EXPECT_EQ(hits.data()[0], 0xffffffffu);
}

TEST_P(KernelBoundary, FullHitBufferReturnsEarlyAndResumingGivesTheReference) {
  std::mt19937_64 rng(808);
  Work work = random_work(rng, Uint256::max() >> 1);
  const std::uint32_t first = 0xfedcba98u, count = 5000;
  const auto hashes = reference_hashes(work.header, first, count);
  const auto expected = hits_below(hashes, first, work.target);
  ASSERT_GT(expected.size(), 2 * std::size_t(core::HitBuffer::kCapacity));

  // The first call stops early with a nearly full buffer holding exactly the hits of the part
  // it says it scanned.
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  core::HitBuffer hits;
  const std::uint64_t n = kernels::cpu::scan(m_fn, in, first, count, hits);
  EXPECT_LT(n, count);
  EXPECT_GT(n, 0u);
  EXPECT_LE(hits.size(), core::HitBuffer::kCapacity);
  EXPECT_GE(hits.size(), core::HitBuffer::kCapacity / 2);
  std::vector<std::uint32_t> part(hits.begin(), hits.end());
  std::sort(part.begin(), part.end());
  EXPECT_EQ(part,
            hits_below(std::vector<Uint256>(hashes.begin(), hashes.begin() + std::ptrdiff_t(n)),
                       first, work.target));

  // Draining and resuming from first + returned gives the whole reference list.
  int calls = 0;
  EXPECT_EQ(scan_all(m_fn, work, first, count, &calls), expected);
  EXPECT_GE(calls, int(expected.size() / core::HitBuffer::kCapacity) + 1);

  // Every nonce a hit: the buffer fills after at most 512 nonces per call.
  work.target = Uint256::max();
  calls = 0;
  EXPECT_EQ(scan_all(m_fn, work, 77, 2000, &calls), every_nonce(77, 2000));
  EXPECT_GE(calls, 4);
}

TEST_P(KernelBoundary, HitsAlreadyInTheBufferAreKept) {
  std::mt19937_64 rng(909);
  const Work work = random_work(rng, Uint256::max());
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  for (std::uint32_t already : {0u, 100u, 500u, 511u, 512u}) {
    core::HitBuffer hits;
    for (std::uint32_t i = 0; i < already; ++i)
      hits.data()[i] = 0xdead0000u + i;
    hits.set_size(already);
    const std::uint64_t n = kernels::cpu::scan(m_fn, in, 1000, 100, hits);
    // Every nonce hits, so the buffer grows by exactly what was scanned and never overflows.
    EXPECT_LE(n, std::uint64_t(core::HitBuffer::kCapacity - already)) << already;
    ASSERT_EQ(hits.size(), already + n) << already;
    for (std::uint32_t i = 0; i < already; ++i) {
      ASSERT_EQ(hits[i], 0xdead0000u + i) << "entry " << i << " overwritten";
    }
    for (std::uint32_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[already + i], 1000 + i) << already;
    if (already <= 100) {
      EXPECT_EQ(n, 100u) << "room for all 100 hits: " << already;
    }
  }
}

TEST_P(KernelBoundary, RawKernelNeverWritesPastTheSinksCapacity) {
  // The raw kernel on a bare sink with guard words after its capacity; every nonce is a hit,
  // so whatever it scanned it must have stored, and nothing beyond the room it was given.
  std::mt19937_64 rng(1010);
  const Work work = random_work(rng, Uint256::max());
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  constexpr std::uint32_t kGuard = 0x6a6a6a6au;
  for (std::uint32_t capacity : {0u, 1u, 2u, 3u, 5u, 8u, 15u, 16u, 17u, 31u, 32u, 33u, 100u}) {
    for (std::uint32_t already : {0u, 1u, 7u}) {
      if (already > capacity) continue;
      std::vector<std::uint32_t> storage(capacity + 256, kGuard);
      kernels::cpu::HitSink sink{storage.data(), capacity, already};
      const std::uint32_t first = 4000 + capacity;
      const std::uint32_t n = m_fn(in, first, 1000, sink);
      EXPECT_LT(n, 1000u) << "capacity " << capacity;
      ASSERT_LE(sink.count, capacity) << "capacity " << capacity << ", " << already << " already";
      EXPECT_EQ(sink.count, already + n) << "capacity " << capacity;
      for (std::uint32_t i = 0; i < already; ++i)
        EXPECT_EQ(storage[i], kGuard) << i;
      for (std::uint32_t i = 0; i < n; ++i)
        EXPECT_EQ(storage[already + i], first + i) << i;
      for (std::size_t i = capacity; i < storage.size(); ++i) {
        ASSERT_EQ(storage[i], kGuard) << "written past the capacity " << capacity << " at " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cpu, KernelBoundary,
                         ::testing::ValuesIn(kernels::cpu::KernelRegistry::names()),
                         kernel_param_name);

}  // namespace
}  // namespace hashrig::test
