// NodeSource: solo mining into a ledger node. The node's templates (TemplateFeed) become jobs on
// the scheduler; a verified block candidate is assembled, written to the block journal, then
// submitted (BlockSubmitter) until the node answers.
//
// Start-up: getblockchaininfo (retried until the node answers or a stop signal arrives), the
// payout address checked against the node's chain (a wrong network, bad checksum or unknown
// witness version stops start-up naming the address), the journal opened, the blocks an earlier
// run left pending resubmitted, then the feed started.
//
// Jobs: the template's version | vbrequired | the bits of the operator's --signal deployments
// that vbavailable offers; nTime may roll only when the template lists "time" as mutable; a new
// parent makes a clean job, a new template on the same parent does not.
//
// Blocks: one block per parent. Once a block on a parent is found, further candidates on that
// parent are counted and logged but not submitted (they could only compete with our own block),
// and a fresh template is what the workers want next.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/log.h"
#include "host/scheduler.h"
#include "node-bridge/address.h"
#include "node-bridge/block_submitter.h"
#include "node-bridge/coinbase.h"
#include "node-bridge/journal.h"
#include "node-bridge/template_feed.h"

namespace hashrig::host {

struct NodeSourceOptions {
  node::NodeEndpoint endpoint;
  node::RpcCredentials credentials;
  std::string payout;  // the address text, checked at start()
  std::string coinbase_tag = "/hashrig/";
  std::vector<std::string> signal;  // deployments to signal when vbavailable offers them
  std::filesystem::path journal;    // the block journal (SQLite)
  node::FeedOptions feed;
  node::SubmitterOptions submitter;
  std::optional<std::uint64_t> max_blocks;  // stop after this many accepted blocks
  // false (benchmarks): blocks found are counted and logged, never journaled or submitted.
  bool submit_blocks = true;
  // Benchmarks: mine every job at this (harder) target instead of the template's, so the
  // regtest target's flood of block candidates does not swamp what is measured.
  std::optional<core::Uint256> bench_target;
};

inline constexpr const char* kNodeSourceId = "node";
inline constexpr std::size_t kMaxCoinbaseTag = 60;  // bytes; leaves room in the 100-byte scriptSig
inline constexpr std::uint32_t kNodeNtimeRoll = 600;  // seconds, when the template allows it

class NodeSource final : public ShareSink {
 public:
  NodeSource(Scheduler& scheduler, Logger& log, NodeSourceOptions options);
  ~NodeSource() override;

  // Throws UsageError for a payout address the node's chain refuses, std::runtime_error when the
  // journal cannot be opened; returns false when `wait` reported a stop before the node answered.
  // `wait(d)` sleeps up to d and returns true when the program must stop.
  bool start(const std::function<bool(std::chrono::milliseconds)>& wait);
  // Stops the feed, then gives the submitter up to `flush` to land what is pending.
  void stop(std::chrono::milliseconds flush);

  void submit(const Share& share) override;  // the scheduler's verification thread

  bool max_blocks_reached() const;
  std::uint64_t blocks_accepted() const { return m_accepted.load(); }
  // Seconds since the last template became work; nullopt before the first.
  std::optional<double> template_age_s() const;

 private:
  struct Published {
    std::string job_id;
    std::shared_ptr<const node::BlockTemplate> tmpl;
  };
  void on_template(const std::shared_ptr<const node::BlockTemplate>& tmpl);
  void on_answer(const node::JournalBlock& block, const nlohmann::json& answer);
  std::uint32_t job_version(const node::BlockTemplate& tmpl);

  Scheduler& m_scheduler;
  Logger& m_log;
  NodeSourceOptions m_options;
  std::string m_node;  // host:port, the journal's key
  node::CoinbaseSpec m_spec;
  std::unique_ptr<node::BlockJournal> m_journal;
  std::unique_ptr<node::BlockSubmitter> m_submitter;
  std::unique_ptr<node::TemplateFeed> m_feed;

  std::mutex m_mutex;
  std::deque<Published> m_published;  // the last few templates, for assembling blocks
  std::uint64_t m_job_seq = 0;
  std::optional<core::Hash256> m_last_parent;
  std::atomic<std::int64_t> m_last_template_ns{0};  // steady clock; 0: none yet
  std::deque<core::Hash256> m_solved_parents;       // ours is journaled on these (the last few)
  std::vector<std::string> m_warned_signals;
  std::atomic<std::uint64_t> m_accepted{0};
  bool m_started = false;
};

}  // namespace hashrig::host
