// What the test servers (tests/pool: the Stratum pool, tests/node: the ledger node) share around
// their cores.
//
// - StatsRecorder<Stats>: counters and a log that the server thread writes and tests read, with a
//   wait for a condition on the counters.
// - ServerThread<Core>: the one thread a server's Core runs on, and how control calls from the
//   test's thread reach it. Core provides open(port) -> the bound port, run(), post(fn),
//   shutdown(), close() and options().port.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace hashrig::test {

template <class Stats>
class StatsRecorder {
 public:
  static constexpr std::size_t kMaxLogLines = 200000;

  template <class F>
  void update(F&& change) {
    {
      std::lock_guard lock(m_mutex);
      change(m_stats);
    }
    m_changed.notify_all();
  }
  void log(std::string line) {
    std::lock_guard lock(m_mutex);
    if (m_log.size() < kMaxLogLines) m_log.push_back(std::move(line));
  }
  Stats stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
  }
  std::vector<std::string> log_lines() const {
    std::lock_guard lock(m_mutex);
    return m_log;
  }
  // Blocks until predicate(stats) holds (true) or the timeout passes (false).
  bool wait_for(const std::function<bool(const Stats&)>& predicate,
                std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return predicate(m_stats); });
  }

 private:
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  Stats m_stats;
  std::vector<std::string> m_log;
};

template <class Core>
class ServerThread {
 public:
  // `thread_name` ("testpool: the pool thread") names the thread in the error of a control call
  // it does not run within `timeout`.
  ServerThread(std::unique_ptr<Core> core, std::string thread_name, std::chrono::seconds timeout)
      : m_core(std::move(core)), m_thread_name(std::move(thread_name)), m_timeout(timeout) {}
  ~ServerThread() { stop(); }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  // Listens (on the port of the last start, else the options' port) and starts the thread.
  std::uint16_t start() {
    std::lock_guard lock(m_mutex);
    if (m_running) return m_port;
    m_port = m_core->open(m_port != 0 ? m_port : m_core->options().port);
    m_thread = std::thread([core = m_core.get()] { core->run(); });
    m_running = true;
    return m_port;
  }
  void stop() {
    std::lock_guard lock(m_mutex);
    if (!m_running) return;
    m_core->post([core = m_core.get()] { core->shutdown(); });
    m_thread.join();
    m_core->close();
    m_running = false;
  }
  bool running() const {
    std::lock_guard lock(m_mutex);
    return m_running;
  }
  std::uint16_t port() const {
    std::lock_guard lock(m_mutex);
    return m_port;
  }

  // Runs fn on the server thread and waits for it, rethrowing what it threw. While the server is
  // stopped: runs it on this thread when `here_when_stopped`, else returns false.
  bool run(const std::function<void(Core&)>& fn, bool here_when_stopped) {
    std::lock_guard lock(m_mutex);
    if (!m_running) {
      if (here_when_stopped) fn(*m_core);
      return here_when_stopped;
    }
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    m_core->post([done, fn, core = m_core.get()] {  // fn by value: it may outlive a timeout
      try {
        fn(*core);
        done->set_value();
      } catch (...) {
        done->set_exception(std::current_exception());
      }
    });
    if (finished.wait_for(m_timeout) != std::future_status::ready) {
      throw std::runtime_error(m_thread_name + " did not run a control call in " +
                               std::to_string(m_timeout.count()) + " s");
    }
    finished.get();
    return true;
  }

  // Reads the core under the control lock (not racing start/stop).
  template <class F>
  auto locked(F&& read) const {
    std::lock_guard lock(m_mutex);
    return read(static_cast<const Core&>(*m_core));
  }
  // The core itself, for what is safe from any thread (its recorder).
  Core& core() const { return *m_core; }

 private:
  std::unique_ptr<Core> m_core;
  const std::string m_thread_name;
  const std::chrono::seconds m_timeout;
  mutable std::mutex m_mutex;  // start/stop against control calls
  std::thread m_thread;
  bool m_running = false;
  std::uint16_t m_port = 0;
};

}  // namespace hashrig::test
