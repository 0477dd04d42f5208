// hashrig mine: hash jobs from a source on every CPU worker through the scheduler, with a status
// line every few seconds and the summary file at exit. Stops after --duration, on SIGINT or
// SIGTERM; every candidate already found is verified and routed before the summary is written.
#include <signal.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "core/target.h"
#include "host/commands.h"
#include "host/cpu_plan.h"
#include "host/gpu_devices.h"
#include "host/job_file_source.h"
#include "host/node_options.h"
#include "host/node_source.h"
#include "host/number_parse.h"
#include "host/pool_options.h"
#include "host/scheduler.h"
#include "host/stats_report.h"
#include "host/stop_signals.h"
#include "host/stratum_source.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMaxSeconds = 1e7;

std::chrono::nanoseconds to_duration(double seconds) {
  return std::chrono::nanoseconds(std::int64_t(seconds * 1e9));
}

// "0" switches the status line off; anything else is a positive number of seconds.
std::optional<double> parse_interval(const std::string& text) {
  if (text == "0") return std::nullopt;
  return parse_argument("--status-interval", [&] { return parse_seconds(text, kMaxSeconds); });
}

struct MineSettings {
  std::optional<core::Job> job;                 // --job-file
  std::optional<stratum::ClientOptions> pools;  // -o
  std::optional<NodeSourceOptions> node;        // --node
  std::optional<unsigned> threads;
  std::optional<double> duration;
  std::optional<double> status_interval;
  std::chrono::nanoseconds batch_target = std::chrono::milliseconds(1);
  std::chrono::nanoseconds gpu_launch = std::chrono::milliseconds(50);
};

MineSettings settings_of(const MineArgs& args) {
  MineSettings s;
  if (args.threads) {
    s.threads = unsigned(
        parse_argument("--threads", [&] { return parse_unsigned(*args.threads, 1, 4096); }));
  }
  if (args.duration) {
    s.duration =
        parse_argument("--duration", [&] { return parse_seconds(*args.duration, kMaxSeconds); });
  }
  s.status_interval = parse_interval(args.status_interval);
  if (args.batch_ms) {
    s.batch_target = to_duration(
        parse_argument("--batch-ms", [&] { return parse_seconds(*args.batch_ms, 1000); }) / 1000);
  }
  if (args.gpu_launch_ms) {
    s.gpu_launch =
        to_duration(parse_argument("--gpu-launch-ms",
                                   [&] { return parse_seconds(*args.gpu_launch_ms, 10000); }) /
                    1000);
  }
  std::optional<double> difficulty;
  if (args.difficulty) {
    difficulty =
        parse_argument("--difficulty", [&] { return parse_positive(*args.difficulty, 1e15); });
  }
  const int sources = int(bool(args.job_file)) + int(!args.urls.empty() || bool(args.config)) +
                      int(bool(args.node));
  if (sources > 1) {
    throw UsageError(
        "choose one job source: --job-file, pools (-o or --config), or a node (--node)");
  }
  if (args.node) {
    if (difficulty) throw UsageError("--difficulty: only with --job-file (the node sets it)");
    s.node = node_options(args);
  } else if (!args.urls.empty() || args.config) {
    if (difficulty) throw UsageError("--difficulty: only with --job-file (pools set their own)");
    s.pools = client_options(args, std::string("hashrig/") + HASHRIG_VERSION);
  } else if (args.job_file) {
    s.job = load_job_file(*args.job_file, difficulty);
  } else {
    throw UsageError(
        "mine: no job source given: use -o URL -u USER -p PASS, --node URL --payout ADDRESS, or "
        "--job-file FILE");
  }
  return s;
}

// Runs until the duration passes or a stop signal arrives; samples the stats every second and
// logs the status line every interval.
void mine_loop(const MineSettings& s, Scheduler& scheduler, StopSignals& signals, Logger& log,
               const NodeSource* node) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      s.duration ? start + to_duration(*s.duration) : Clock::time_point::max();
  Clock::time_point next_sample = start + std::chrono::seconds(1);
  Clock::time_point next_status =
      s.status_interval ? start + to_duration(*s.status_interval) : Clock::time_point::max();
  for (;;) {
    Clock::time_point wake = std::min({next_sample, next_status, end});
    if (node) wake = std::min(wake, Clock::now() + std::chrono::milliseconds(50));
    if (const int signal = signals.wait(wake - Clock::now())) {
      log.info("main", std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
      break;
    }
    const Clock::time_point now = Clock::now();
    if (now >= next_sample) {
      scheduler.stats().sample(now);
      next_sample += std::chrono::seconds(1);
    }
    if (now >= next_status) {
      const StatsSnapshot snap = scheduler.stats().snapshot(now);
      const auto job = scheduler.board().current().job;
      log.info("stats", status_line(snap, job ? describe_job(*job) : "waiting for a job"));
      if (log.enabled(LogLevel::debug)) {
        for (const DeviceSnapshot& d : snap.devices)
          log.debug("stats", device_line(d));
      }
      next_status += to_duration(*s.status_interval);
    }
    if (now >= end) break;
    if (node && node->max_blocks_reached()) {
      log.info("main", "stopping: " + std::to_string(node->blocks_accepted()) +
                           " block(s) accepted (--max-blocks)");
      break;
    }
  }
  scheduler.stats().sample(Clock::now());
}

}  // namespace

