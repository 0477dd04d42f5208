// BlockSubmitter: gets every journaled block to the node. One thread submits the pending blocks
// oldest first with `submitblock`; a call that gets no answer (refused, timed out, an HTML error
// page, the node warming up) is counted in the journal and retried with capped exponential
// backoff, for as long as hashrig runs. An answer, whatever it says, is final and kept as given.
// At start it takes over the blocks a previous run left pending for this node.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "node-bridge/journal.h"
#include "node-bridge/rpc_client.h"

namespace hashrig::node {

struct SubmitterOptions {
  std::chrono::milliseconds deadline{30'000};  // per submitblock call
  std::chrono::milliseconds retry_initial{250};
  std::chrono::milliseconds retry_max{10'000};
};

struct SubmitterEvents {
  // The node's final answer for a block (null: accepted). Called on the submitter's thread.
  std::function<void(const JournalBlock& block, const nlohmann::json& answer)> answered;
  // A line for the log: warnings for failed attempts, info for the rest.
  std::function<void(bool warning, const std::string& text)> log;
};

// "accepted" for null, the string itself, or "error C: message" for a JSON-RPC error object.
std::string describe_answer(const nlohmann::json& answer);

class BlockSubmitter {
 public:
  // `journal`: null when it could not be opened; every block is then submitted from memory.
  BlockSubmitter(BlockJournal* journal, std::unique_ptr<RpcClient> rpc, std::string node,
                 SubmitterOptions options, SubmitterEvents events);
  ~BlockSubmitter();  // stop(0)

  void start();                  // queues the journal's pending blocks for `node`, starts
  void submit(std::int64_t id);  // a block just recorded in the journal (once if queued)
  // A block the journal could not take (disk full, I/O error): submitted from memory all the
  // same, retried the same way, but lost if hashrig stops before the node answers.
  void submit_unjournaled(JournalBlock block);
  // Waits up to `flush` for the queue to empty, then cancels the call in progress. What is left
  // stays pending in the journal for the next run. Returns the number left.
  std::size_t stop(std::chrono::milliseconds flush);
  std::size_t queued() const;

 private:
  struct Entry {
    std::int64_t id = 0;                        // in the journal, or
    std::shared_ptr<JournalBlock> unjournaled;  // only here
  };
  void run();
  // The journal's writes, which must not end the submitter when the disk fails.
  void note_failure(const Entry& entry, const std::string& failure);
  void note_answer(const Entry& entry, const std::string& answer);

  BlockJournal* m_journal;  // null: none could be opened
  std::unique_ptr<RpcClient> m_rpc;
  std::string m_node;
  SubmitterOptions m_options;
  SubmitterEvents m_events;

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Entry> m_queue;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace hashrig::node
