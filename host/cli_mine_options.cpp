#include <string>

#include "host/cli_options.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

// Pool options are global, so `hashrig -o URL -u USER -p PASS` mines without a subcommand.
void add_pools(CLI::App& app, MineArgs& a) {
  add_optional(&app, "-c,--config", a.config,
               "JSON config file: \"pools\" and \"pool_strategy\" (implies mine; flags overlay it)")
      ->type_name("FILE");
  app.add_option("-o,--url", a.urls,
                 "pool: stratum+tcp://HOST:PORT or stratum+ssl://HOST:PORT; repeat for failover "
                 "order (implies mine)")
      ->type_name("URL");
  app.add_option("-u,--user", a.users, "pool user (worker); one per -o, the last repeats")
      ->type_name("USER");
  app.add_option("-p,--pass", a.passes, "pool password; one per -o, the last repeats (default x)")
      ->type_name("PASS");
  add_optional(&app, "--tls-fingerprint", a.tls_fingerprint,
               "accept only the pool certificate with this SHA-256 fingerprint (self-signed pools)")
      ->type_name("HEX");
  add_optional(&app, "--tls-ca", a.tls_ca, "trust these CA certificates (PEM) besides the system's")
      ->type_name("FILE");
  app.add_flag("--tls-insecure", a.tls_insecure,
               "do not verify the pool's certificate at all (an explicit opt-out)");
  add_optional(&app, "--suggest-difficulty", a.suggest_difficulty,
               "ask the pools for this share difficulty (mining.suggest_difficulty)")
      ->type_name("D");
  app.add_flag("--no-extranonce-subscribe", a.no_extranonce_subscribe,
               "do not send mining.extranonce.subscribe (for pools that close on it)");
  app.add_flag("--load-balance", a.load_balance,
               "share the hashrate among the pools by quota instead of failover");
}

// Solo mining options are global too: `hashrig --node URL --node-cookie FILE --payout ADDR`.
void add_node(CLI::App& app, MineArgs& a) {
  const char* group = "Solo mining into a node (with --node)";
  add_optional(&app, "--node", a.node,
               "the node's JSON-RPC, e.g. http://127.0.0.1:8332 (implies mine)")
      ->type_name("URL")
      ->group(group);
  add_optional(&app, "--node-user", a.node_user, "the node's rpcuser")
      ->type_name("U")
      ->group(group);
  add_optional(&app, "--node-pass", a.node_pass, "the node's rpcpassword")
      ->type_name("P")
      ->group(group);
  add_optional(&app, "--node-cookie", a.node_cookie,
               "the node's cookie file (re-read when the node restarts)")
      ->type_name("FILE")
      ->group(group);
  add_optional(&app, "--payout", a.payout,
               "where found blocks pay: P2PKH/P2SH (base58) or P2WPKH/P2WSH/P2TR (bech32/m)")
      ->type_name("ADDRESS")
      ->group(group);
  add_optional(&app, "--coinbase-tag", a.coinbase_tag,
               "text in the coinbase scriptSig (default /hashrig/, at most 60 bytes)")
      ->type_name("TEXT")
      ->group(group);
  app.add_option("--signal", a.signal,
                 "signal this deployment when the node offers it (vbavailable); repeatable")
      ->type_name("NAME")
      ->group(group);
  add_optional(&app, "--max-blocks", a.max_blocks, "stop after N blocks the node accepted")
      ->type_name("N")
      ->group(group);
  add_optional(&app, "--tip-poll-ms", a.tip_poll_ms,
               "ask the node for its best block this often, besides longpoll (default 250; 0: off)")
      ->type_name("MS")
      ->group(group);
  add_optional(&app, "--node-timeout", a.node_timeout,
               "give up on a call to the node after S seconds and retry it (default 10 for "
               "templates, 30 for submitblock)")
      ->type_name("S")
      ->group(group);
  add_optional(&app, "--node-zmq", a.node_zmq,
               "the node's zmqpubhashblock endpoint: a new block is seen at once")
      ->type_name("tcp://HOST:PORT")
      ->group(group);
  add_optional(&app, "--journal", a.journal,
               "the block journal (default ~/.local/state/hashrig/blocks.sqlite3)")
      ->type_name("FILE")
      ->group(group);
}

