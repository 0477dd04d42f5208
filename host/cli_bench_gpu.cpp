// hashrig bench --device cuda:N | opencl:N [--seconds S] [--json]: one GPU, with the CPU
// benchmark's fields plus the device, the launch shape and, where NVML reports the power, watts
// and hashes per joule (sampled halfway through).
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

int run_gpu_bench_command(const BenchArgs& args, CliContext& ctx) {
  const double seconds =
      args.seconds
          ? parse_argument("--seconds",
                           [&] { return parse_seconds(*args.seconds, bench::kMaxBenchSeconds); })
          : 3.0;
  const GpuInventory gpus = discover_gpus();
  std::unique_ptr<kernels::gpu::GpuScanner> scanner;
  try {
    scanner = open_gpu(*args.device, gpus);
  } catch (const kernels::gpu::GpuError& e) {
    ctx.log().error("bench", e.what());
    return 1;
  }
  const kernels::gpu::GpuDeviceInfo info = scanner->info();
  ctx.log().info("bench", "benchmarking " + info.id + " (" + info.name + ") for " +
                              std::to_string(seconds) + " s");
  const Nvml nvml;
  std::optional<double> watts;
  auto result =
      std::async(std::launch::async, [&] { return bench::run_gpu_bench(*scanner, seconds); });
  if (!info.bus_id.empty() && info.id.starts_with("cuda") && nvml.available()) {
    if (result.wait_for(std::chrono::duration<double>(seconds / 2 + 0.5)) ==
        std::future_status::timeout) {
      watts = nvml.read(info.bus_id).power_w;
    }
  }
  bench::GpuBenchResult g;
  try {
    g = result.get();
  } catch (const kernels::gpu::GpuError& e) {
    ctx.log().error("bench", e.what());
    return 1;
  }
  const bench::KernelBenchResult& r = g.result;
  const std::optional<double> per_joule = hashes_per_joule(r.mhps * 1e6, watts);
  if (args.json) {
    nlohmann::ordered_json j = to_json(r);
    j["device"] = info.id;
    j["name"] = info.name;
    j["versions_per_launch"] = g.versions;
    j["nonces_per_launch"] = g.nonces_per_launch;
    j["power_w"] = watts ? nlohmann::ordered_json(*watts) : nlohmann::ordered_json(nullptr);
    j["hashes_per_joule"] =
        per_joule ? nlohmann::ordered_json(*per_joule) : nlohmann::ordered_json(nullptr);
    ctx.out() << nlohmann::ordered_json::array({j}).dump() << '\n';
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
