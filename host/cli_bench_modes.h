// The scheduler benchmarks behind `hashrig bench --scheduler` and `hashrig bench --switch`
// (cli_bench_scheduler.cpp); run_bench hands over to them after parsing the shared options.
#pragma once

#include <optional>

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

}  // namespace hashrig::host
