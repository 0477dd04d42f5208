#include "stratum/client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <stdexcept>
#include <thread>

namespace hashrig::stratum {
namespace {

using Clock = std::chrono::steady_clock;
using Level = SessionEvents::Level;
constexpr auto kTick = std::chrono::milliseconds(100);

}  // namespace

// What one pool's connection reports, tagged with the pool's index.
class Client::PoolEvents : public ConnectionEvents {
 public:
  PoolEvents(Client& client, std::size_t pool) : m_client(client), m_pool(pool) {}
  void session_up() override { m_client.on_session_up(m_pool); }
  void job(core::Job job) override { m_client.on_job(m_pool, std::move(job)); }
  void share_result(const ShareOutcome& o) override {
    m_client.m_unanswered.fetch_sub(1);
    m_client.m_events.share_result(m_pool, o);
  }
  void note(Level level, std::string text) override {
    m_client.m_events.note(m_pool, level, std::move(text));
  }

 private:
  Client& m_client;
  std::size_t m_pool;
};

struct Client::Pool {
  PoolEvents events;
  core::Backoff backoff;
  std::shared_ptr<Connection> connection;
  bool running = false;  // a run_pool coroutine exists
  std::optional<core::Job> latest_job;
  std::deque<SubmitRequest> queued;
  std::optional<PoolUrl> redirect;  // client.reconnect to another host/port, for the next attempt
  asio::steady_timer wait;

