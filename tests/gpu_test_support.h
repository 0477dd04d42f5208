// Checks shared by the GPU scanner suites (OpenCL on PoCL, CUDA where a device exists): a
// reference scan with the portable sha256d, and headers to scan.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/header.h"
#include "kernels/gpu/gpu_work.h"
#include "kernels/gpu/scanner.h"
#include "mainnet_headers.h"

namespace hashrig::test {

inline core::HeaderBytes mainnet_header(const MainnetBlock& b) {
  return core::from_hex_exact<80>(b.header_hex);
}

inline core::HeaderBytes with_version(core::HeaderBytes h, std::uint32_t version) {
  core::write_le32(h.data(), version);
  return h;
}

// The hits a correct kernel reports for nonces [first, first + count) of every version of the
// work, in scan_all's order (version index, then nonce).
inline std::vector<kernels::gpu::Hit> reference_hits(const kernels::gpu::GpuWork& work,
                                                     std::uint32_t first, std::uint32_t count) {
  std::vector<kernels::gpu::Hit> out;
  for (std::uint32_t v = 0; v < work.headers.size(); ++v) {
    for (std::uint64_t n = first; n < std::uint64_t(first) + count; ++n) {
      const core::Hash256 hash = core::header_hash_with_nonce(work.headers[v], std::uint32_t(n));
      const std::uint32_t top = core::hash_value(hash).word(7);
      if (top <= work.target_top) out.push_back({std::uint32_t(n), v, top});
    }
  }
  return out;
}

// A target whose top word is `top` and whose lower words are all ones.
inline core::Uint256 target_with_top(std::uint32_t top) {
  core::Uint256 t = core::Uint256::max();
  t.set_word(7, top);
  return t;
}

inline core::HeaderBytes random_header(std::mt19937& rng) {
  core::HeaderBytes h;
  for (auto& b : h)
    b = std::uint8_t(rng());
  return h;
}

}  // namespace hashrig::test

namespace hashrig::kernels::gpu {
inline void PrintTo(const Hit& h, std::ostream* os) {
  *os << "{nonce " << h.nonce << ", version " << h.version_index << ", top 0x" << std::hex << h.top
      << std::dec << "}";
}
}  // namespace hashrig::kernels::gpu