// The mining options belong to the top level, so `hashrig -o URL -u USER -p PASS --duration 60`
// works without the `mine` subcommand; used without mining they are an error (kMineOnly).
constexpr const char* kMineOnly[] = {"--job-file",
                                     "--difficulty",
                                     "--threads",
                                     "--per-pu",
                                     "--no-pin",
                                     "--duration",
                                     "--status-interval",
                                     "--summary-json",
                                     "--batch-ms",
                                     "--devices",
                                     "--gpu-launch-ms",
                                     "--watchdog-stall-s",
                                     "--watchdog-restarts",
                                     "--api-listen",
                                     "--api-token-file"};

void add_mine(CLI::App& app, MineArgs& a) {
  app.add_subcommand("mine",
                     "Mine through the scheduler on every CPU worker, with live stats "
                     "(implied by -o)");
  const char* group = "Mining (with mine or -o)";
  add_optional(&app, "--job-file", a.job_file,
               "mine one recorded Stratum job offline: {extranonce1, extranonce2_size, "
               "difficulty, job: [mining.notify params]}")
      ->type_name("FILE")
      ->group(group);
  add_optional(&app, "--difficulty", a.difficulty, "share difficulty for --job-file")
      ->type_name("D")
      ->group(group);
  add_optional(&app, "-t,--threads", a.threads,
               "CPU workers (default: one per physical core), spread over cores first")
      ->type_name("N")
      ->group(group);
  app.add_flag("--per-pu", a.per_pu, "one CPU worker per hardware thread (PU), not per core")
      ->group(group);
  app.add_flag("--no-pin", a.no_pin, "do not pin CPU workers to their cores")->group(group);
  add_optional(&app, "--duration", a.duration, "stop after this many seconds (default: SIGINT)")
      ->type_name("SECONDS")
      ->group(group);
  app.add_option("--status-interval", a.status_interval,
                 "seconds between status lines (default 10; 0: none)")
      ->type_name("SECONDS")
      ->group(group);
  add_optional(&app, "--summary-json", a.summary_json, "at exit, write the final counters here")
      ->type_name("FILE")
      ->group(group);
  add_optional(&app, "--batch-ms", a.batch_ms,
               "target duration of one CPU batch in milliseconds (default 1)")
      ->type_name("MS")
      ->group(group);
  add_optional(&app, "--devices", a.devices,
               "what hashes: cpu, cuda, cuda:N, opencl, opencl:N, comma separated (default: the "
               "CPU, every CUDA device and every OpenCL GPU not also seen through CUDA)")
      ->type_name("LIST")
      ->group(group);
  add_optional(&app, "--gpu-launch-ms", a.gpu_launch_ms,
               "target duration of one GPU launch in milliseconds (default 50)")
      ->type_name("MS")
      ->group(group);
  add_optional(&app, "--watchdog-stall-s", a.watchdog_stall_s,
               "restart a device that completes no batch for 10x its usual batch time and at "
               "least this long (default 5; 0: no device watchdog)")
      ->type_name("SECONDS")
      ->group(group);
  add_optional(&app, "--watchdog-restarts", a.watchdog_restarts,
               "restarts in a row that do not bring a device back before it is marked dead "
               "(default 3)")
      ->type_name("N")
      ->group(group);
  const char* api = "HTTP API and Prometheus metrics (with mine)";
  add_optional(&app, "--api-listen", a.api_listen,
               "serve the API on [HOST:]PORT (HOST defaults to 127.0.0.1; port 0: any free one)")
      ->type_name("ADDR")
      ->group(api);
  add_optional(&app, "--api-token-file", a.api_token_file,
               "the bearer token for the API's controls (pause, resume, pools); without one the "
               "API is read-only")
      ->type_name("FILE")
      ->group(api);
}

}  // namespace

void add_mine_options(CLI::App& app, MineArgs& a) {
  add_mine(app, a);
  add_pools(app, a);
  add_node(app, a);
}

void check_mine_only(CLI::App& app) {
  for (const char* name : kMineOnly) {
    if (app.get_option(name)->count() > 0) {
      throw UsageError(std::string(name) + ": only when mining (hashrig mine, or -o URL)");
    }
  }
}

}  // namespace hashrig::host
