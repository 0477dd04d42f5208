// The subcommands of the hashrig program, one file each (cli_<name>.cpp). cli.cpp parses the
// command line into these argument structs; a command returns the exit status (0 success,
// 1 runtime failure), throws UsageError for bad input (status 2), and writes results to
// ctx.out() and logs to ctx.log().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/cli_context.h"

namespace hashrig::host {

// hashrig hash [HEX]
struct HashArgs {
  std::optional<std::string> hex;  // absent: read hex text from stdin
};
int run_hash(const HashArgs& args, CliContext& ctx);

// hashrig scan --header HEX80 --start N --count M --target HEX64 [--kernel K] [--json]
struct ScanArgs {
  std::string header;
  std::string start;
  std::string count;
  std::string target;
  std::string kernel = "auto";
  std::string kernel_option = "--kernel";  // where `kernel` came from, for error messages
  bool json = false;
};
int run_scan(const ScanArgs& args, CliContext& ctx);

struct MineArgs;

// hashrig bench [--kernel K] [--threads N] [--seconds S] [--json]; also plain `hashrig`.
// hashrig bench --scheduler | --switch [--switches N]: the scheduler's overhead and switch latency.
struct BenchArgs {
  std::optional<std::string> kernel;       // absent: every usable kernel in turn
  std::string kernel_option = "--kernel";  // where `kernel` came from, for error messages
  std::optional<std::string> threads;      // absent: every hardware thread
  std::optional<std::string> seconds;      // absent: 3
  bool json = false;
  bool scheduler = false;               // --scheduler: hashrate through the scheduler vs the kernel
  bool switch_latency = false;          // --switch: job-switch latency, p50 / p99
  std::optional<std::string> switches;  // --switches N for --switch (default 200)
  bool submit_latency = false;          // --submit: verified share -> mining.submit on the socket
  std::optional<std::string> shares;    // --shares N for --submit (default 1000)
  bool node_tip = false;  // --node-tip: new tip on the node -> every worker on it (with --node)
  std::optional<std::string> tips;    // --tips N for --node-tip (default 50)
  const MineArgs* node = nullptr;     // the --node options, for --node-tip
  std::optional<std::string> device;  // --device cuda:N | opencl:N: benchmark that GPU
  std::optional<std::string> report;  // --report DIR: bench.json and bench.svg of the machine
};
int run_bench(const BenchArgs& args, CliContext& ctx);
// Throws UsageError naming --report and the option when --report is combined with another
// benchmark (--scheduler, --switch, --submit, --node-tip, --device) or --json.
void check_report_options(const BenchArgs& args);

// hashrig kernels [--json]
struct KernelsArgs {
  bool json = false;
};
int run_kernels(const KernelsArgs& args, CliContext& ctx);

// hashrig devices [--json]
struct DevicesArgs {
  bool json = false;
};
int run_devices(const DevicesArgs& args, CliContext& ctx);

// hashrig mine (-o URL -u USER -p PASS)... | --job-file FILE [--difficulty D] [--threads N]
// [--per-pu] [--no-pin]
//   [--duration S] [--status-interval S] [--summary-json FILE] [--batch-ms MS]
struct MineArgs {
  std::optional<std::string> config;  // -c: JSON config file (see config_file.h)
  bool config_has_pools = false;      // it has "pools" (the pool client reads them from it)
  std::vector<std::string> urls;    // -o: stratum+tcp:// or stratum+ssl:// URLs, in failover order
  std::vector<std::string> users;   // -u: one per URL (the last repeats)
  std::vector<std::string> passes;  // -p: likewise (default "x")
  std::optional<std::string> tls_fingerprint;  // pin the pools' certificate (SHA-256)
  std::optional<std::string> tls_ca;           // extra trust anchors (PEM file)
  bool tls_insecure = false;                   // no certificate checks at all
  bool load_balance = false;
  std::optional<std::string> suggest_difficulty;  // mining.suggest_difficulty to every pool
  bool no_extranonce_subscribe = false;
  std::optional<std::string> job_file;
  std::optional<std::string> difficulty;  // overrides the job file's
  std::optional<std::string> threads;     // absent: one worker per physical core
  bool per_pu = false;                    // one worker per PU instead of per core
  bool no_pin = false;
  std::optional<std::string> duration;  // absent: until SIGINT / SIGTERM
  std::string status_interval = "10";   // seconds; "0": no status line
  std::optional<std::string> summary_json;
  std::optional<std::string> batch_ms;  // target batch duration on CPU (default 1 ms)
  std::optional<std::string> devices;  // --devices cpu,cuda:0,opencl:1 (default: see gpu_devices.h)
  std::optional<std::string> gpu_launch_ms;     // target duration of one GPU launch (default 50 ms)
  std::optional<std::string> watchdog_stall_s;  // least stall before a restart (5; 0: off)
  std::optional<std::string> watchdog_restarts;  // restarts in a row before dead (3)
  std::optional<std::string> api_listen;         // [HOST:]PORT of the HTTP API (off when absent)
  std::optional<std::string> api_token_file;     // the bearer token for the API's POSTs
  std::optional<std::string> api_token;          // api.token of the config file (never argv)
  bool log_level_on_command_line = false;        // a SIGHUP reload keeps it
  std::string kernel = "auto";
  std::string kernel_option = "--cpu-kernel";
  // Solo mining into a node (--node); see node_options.h.
  std::optional<std::string> node;  // http://HOST:PORT[/path]
  std::optional<std::string> node_user, node_pass, node_cookie;
  std::optional<std::string> payout;
  std::optional<std::string> coinbase_tag;
  std::vector<std::string> signal;  // deployments to signal (vbavailable names)
  std::optional<std::string> max_blocks;
  std::optional<std::string> tip_poll_ms;
  std::optional<std::string> node_timeout;  // seconds per call to the node
  std::optional<std::string> node_zmq;      // the node's zmqpubhashblock endpoint
  std::optional<std::string> journal;       // the block journal; also read by `blocks`
};
int run_mine(const MineArgs& args, CliContext& ctx);
// Checks `args` as run_mine would before opening any device (the job source, its options, the
// API settings) and returns what it would mine, in words. Throws UsageError.
std::string check_mine_args(const MineArgs& args);

// hashrig blocks [--json] [--journal FILE]: the block journal, oldest first.
struct BlocksArgs {
  bool json = false;
  std::optional<std::string> journal;
};
int run_blocks(const BlocksArgs& args, CliContext& ctx);

}  // namespace hashrig::host
