// Client: the Stratum pool client. It keeps the connections its PoolStrategy wants (failover with
// switch-back, or load balance by quota), reconnects each with capped exponential backoff and
// jitter, forwards the jobs of the active pool, and submits shares to the pool whose job they
// solve. Everything runs on one io thread of its own; the public functions are thread-safe.
//
// Jobs: only the active pool's jobs are forwarded. When the active pool changes, its latest job
// is forwarded at once, marked clean (the other pool's work is no longer what is mined).
// Shares: submit() names the pool (Job::source_id). A share for a pool whose session is not up
// waits (at most kMaxQueued per pool) until it is, then goes through the session's own rules: a
// share whose job the new session does not know is reported stale, never silently dropped.
// Every submitted share gets exactly one outcome: accepted, rejected, stale or duplicate (shares
// in flight when a connection ends, or queued at stop, are reported stale).
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
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
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

 private:
  struct Pool;
  class PoolEvents;

  asio::awaitable<void> supervise();
  asio::awaitable<void> run_pool(std::size_t i);
  void ensure_running(std::size_t i);
  bool needed(std::size_t i, std::chrono::steady_clock::time_point now) const;
  void on_session_up(std::size_t i);
  void on_job(std::size_t i, core::Job job);
  void flush_queue(std::size_t i);

  ClientOptions m_options;
  ClientEvents& m_events;
  std::vector<std::string> m_names;
  std::unique_ptr<PoolStrategy> m_strategy;  // io thread only
  asio::io_context m_io;
  asio::steady_timer m_tick;
  std::vector<std::unique_ptr<Pool>> m_pools;  // io thread only
  std::optional<std::size_t> m_active;
  std::uint64_t m_sessions = 0;  // connections made, numbering each session's jobs
  bool m_stopping = false;
  std::atomic<std::size_t> m_unanswered{0};
  std::jthread m_thread;
  std::mutex m_stop_mutex;
};

}  // namespace hashrig::stratum
