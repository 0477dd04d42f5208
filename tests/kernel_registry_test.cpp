// The kernel registry (kernels/cpu/kernel_registry.h): detection agrees with CPUID, every
// available kernel passes its self-test, the self-test catches a broken kernel, --cpu-kernel
// resolution, and scan()'s chunking of large counts.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "kernel_test_support.h"
#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/kernel_registry.h"
#include "kernels/cpu/raw_kernels.h"
#include "mainnet_headers.h"

namespace hashrig::test {
namespace {

using kernels::cpu::HitSink;
using kernels::cpu::KernelInfo;
using kernels::cpu::KernelRegistry;
using kernels::cpu::ScanInput;
using kernels::cpu::SelfTest;

class KernelSelfTest : public KernelTest {};

TEST_P(KernelSelfTest, PassesItsSelfTest) {
  EXPECT_EQ(kernels::cpu::run_selftest(m_fn), "") << GetParam();
  const KernelInfo* k = registry().find(GetParam());
  EXPECT_EQ(k->selftest, SelfTest::pass) << k->selftest_detail;
  EXPECT_EQ(registry().usable(GetParam()), k);
  EXPECT_EQ(&registry().select(GetParam()), k);
}

INSTANTIATE_TEST_SUITE_P(Cpu, KernelSelfTest, ::testing::ValuesIn(KernelRegistry::names()),
                         kernel_param_name);

TEST(KernelRegistry, NamesAreTheFourKernelsInOrder) {
  EXPECT_EQ(KernelRegistry::names(),
            (std::vector<std::string>{"scalar", "avx2", "avx512", "shani"}));
  ASSERT_EQ(registry().kernels().size(), KernelRegistry::names().size());
  for (std::size_t i = 0; i < KernelRegistry::names().size(); ++i) {
    EXPECT_EQ(registry().kernels()[i].name, KernelRegistry::names()[i]);
    EXPECT_EQ(registry().find(KernelRegistry::names()[i]), &registry().kernels()[i]);
  }
}

TEST(KernelRegistry, AvailabilityFollowsTheCpuFeatures) {
  const kernels::cpu::CpuFeatures f = kernels::cpu::detect_cpu_features();
  EXPECT_TRUE(registry().find("scalar")->available);
  EXPECT_EQ(registry().find("avx2")->available, f.avx2);
  EXPECT_EQ(registry().find("avx512")->available, f.avx512);
  EXPECT_EQ(registry().find("shani")->available, f.shani);
  // AVX-512 is only claimed together with AVX2.
  if (f.avx512) {
    EXPECT_TRUE(f.avx2);
  }
  for (const KernelInfo& k : registry().kernels()) {
    if (!k.available) {
      EXPECT_EQ(k.selftest, SelfTest::unsupported) << k.name;
      EXPECT_EQ(registry().usable(k.name), nullptr) << k.name;
      try {
        (void)registry().select(k.name);
        ADD_FAILURE() << "select() accepted the unavailable kernel " << k.name;
      } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(k.name), std::string::npos) << e.what();
      }
    }
  }
}

TEST(KernelRegistry, SelectUnknownNameThrowsNamingIt) {
  try {
    (void)registry().select("nope");
    ADD_FAILURE() << "select(\"nope\") returned a kernel";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)registry().select(""), std::runtime_error);
  EXPECT_THROW((void)registry().select("AVX2"), std::runtime_error);  // names are exact
  EXPECT_EQ(registry().find("nope"), nullptr);
  EXPECT_EQ(registry().usable("nope"), nullptr);
}

