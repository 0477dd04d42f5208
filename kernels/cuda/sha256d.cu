// The CUDA sha256d nonce scanner.
//
// grid.x covers the nonces (each thread kNoncesPerThread consecutive ones), grid.y is the version
// index. A thread loads its version's constants once into registers (five 16-byte read-only
// loads); the compiler hoists everything they alone determine out of the nonce loop. Per nonce,
// sha256d_top (sha256d_core.cuh) does hash 1 from round 4 and hash 2 up to round 60, then the
// early reject on the top word; the rare hit takes one atomicAdd on the counter and is stored
// when its slot is within the capacity (the host sees a larger counter as an overflow).
#include <cstdint>

#include "kernels/cuda/sha256d_core.cuh"
#include "kernels/cuda/sha256d_launch.h"

namespace hashrig::kernels::cuda {
namespace {

constexpr std::uint32_t kVersionWords = 24;
constexpr std::uint32_t kLoadedVectors = 5;  // words 0..19; the 4 pad words are never read
// At least 4 resident blocks (1,024 threads) per SM: caps ptxas at 64 registers per thread, so a
// change that needs more spills visibly (-Xptxas -v) instead of silently halving occupancy.
constexpr int kMinBlocksPerSm = 4;

template <std::uint32_t kPerThread>
__global__ void __launch_bounds__(kThreadsPerBlock, kMinBlocksPerSm)
    sha256d_scan(const uint4* __restrict__ versions, std::uint32_t first, std::uint32_t count,
                 std::uint32_t target_top, std::uint32_t* __restrict__ results,
                 std::uint32_t capacity) {
  const std::uint32_t version = blockIdx.y;
  const uint4* record = versions + version * (kVersionWords / 4);
  std::uint32_t vc[kVersionWords] = {};
#pragma unroll
  for (std::uint32_t i = 0; i < kLoadedVectors; ++i) {
    const uint4 v = __ldg(record + i);
    vc[4 * i + 0] = v.x;
    vc[4 * i + 1] = v.y;
    vc[4 * i + 2] = v.z;
    vc[4 * i + 3] = v.w;
  }
  // No overflow: count <= 2^31, so base < 2^31 + kThreadsPerBlock * kPerThread.
  const std::uint32_t base = (blockIdx.x * kThreadsPerBlock + threadIdx.x) * kPerThread;
  // Not unrolled: one sha256d is ~2,500 instructions, and copies of it would only cost
  // instruction cache; the warps of an SM already hide the latency.
#pragma unroll 1
  for (std::uint32_t i = 0; i < kPerThread; ++i) {
    const std::uint32_t offset = base + i;
    if (offset >= count) return;
    const std::uint32_t nonce = first + offset;  // wraps like the host's uint32 nonces
    const std::uint32_t top = sha256d_top(vc, nonce);
    if (top <= target_top) {
      const std::uint32_t slot = atomicAdd(results, 1u);
      if (slot < capacity) {
        std::uint32_t* hit = results + 1 + 3 * slot;
        hit[0] = nonce;
        hit[1] = version;
        hit[2] = top;
      }
    }
  }
}

}  // namespace

cudaError_t enqueue_sha256d_scan(cudaStream_t stream, const std::uint32_t* versions,
                                 std::uint32_t version_count, std::uint32_t first,
                                 std::uint32_t count, std::uint32_t target_top,
                                 std::uint32_t* results, std::uint32_t capacity) {
  const std::uint64_t threads = (std::uint64_t(count) + kNoncesPerThread - 1) / kNoncesPerThread;
  const dim3 grid(static_cast<unsigned>((threads + kThreadsPerBlock - 1) / kThreadsPerBlock),
                  version_count);
  sha256d_scan<kNoncesPerThread><<<grid, kThreadsPerBlock, 0, stream>>>(
      reinterpret_cast<const uint4*>(versions), first, count, target_top, results, capacity);
  return cudaGetLastError();
}

cudaError_t sha256d_scan_blocks_per_sm(int* blocks) {
  *blocks = 1;
  const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
      blocks, sha256d_scan<kNoncesPerThread>, int(kThreadsPerBlock), 0);
  if (*blocks < 1) *blocks = 1;
  return e;
}

}  // namespace hashrig::kernels::cuda
