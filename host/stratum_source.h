// StratumSource: the Stratum client as a job source and share sink of the scheduler. Jobs of the
// active pool are published (a malformed one was already refused by the session); verified shares
// go back to the pool whose job they solve; the pools' answers become the accepted / rejected /
// stale counters (a block candidate the pool accepts counts as an accepted block).
//
// Control, from any thread (the HTTP API's) while the verification thread calls submit():
// pools() and mode() read the client's status without waiting on it; switch_to() forwards the
// operator's choice; reload() replaces the pool list without stopping the devices:
//   1. a Client for the new options is made (a list it refuses throws, and nothing changes), its
//      pools' names are registered as sinks, it becomes the current client (from now on only its
//      jobs are published) and it starts;
//   2. the old client keeps its connections while it flushes: shares of its jobs (the devices
//      mine its last job until a new pool sends one) still go to it, told apart from the new
//      client's by their job's session number (each client numbers its sessions in a range of
//      its own, ClientOptions::session_number_base);
//   3. once it has no share unanswered and the new client has published a job, or after `flush`,
//      it is stopped: what it still has unanswered is counted stale, as stop() does;
//   4. a share of the old client's jobs that arrives later is counted stale (never lost, never
//      sent to a pool that did not issue its job); names no client has any more stay registered
//      (their late shares are counted stale, not unrouted) until the new client's first job has
//      been mined for kSinkGrace, then are unregistered (at the end of reload() or at one of the
//      new client's events after that).
// A lock (m_mutex) guards which clients take shares and which one publishes jobs; control calls
// are serialized among themselves (m_control) and never hold m_mutex while waiting on a client.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "host/log.h"
#include "host/scheduler.h"
#include "stratum/client.h"

namespace hashrig::host {

class StratumSource final : public ShareSink {
 public:
  static constexpr std::chrono::milliseconds kReloadFlush{3000};
  // Longer than any device's batch: after it, no device still hashes a replaced client's job.
  static constexpr std::chrono::milliseconds kSinkGrace{2000};

  // Throws std::invalid_argument for a pool list the client refuses.
  StratumSource(Scheduler& scheduler, Logger& log, stratum::ClientOptions options);
  ~StratumSource() override;

  void start();  // registers as the sink of every pool and connects
  // Waits up to `flush` for the pools to answer the shares already submitted, then disconnects;
  // what is still unanswered is counted stale. Idempotent.
  void stop(std::chrono::milliseconds flush = std::chrono::milliseconds(0));

  // ShareSink (the scheduler's verification thread)
  void submit(const Share& share) override;

  // The current client's pools (stratum::Client::status()) and strategy mode.
  std::vector<stratum::PoolStatus> pools() const;
  stratum::StrategyMode mode() const;
  // A pool by name ("pool2"), or else by its 1-based position in the list ("2"), becomes first in
  // the failover order (stratum::Client::switch_to). Throws std::invalid_argument naming the value
  // and the pools for anything else, std::logic_error in load-balance mode.
  void switch_to(const std::string& name_or_index);
  // Replaces the pool list without stopping the devices (the steps above); returns once the old
  // client is stopped. Before start() (or after stop()) it only replaces the client to start.
  // Throws std::invalid_argument (nothing changed) for a list the client refuses.
  void reload(stratum::ClientOptions options, std::chrono::milliseconds flush = kReloadFlush);

 private:
  struct Generation;  // one client with its pool names and the events it reports

  void on_job(Generation& from, std::size_t pool, core::Job job);
  void on_share_result(Generation& from, std::size_t pool, const stratum::ShareOutcome& outcome);
  void on_note(Generation& from, std::size_t pool, stratum::SessionEvents::Level level,
               std::string text);
  void count_stale(const Share& share, const std::string& why);
  // Stops a client that takes shares: waits up to `flush` (also, with `until_published`, for the
  // current client's first job), then stops it; what is unanswered is counted stale.
  void retire(const std::shared_ptr<Generation>& g, std::chrono::milliseconds flush,
              bool until_published);
  void register_sinks(const std::vector<std::string>& names);
  void unregister_gone();  // names no client takes shares for (step 4)

  Scheduler& m_scheduler;
  Logger& m_log;
  std::mutex m_control;  // start, stop, switch_to, reload: one at a time
  bool m_started = false;
  std::uint64_t m_next_generation = 0;  // m_control
  mutable std::mutex m_mutex;           // the three below
  std::shared_ptr<Generation> m_current;
  std::vector<std::shared_ptr<Generation>> m_live;  // started, not yet stopped: they take shares
  std::mutex m_sinks_mutex;                         // the names registered, and set_sink calls
  std::set<std::string> m_registered;
  std::atomic<bool> m_gone_pending{false};  // a reload left names for unregister_gone()
};

}  // namespace hashrig::host