TEST(KernelRegistry, AutoSelectsAUsableKernel) {
  const KernelInfo& k = registry().select("auto");
  EXPECT_EQ(registry().usable(k.name), &k) << k.name;
  EXPECT_TRUE(k.available);
  EXPECT_EQ(k.selftest, SelfTest::pass);
  EXPECT_EQ(registry().fastest(), &k);
  // Decided once: asking again gives the same kernel.
  EXPECT_EQ(&registry().select("auto"), &k);
  // And it hashes: the genesis block is found.
  core::Work genesis;
  genesis.header = header_from_hex(kMainnet[0].header_hex);
  genesis.target =
      core::Uint256::from_hex("00000000ffff0000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(scan_all(k.fn, genesis, 2083236893u - 10, 20), std::vector<std::uint32_t>{2083236893u});
}

// ---- the self-test catches broken kernels ---------------------------------------------------

std::uint32_t misses_everything(const ScanInput&, std::uint32_t, std::uint32_t count, HitSink&) {
  return count;
}

// The scalar kernel, but off by one nonce in what it reports.
std::uint32_t off_by_one(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                         HitSink& sink) {
  const std::uint32_t before = sink.count;
  const std::uint32_t n = kernels::cpu::scan_scalar(in, first, count, sink);
  for (std::uint32_t i = before; i < sink.count; ++i)
    ++sink.nonces[i];
  return n;
}

TEST(KernelSelfTestCatches, AKernelThatFindsNothing) {
  EXPECT_NE(kernels::cpu::run_selftest(&misses_everything), "");
}

// Breaks the contract: scans nothing although the HitBuffer is empty.
std::uint32_t makes_no_progress(const ScanInput&, std::uint32_t, std::uint32_t, HitSink&) {
  return 0;
}

TEST(KernelSelfTestCatches, AKernelThatMakesNoProgress) {
  // The self-test must report such a kernel, not wait for it forever: a watchdog thread gives
  // it 10 s (it needs milliseconds). On a timeout the thread is left spinning until exit.
  auto result = std::make_shared<std::promise<std::string>>();
  std::future<std::string> done = result->get_future();
  std::thread([result] {
    result->set_value(kernels::cpu::run_selftest(&makes_no_progress));
  }).detach();
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    FAIL() << "run_selftest() did not return within 10 s for a kernel that returns 0 "
              "(no progress) with an empty HitBuffer";
  }
  EXPECT_NE(done.get(), "");
}

TEST(KernelSelfTestCatches, AKernelOffByOneNonce) {
  EXPECT_NE(kernels::cpu::run_selftest(&off_by_one), "");
  EXPECT_EQ(kernels::cpu::run_selftest(&kernels::cpu::scan_scalar), "");
}

// ---- scan(): splitting the 64-bit count and stopping when the buffer is full --------------

struct Call {
  std::uint32_t first;
  std::uint32_t count;
};
std::vector<Call>& recorded_calls() {
  static std::vector<Call> calls;
  return calls;
}

std::uint32_t records_calls(const ScanInput&, std::uint32_t first, std::uint32_t count, HitSink&) {
  recorded_calls().push_back({first, count});
  return count;
}

std::uint32_t stops_after_1000(const ScanInput&, std::uint32_t first, std::uint32_t count,
                               HitSink&) {
  recorded_calls().push_back({first, count});
  return count < 1000 ? count : 1000;
}

TEST(ScanChunking, TheWholeNonceSpaceIsOneCallOfScan) {
  recorded_calls().clear();
  const ScanInput in{};
  core::HitBuffer hits;
  const std::uint64_t all = std::uint64_t(1) << 32;
  EXPECT_EQ(kernels::cpu::scan(&records_calls, in, 0, all, hits), all);
  // Split into kernel calls whose counts fit in 32 bits, covering [0, 2^32) exactly once.
  std::uint64_t next = 0;
  for (const Call& c : recorded_calls()) {
    EXPECT_EQ(c.first, std::uint32_t(next));
    EXPECT_GT(c.count, 0u);
    next += c.count;
  }
  EXPECT_EQ(next, all);
  EXPECT_GE(recorded_calls().size(), 2u);
}

TEST(ScanChunking, AnUnevenLargeRangeFromAnOffset) {
  recorded_calls().clear();
  const ScanInput in{};
  core::HitBuffer hits;
  const std::uint32_t first = 0x10000001u;
  const std::uint64_t count = (std::uint64_t(1) << 32) - first;
  EXPECT_EQ(kernels::cpu::scan(&records_calls, in, first, count, hits), count);
  std::uint64_t next = first;
  for (const Call& c : recorded_calls()) {
    EXPECT_EQ(c.first, std::uint32_t(next));
    next += c.count;
  }
  EXPECT_EQ(next, std::uint64_t(1) << 32);
}

TEST(ScanChunking, StopsAtTheFirstShortKernelCall) {
  recorded_calls().clear();
  const ScanInput in{};
  core::HitBuffer hits;
  EXPECT_EQ(kernels::cpu::scan(&stops_after_1000, in, 5, std::uint64_t(3) << 31, hits), 1000u);
  ASSERT_EQ(recorded_calls().size(), 1u);
  EXPECT_EQ(recorded_calls()[0].first, 5u);
}

}  // namespace
}  // namespace hashrig::test
