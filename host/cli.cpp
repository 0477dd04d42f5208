#include "host/cli.h"

#include <CLI/CLI.hpp>
#include <exception>
#include <memory>
#include <string>

#include "core/error.h"
#include "host/cli_config.h"
#include "host/cli_options.h"
#include "host/commands.h"
#include "host/node_options.h"
#include "host/number_parse.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

constexpr const char* kKernelHelp = "CPU kernel: auto, scalar, avx2, avx512 or shani";

// The command line as parsed: the chosen subcommand's arguments.
struct ParsedLine {
  LogArgs log;
  HashArgs hash;
  ScanArgs scan;
  BenchArgs bench;
  KernelsArgs kernels;
  DevicesArgs devices;
  MineArgs mine;
  BlocksArgs blocks;
  ConfigArgs config;
};

// Strings bound to optional arguments; copied into std::optional after parsing.
struct OptionalText {
  std::string hash_hex, bench_kernel, bench_threads, bench_seconds, cpu_kernel;
};

void add_scan(CLI::App& app, ScanArgs& a) {
  CLI::App* scan = app.add_subcommand(
      "scan", "Scan a nonce range of one header and print every nonce whose hash meets a target");
  scan->add_option("--header", a.header, "80-byte block header as 160 hex digits (nonce ignored)")
      ->type_name("HEX80")
      ->required();
  scan->add_option("--start", a.start, "first nonce (decimal or 0x-hex)")
      ->type_name("N")
      ->required();
  scan->add_option("--count", a.count, "how many nonces, 1 to 2^32 (decimal or 0x-hex)")
      ->type_name("M")
      ->required();
  scan->add_option("--target", a.target, "target as 64 hex digits, display (big-endian) order")
      ->type_name("HEX64")
      ->required();
  scan->add_option("--kernel", a.kernel, kKernelHelp)->type_name("K");
  scan->add_flag("--json", a.json, R"(print {"hits":[{"nonce":N,"hash":"..."}],"hashes":M})");
}

void add_bench(CLI::App& app, BenchArgs& a, OptionalText& text) {
  CLI::App* bench = app.add_subcommand(
      "bench", "Benchmark the CPU kernels (the default when no subcommand is given)");
  bench
      ->add_option("--kernel", text.bench_kernel,
                   std::string(kKernelHelp) + " (default: every usable kernel in turn)")
      ->type_name("K");
  bench->add_option("--threads", text.bench_threads, "threads (default: every hardware thread)")
      ->type_name("N");
  bench->add_option("--seconds", text.bench_seconds, "seconds per kernel (default 3)")
      ->type_name("S");
  bench->add_flag("--json", a.json, "print a JSON array, one object per kernel");
  bench->add_flag("--scheduler", a.scheduler,
                  "measure the hashrate through the scheduler against the kernel alone");
  bench->add_flag("--switch", a.switch_latency,
                  "measure the job-switch latency (clean job published -> every worker on it)");
  add_optional(bench, "--switches", a.switches, "clean jobs to publish with --switch (default 200)")
      ->type_name("N");
  bench->add_flag("--submit", a.submit_latency,
                  "measure the latency from a verified share to its mining.submit on the socket");
  add_optional(bench, "--shares", a.shares, "shares to submit with --submit (default 1000)")
      ->type_name("N");
  bench->add_flag("--node-tip", a.node_tip,
                  "measure a new tip on the node (--node, regtest: generatetoaddress to --payout) "
                  "-> every worker hashing on it");
  add_optional(bench, "--tips", a.tips, "new tips to make with --node-tip (default 50)")
      ->type_name("N");
  add_optional(bench, "--device", a.device,
               "benchmark this GPU (cuda:N or opencl:N; `hashrig devices` lists them)")
      ->type_name("DEVICE");
  add_optional(bench, "--report", a.report,
               "benchmark every CPU kernel, the best one's thread scaling and the default GPUs; "
               "write DIR/bench.json and a chart, DIR/bench.svg")
      ->type_name("DIR");
}

void fill_optionals(CLI::App& app, ParsedLine& line, const OptionalText& text) {
  CLI::App* hash = app.get_subcommand("hash");
  if (hash->get_option("HEX")->count() > 0) line.hash.hex = text.hash_hex;
  CLI::App* bench = app.get_subcommand("bench");
  if (bench->get_option("--kernel")->count() > 0) line.bench.kernel = text.bench_kernel;
  if (bench->get_option("--threads")->count() > 0) line.bench.threads = text.bench_threads;
  if (bench->get_option("--seconds")->count() > 0) line.bench.seconds = text.bench_seconds;
  // --cpu-kernel is the machine-wide choice; a subcommand's own --kernel overrides it.
  if (app.get_option("--cpu-kernel")->count() > 0) {
    if (app.get_subcommand("scan")->get_option("--kernel")->count() == 0) {
      line.scan.kernel = text.cpu_kernel;
      line.scan.kernel_option = "--cpu-kernel";
    }
    if (!line.bench.kernel) {
      line.bench.kernel = text.cpu_kernel;
      line.bench.kernel_option = "--cpu-kernel";
    }
    line.mine.kernel = text.cpu_kernel;
  }
}

