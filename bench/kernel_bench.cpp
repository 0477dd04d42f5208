#include "bench/kernel_bench.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "bench/bench_unit.h"

namespace hashrig::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  kernels::cpu::RawScanFn fn = nullptr;
  std::uint64_t max_units = 0;
  Clock::time_point deadline;
  std::stop_token external;
  std::atomic<std::uint64_t> next_unit{0};
};

struct ThreadTally {
  UnitResult total;
  std::uint64_t units = 0;
};

void bench_thread(std::stop_token own, Shared& shared, ThreadTally& tally) {
  for (;;) {
    if (own.stop_requested() || shared.external.stop_requested()) return;
    if (shared.max_units == 0 && Clock::now() >= shared.deadline) return;
    const std::uint64_t unit = shared.next_unit.fetch_add(1, std::memory_order_relaxed);
    if (shared.max_units != 0 && unit >= shared.max_units) return;
    accumulate(tally.total, run_unit(shared.fn, unit));
    ++tally.units;
  }
}

}  // namespace

std::string checksum_hex(std::uint64_t checksum) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(checksum));
  return text;
}

KernelBenchResult run_kernel_bench(const kernels::cpu::KernelInfo& kernel,
                                   const KernelBenchOptions& options, std::stop_token stop) {
  if (options.threads == 0) throw std::invalid_argument("kernel benchmark: threads must be >= 1");
  if (options.max_units == 0 && !(options.seconds > 0 && options.seconds <= kMaxBenchSeconds)) {
    throw std::invalid_argument("kernel benchmark: seconds must be > 0 and <= 1e7");
  }
  if (kernel.fn == nullptr) {
    throw std::invalid_argument("kernel benchmark: kernel '" + kernel.name + "' has no scanner");
  }

  Shared shared;
  shared.fn = kernel.fn;
  shared.max_units = options.max_units;
  shared.external = stop;
  std::vector<ThreadTally> tallies(options.threads);

  const Clock::time_point start = Clock::now();
  if (options.max_units == 0) {
    shared.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(options.seconds));
  }
  {
    std::vector<std::jthread> threads;
    threads.reserve(options.threads);
    for (ThreadTally& tally : tallies) {
      threads.emplace_back(
          [&shared, &tally](std::stop_token own) { bench_thread(own, shared, tally); });
    }
    // Join before the vector's destructor, which would ask the threads to stop first. (It does
    // that when starting a thread throws: the ones already running stop after their unit.)
    for (std::jthread& t : threads)
      t.join();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  KernelBenchResult r;
  r.kernel = kernel.name;
  r.threads = options.threads;
  r.seconds = elapsed;
  UnitResult total;
  for (const ThreadTally& tally : tallies) {
    accumulate(total, tally.total);
    r.units += tally.units;
    r.mhps_per_thread.push_back(elapsed > 0 ? double(tally.total.hashes) / elapsed / 1e6 : 0.0);
  }
  r.hashes = total.hashes;
  r.hits = total.hits;
  r.errors = total.errors;
  r.checksum = checksum_hex(total.checksum);
  r.mhps = elapsed > 0 ? double(total.hashes) / elapsed / 1e6 : 0.0;
  return r;
}

}  // namespace hashrig::bench
