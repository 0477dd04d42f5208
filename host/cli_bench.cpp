// hashrig bench [--kernel K] [--threads N] [--seconds S] [--json], and plain `hashrig`: the
// throughput of each usable CPU kernel on N threads, with a checksum of what was hashed.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/kernel_bench.h"
#include "host/cli_bench_modes.h"
#include "host/commands.h"
#include "host/number_parse.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

constexpr std::uint64_t kMaxThreads = 4096;
constexpr double kDefaultSeconds = 3.0;

using kernels::cpu::KernelInfo;

// The kernels to benchmark: the one named, or every usable one (logging those skipped).
std::vector<const KernelInfo*> kernels_to_run(const BenchArgs& args, CliContext& ctx) {
  if (args.kernel) return {&ctx.select_kernel(args.kernel_option, *args.kernel)};
  std::vector<const KernelInfo*> out;
  for (const KernelInfo& k : ctx.kernels().kernels()) {
    if (!k.available) {
      ctx.log().info("bench", "skipping kernel " + k.name + ": not supported by this CPU");
    } else if (k.selftest != kernels::cpu::SelfTest::pass) {
      ctx.log().warning("bench", "skipping kernel " + k.name + ": it failed its self-test (" +
                                     k.selftest_detail + ")");
    } else {
      out.push_back(&k);
    }
  }
  return out;
}

std::string format_row(const char* kernel, const char* threads, const char* per_thread,
                       const char* total, const char* hashes, const char* checksum,
                       const char* errors) {
  char line[160];
  std::snprintf(line, sizeof line, "%-8s %7s %12s %11s %14s  %-16s %7s\n", kernel, threads,
                per_thread, total, hashes, checksum, errors);
  return line;
}

std::string format_result(const bench::KernelBenchResult& r) {
  const auto fixed2 = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return std::string(text);
  };
  return format_row(r.kernel.c_str(), std::to_string(r.threads).c_str(),
                    fixed2(r.mhps / r.threads).c_str(), fixed2(r.mhps).c_str(),
                    std::to_string(r.hashes).c_str(), r.checksum.c_str(),
                    std::to_string(r.errors).c_str());
}

// --scheduler / --switch: the scheduler benchmarks, with their own defaults for threads (one
// worker per physical core).
int run_bench_mode(const BenchArgs& args, CliContext& ctx) {
  if (int(args.scheduler) + int(args.switch_latency) + int(args.submit_latency) +
          int(args.node_tip) >
      1) {
    throw UsageError("--scheduler, --switch, --submit and --node-tip: choose one benchmark");
  }
  BenchModeArgs mode;
  if (args.threads) {
    mode.threads = unsigned(
        parse_argument("--threads", [&] { return parse_unsigned(*args.threads, 1, kMaxThreads); }));
  }
  if (args.seconds) {
    mode.seconds = parse_argument(
        "--seconds", [&] { return parse_seconds(*args.seconds, bench::kMaxBenchSeconds); });
  }
  if (args.switches) {
    mode.switches = unsigned(
        parse_argument("--switches", [&] { return parse_unsigned(*args.switches, 1, 1000000); }));
  }
  if (args.shares) {
    mode.shares = unsigned(
        parse_argument("--shares", [&] { return parse_unsigned(*args.shares, 1, 1000000); }));
  }
  if (args.tips) {
    mode.tips =
        unsigned(parse_argument("--tips", [&] { return parse_unsigned(*args.tips, 1, 100000); }));
  }
  if (args.submit_latency) return run_bench_submit(args, mode, ctx);
  if (args.node_tip) return run_bench_node_tip(args, mode, ctx);
  return args.scheduler ? run_bench_scheduler(args, mode, ctx) : run_bench_switch(args, mode, ctx);
}

}  // namespace