int dispatch(CLI::App& app, ParsedLine& line, CliContext& ctx) {
  if (app.got_subcommand("config")) return run_config(line.config, line.mine, ctx);
  const bool bench = app.got_subcommand("bench");
  if (bench && (!line.mine.urls.empty() || line.mine.config))
    throw UsageError("bench: pools (-o, --config) are for mining; bench --submit has its own");
  const bool mining = !bench && (app.got_subcommand("mine") || !line.mine.urls.empty() ||
                                 line.mine.config || line.mine.node);
  if (!mining) check_mine_only(app);
  if (bench && line.bench.report) check_report_options(line.bench);
  if (bench && line.bench.node_tip) {
    if (!line.mine.node)
      throw UsageError("--node-tip: needs --node URL, its credentials and --payout");
    line.bench.node = &line.mine;
  } else if (bench && line.mine.node) {
    throw UsageError("--node: for bench, only with --node-tip");
  }
  if (!line.mine.node) {
    if (const char* option = first_node_only_option(line.mine))
      throw UsageError(std::string(option) + ": only with --node URL");
  }
  if (app.got_subcommand("blocks")) {
    if (mining) throw UsageError("blocks: lists the journal; it does not mine");
    line.blocks.journal = line.mine.journal;
    return run_blocks(line.blocks, ctx);
  }
  if (line.mine.journal && !mining && !line.bench.node_tip)
    throw UsageError("--journal: only with --node URL or the blocks command");
  if (app.got_subcommand("hash")) return run_hash(line.hash, ctx);
  if (app.got_subcommand("scan")) return run_scan(line.scan, ctx);
  if (app.got_subcommand("kernels")) return run_kernels(line.kernels, ctx);
  if (app.got_subcommand("devices")) return run_devices(line.devices, ctx);
  if (mining) return run_mine(line.mine, ctx);
  return run_bench(line.bench, ctx);  // `hashrig bench`, and `hashrig` alone
}

}  // namespace

int run_cli(int argc, const char* const* argv, const CliIo& io) {
  CLI::App app{
      "hashrig: SHA-256d mining and hashing appliance.\n"
      "Without a subcommand, benchmarks every usable CPU kernel on all threads.",
      "hashrig"};
  app.fallthrough();  // global options are accepted after the subcommand too
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("hashrig ") + HASHRIG_VERSION);
  app.footer("Exit status: 0 success, 2 bad usage or input, 1 runtime failure.");

  ParsedLine line;
  OptionalText text;
  add_log_options(app, line.log);
  app.add_option("--cpu-kernel", text.cpu_kernel,
                 std::string(kKernelHelp) + " for every CPU worker (default auto)")
      ->type_name("K");

  CLI::App* hash = app.add_subcommand(
      "hash", "sha256d of bytes given as hex (or read from stdin), printed in display order");
  hash->add_option("HEX", text.hash_hex, "the bytes as hex; absent: hex text on stdin")
      ->type_name("");
  add_scan(app, line.scan);
  add_bench(app, line.bench, text);
  add_mine_options(app, line.mine);
  CLI::App* kernels =
      app.add_subcommand("kernels", "List the CPU kernels, their support and self-test results");
  kernels->add_flag("--json", line.kernels.json, "print a JSON array");
  CLI::App* devices = app.add_subcommand(
      "devices", "List what was detected: CPU packages, cores, PUs, NUMA nodes, caches; GPUs");
  devices->add_flag("--json", line.devices.json, "print one JSON object");
  CLI::App* blocks = app.add_subcommand(
      "blocks", "List the block journal: every block found for a node and what the node said");
  blocks->add_flag("--json", line.blocks.json, "print a JSON array, oldest first");
  CLI::App* config = app.add_subcommand(
      "config", "Check a config file without mining (--check FILE), or print an example one");
  config->add_option("--check", line.config.check, "validate FILE as `mine -c FILE` would")
      ->type_name("FILE");
  config->add_flag("--example", line.config.example, "print an example config file (JSON)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, io.out, io.err);  // --help, --version
    io.err << "hashrig: " << e.what() << "\nRun 'hashrig --help' for usage.\n";
    return 2;
  }
  // The config file under the command line: what the command line gave wins.
  line.mine.log_level_on_command_line = app.get_option("--log-level")->count() > 0;
  if (line.config.check) {
    if (line.mine.config) {
      io.err << "hashrig: config --check FILE and -c FILE: give the file once\n";
      return 2;
    }
    line.mine.config = line.config.check;
  }
  std::optional<ConfigOptions> config_options;
  const auto usage_message = [&](const UsageError& e) {
    return config_options ? config_key_message(e.what(), *config_options, *line.mine.config)
                          : std::string(e.what());
  };
  try {
    if (line.mine.config) config_options = overlay_config_file(app, *line.mine.config, line.mine);
  } catch (const UsageError& e) {
    io.err << "hashrig: " << e.what() << '\n';
    return 2;
  }
  fill_optionals(app, line, text);

  std::unique_ptr<CliContext> context;
  try {
    LogSettings log = log_settings(app, line.log);
    if (app.got_subcommand("config")) log.file.reset();  // checking a file writes no log file
    context = std::make_unique<CliContext>(io, std::move(log));
  } catch (const UsageError& e) {
    io.err << "hashrig: " << usage_message(e) << '\n';
    return 2;
  }
  CliContext& ctx = *context;
  int status = 0;
  try {
    status = dispatch(app, line, ctx);
  } catch (const UsageError& e) {
    io.err << "hashrig: " << usage_message(e) << '\n';
    return 2;
  } catch (const core::ParseError& e) {  // a parse a command forgot to name; still bad input
    io.err << "hashrig: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    ctx.log().error("main", e.what());
    return 1;
  }
  io.out.flush();
  if (!io.out) {
    ctx.log().error("main", "could not write the results to standard output");
    return 1;
  }
  return status;
}

}  // namespace hashrig::host
