// hashrig bench --report DIR [--kernel K] [--threads N] [--seconds S]: measures the CPU kernels on
// N threads, the fastest one's scaling over 1, 2, 4, ... N threads and every GPU that hashes by
// default (as bench --device does), then writes DIR/bench.json and the chart DIR/bench.svg, each
// through a temporary file and a rename.
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/report_svg.h"
#include "host/atomic_file.h"
#include "host/cli_bench_modes.h"
#include "host/gpu_devices.h"
#include "host/topology.h"

namespace hashrig::host {
namespace {

namespace fs = std::filesystem;
using kernels::cpu::KernelInfo;

struct Machine {
  std::string cpu_model;  // empty when neither hwloc nor /proc/cpuinfo names it
  unsigned hardware_threads = 0;
  std::string date_utc;  // "2025-01-31T12:00:00Z"
};

std::string model_from_proc_cpuinfo() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("model name")) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::size_t first = line.find_first_not_of(" \t", colon + 1);
    if (first != std::string::npos) return line.substr(first);
  }
  return {};
}

Machine describe_machine(Logger& log) {
  Machine m;
  try {
    m.cpu_model = Topology::load().cpu().model;
  } catch (const std::exception& e) {
    log.debug("bench", std::string("no CPU model from hwloc: ") + e.what());
  }
  if (m.cpu_model.empty()) m.cpu_model = model_from_proc_cpuinfo();
  m.hardware_threads = std::max(1u, std::thread::hardware_concurrency());
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
  m.date_utc = date;
  return m;
}

// 1, 2, 4, ... below `most`, then `most`.
std::vector<unsigned> scaling_threads(unsigned most) {
  std::vector<unsigned> out;
  for (unsigned t = 1; t < most; t *= 2)
    out.push_back(t);
  out.push_back(most);
  return out;
}

// Creates `dir` (and its parents) and checks it can take files; returns why not, or "".
std::string prepare_directory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create directory '" + dir + "': " + ec.message();
  if (!fs::is_directory(dir, ec)) return "'" + dir + "' is not a directory";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return "cannot write to directory '" + dir + "': " + std::strerror(errno);
  }
  return {};
}

bench::KernelBenchResult measure(const KernelInfo& k, const bench::KernelBenchOptions& options,
                                 CliContext& ctx) {
  ctx.log().info("bench", "benchmarking kernel " + k.name + " on " +
                              std::to_string(options.threads) + " thread" +
                              (options.threads == 1 ? "" : "s"));
  bench::KernelBenchResult r = bench::run_kernel_bench(k, options);
  if (r.errors > 0) {
    ctx.log().error("bench", "HARDWARE ERRORS: kernel " + r.kernel + " on " +
                                 std::to_string(r.threads) + " threads reported " +
                                 std::to_string(r.errors) +
                                 " hits that fail the reference sha256d");
  }
  return r;
}

// The GPUs that hash by default, each measured as bench --device does; a GPU that fails is
// logged and listed in `skipped`.
std::vector<GpuBenchRun> measure_gpus(double seconds, nlohmann::ordered_json& skipped,
                                      CliContext& ctx) {
  const GpuInventory gpus = discover_gpus();
  const DeviceChoice choice = choose_devices(std::nullopt, gpus);
  std::vector<std::string> names;
  for (const std::size_t i : choice.cuda)
    names.push_back("cuda:" + std::to_string(i));
  for (const std::size_t i : choice.opencl)
    names.push_back("opencl:" + std::to_string(i));
  if (names.empty()) {
    ctx.log().info("bench", "no GPU hashes by default here (CUDA: " +
                                (gpus.cuda_why_none.empty() ? "none" : gpus.cuda_why_none) +
                                "; OpenCL: " +
                                (gpus.opencl_why_none.empty() ? "no GPU" : gpus.opencl_why_none) +
                                "): the report has the CPU only");
  }
  std::vector<GpuBenchRun> out;
  for (const std::string& name : names) {
    try {
      out.push_back(run_one_gpu_bench(name, gpus, seconds, ctx.log()));
    } catch (const kernels::gpu::GpuError& e) {
      ctx.log().error("bench", name + ": not benchmarked: " + e.what());
      skipped.push_back({{"device", name}, {"reason", e.what()}});
    }
  }
  return out;
}

}  // namespace