void check_report_options(const BenchArgs& args) {
  if (args.report && args.report->empty()) throw UsageError("--report: needs a directory");
  const std::pair<bool, const char*> others[] = {
      {args.scheduler, "--scheduler"},       {args.switch_latency, "--switch"},
      {args.submit_latency, "--submit"},     {args.node_tip, "--node-tip"},
      {args.device.has_value(), "--device"}, {args.json, "--json"}};
  for (const auto& [given, name] : others) {
    if (given) {
      throw UsageError(std::string("--report: cannot be combined with ") + name +
                       " (it takes only --kernel, --threads and --seconds)");
    }
  }
}

nlohmann::ordered_json to_json(const bench::KernelBenchResult& r) {
  nlohmann::ordered_json j;
  j["kernel"] = r.kernel;
  j["threads"] = r.threads;
  j["seconds"] = r.seconds;
  j["hashes"] = r.hashes;
  j["mhps"] = r.mhps;
  j["mhps_per_thread"] = r.mhps_per_thread;
  j["checksum"] = r.checksum;
  j["units"] = r.units;
  j["hits"] = r.hits;
  j["errors"] = r.errors;
  return j;
}

int run_bench(const BenchArgs& args, CliContext& ctx) {
  if (args.kernel) check_kernel_name(args.kernel_option, *args.kernel);
  if (args.report) check_report_options(args);
  if (args.device) {
    if (args.kernel || args.threads || args.scheduler || args.switch_latency ||
        args.submit_latency || args.node_tip) {
      throw UsageError("--device: a GPU benchmark takes only --seconds and --json");
    }
    return run_gpu_bench_command(args, ctx);
  }
  if (args.scheduler || args.switch_latency || args.submit_latency || args.node_tip)
    return run_bench_mode(args, ctx);
  if (args.tips) throw UsageError("--tips: only with --node-tip");
  if (args.switches) throw UsageError("--switches: only with --switch");
  if (args.shares) throw UsageError("--shares: only with --submit");
  bench::KernelBenchOptions options;
  options.threads =
      args.threads
          ? unsigned(parse_argument("--threads",
                                    [&] { return parse_unsigned(*args.threads, 1, kMaxThreads); }))
          : std::max(1u, std::thread::hardware_concurrency());
  options.seconds =
      args.seconds
          ? parse_argument("--seconds",
                           [&] { return parse_seconds(*args.seconds, bench::kMaxBenchSeconds); })
          : kDefaultSeconds;

  const std::vector<const KernelInfo*> selected = kernels_to_run(args, ctx);
  if (selected.empty()) {
    ctx.log().error("bench", "no usable CPU kernel to benchmark");
    return 1;
  }
  if (args.report) return run_bench_report(args, options, selected, ctx);

  if (!args.json) {
    ctx.out() << format_row("kernel", "threads", "MH/s/thread", "MH/s total", "hashes", "checksum",
                            "errors")
              << std::flush;
  }
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  bool any_errors = false;
  for (const KernelInfo* k : selected) {
    char what[128];
    std::snprintf(what, sizeof what, "benchmarking kernel %s on %u thread%s for %g s",
                  k->name.c_str(), options.threads, options.threads == 1 ? "" : "s",
                  options.seconds);
    ctx.log().info("bench", what);
    const bench::KernelBenchResult r = bench::run_kernel_bench(*k, options);
    if (r.errors > 0) {
      any_errors = true;
      ctx.log().error("bench", "HARDWARE ERRORS: kernel " + r.kernel + " reported " +
                                   std::to_string(r.errors) +
                                   " hits that fail the reference sha256d: this CPU (overclock, "
                                   "heat, power?) or this kernel computes wrong hashes");
    }
    if (args.json) {
      results.push_back(to_json(r));
    } else {
      ctx.out() << format_result(r) << std::flush;
    }
  }

  if (args.json) {
    ctx.out() << results.dump() << '\n';
  } else {
    const KernelInfo* best = ctx.kernels().fastest();
    ctx.out() << "auto picks: " << (best ? best->name : std::string("none")) << '\n';
    if (any_errors) ctx.out() << "ERRORS: some hashes were wrong; see the log above\n";
  }
  return any_errors ? 1 : 0;
}

}  // namespace hashrig::host
