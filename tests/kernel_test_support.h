// Shared by the CPU kernel suites: one registry per process, a fixture parameterised by kernel
// name that forces that kernel (skipping it where the CPU lacks its instruction set), and a scan
// helper that drains the HitBuffer and checks every call's contract on the way.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/work.h"
#include "kernels/cpu/kernel_registry.h"
#include "test_support.h"

namespace hashrig::test {

inline const kernels::cpu::KernelRegistry& registry() {
  static const kernels::cpu::KernelRegistry r = kernels::cpu::KernelRegistry::detect();
  return r;
}

// Scans [first, first + count) of `work` with `fn` through kernels::cpu::scan(), starting again
// from first + returned whenever the HitBuffer fills up. Checks each call: it returns no more
// than asked, never overfills the buffer, reports only nonces inside the part it says it scanned,
// and makes progress when given an empty buffer. Returns every hit, sorted.
inline std::vector<std::uint32_t> scan_all(kernels::cpu::RawScanFn fn, const core::Work& work,
                                           std::uint32_t first, std::uint64_t count,
                                           int* calls = nullptr) {
  const kernels::cpu::ScanInput in = kernels::cpu::prepare(work);
  std::vector<std::uint32_t> out;
  std::uint64_t done = 0;
  int n_calls = 0;
  while (done < count) {
    core::HitBuffer hits;
    const std::uint32_t start = std::uint32_t(first + done);
    const std::uint64_t n = kernels::cpu::scan(fn, in, start, count - done, hits);
    ++n_calls;
    EXPECT_LE(n, count - done) << "scan() of " << count - done << " nonces from " << start;
    EXPECT_LE(hits.size(), core::HitBuffer::kCapacity);
    for (std::uint32_t h : hits) {
      EXPECT_LT(std::uint64_t(std::uint32_t(h - start)), n)
          << "nonce " << h << " reported outside the scanned range [" << start << ", " << start
          << " + " << n << ")";
    }
    out.insert(out.end(), hits.begin(), hits.end());
    if (n == 0) {
      ADD_FAILURE() << "scan() made no progress from " << start << " with an empty HitBuffer";
      break;
    }
    done += n;
  }
  if (calls) *calls = n_calls;
  std::sort(out.begin(), out.end());
  return out;
}

// A test per kernel name (scalar, avx2, avx512, shani); skipped where the CPU lacks the kernel.
// The kernel is forced: its raw function pointer from the registry, whatever "auto" would pick.
class KernelTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const kernels::cpu::KernelInfo* k = registry().find(GetParam());
    ASSERT_NE(k, nullptr) << "the registry has no kernel named '" << GetParam() << "'";
    if (!k->available) {
      GTEST_SKIP() << "CPU kernel '" << GetParam() << "' is not supported by this CPU";
    }
    ASSERT_NE(k->fn, nullptr) << GetParam();
    m_fn = k->fn;
  }

  std::vector<std::uint32_t> scan(const core::Work& work, std::uint32_t first,
                                  std::uint64_t count) const {
    return scan_all(m_fn, work, first, count);
  }

  kernels::cpu::RawScanFn m_fn = nullptr;
};

inline std::string kernel_param_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace hashrig::test
