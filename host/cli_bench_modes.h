// The benchmarks behind `hashrig bench --scheduler` and `hashrig bench --switch`
// (cli_bench_scheduler.cpp), --submit and --node-tip, --device (cli_bench_gpu.cpp) and --report
// (cli_bench_report.cpp); run_bench hands over to them after parsing the shared options.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "bench/gpu_bench.h"
#include "bench/kernel_bench.h"

#include "host/commands.h"
#include "host/gpu_devices.h"

namespace hashrig::host {

struct BenchModeArgs {
  std::optional<unsigned> threads;  // absent: one worker per physical core
  double seconds = 3;
  unsigned switches = 200;
  unsigned shares = 1000;
  unsigned tips = 50;
};

int run_bench_scheduler(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx);
int run_bench_switch(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx);
int run_bench_submit(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx);
int run_bench_node_tip(const BenchArgs& args, const BenchModeArgs& mode, CliContext& ctx);
// The JSON object of one kernel benchmark (`bench --json`).
nlohmann::ordered_json to_json(const bench::KernelBenchResult& r);
// --device cuda:N | opencl:N: one GPU, with hashes per joule where NVML reports its power.
int run_gpu_bench_command(const BenchArgs& args, CliContext& ctx);

// One GPU benchmarked (cli_bench_gpu.cpp): by bench --device, and for each GPU bench --report runs.
struct GpuBenchRun {
  kernels::gpu::GpuDeviceInfo info;
  bench::GpuBenchResult bench;
  std::optional<double> power_w;  // NVML's reading halfway through, where it reports one
  std::optional<double> hashes_per_joule;
};
// Opens `name` (cuda:N | opencl:N) and benchmarks it for `seconds`. Throws UsageError for a bad
// name, kernels::gpu::GpuError when the device cannot be opened or fails.
GpuBenchRun run_one_gpu_bench(std::string_view name, const GpuInventory& gpus, double seconds,
                              Logger& log);
// bench --device's JSON object: the CPU bench's fields plus device, name, versions_per_launch,
// nonces_per_launch, power_w and hashes_per_joule (null where NVML reports no power).
nlohmann::ordered_json to_json(const GpuBenchRun& run);

// --report DIR: `kernels` (those run_bench chose) on options.threads, the fastest one's thread
// scaling up to options.threads, and every GPU that hashes by default, written to DIR/bench.json
// and DIR/bench.svg. Returns 1 when DIR or a file cannot be written, or a hash was wrong.
int run_bench_report(const BenchArgs& args, const bench::KernelBenchOptions& options,
                     const std::vector<const kernels::cpu::KernelInfo*>& kernels, CliContext& ctx);

}  // namespace hashrig::host
