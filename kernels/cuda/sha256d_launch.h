// The boundary between the CUDA kernel (sha256d.cu, compiled by nvcc) and its launcher
// (cuda_scanner.cpp, plain C++): launch geometry and one function that enqueues a scan.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace hashrig::kernels::cuda {

// 256 threads per block keeps up to 8 blocks resident per SM at the kernel's register count;
// each thread hashes kNoncesPerThread consecutive nonces so the per-version constants and the
// nonce-free terms derived from them are loaded and computed once per thread, not per nonce.
inline constexpr std::uint32_t kThreadsPerBlock = 256;
inline constexpr std::uint32_t kNoncesPerThread = 8;

// Enqueues sha256d_scan on `stream` over nonces [first, first + count) (count 1..2^31) of
// `version_count` versions whose 24-word constants start at `versions` (16-byte aligned), with
// `results` laid out as word 0 = hit counter (already zeroed), then `capacity` (nonce, version
// index, top word) triples. Returns the launch's error, if any.
cudaError_t enqueue_sha256d_scan(cudaStream_t stream, const std::uint32_t* versions,
                                 std::uint32_t version_count, std::uint32_t first,
                                 std::uint32_t count, std::uint32_t target_top,
                                 std::uint32_t* results, std::uint32_t capacity);

// Blocks of the kernel that can be resident on one SM at once (at least 1).
cudaError_t sha256d_scan_blocks_per_sm(int* blocks);

}  // namespace hashrig::kernels::cuda