int run_mine(const MineArgs& args, CliContext& ctx) {
  check_kernel_name(args.kernel_option, args.kernel);
  const MineSettings s = settings_of(args);
  Logger& log = ctx.log();
  StopSignals signals;  // before any thread starts, so every thread inherits the mask
  const GpuInventory gpus = discover_gpus();
  const DeviceChoice choice = choose_devices(args.devices, gpus);
  // "auto" calibrates every CPU kernel: start-up time a rig without CPU hashing need not spend.
  const kernels::cpu::KernelInfo* kernel =
      choice.cpu ? &ctx.select_kernel(args.kernel_option, args.kernel) : nullptr;

  Scheduler scheduler(log);
  OfflineShareLog offline(log, scheduler.stats().totals());
  std::unique_ptr<StratumSource> pools;
  if (s.job) scheduler.set_sink(s.job->source_id, &offline);
  if (s.pools) pools = std::make_unique<StratumSource>(scheduler, log, *s.pools);
  std::unique_ptr<NodeSource> node;
  if (s.node) node = std::make_unique<NodeSource>(scheduler, log, *s.node);
  std::string hardware;
  std::optional<CpuPlan> plan;
  if (choice.cpu) {
    plan.emplace(plan_cpu(log, s.threads, args.per_pu));
    CpuBackendOptions options = backend_options(*plan, !args.no_pin);
    options.batch_target = s.batch_target;
    scheduler.add_backend(std::make_unique<CpuBackend>(*kernel, std::move(options)));
    hardware = std::to_string(plan->placements.size()) + " CPU worker" +
               (plan->placements.size() == 1 ? "" : "s") + ", kernel " + kernel->name +
               (args.no_pin || !plan->topology ? ", unpinned" : ", pinned to cores");
  }
  GpuBackendOptions gpu_options;
  gpu_options.launch_target = s.gpu_launch;
  std::optional<Topology> gpu_topology;
  if (!choice.cuda.empty() || !choice.opencl.empty()) {
    if (plan && plan->topology) {
      gpu_options.topology = &*plan->topology;
    } else {
      try {
        gpu_options.topology = &gpu_topology.emplace(Topology::load());
      } catch (const std::runtime_error& e) {
        log.warning("main", std::string("GPU feeder threads unpinned: ") + e.what());
      }
    }
  }
  for (auto& backend : open_gpu_backends(choice, gpus, gpu_options, log)) {
    for (const DeviceDescription& d : backend->devices())
      hardware += (hardware.empty() ? "" : ", ") + d.id + " (" + d.where + ")";
    scheduler.add_backend(std::move(backend));
  }
  if (hardware.empty()) {
    log.error("main", "no device could be opened to hash on");
    return 1;
  }
  if (gpus.cuda.empty()) log.debug("cuda", "no CUDA device: " + gpus.cuda_why_none);
  if (gpus.opencl.empty()) log.debug("opencl", "no OpenCL device: " + gpus.opencl_why_none);
  scheduler.start();
  log.info("main", "mining " +
                       (s.job    ? describe_job(*s.job)
                        : s.node ? "for the node at " + s.node->endpoint.host + ":" +
                                       std::to_string(s.node->endpoint.port)
                                 : "for " + std::to_string(s.pools->pools.size()) + " pool(s)") +
                       " on " + hardware);
  if (s.job) scheduler.publish(*s.job);
  if (pools) pools->start();
  bool stopped_early = false;
  if (node) {
    stopped_early = !node->start([&](std::chrono::milliseconds d) {
      if (const int signal = signals.wait(d)) {
        log.info("main", std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
        return true;
      }
      return false;
    });
  }
  if (!stopped_early) mine_loop(s, scheduler, signals, log, node.get());
  scheduler.stop();                                 // verifies and routes whatever is still queued
  if (pools) pools->stop(std::chrono::seconds(5));  // let the pools answer what was sent
  if (node) node->stop(std::chrono::seconds(5));    // the journal keeps what is not answered

  const StatsSnapshot final_stats = scheduler.stats().snapshot(Clock::now());
  log.info("stats", "final: " + status_line(final_stats, ""));
  if (args.summary_json) write_summary_file(*args.summary_json, final_stats);
  return 0;
}

}  // namespace hashrig::host
