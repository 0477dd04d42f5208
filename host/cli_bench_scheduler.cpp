// hashrig bench --scheduler and hashrig bench --switch: the scheduler's overhead (hashrate through
// the scheduler against the bare kernel on one thread and on N threads) and its job-switch latency
// (publish of a clean job -> every worker hashing it: p50, p99, max).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/kernel_bench.h"
#include "bench/scheduler_bench.h"
#include "bench/submit_bench.h"
#include "host/cli_bench_modes.h"
#include "host/cpu_plan.h"
#include "host/number_parse.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

std::string fixed(double v, int digits) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

struct SchedulerSetup {
  const kernels::cpu::KernelInfo* kernel = nullptr;
  CpuPlan plan;
};

// The kernel (default auto) and the workers (default one per physical core, pinned).
SchedulerSetup setup(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx) {
  SchedulerSetup s;
  s.kernel = &ctx.select_kernel(args.kernel_option, args.kernel.value_or("auto"));
  s.plan = plan_cpu(ctx.log(), mode.threads, false);
  return s;
}

void start(Scheduler& scheduler, const SchedulerSetup& s) {
  scheduler.add_backend(std::make_unique<CpuBackend>(*s.kernel, backend_options(s.plan, true)));
  scheduler.start();
}

}  // namespace

int run_bench_scheduler(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx) {
  const SchedulerSetup s = setup(args, mode, ctx);
  const unsigned n = unsigned(s.plan.placements.size());
  ctx.log().info("bench", "scheduler overhead: kernel " + s.kernel->name + ", " +
                              std::to_string(n) + " workers, " + fixed(mode.seconds, 1) +
                              " s per measurement");
  bench::KernelBenchOptions one;
  one.threads = 1;
  one.seconds = mode.seconds;
  const bench::KernelBenchResult single = bench::run_kernel_bench(*s.kernel, one);
  bench::KernelBenchOptions many = one;
  many.threads = n;
  const bench::KernelBenchResult bare = bench::run_kernel_bench(*s.kernel, many);
  bench::SchedulerBenchResult through;
  {
    Scheduler scheduler(ctx.log());
    start(scheduler, s);
    through = bench::run_scheduler_bench(scheduler, mode.seconds);
  }
  const double vs_single = through.mhps / (n * single.mhps);
  const double vs_bare = through.mhps / bare.mhps;
  if (args.json) {
    nlohmann::ordered_json j;
    j["kernel"] = s.kernel->name;
    j["workers"] = n;
    j["seconds"] = mode.seconds;
    j["single_thread_mhps"] = single.mhps;
    j["kernel_only_mhps"] = bare.mhps;
    j["scheduler_mhps"] = through.mhps;
    j["scheduler_vs_n_single"] = vs_single;
    j["scheduler_vs_kernel_only"] = vs_bare;
    j["hw_errors"] = through.hw_errors + single.errors + bare.errors;
    ctx.out() << j.dump() << '\n';
  } else {
    ctx.out() << "scheduler overhead, kernel " << s.kernel->name << ", " << n << " workers\n"
              << "  kernel alone, 1 thread        " << fixed(single.mhps, 2) << " MH/s\n"
              << "  kernel alone, " << n << " threads       " << fixed(bare.mhps, 2) << " MH/s\n"
              << "  through the scheduler        " << fixed(through.mhps, 2)
              << " MH/s  = " << fixed(vs_single, 3) << " x " << n << " x single, "
              << fixed(vs_bare, 3) << " x kernel alone\n";
  }
  return through.hw_errors > 0 ? 1 : 0;
}

int run_bench_switch(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx) {
  const SchedulerSetup s = setup(args, mode, ctx);
  bench::SwitchBenchOptions options;
  options.switches = mode.switches;
  ctx.log().info("bench", "job switch latency: kernel " + s.kernel->name + ", " +
                              std::to_string(s.plan.placements.size()) + " workers, " +
                              std::to_string(options.switches) + " clean jobs");
  bench::SwitchBenchResult r;
  {
    Scheduler scheduler(ctx.log());
    start(scheduler, s);
    r = bench::run_switch_bench(scheduler, options);
  }
  if (args.json) {
    nlohmann::ordered_json j;
    j["kernel"] = s.kernel->name;
    j["workers"] = r.devices;
    j["switches"] = r.latencies_us.size();
    j["timeouts"] = r.timeouts;
    j["p50_us"] = r.p50_us;
    j["p99_us"] = r.p99_us;
    j["max_us"] = r.max_us;
    j["mean_us"] = r.mean_us;
    ctx.out() << j.dump() << '\n';
  } else {
    ctx.out() << "job switch, kernel " << s.kernel->name << ", " << r.devices << " workers, "
              << r.latencies_us.size() << " clean jobs: p50 " << fixed(r.p50_us / 1e3, 3)
              << " ms, p99 " << fixed(r.p99_us / 1e3, 3) << " ms, max " << fixed(r.max_us / 1e3, 3)
              << " ms";
    if (r.timeouts) ctx.out() << ", " << r.timeouts << " TIMED OUT";
    ctx.out() << '\n';
  }
  return r.timeouts > 0 ? 1 : 0;
}

int run_bench_submit(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx) {
  ctx.log().info("bench", "submit latency: " + std::to_string(mode.shares) +
                              " shares through the Stratum client to a loopback pool");
  const bench::SubmitBenchResult r = bench::run_submit_bench(mode.shares);
  if (args.json) {
    nlohmann::ordered_json j;
    j["shares"] = r.latencies_us.size();
    j["lost"] = r.lost;
    j["p50_us"] = r.p50_us;
    j["p99_us"] = r.p99_us;
    j["max_us"] = r.max_us;
    ctx.out() << j.dump() << '\n';
  } else {
    ctx.out() << "submit latency (verified share -> mining.submit read by a loopback pool), "
              << r.latencies_us.size() << " shares: p50 " << fixed(r.p50_us / 1e3, 3) << " ms, p99 "
              << fixed(r.p99_us / 1e3, 3) << " ms, max " << fixed(r.max_us / 1e3, 3) << " ms";
    if (r.lost) ctx.out() << ", " << r.lost << " LOST";
    ctx.out() << '\n';
  }
  return r.lost > 0 ? 1 : 0;
}

}  // namespace hashrig::host
