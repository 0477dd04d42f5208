// Client's state of one pool, shared by stratum/client*.cpp only (not part of the interface): the
// events its connection reports, tagged with the pool's index, and its connection, backoff, share
// queue and the counters status() shows. All of it is the io thread's.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "core/backoff.h"
#include "stratum/client.h"

namespace hashrig::stratum {

// What one pool's connection reports, tagged with the pool's index.
class Client::PoolEvents : public ConnectionEvents {
 public:
  PoolEvents(Client& client, std::size_t pool) : m_client(client), m_pool(pool) {}
  void session_up() override { m_client.on_session_up(m_pool); }
  void job(core::Job job) override { m_client.on_job(m_pool, std::move(job)); }
  void share_result(const ShareOutcome& o) override { m_client.on_share_result(m_pool, o); }
  void note(SessionEvents::Level level, std::string text) override {
    m_client.m_events.note(m_pool, level, std::move(text));
  }

 private:
  Client& m_client;
  std::size_t m_pool;
};

struct Client::Pool {
  enum class Phase { idle, connection, waiting };  // no run_pool; a connection runs; backing off

  PoolEvents events;
  core::Backoff backoff;
  std::shared_ptr<Connection> connection;
  bool running = false;  // a run_pool coroutine exists
  Phase phase = Phase::idle;
  bool closed_by_client = false;  // this attempt's connection was closed by us, not an error
  std::optional<core::Job> latest_job;
  std::optional<std::chrono::steady_clock::time_point> last_job_at;
  std::uint64_t attempts = 0;
  std::uint64_t accepted = 0, rejected = 0, stale = 0, duplicate = 0;
  std::string last_error;
  std::deque<SubmitRequest> queued;
  std::optional<PoolUrl> redirect;  // client.reconnect to another host/port, for the next attempt
  asio::steady_timer wait;

  Pool(Client& client, std::size_t i, const ClientOptions& o, asio::io_context& io)
      : events(client, i),
        backoff(o.backoff_initial, o.backoff_max, 2.0, 0.2, std::random_device{}() + i),
        wait(io) {}
};

}  // namespace hashrig::stratum
