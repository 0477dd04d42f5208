// Benchmarks of the scheduler itself, run on a started Scheduler whose devices are idle:
//
// - run_scheduler_bench: total hashrate through the scheduler (claims, header rolls, verification
//   queue, stats) on a synthetic job whose share difficulty makes hits rare, to compare with the
//   bare kernel on the same threads: the scheduler's overhead.
// - run_switch_bench: publishes clean jobs one after another and measures, for each, the time
//   from publish to the moment the last device starts hashing it (each device stamps that time
//   itself), at random gaps so publishes do not line up with batch boundaries.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "host/scheduler.h"

namespace hashrig::bench {

struct SchedulerBenchResult {
  std::size_t devices = 0;
  double seconds = 0;  // measured window
  std::uint64_t hashes = 0;
  double mhps = 0;
  std::uint64_t shares = 0;
  std::uint64_t hw_errors = 0;
};

// Hashes for `seconds` after a short warm-up (the batch sizes settle). The scheduler must be
// started, with no other publisher.
SchedulerBenchResult run_scheduler_bench(host::Scheduler& scheduler, double seconds);

struct SwitchBenchOptions {
  unsigned switches = 200;
  std::chrono::microseconds min_gap{2000};  // between one switch completing and the next publish
  std::chrono::microseconds max_gap{8000};
  std::chrono::seconds timeout{5};  // per switch: a device that never switches fails the bench
};

struct SwitchBenchResult {
  std::size_t devices = 0;
  std::vector<double> latencies_us;  // per switch, in publish order
  double p50_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
  unsigned timeouts = 0;  // switches some device did not make within the timeout
};

SwitchBenchResult run_switch_bench(host::Scheduler& scheduler, const SwitchBenchOptions& options);

// Waits until every device hashes generation `g` or later; returns the latest time (steady
// clock, ns) a device stamped for starting on it, or nullopt at the deadline.
std::optional<std::int64_t> wait_all_switched(host::Scheduler& scheduler, std::uint64_t g,
                                              std::chrono::steady_clock::time_point deadline);

// The p-quantile (0..1) of `values` (nearest rank); 0 for none.
double percentile(std::vector<double> values, double p);

// The synthetic job both benchmarks hash: `n` makes each one distinct (a new block when clean).
core::Job bench_job(std::uint64_t n, bool clean, double share_difficulty);

}  // namespace hashrig::bench
