// GPU benchmark: one GPU scanner for S seconds, double-buffered like the miner. Launches are
// sized first (grown until one takes ~50 ms), then each launch hashes one unit: the header of
// bench_unit's unit u, rolled over `versions` versions (64 on fast devices, 1 on slow ones) times
// `nonces` nonces. Every hit is re-hashed with the reference: a hit the reference rejects is an
// error, and the verified hits fold into the same kind of checksum as the CPU benchmark.
#pragma once

#include <stop_token>

#include "bench/kernel_bench.h"
#include "kernels/gpu/scanner.h"

namespace hashrig::bench {

struct GpuBenchResult {
  KernelBenchResult result;  // kernel = the device's kernel, threads = 1
  std::uint32_t versions = 0;
  std::uint32_t nonces_per_launch = 0;  // per version
};

GpuBenchResult run_gpu_bench(kernels::gpu::GpuScanner& scanner, double seconds,
                             std::stop_token stop = {});

}  // namespace hashrig::bench
