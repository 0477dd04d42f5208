// Kernel benchmark: one CPU kernel on N threads for S seconds (or a fixed number of units).
// Threads take 2^20-nonce units (see bench_unit.h) from one shared atomic counter until the
// deadline passes; a thread always finishes the unit it started, so only whole units count.
// Every reported hit is re-hashed with the reference; the checksum depends only on how many units
// were hashed, never on the kernel or the thread count, so a broken or overclocked CPU shows.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "kernels/cpu/kernel_registry.h"

namespace hashrig::bench {

inline constexpr double kMaxBenchSeconds = 1e7;  // keeps the deadline representable

struct KernelBenchOptions {
  unsigned threads = 1;         // >= 1
  double seconds = 3.0;         // in (0, kMaxBenchSeconds]; ignored when max_units > 0
  std::uint64_t max_units = 0;  // > 0: hash exactly units [0, max_units), no deadline
};

struct KernelBenchResult {
  std::string kernel;  // the kernel that actually ran
  unsigned threads = 0;
  double seconds = 0;  // measured wall time
  std::uint64_t units = 0;
  std::uint64_t hashes = 0;
  std::uint64_t hits = 0;  // hits the reference confirmed
  double mhps = 0;         // hashes / seconds / 1e6
  std::vector<double> mhps_per_thread;
  std::string checksum;      // 16 hex digits of the 64-bit checksum
  std::uint64_t errors = 0;  // reported hits that the reference rejects
};

// Runs the benchmark. Throws std::invalid_argument for threads == 0, or (without max_units) a
// time outside (0, kMaxBenchSeconds]. A stop request ends it early (after the current units).
KernelBenchResult run_kernel_bench(const kernels::cpu::KernelInfo& kernel,
                                   const KernelBenchOptions& options, std::stop_token stop = {});

// The checksum as shown: 16 lower-case hex digits.
std::string checksum_hex(std::uint64_t checksum);

}  // namespace hashrig::bench
