// The scheduler benchmarks behind `hashrig bench --scheduler` and `hashrig bench --switch`
// (cli_bench_scheduler.cpp); run_bench hands over to them after parsing the shared options.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "bench/kernel_bench.h"

#include "host/commands.h"

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

}  // namespace hashrig::host
