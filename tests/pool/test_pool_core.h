// The inside of TestPool (test_pool.h):
//   - Recorder: PoolStats and the line log (tests/server_thread.h), the only state both the
//     pool thread and test threads touch.
//   - PoolCore: the pool-thread side: io_context, listener (plain or TLS), the open sessions, the
//     current job template and difficulty, extranonce1 allocation and resumable session ids, and
//     the control operations TestPool posts to it. Everything but the Recorder and the
//     never-answer switch is touched on the pool thread only.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "tests/pool/test_pool.h"
#include "tests/pool/test_pool_jobs.h"

#include "tests/server_thread.h"

namespace hashrig::testpool {

class Session;

using Recorder = test::StatsRecorder<PoolStats>;

class PoolCore {
 public:
  explicit PoolCore(TestPoolOptions options);
  ~PoolCore();

  // Lifecycle, from TestPool: open() on the caller's thread, run() on the pool thread, shutdown()
  // posted to it, close() after the thread is joined.
  std::uint16_t open(std::uint16_t port);
  void run();
  void post(std::function<void()> fn);
  void shutdown();
  void close();

  // For sessions (pool thread).
  const TestPoolOptions& options() const { return m_options; }
  Recorder& recorder() { return m_recorder; }
  double difficulty() const { return m_difficulty; }
  std::uint32_t offered_version_mask() const { return m_offered_mask; }
  std::uint32_t extranonce2_size() const { return m_extranonce2_size; }
  bool never_answer_submits() const { return m_never_answer.load(); }
  void set_never_answer_submits(bool never) { m_never_answer.store(never); }
  // A new subscription: its id and extranonce1, or those of `resume` when this pool issued it.
  struct Subscription {
    std::string id;
    core::Bytes extranonce1;
    bool resumed = false;
  };
  Subscription subscribe(const std::string& resume);
  const JobTemplate& current_template();  // makes the first job when none was sent yet
  int next_request_id() { return ++m_request_id; }
  void forget(std::uint64_t session);  // a session closed

  // Control (pool thread).
  std::string send_job(bool clean);
  void set_difficulty(double difficulty);
  void set_extranonce(const core::Bytes& extranonce1, std::uint32_t extranonce2_size);
  void set_version_mask(std::uint32_t mask);
  void for_each_session(const std::function<void(Session&)>& fn, bool subscribed_only);
  void drop_connections(bool reset);

 private:
  void accept_next();
  void on_accept(boost::asio::ip::tcp::socket socket);
  void start_session(std::shared_ptr<Session> session);
  std::string next_job_id();

  TestPoolOptions m_options;
  Recorder m_recorder;
  std::atomic<bool> m_never_answer;
  std::mt19937_64 m_rng;

  std::unique_ptr<boost::asio::io_context> m_io;
  std::unique_ptr<boost::asio::ssl::context> m_tls;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> m_acceptor;
  std::map<std::uint64_t, std::shared_ptr<Session>> m_sessions;

  std::uint64_t m_connections = 0;
  std::uint32_t m_extranonce1_base = 0;
  std::uint64_t m_extranonce1_counter = 0;
  std::map<std::string, core::Bytes> m_resumable;  // subscription id -> extranonce1
  std::optional<JobTemplate> m_template;
  std::uint64_t m_job_counter = 0;
  std::uint32_t m_job_prefix = 0;
  double m_difficulty = 0;
  std::uint32_t m_offered_mask = 0;
  std::uint32_t m_extranonce2_size = 0;
  int m_request_id = 1000;
};

}  // namespace hashrig::testpool
