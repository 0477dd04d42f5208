// The pieces of the pool-client suites: a rig (scheduler + CPU workers + the Stratum source)
// mining against TestPools over real sockets, and waiting helpers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "host/stratum_source.h"
#include "log_capture.h"
#include "pool/test_pool.h"
#include "scheduler_test_support.h"

namespace hashrig::test {

using namespace std::chrono_literals;

inline std::string tcp_url(std::uint16_t port) {
  return "stratum+tcp://127.0.0.1:" + std::to_string(port);
}

inline stratum::PoolSettings pool_settings(const std::string& url, const std::string& name) {
  stratum::PoolSettings p;
  p.entry.url = stratum::parse_pool_url(url);
  p.entry.user = "worker." + name;
  p.entry.pass = "x";
  p.entry.name = name;
  return p;
}

// Fast reconnects and switches, so scenarios finish in seconds.
inline stratum::ClientOptions quick_options() {
  stratum::ClientOptions o;
  o.session.user_agent = "hashrig/test";
  o.connect_timeout = 2s;
  o.backoff_initial = 50ms;
  o.backoff_max = 200ms;
  o.strategy.failed_connects_before_switch = 2;
  o.strategy.switch_back_after = 1s;
  return o;
}

// quick_options() with one pool, "pool1", on 127.0.0.1:port.
inline stratum::ClientOptions one_pool(std::uint16_t port) {
  stratum::ClientOptions o = quick_options();
  o.pools.push_back(pool_settings(tcp_url(port), "pool1"));
  return o;
}

// Scheduler + 2 CPU workers (the scalar kernel) + the Stratum source.
class Rig {
 public:
  explicit Rig(stratum::ClientOptions options)
      : m_log(m_text, host::LogLevel::debug, false), m_scheduler(m_log) {
    m_scheduler.add_backend(cpu_backend(real_kernel(), 2));
    m_source = std::make_unique<host::StratumSource>(m_scheduler, m_log, std::move(options));
    m_scheduler.start();
    m_source->start();
  }
  ~Rig() { stop(); }
  void stop() {
    m_scheduler.stop();
    m_source->stop(2s);  // lets the pool answer what is in flight
  }
  host::StatsSnapshot stats() { return m_scheduler.stats().snapshot(host::Stats::Clock::now()); }
  host::StratumSource& source() { return *m_source; }
  std::string log_text() const { return m_text.text(); }

 private:
  LogCapture m_text;  // read while the client and the workers log
  host::Logger m_log;
  host::Scheduler m_scheduler;
  std::unique_ptr<host::StratumSource> m_source;
};

// Waits until the pool has accepted `n` more shares than `base`.
inline bool accepted_more(const testpool::TestPool& pool, std::uint64_t base, std::uint64_t n,
                          std::chrono::milliseconds timeout = 60s) {
  return pool.wait_for([&](const testpool::PoolStats& s) { return s.accepted >= base + n; },
                       timeout);
}

inline testpool::TestPoolOptions easy_pool() {
  testpool::TestPoolOptions o;
  o.difficulty = 0.0001;  // ~430k hashes per share: several per second on two scalar workers
  return o;
}

}  // namespace hashrig::test