int run_bench_report(const BenchArgs& args, const bench::KernelBenchOptions& options,
                     const std::vector<const KernelInfo*>& kernels, CliContext& ctx) {
  const std::string dir = *args.report;
  if (const std::string why = prepare_directory(dir); !why.empty()) {
    ctx.log().error("bench", "--report: " + why);
    return 1;
  }
  const Machine machine = describe_machine(ctx.log());

  std::uint64_t errors = 0;
  std::vector<bench::KernelBenchResult> cpu;
  std::size_t best = 0;
  for (const KernelInfo* k : kernels) {
    cpu.push_back(measure(*k, options, ctx));
    errors += cpu.back().errors;
    if (cpu.back().mhps > cpu[best].mhps) best = cpu.size() - 1;
  }

  // The fastest kernel over 1, 2, 4, ... threads; its run on every thread is already measured.
  std::vector<bench::KernelBenchResult> scaling;
  for (const unsigned threads : scaling_threads(options.threads)) {
    if (threads == options.threads) {
      scaling.push_back(cpu[best]);
      continue;
    }
    bench::KernelBenchOptions fewer = options;
    fewer.threads = threads;
    scaling.push_back(measure(*kernels[best], fewer, ctx));
    errors += scaling.back().errors;
  }

  nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
  const std::vector<GpuBenchRun> gpus = measure_gpus(options.seconds, skipped, ctx);

  nlohmann::ordered_json doc;
  doc["machine"] = {{"cpu_model", machine.cpu_model},
                    {"hardware_threads", machine.hardware_threads},
                    {"hashrig_version", HASHRIG_VERSION},
                    {"date_utc", machine.date_utc}};
  doc["seconds"] = options.seconds;
  bench::ReportChart chart;
  chart.title = "hashrig bench: " +
                (machine.cpu_model.empty() ? std::string("unknown CPU") : machine.cpu_model) +
                ", " + std::to_string(machine.hardware_threads) + " hardware threads";
  const std::string& date = machine.date_utc;  // "2025-01-31T12:00:00Z"
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g s per run", options.seconds);
  chart.subtitle = date.substr(0, 10) + " " + date.substr(11, 8) + " UTC, hashrig " +
                   HASHRIG_VERSION + ", " + seconds;
  nlohmann::ordered_json& results = doc["results"] = nlohmann::ordered_json::array();
  for (const bench::KernelBenchResult& r : cpu) {
    nlohmann::ordered_json j = {{"device", "cpu"}};
    j.update(to_json(r));
    results.push_back(j);
    chart.bars.push_back(
        {r.kernel + ", " + std::to_string(r.threads) + " thread" + (r.threads == 1 ? "" : "s"),
         r.mhps * 1e6});
  }
  for (const GpuBenchRun& g : gpus) {
    results.push_back(to_json(g));
    errors += g.bench.result.errors;
    chart.bars.push_back({g.info.id + " " + g.info.name, g.bench.result.mhps * 1e6});
  }
  doc["gpus_skipped"] = skipped;
  chart.scaling_kernel = cpu[best].kernel;
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  const double one = scaling.front().mhps;  // scaling starts at 1 thread
  for (const bench::KernelBenchResult& r : scaling) {
    points.push_back({{"threads", r.threads},
                      {"mhps", r.mhps},
                      {"efficiency", one > 0 ? r.mhps / (one * r.threads) : 0.0}});
    chart.scaling.push_back({r.threads, r.mhps * 1e6});
  }
  doc["scaling"] = {{"kernel", cpu[best].kernel}, {"points", points}};
  doc["errors"] = errors;

  const std::string json_path = (fs::path(dir) / "bench.json").string();
  const std::string svg_path = (fs::path(dir) / "bench.svg").string();
  try {
    write_file_atomically(json_path, doc.dump(2) + '\n', "--report");
    write_file_atomically(svg_path, bench::report_svg(chart), "--report");
  } catch (const std::runtime_error& e) {
    ctx.log().error("bench", e.what());
    return 1;
  }
  ctx.out() << "wrote " << json_path << '\n' << "wrote " << svg_path << '\n';
  if (errors > 0) {
    ctx.log().error("bench", "some hashes were wrong (" + std::to_string(errors) +
                                 " errors); they are in the report");
    return 1;
  }
  return 0;
}

}  // namespace hashrig::host
