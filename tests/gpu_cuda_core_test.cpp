// The CUDA kernel's per-nonce math (kernels/cuda/sha256d_core.cuh), compiled for the host: it
// must give the reference's top word for real mainnet headers around their real nonces, for
// rolled versions and for random headers. Runs everywhere, with or without nvcc or a GPU.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>

#include "gpu_test_support.h"
#include "kernels/cuda/sha256d_core.cuh"

namespace hashrig {
namespace {

using kernels::gpu::reference_top;
using kernels::gpu::version_constants;

std::array<std::uint32_t, 24> constant_words(const core::HeaderBytes& header) {
  const kernels::gpu::VersionConstants c = version_constants(header);
  std::array<std::uint32_t, 24> words;
  static_assert(sizeof(c) == sizeof(words));
  std::memcpy(words.data(), &c, sizeof(words));
  return words;
}

std::uint32_t core_top(const core::HeaderBytes& header, std::uint32_t nonce) {
  return kernels::cuda::sha256d_top(constant_words(header).data(), nonce);
}

TEST(CudaCore, RealBlocksHashBelowOneInTwoTo32AtTheirNonce) {
  // Every mainnet block hash starts with at least 32 zero bits: its top word is 0.
  for (const test::MainnetBlock& b : test::kMainnet) {
    SCOPED_TRACE(b.height);
    const core::HeaderBytes header = test::mainnet_header(b);
    EXPECT_EQ(core_top(header, b.nonce), 0u);
    EXPECT_EQ(core_top(header, b.nonce), reference_top(header, b.nonce));
  }
}

TEST(CudaCore, MatchesTheReferenceAroundEveryRealNonce) {
  for (const test::MainnetBlock& b : test::kMainnet) {
    SCOPED_TRACE(b.height);
    const core::HeaderBytes header = test::mainnet_header(b);
    const std::array<std::uint32_t, 24> vc = constant_words(header);
    int mismatches = 0;
    for (std::uint32_t i = 0; i < 4000; ++i) {
      const std::uint32_t nonce = b.nonce - 2000 + i;  // wraps like the kernel's nonces
      const std::uint32_t got = kernels::cuda::sha256d_top(vc.data(), nonce);
      const std::uint32_t want = reference_top(header, nonce);
      if (got != want && ++mismatches <= 5) {
        ADD_FAILURE() << "nonce " << nonce << ": 0x" << std::hex << got << " != 0x" << want;
      }
    }
    EXPECT_EQ(mismatches, 0);
  }
}

TEST(CudaCore, MatchesTheReferenceForRolledVersions) {
  const core::HeaderBytes base = test::mainnet_header(test::kMainnet[6]);  // version-rolled block
  for (const std::uint32_t v :
       {0x20000000u, 0x2e596000u, 0x3fffe000u, 0x20002000u, 0x00000001u, 0xffffffffu}) {
    SCOPED_TRACE(v);
    const core::HeaderBytes header = test::with_version(base, v);
    const std::array<std::uint32_t, 24> vc = constant_words(header);
    for (std::uint32_t nonce :
         {0u, 1u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu, test::kMainnet[6].nonce}) {
      EXPECT_EQ(kernels::cuda::sha256d_top(vc.data(), nonce), reference_top(header, nonce))
          << "nonce " << nonce;
    }
    for (std::uint32_t nonce = 1u << 20; nonce < (1u << 20) + 1000; ++nonce)
      ASSERT_EQ(kernels::cuda::sha256d_top(vc.data(), nonce), reference_top(header, nonce));
  }
}

TEST(CudaCore, MatchesTheReferenceForRandomHeadersAndNonces) {
  std::mt19937 rng(20260);
  for (int i = 0; i < 2000; ++i) {
    const core::HeaderBytes header = test::random_header(rng);
    const std::uint32_t nonce = std::uint32_t(rng());
    ASSERT_EQ(core_top(header, nonce), reference_top(header, nonce)) << "header " << i;
  }
}

}  // namespace
}  // namespace hashrig
