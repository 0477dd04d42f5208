// The kernel benchmark: its checksum depends only on the work hashed, and a kernel that reports
// wrong hits shows up as errors.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bench/bench_unit.h"
#include "bench/kernel_bench.h"
#include "kernels/cpu/kernel_registry.h"

namespace {

using hashrig::bench::KernelBenchOptions;
using hashrig::bench::run_kernel_bench;
using hashrig::kernels::cpu::HitSink;
using hashrig::kernels::cpu::KernelInfo;
using hashrig::kernels::cpu::KernelRegistry;
using hashrig::kernels::cpu::ScanInput;

TEST(KernelBench, ChecksumIsTheSameForEveryKernelAndThreadCount) {
  const KernelRegistry registry = KernelRegistry::detect();
  std::set<std::string> checksums;
  int runs = 0;
  for (const KernelInfo& k : registry.kernels()) {
    if (!registry.usable(k.name)) continue;
    for (unsigned threads : {1u, 3u}) {  // all units on one thread; one unit per thread
      const auto r = run_kernel_bench(k, KernelBenchOptions{threads, 0, 3});
      EXPECT_EQ(r.units, 3u);
      EXPECT_EQ(r.hashes, 3u * hashrig::bench::kUnitNonces);
      EXPECT_EQ(r.errors, 0u) << k.name;
      EXPECT_GT(r.hits, 0u);
      checksums.insert(r.checksum);
      ++runs;
    }
  }
  ASSERT_GE(runs, 3);  // scalar is always usable
  EXPECT_EQ(checksums.size(), 1u);
  // A different amount of work gives a different checksum.
  const auto four = run_kernel_bench(*registry.usable("scalar"), KernelBenchOptions{1, 0, 4});
  EXPECT_NE(four.checksum, *checksums.begin());
}

// Reports every nonce as a hit: all but the real ones are errors.
std::uint32_t everything_hits(const ScanInput&, std::uint32_t first, std::uint32_t count,
                              HitSink& sink) {
  const std::uint32_t n = std::min(count, sink.capacity - sink.count);
  for (std::uint32_t i = 0; i < n; ++i)
    sink.nonces[sink.count++] = first + i;
  return n;
}

TEST(KernelBench, WrongHitsAreCountedAsErrors) {
  KernelInfo broken{"broken", true, hashrig::kernels::cpu::SelfTest::pass, {}, &everything_hits};
  const auto r = run_kernel_bench(broken, KernelBenchOptions{1, 0, 1});
  EXPECT_GT(r.errors, hashrig::bench::kUnitNonces / 2);
  EXPECT_EQ(r.errors + r.hits, hashrig::bench::kUnitNonces);
}

}  // namespace