  Pool(Client& client, std::size_t i, const ClientOptions& o, asio::io_context& io)
      : events(client, i),
        backoff(o.backoff_initial, o.backoff_max, 2.0, 0.2, std::random_device{}() + i),
        wait(io) {}
};

Client::Client(ClientOptions options, ClientEvents& events)
    : m_options(std::move(options)), m_events(events), m_tick(m_io) {
  if (m_options.pools.empty()) throw std::invalid_argument("no pool given");
  std::vector<PoolEntry> entries;
  for (std::size_t i = 0; i < m_options.pools.size(); ++i) {
    PoolEntry& e = m_options.pools[i].entry;
    if (e.name.empty()) e.name = "pool" + std::to_string(i + 1);
    m_names.push_back(e.name);
    entries.push_back(e);
  }
  m_strategy = m_options.load_balance ? make_load_balance(entries, m_options.strategy)
                                      : make_failover(entries, m_options.strategy);
  for (std::size_t i = 0; i < m_options.pools.size(); ++i) {
    m_pools.push_back(std::make_unique<Pool>(*this, i, m_options, m_io));
  }
}

Client::~Client() {
  stop();
}

std::optional<std::size_t> Client::pool_of(const std::string& source_id) const {
  for (std::size_t i = 0; i < m_names.size(); ++i) {
    if (m_names[i] == source_id) return i;
  }
  return std::nullopt;
}

void Client::start() {
  asio::co_spawn(m_io, supervise(), asio::detached);
  m_thread = std::jthread([this] { m_io.run(); });
}

void Client::stop() {
  std::lock_guard lock(m_stop_mutex);
  if (!m_thread.joinable()) return;
  asio::post(m_io, [this] {
    m_stopping = true;
    m_tick.cancel();
    for (auto& p : m_pools) {
      p->wait.cancel();
      if (p->connection) p->connection->close("stopping");
      for (const SubmitRequest& share : p->queued) {
        p->events.share_result(
            {ShareOutcome::Result::stale, "stopped before the pool could be reached", {}, share});
      }
      p->queued.clear();
    }
  });
  m_thread.join();
}

bool Client::drain(std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (m_unanswered.load() > 0) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void Client::submit(std::size_t pool, const SubmitRequest& share) {
  if (pool >= m_pools.size())
    throw std::out_of_range("Client::submit: no pool " + std::to_string(pool));
  m_unanswered.fetch_add(1);
  asio::post(m_io, [this, pool, share] {
    Pool& p = *m_pools[pool];
    if (p.connection && p.connection->up()) {
      p.connection->submit(share);
      return;
    }
    if (p.queued.size() >= kMaxQueued) {
      p.events.share_result({ShareOutcome::Result::stale,
                             "the pool has been unreachable for too long",
                             {},
                             p.queued.front()});
      p.queued.pop_front();
    }
    p.queued.push_back(share);
  });
}

bool Client::needed(std::size_t i, Clock::time_point now) const {
  if (m_stopping) return false;
  if (m_strategy->active(now) == i) return true;
  for (const std::size_t w : m_strategy->wanted(now)) {
    if (w == i) return true;
  }
  return false;
}

void Client::ensure_running(std::size_t i) {
  if (m_pools[i]->running) return;
  m_pools[i]->running = true;
  asio::co_spawn(m_io, run_pool(i), asio::detached);
}

asio::awaitable<void> Client::supervise() {
  while (!m_stopping) {
    const auto now = Clock::now();
    const std::size_t active = m_strategy->active(now);
    for (std::size_t i = 0; i < m_pools.size(); ++i) {
      if (needed(i, now)) {
        ensure_running(i);
      } else if (m_pools[i]->connection) {
        m_pools[i]->connection->close("no longer needed by the pool strategy");
      }
    }
    if (m_active != active) {
      if (m_active) {
        m_events.note(active, Level::info,
                      "now mining for " + m_names[active] + " (was " + m_names[*m_active] + ")");
      }
      m_active = active;
      if (auto& job = m_pools[active]->latest_job) {
        core::Job j = *job;
        j.clean = true;
        m_events.job(active, std::move(j));
      }
    }
    boost::system::error_code ec;
    m_tick.expires_after(kTick);
    co_await m_tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Client::run_pool(std::size_t i) {
  Pool& p = *m_pools[i];
  while (needed(i, Clock::now())) {
    ConnectionOptions co;
    co.url = p.redirect ? *p.redirect : m_options.pools[i].entry.url;
    co.tls = m_options.pools[i].tls;
    co.connect_timeout = m_options.connect_timeout;
    co.write_timeout = m_options.write_timeout;
    co.job_timeout = m_options.job_timeout;
    SessionConfig sc = m_options.session;
    sc.source_id = m_names[i];
    sc.user = m_options.pools[i].entry.user;
    sc.pass = m_options.pools[i].entry.pass;
    sc.session_number = ++m_sessions;
    sc.extranonce_subscribe = m_options.pools[i].extranonce_subscribe;
    if (m_options.pools[i].suggest_difficulty) {
      sc.suggest_difficulty = m_options.pools[i].suggest_difficulty;
    }
    if (p.connection && p.connection->session())
      sc.resume_session_id = p.connection->session()->session_id();
    m_events.note(i, Level::debug, "connecting to " + to_string(co.url));
    p.connection = std::make_shared<Connection>(m_io.get_executor(), co, sc, p.events);
    const ConnectionEnd end = co_await p.connection->run();
    p.latest_job.reset();  // its jobs died with the session
    const auto now = Clock::now();
    if (end.was_up) {
      m_strategy->session_dead(i, now);
    } else {
      m_strategy->connect_failed(i, now);
    }
    if (m_stopping) break;
    std::chrono::milliseconds delay = p.backoff.next();
    if (end.reconnect) {
      PoolUrl target = co.url;
      if (end.reconnect->host) target.host = *end.reconnect->host;
      if (end.reconnect->port) target.port = *end.reconnect->port;
      p.redirect = target;
      delay = end.reconnect->wait;
      p.backoff.reset();
    }
    m_events.note(i, end.was_up ? Level::warning : Level::info,
                  std::string(end.connected ? "disconnected: " : "could not connect: ") +
                      end.reason + "; next attempt in " + std::to_string(delay.count()) + " ms");
    boost::system::error_code ec;
    p.wait.expires_after(delay);
    co_await p.wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  p.running = false;
}

void Client::on_session_up(std::size_t i) {
  m_pools[i]->backoff.reset();
  m_strategy->session_up(i, Clock::now());
  m_events.note(i, Level::info, "connected, subscribed and authorized");
  flush_queue(i);
}

void Client::flush_queue(std::size_t i) {
  Pool& p = *m_pools[i];
  while (!p.queued.empty() && p.connection && p.connection->up()) {
    p.connection->submit(p.queued.front());
    p.queued.pop_front();
  }
}

void Client::on_job(std::size_t i, core::Job job) {
  m_pools[i]->latest_job = job;
  if (m_active == i) m_events.job(i, std::move(job));
}

}  // namespace hashrig::stratum
