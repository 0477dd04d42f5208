#include "bench/submit_bench.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "bench/loopback_pool.h"
#include "core/job_work.h"
#include "host/stratum_source.h"

namespace hashrig::bench {
namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = std::size_t(std::ceil(p * double(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

}  // namespace

SubmitBenchResult run_submit_bench(unsigned shares) {
  LoopbackPool pool;
  std::ostringstream quiet;
  host::Logger log(quiet, host::LogLevel::error, false);
  host::Scheduler scheduler(log);  // not started: only its job board and share routing are used
  stratum::ClientOptions options;
  stratum::PoolSettings p;
  p.entry.url = stratum::parse_pool_url("stratum+tcp://127.0.0.1:" + std::to_string(pool.port()));
  p.entry.user = "bench";
  p.entry.name = "loopback";
  options.pools.push_back(p);
  options.session.user_agent = "hashrig/bench";
  host::StratumSource source(scheduler, log, options);
  source.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!scheduler.board().current().job && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto job = scheduler.board().current().job;
  if (!job) throw std::runtime_error("submit bench: the loopback pool's job never arrived");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the session is up

  SubmitBenchResult r;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> gap_us(200, 1000);
  for (unsigned i = 1; i <= shares; ++i) {
    host::Share s;
    s.job = job;
    s.job_id = job->job_id;
    s.source_id = job->source_id;
    s.extranonce2 = core::extranonce2_for(*job, i);
    s.ntime = job->ntime;
    s.nonce = i;
    s.version = job->version;
    const std::int64_t handed = steady_ns();
    source.submit(s);
    const std::optional<std::int64_t> read = pool.wait_submit(i, 2000);
    if (!read) {
      ++r.lost;
      continue;
    }
    r.latencies_us.push_back(double(*read - handed) / 1e3);
    std::this_thread::sleep_for(std::chrono::microseconds(gap_us(rng)));
  }
  source.stop(std::chrono::seconds(2));
  r.p50_us = percentile(r.latencies_us, 0.50);
  r.p99_us = percentile(r.latencies_us, 0.99);
  r.max_us =
      r.latencies_us.empty() ? 0 : *std::max_element(r.latencies_us.begin(), r.latencies_us.end());
  return r;
}

}  // namespace hashrig::bench
