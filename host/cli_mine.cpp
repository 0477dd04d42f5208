// hashrig mine: hash jobs from a source on every CPU worker through the scheduler, with a status
// line every few seconds and the summary file at exit. Stops after --duration, on SIGINT or
// SIGTERM; every candidate already found is verified and routed before the summary is written.
#include <signal.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "core/target.h"
#include "host/api_service.h"
#include "host/commands.h"
#include "host/config_reload.h"
#include "host/cpu_plan.h"
#include "host/gpu_devices.h"
#include "host/job_file_source.h"
#include "host/node_options.h"
#include "host/node_source.h"
#include "host/number_parse.h"
#include "host/pool_options.h"
#include "host/scheduler.h"
#include "host/service_notify.h"
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
  WatchdogOptions watchdog;
  std::optional<ApiSettings> api;  // --api-listen
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
  if (args.watchdog_stall_s) {  // "0": no watchdog
    s.watchdog.min_stall = *args.watchdog_stall_s == "0"
                               ? std::chrono::nanoseconds(0)
                               : to_duration(parse_argument("--watchdog-stall-s", [&] {
                                   return parse_seconds(*args.watchdog_stall_s, 3600);
                                 }));
  }
  if (args.watchdog_restarts) {
    s.watchdog.max_restarts = unsigned(parse_argument(
        "--watchdog-restarts", [&] { return parse_unsigned(*args.watchdog_restarts, 0, 1000); }));
  }
  if (args.api_listen) {
    s.api = api_settings(*args.api_listen, args.api_token_file, args.api_token);
  } else if (args.api_token_file) {
    throw UsageError("--api-token-file: only with --api-listen (the API is off without it)");
  }
  std::optional<double> difficulty;
  if (args.difficulty) {
    difficulty =
        parse_argument("--difficulty", [&] { return parse_positive(*args.difficulty, 1e15); });
  }
  const bool pools = !args.urls.empty() || args.config_has_pools;
  const int sources = int(bool(args.job_file)) + int(pools) + int(bool(args.node));
  if (sources > 1) {
    throw UsageError(
        "choose one job source: --job-file (mining.job_file), pools (-o, or the config file's "
        "pools) or a node (--node, node.url)");
  }
  if (args.node) {
    if (difficulty) throw UsageError("--difficulty: only with --job-file (the node sets it)");
    s.node = node_options(args);
  } else if (pools) {
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

// What the main thread waits on: the stop signals, systemd's watchdog and SIGHUP reloads.
struct MainWait {
  StopSignals& signals;
  ServiceNotifier& notifier;
  Logger& log;
  ConfigReloader* reloader;  // nullptr without a config file
};

// Waits until `until` for SIGINT or SIGTERM (returns it, or 0), sending systemd its WATCHDOG=1
// on time meanwhile, however rarely the caller wakes. The ping only says that this main loop
// runs: devices have their own health checks (the device watchdog in the scheduler), which
// are separate from systemd's watchdog. A SIGHUP reloads the config file and the wait goes on.
int wait_for_stop(MainWait& w, Clock::time_point until) {
  for (;;) {
    const Clock::time_point wake = std::min(until, w.notifier.next_watchdog_ping());
    if (const int signal = w.signals.wait(wake - Clock::now())) {
      if (signal != SIGHUP) return signal;
      if (!w.reloader) {
        w.log.warning("main", "SIGHUP: nothing to reload (no config file, -c FILE)");
        continue;
      }
      try {
        w.reloader->reload("SIGHUP");
        w.notifier.status("config reloaded");
      } catch (const UsageError&) {  // logged by the reloader; the running settings stay
        w.notifier.status("config reload refused: see the log");
      }
      continue;
    }
    const Clock::time_point now = Clock::now();
    if (now >= w.notifier.next_watchdog_ping()) w.notifier.ping_watchdog();
    if (now >= until) return 0;
  }
}

// Where the status line says the work comes from: the job's pool, the node, or the job file.
std::string source_of(const MineSettings& s, const core::Job* job) {
  if (s.pools) return job ? pool_label(*s.pools, job->source_id) : "";
  if (s.node) return "node " + s.node->endpoint.host + ":" + std::to_string(s.node->endpoint.port);
  return "job-file";
}

// Runs until the duration passes or a stop signal arrives; samples the stats every second and
// logs the status line every interval (and hands it to systemd as the service's status).
void mine_loop(const MineSettings& s, Scheduler& scheduler, MainWait& wait, Logger& log,
               const NodeSource* node) {
  ServiceNotifier& notifier = wait.notifier;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      s.duration ? start + to_duration(*s.duration) : Clock::time_point::max();
  Clock::time_point next_sample = start + std::chrono::seconds(1);
  Clock::time_point next_status =
      s.status_interval ? start + to_duration(*s.status_interval) : Clock::time_point::max();
  for (;;) {
    Clock::time_point wake = std::min({next_sample, next_status, end});
    if (node) wake = std::min(wake, Clock::now() + std::chrono::milliseconds(50));
    if (const int signal = wait_for_stop(wait, wake)) {
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
      // Devices out of the hunt lead the context, so a glance at the line shows them.
      const std::string trouble = device_trouble(scheduler.stats());
      const std::string devices = trouble.empty() ? "" : "devices: " + trouble;
      const std::string context = status_context(job.get(), source_of(s, job.get()));
      log.info("stats", status_line(snap, devices.empty() ? context : devices + " | " + context));
      notifier.status(status_line(snap, devices));
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

std::string check_mine_args(const MineArgs& args) {
  const MineSettings s = settings_of(args);
  std::string what = s.job    ? describe_job(*s.job)
                     : s.node ? "solo mining for the node at " + s.node->endpoint.host + ":" +
                                    std::to_string(s.node->endpoint.port)
                              : std::to_string(s.pools->pools.size()) + " pool(s)";
  if (s.pools) {
    for (std::size_t i = 0; i < s.pools->pools.size(); ++i) {
      const std::string& name = s.pools->pools[i].entry.name;
      what += (i == 0 ? ": " : ", ") + (name.empty() ? "pool" + std::to_string(i + 1) : name);
    }
    what += s.pools->load_balance ? " (load balance)" : " (failover)";
  }
  if (s.api) {
    what += "; API on " + s.api->listen.host + ":" + std::to_string(s.api->listen.port) +
            (s.api->token ? "" : " (read-only)");
  }
  return what;
}

int run_mine(const MineArgs& args, CliContext& ctx) {
  check_kernel_name(args.kernel_option, args.kernel);
  const MineSettings s = settings_of(args);
  Logger& log = ctx.log();
  // Before any thread starts, so every thread inherits the mask; SIGHUP reloads the config file.
  StopSignals signals(StopSignals::Hangup::wait);
  // systemd's Type=notify protocol (READY, STATUS, WATCHDOG, STOPPING); a no-op outside systemd.
  ServiceNotifier notifier(log);
  const GpuInventory gpus = discover_gpus();
  const DeviceChoice choice = choose_devices(args.devices, gpus);
  // "auto" calibrates every CPU kernel: start-up time a rig without CPU hashing need not spend.
  const kernels::cpu::KernelInfo* kernel =
      choice.cpu ? &ctx.select_kernel(args.kernel_option, args.kernel) : nullptr;

  Scheduler scheduler(log);
  scheduler.set_watchdog(s.watchdog);
  OfflineShareLog offline(log, scheduler.stats().totals(), &scheduler.stats().recent_shares());
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
  std::optional<ConfigReloader> reloader;  // SIGHUP and the API's pools/reload
  if (args.config)
    reloader.emplace(args, log, pools.get(), std::string("hashrig/") + HASHRIG_VERSION);
  MainWait wait{signals, notifier, log, reloader ? &*reloader : nullptr};
  std::unique_ptr<ApiService> api;  // before the scheduler starts: it lists the devices it has
  if (s.api) {
    MineApiParts parts{scheduler,    s.pools ? "pools" : s.node ? "node" : "job-file",
                       nullptr,      nullptr,
                       std::nullopt, std::nullopt,
                       nullptr};
    parts.pools = pools.get();
    parts.node = node.get();
    if (s.node) {
      parts.node_address = s.node->endpoint.host + ":" + std::to_string(s.node->endpoint.port);
      parts.journal = s.node->journal;
    }
    if (reloader && pools) {
      parts.reload_pools = [&reloader] {
        try {
          return reloader->reload("API");
        } catch (const UsageError& e) {
          throw ApiError(400, e.what());
        }
      };
    }
    api = std::make_unique<ApiService>(*s.api, std::move(parts), log);
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
  notifier.ready("mining on " + hardware);
  bool stopped_early = false;
  if (node) {
    stopped_early = !node->start([&](std::chrono::milliseconds d) {
      if (const int signal = wait_for_stop(wait, Clock::now() + d)) {
        log.info("main", std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
        return true;
      }
      return false;
    });
  }
  if (!stopped_early) mine_loop(s, scheduler, wait, log, node.get());
  notifier.stopping("stopping: verifying and sending what was found");
  scheduler.stop();                                 // verifies and routes whatever is still queued
  if (pools) pools->stop(std::chrono::seconds(5));  // let the pools answer what was sent
  if (node) node->stop(std::chrono::seconds(5));    // the journal keeps what is not answered

  const StatsSnapshot final_stats = scheduler.stats().snapshot(Clock::now());
  log.info("stats", "final: " + status_line(final_stats, ""));
  if (args.summary_json) write_summary_file(*args.summary_json, final_stats);
  return 0;
}

}  // namespace hashrig::host
