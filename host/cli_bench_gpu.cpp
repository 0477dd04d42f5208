// hashrig bench --device cuda:N | opencl:N [--seconds S] [--json]: one GPU, with the CPU
// benchmark's fields plus the device, the launch shape and, where NVML reports the power, watts
// and hashes per joule (sampled halfway through). bench --report measures each default GPU with
// the same run_one_gpu_bench.
#include <cstdio>
#include <future>
#include <nlohmann/json.hpp>

#include "bench/gpu_bench.h"
#include "host/cli_bench_modes.h"
#include "host/gpu_devices.h"
#include "host/number_parse.h"
#include "host/nvml.h"
#include "host/usage_error.h"

namespace hashrig::host {

GpuBenchRun run_one_gpu_bench(std::string_view name, const GpuInventory& gpus, double seconds,
                              Logger& log) {
  const std::unique_ptr<kernels::gpu::GpuScanner> scanner = open_gpu(name, gpus);
  GpuBenchRun run;
  run.info = scanner->info();
  char what[256];
  std::snprintf(what, sizeof what, "benchmarking %s (%s) for %g s", run.info.id.c_str(),
                run.info.name.c_str(), seconds);
  log.info("bench", what);
  const Nvml nvml;
  auto result =
      std::async(std::launch::async, [&] { return bench::run_gpu_bench(*scanner, seconds); });
  if (!run.info.bus_id.empty() && run.info.id.starts_with("cuda") && nvml.available()) {
    if (result.wait_for(std::chrono::duration<double>(seconds / 2 + 0.5)) ==
        std::future_status::timeout) {
      run.power_w = nvml.read(run.info.bus_id).power_w;
    }
  }
  run.bench = result.get();
  run.hashes_per_joule = hashes_per_joule(run.bench.result.mhps * 1e6, run.power_w);
  return run;
}

nlohmann::ordered_json to_json(const GpuBenchRun& run) {
  nlohmann::ordered_json j = to_json(run.bench.result);
  j["device"] = run.info.id;
  j["name"] = run.info.name;
  j["versions_per_launch"] = run.bench.versions;
  j["nonces_per_launch"] = run.bench.nonces_per_launch;
  j["power_w"] = run.power_w ? nlohmann::ordered_json(*run.power_w) : nlohmann::ordered_json();
  j["hashes_per_joule"] = run.hashes_per_joule ? nlohmann::ordered_json(*run.hashes_per_joule)
                                               : nlohmann::ordered_json();
  return j;
}

int run_gpu_bench_command(const BenchArgs& args, CliContext& ctx) {
  const double seconds =
      args.seconds
          ? parse_argument("--seconds",
                           [&] { return parse_seconds(*args.seconds, bench::kMaxBenchSeconds); })
          : 3.0;
  GpuBenchRun run;
  try {
    run = run_one_gpu_bench(*args.device, discover_gpus(), seconds, ctx.log());
  } catch (const kernels::gpu::GpuError& e) {
    ctx.log().error("bench", e.what());
    return 1;
  }
  const kernels::gpu::GpuDeviceInfo& info = run.info;
  const bench::GpuBenchResult& g = run.bench;
  const bench::KernelBenchResult& r = g.result;
  const std::optional<double>& watts = run.power_w;
  const std::optional<double>& per_joule = run.hashes_per_joule;
  if (args.json) {
    ctx.out() << nlohmann::ordered_json::array({to_json(run)}).dump() << '\n';
  } else {
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s (%s): %.2f MH/s, %llu hashes in %.2f s, %u x %u nonces per launch, "
                  "checksum %s, errors %llu",
                  info.id.c_str(), info.name.c_str(), r.mhps,
                  static_cast<unsigned long long>(r.hashes), r.seconds, g.versions,
                  g.nonces_per_launch, r.checksum.c_str(),
                  static_cast<unsigned long long>(r.errors));
    ctx.out() << line;
    if (watts) ctx.out() << ", " << *watts << " W, " << *per_joule / 1e6 << " MH/J";
    ctx.out() << '\n';
  }
  if (r.errors > 0) {
    ctx.log().error("bench", "HARDWARE ERRORS: " + info.id + " reported " +
                                 std::to_string(r.errors) +
                                 " hashes that the reference sha256d does not give");
    return 1;
  }
  return 0;
}

}  // namespace hashrig::host
