#include "bench/node_tip_bench.h"

#include <algorithm>
#include <thread>

#include "bench/scheduler_bench.h"
#include "core/bytes.h"

namespace hashrig::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRpcMethodNotFound = -32601;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// The generation of the first job on parent `tip` (display hex), or 0 at the deadline.
std::uint64_t wait_for_parent(host::Scheduler& scheduler, const std::string& tip,
                              Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    const host::JobSnapshot snap = scheduler.board().current();
    if (snap.job && core::to_hex_reversed(snap.job->prev_hash) == tip) return snap.generation;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return 0;
}

}  // namespace

TipBenchResult run_tip_bench(host::Scheduler& scheduler, node::RpcClient& control,
                             const std::string& address, const TipBenchOptions& options) {
  TipBenchResult r;
  r.devices = scheduler.stats().device_count();
  // Mining must be under way first.
  const auto ready = Clock::now() + options.timeout;
  while (scheduler.board().generation() == 0 && Clock::now() < ready)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (unsigned i = 0; i < options.tips; ++i) {
    std::this_thread::sleep_for(options.gap);
    const std::int64_t asked = steady_ns();
    nlohmann::json hashes;
    try {
      hashes = control.call("generatetoaddress", nlohmann::json::array({1, address}),
                            std::chrono::seconds(10));
    } catch (const node::RpcError& e) {
      if (e.code() != kRpcMethodNotFound) throw;
      // The test node's plain `generate`.
      hashes = control.call("generate", nlohmann::json::array({1}), std::chrono::seconds(10));
    }
    if (!hashes.is_array() || hashes.size() != 1 || !hashes[0].is_string())
      throw node::RpcUnavailable("generatetoaddress: expected one block hash, got " +
                                 hashes.dump());
    const auto deadline = Clock::now() + options.timeout;
    const std::uint64_t g = wait_for_parent(scheduler, hashes[0].get<std::string>(), deadline);
    const auto started = g ? wait_all_switched(scheduler, g, deadline) : std::nullopt;
    if (!started) {
      ++r.timeouts;
      continue;
    }
    r.latencies_ms.push_back(double(*started - asked) / 1e6);
  }
  if (!r.latencies_ms.empty()) {
    r.p50_ms = percentile(r.latencies_ms, 0.50);
    r.p99_ms = percentile(r.latencies_ms, 0.99);
    r.max_ms = *std::max_element(r.latencies_ms.begin(), r.latencies_ms.end());
  }
  return r;
}

}  // namespace hashrig::bench
