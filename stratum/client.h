// Client: the Stratum pool client. It keeps the connections its PoolStrategy wants (failover with
// switch-back, or load balance by quota), reconnects each with capped exponential backoff and
// jitter, forwards the jobs of the active pool, and submits shares to the pool whose job they
// solve. Everything runs on one io thread of its own; the public functions are thread-safe.
//
// Jobs: only the active pool's jobs are forwarded. When the active pool changes, its latest job
// is forwarded at once, marked clean (the other pool's work is no longer what is mined); when it
// has none yet, its next job is marked clean.
// Shares: submit() names the pool (Job::source_id). A share for a pool whose session is not up
// waits (at most kMaxQueued per pool) until it is, then goes through the session's own rules: a
// share whose job the new session does not know is reported stale, never silently dropped.
// Every submitted share gets exactly one outcome: accepted, rejected, stale or duplicate (shares
// in flight when a connection ends, or queued at stop, are reported stale).
//
// Control (for an operator: the HTTP API, metrics): status() reads a copy of every pool's state
// that the io thread refreshes on each event and every supervision tick (100 ms); switch_to()
// makes one pool first in the failover order.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/backoff.h"
#include "stratum/connection.h"
#include "stratum/pool_status.h"
#include "stratum/pool_strategy.h"

namespace hashrig::stratum {

struct PoolSettings {
  PoolEntry entry;  // url, user, pass, priority, quota, name
  TlsOptions tls;
  bool extranonce_subscribe = true;          // mining.extranonce.subscribe to this pool
  std::optional<double> suggest_difficulty;  // mining.suggest_difficulty to this pool
};

struct ClientOptions {
  std::vector<PoolSettings> pools;
  bool load_balance = false;
  StrategyOptions strategy;
  SessionConfig session;  // user agent, extensions, max line (user/pass/source come per pool)
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds job_timeout{120000};
  std::chrono::milliseconds submit_timeout{30000};  // a share unanswered this long: session dead
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  // Sessions are numbered base + 1, base + 2, ... (Job::source_session): a source that replaces
  // its client gives the new one a range of its own, so shares of the old one's jobs are told
  // apart.
  std::uint64_t session_number_base = 0;
};

class ClientEvents {
 public:
  virtual ~ClientEvents() = default;
  // A job to mine; Job::source_id is the pool's name.
  virtual void job(std::size_t pool, core::Job job) = 0;
  virtual void share_result(std::size_t pool, const ShareOutcome& outcome) = 0;
  virtual void note(std::size_t pool, SessionEvents::Level level, std::string text) = 0;
};

class Client {
 public:
  static constexpr std::size_t kMaxQueued = 4096;

  // Throws std::invalid_argument for an empty pool list (or what the strategy refuses).
  Client(ClientOptions options, ClientEvents& events);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();
  void stop();  // closes every connection and joins the io thread; idempotent
  void submit(std::size_t pool, const SubmitRequest& share);
  // Shares submitted whose outcome has not been reported yet (queued, or sent and unanswered).
  std::size_t unanswered() const { return m_unanswered.load(); }
  // Waits until every submitted share has its outcome, or `timeout` passes; true when drained.
  bool drain(std::chrono::milliseconds timeout) const;
  // The pool whose name is `source_id`, if any.
  std::optional<std::size_t> pool_of(const std::string& source_id) const;
  const std::string& pool_name(std::size_t pool) const { return m_names.at(pool); }
  std::size_t pool_count() const { return m_names.size(); }
  StrategyMode mode() const {
    return m_options.load_balance ? StrategyMode::load_balance : StrategyMode::failover;
  }

  // Every pool's state, in list order. Never waits for the io thread: it copies what the io thread
  // last published (at most one supervision tick old), so a stuck io thread cannot hang the
  // caller; before start() it is the initial state, after stop() the last one.
  std::vector<PoolStatus> status() const;
  // The operator's choice: `pool` becomes first in the failover order (the others keep their
  // order behind it), so it is active now, failover moves on from it if it fails, and switch-back
  // returns to it; this lasts as long as this client. Its latest job (or, without one yet, its
  // first) is forwarded marked clean. Waits up to kControlTimeout for the io thread to apply it
  // (std::runtime_error past that; the switch still applies when the io thread gets to it);
  // before start() or after stop() it applies at once. Throws std::logic_error in load-balance
  // mode and std::out_of_range for an index outside the list.
  void switch_to(std::size_t pool);
  static constexpr std::chrono::seconds kControlTimeout{5};

 private:
  struct Pool;
  class PoolEvents;

  asio::awaitable<void> supervise();
  void supervise_once();  // starts / closes connections as the strategy says; forwards a switch
  void apply_switch(std::size_t pool);
  void publish_status();  // io thread (or no io thread yet / any more)
  void on_share_result(std::size_t i, const ShareOutcome& outcome);
  asio::awaitable<void> run_pool(std::size_t i);
  void ensure_running(std::size_t i);
  bool needed(std::size_t i, std::chrono::steady_clock::time_point now) const;
  void on_session_up(std::size_t i);
  void on_job(std::size_t i, core::Job job);
  void flush_queue(std::size_t i);

  ClientOptions m_options;
  ClientEvents& m_events;
  std::vector<std::string> m_names;
  std::vector<PoolEntry> m_entries;          // io thread only: priorities in force
  std::unique_ptr<PoolStrategy> m_strategy;  // io thread only
  asio::io_context m_io;
  asio::steady_timer m_tick;
  std::vector<std::unique_ptr<Pool>> m_pools;  // io thread only
  std::optional<std::size_t> m_active;
  std::optional<std::size_t> m_clean_next;  // the new active pool had no job: mark its next clean
  std::uint64_t m_sessions = 0;             // connections made, numbering each session's jobs
  bool m_stopping = false;
  std::atomic<std::size_t> m_unanswered{0};
  std::jthread m_thread;
  std::atomic<std::thread::id> m_io_thread_id{};
  std::mutex m_stop_mutex;  // start(), stop() and switch_to()'s choice of path
  // What status() copies: written by publish_status(), read by status().
  mutable std::mutex m_status_mutex;
  std::vector<PoolStatus> m_status;
  std::vector<std::optional<std::chrono::steady_clock::time_point>> m_last_job_at;
};

}  // namespace hashrig::stratum
