#include "bench/scheduler_bench.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/target.h"

namespace hashrig::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

std::uint64_t total_hashes(host::Scheduler& scheduler) {
  std::uint64_t sum = 0;
  for (std::size_t d = 0; d < scheduler.stats().device_count(); ++d) {
    sum += scheduler.stats().device(d).hashes.load(std::memory_order_relaxed);
  }
  return sum;
}

}  // namespace

core::Job bench_job(std::uint64_t n, bool clean, double share_difficulty) {
  core::Job job;
  job.job_id = "bench" + std::to_string(n);
  job.source_id = "bench";
  job.version = 0x20000000u;
  job.version_mask = 0x1fffe000u;
  for (int i = 0; i < 8; ++i)
    job.prev_hash[std::size_t(i)] = std::uint8_t(n >> (8 * i));
  job.coinbase_prefix = {0x01, 0x00, 0x00, 0x00, 0x01};
  job.coinbase_suffix = {0xff, 0xff, 0xff, 0xff, 0x00};
  job.extranonce1 = {0xa5, 0x55, 0x02, 0x6b};
  job.extranonce2_size = 8;
  job.nbits = 0x1703a30c;  // a mainnet difficulty: no block candidates
  job.ntime = 1700000000u;
  job.share_target = core::target_from_difficulty(share_difficulty);
  job.network_target = core::target_from_compact(job.nbits);
  job.clean = clean;
  return job;
}

double percentile(std::vector<double> sorted, double p) {  // a copy, sorted here
  if (sorted.empty()) return 0;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = std::size_t(std::ceil(p * double(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Waits until every device hashes generation `g`; returns the latest start time they stamped,
// or nullopt at the deadline.
std::optional<std::int64_t> wait_all_switched(host::Scheduler& scheduler, std::uint64_t g,
                                              Clock::time_point deadline) {
  for (;;) {
    std::int64_t latest = 0;
    bool all = true;
    for (std::size_t d = 0; d < scheduler.stats().device_count() && all; ++d) {
      const host::DeviceCounters& c = scheduler.stats().device(d);
      if (c.generation.load(std::memory_order_acquire) < g) {
        all = false;
      } else {
        latest = std::max(latest, c.generation_since_ns.load(std::memory_order_relaxed));
      }
    }
    if (all) return latest;
    if (Clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

SchedulerBenchResult run_scheduler_bench(host::Scheduler& scheduler, double seconds) {
  if (!(seconds > 0)) throw std::invalid_argument("scheduler bench: seconds must be positive");
  scheduler.publish(bench_job(1, true, 1.0));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // batch sizes settle
  const std::uint64_t h0 = total_hashes(scheduler);
  const Clock::time_point t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const std::uint64_t h1 = total_hashes(scheduler);
  const Clock::time_point t1 = Clock::now();

  SchedulerBenchResult r;
  r.devices = scheduler.stats().device_count();
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.hashes = h1 - h0;
  r.mhps = double(r.hashes) / r.seconds / 1e6;
  const host::StatsSnapshot s = scheduler.stats().snapshot(t1);
  r.shares = s.shares;
  r.hw_errors = s.hw_errors;
  return r;
}

SwitchBenchResult run_switch_bench(host::Scheduler& scheduler, const SwitchBenchOptions& options) {
  SwitchBenchResult r;
  r.devices = scheduler.stats().device_count();
  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<std::int64_t> gap(options.min_gap.count(), options.max_gap.count());
  // The first job only starts the devices; it is not a switch.
  std::uint64_t g = scheduler.publish(bench_job(0, true, 1.0));
  wait_all_switched(scheduler, g, Clock::now() + options.timeout);
  for (unsigned i = 1; i <= options.switches; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(gap(rng)));
    const std::int64_t published = steady_ns();
    g = scheduler.publish(bench_job(i, true, 1.0));
    const auto started = wait_all_switched(scheduler, g, Clock::now() + options.timeout);
    if (!started) {
      ++r.timeouts;
      continue;
    }
    r.latencies_us.push_back(double(*started - published) / 1e3);
  }
  if (!r.latencies_us.empty()) {
    r.p50_us = percentile(r.latencies_us, 0.50);
    r.p99_us = percentile(r.latencies_us, 0.99);
    r.max_us = *std::max_element(r.latencies_us.begin(), r.latencies_us.end());
    r.mean_us = std::accumulate(r.latencies_us.begin(), r.latencies_us.end(), 0.0) /
                double(r.latencies_us.size());
  }
  return r;
}

}  // namespace hashrig::bench
