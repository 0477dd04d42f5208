// hashrig bench --node-tip --node URL (--node-cookie F | --node-user U --node-pass P) --payout A
// [--tips N]: a new tip on the node (generatetoaddress, so a regtest node) -> every CPU worker
// hashing a job on it: p50, p99, max. The jobs are mined at difficulty 1 rather than the
// regtest target (whose flood of block candidates would be measured instead), and no block is
// submitted.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "bench/node_tip_bench.h"
#include "core/target.h"
#include "host/cli_bench_modes.h"
#include "host/cpu_plan.h"
#include "host/node_options.h"
#include "host/node_source.h"

namespace hashrig::host {
namespace {

std::string ms(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f ms", v);
  return text;
}

}  // namespace

int run_bench_node_tip(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx) {
  NodeSourceOptions options = node_options(*args.node);
  options.submit_blocks = false;
  options.bench_target = core::target_from_difficulty(1.0);
  const kernels::cpu::KernelInfo& kernel =
      ctx.select_kernel(args.kernel_option, args.kernel.value_or("auto"));
  const CpuPlan plan = plan_cpu(ctx.log(), mode.threads, false);
  bench::TipBenchOptions tip;
  tip.tips = mode.tips;
  ctx.log().info("bench", "node tip latency: " + std::to_string(tip.tips) + " new tips on " +
                              options.endpoint.host + ":" + std::to_string(options.endpoint.port) +
                              ", kernel " + kernel.name + ", " +
                              std::to_string(plan.placements.size()) + " workers");
  bench::TipBenchResult r;
  {
    Scheduler scheduler(ctx.log());
    scheduler.add_backend(std::make_unique<CpuBackend>(kernel, backend_options(plan, true)));
    scheduler.start();
    NodeSource source(scheduler, ctx.log(), options);
    source.start([](std::chrono::milliseconds d) {
      std::this_thread::sleep_for(d);
      return false;
    });
    node::RpcClient control(options.endpoint, options.credentials);
    r = bench::run_tip_bench(scheduler, control, options.payout, tip);
    scheduler.stop();
    source.stop(std::chrono::milliseconds(0));
  }
  if (args.json) {
    nlohmann::ordered_json j;
    j["workers"] = r.devices;
    j["tips"] = r.latencies_ms.size();
    j["timeouts"] = r.timeouts;
    j["p50_ms"] = r.p50_ms;
    j["p99_ms"] = r.p99_ms;
    j["max_ms"] = r.max_ms;
    ctx.out() << j.dump() << '\n';
  } else {
    ctx.out() << "node tip -> every worker hashing on it, " << r.devices << " workers, "
              << r.latencies_ms.size() << " tips: p50 " << ms(r.p50_ms) << ", p99 " << ms(r.p99_ms)
              << ", max " << ms(r.max_ms);
    if (r.timeouts) ctx.out() << ", " << r.timeouts << " TIMED OUT";
    ctx.out() << '\n';
  }
  return r.timeouts ? 1 : 0;
}

}  // namespace hashrig::host
