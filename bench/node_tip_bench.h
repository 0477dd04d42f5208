// The node tip latency: from asking the node for a new tip (generatetoaddress, as on a regtest
// node) to every device hashing a job on that tip, through the real path: the node's longpoll
// (or tip poll) answers, the template is parsed, turned into a job and published, and each
// device stamps when it starts on it. The time starts before the generate call, so the node's
// own work to make the block is included: an upper bound of what a miner sees. A node without
// generatetoaddress is asked for `generate` (hashrig's test node).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "host/scheduler.h"
#include "node-bridge/rpc_client.h"

namespace hashrig::bench {

struct TipBenchOptions {
  unsigned tips = 50;
  std::chrono::milliseconds gap{100};  // after one tip is on every device, before the next
  std::chrono::seconds timeout{5};     // per tip
};

struct TipBenchResult {
  std::size_t devices = 0;
  std::vector<double> latencies_ms;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  unsigned timeouts = 0;
};

// The scheduler must be started and fed by a NodeSource on the same node; `control` is a
// client of its own for generatetoaddress.
TipBenchResult run_tip_bench(host::Scheduler& scheduler, node::RpcClient& control,
                             const std::string& address, const TipBenchOptions& options);

}  // namespace hashrig::bench
