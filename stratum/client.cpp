#include "stratum/client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <thread>

#include "stratum/client_pool.h"

namespace hashrig::stratum {
namespace {

using Clock = std::chrono::steady_clock;
using Level = SessionEvents::Level;
constexpr auto kTick = std::chrono::milliseconds(100);

}  // namespace

Client::Client(ClientOptions options, ClientEvents& events)
    : m_options(std::move(options)), m_events(events), m_tick(m_io) {
  if (m_options.pools.empty()) throw std::invalid_argument("no pool given");
  for (std::size_t i = 0; i < m_options.pools.size(); ++i) {
    PoolEntry& e = m_options.pools[i].entry;
    if (e.name.empty()) e.name = "pool" + std::to_string(i + 1);
    m_names.push_back(e.name);
    m_entries.push_back(e);
  }
  m_strategy = m_options.load_balance ? make_load_balance(m_entries, m_options.strategy)
                                      : make_failover(m_entries, m_options.strategy);
  for (std::size_t i = 0; i < m_options.pools.size(); ++i) {
    m_pools.push_back(std::make_unique<Pool>(*this, i, m_options, m_io));
  }
  publish_status();
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
  std::lock_guard lock(m_stop_mutex);
  asio::co_spawn(m_io, supervise(), asio::detached);
  m_thread = std::jthread([this] {
    m_io_thread_id.store(std::this_thread::get_id());
    m_io.run();
    m_io_thread_id.store({});
  });
}

void Client::stop() {
  std::lock_guard lock(m_stop_mutex);
  if (!m_thread.joinable()) return;
  asio::post(m_io, [this] {
    m_stopping = true;
    m_tick.cancel();
    for (auto& p : m_pools) {
      p->wait.cancel();
      p->closed_by_client = true;
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

void Client::supervise_once() {
  const auto now = Clock::now();
  const std::size_t active = m_strategy->active(now);
  for (std::size_t i = 0; i < m_pools.size(); ++i) {
    if (needed(i, now)) {
      ensure_running(i);
    } else if (m_pools[i]->connection) {
      m_pools[i]->closed_by_client = true;
      m_pools[i]->connection->close("no longer needed by the pool strategy");
    }
  }
  if (m_active != active) {
    if (m_active) {
      m_events.note(active, Level::info,
                    "now mining for " + m_names[active] + " (was " + m_names[*m_active] + ")");
    }
    m_active = active;
    m_clean_next.reset();
    if (auto& job = m_pools[active]->latest_job) {
      core::Job j = *job;
      j.clean = true;
      m_events.job(active, std::move(j));
    } else {
      m_clean_next = active;  // the other pool's work is no longer what is mined
    }
  }
  publish_status();
}

asio::awaitable<void> Client::supervise() {
  while (!m_stopping) {
    supervise_once();
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
    co.submit_timeout = m_options.submit_timeout;
    SessionConfig sc = m_options.session;
    sc.source_id = m_names[i];
    sc.user = m_options.pools[i].entry.user;
    sc.pass = m_options.pools[i].entry.pass;
    sc.session_number = m_options.session_number_base + ++m_sessions;
    sc.extranonce_subscribe = m_options.pools[i].extranonce_subscribe;
    if (m_options.pools[i].suggest_difficulty) {
      sc.suggest_difficulty = m_options.pools[i].suggest_difficulty;
    }
    if (p.connection && p.connection->session())
      sc.resume_session_id = p.connection->session()->session_id();
    m_events.note(i, Level::debug, "connecting to " + to_string(co.url));
    p.connection = std::make_shared<Connection>(m_io.get_executor(), co, sc, p.events);
    p.phase = Pool::Phase::connection;
    p.closed_by_client = false;
    ++p.attempts;
    publish_status();
    const ConnectionEnd end = co_await p.connection->run();
    p.latest_job.reset();  // its jobs died with the session
    p.phase = Pool::Phase::waiting;
    if (!p.closed_by_client) {
      p.last_error = std::string(end.connected ? "disconnected: " : "could not connect: ") +
                     (end.reason.empty() ? "closed" : end.reason);
    }
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
    publish_status();
    co_await p.wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  p.running = false;
  p.phase = Pool::Phase::idle;
  publish_status();
}

void Client::on_session_up(std::size_t i) {
  m_pools[i]->backoff.reset();
  m_strategy->session_up(i, Clock::now());
  m_events.note(i, Level::info, "connected, subscribed and authorized");
  flush_queue(i);
  publish_status();
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
  m_pools[i]->last_job_at = Clock::now();
  if (m_active == i) {
    if (m_clean_next == i) job.clean = true;
    m_clean_next.reset();
    m_events.job(i, std::move(job));
  }
  publish_status();
}

void Client::on_share_result(std::size_t i, const ShareOutcome& outcome) {
  Pool& p = *m_pools[i];
  switch (outcome.result) {
    case ShareOutcome::Result::accepted:
      ++p.accepted;
      break;
    case ShareOutcome::Result::rejected:
      ++p.rejected;
      break;
    case ShareOutcome::Result::stale:
      ++p.stale;
      break;
    case ShareOutcome::Result::duplicate:
      ++p.duplicate;
      break;
  }
  publish_status();  // before the count drops: once drain() returns, status() has every outcome
  m_unanswered.fetch_sub(1);
  m_events.share_result(i, outcome);
}

}  // namespace hashrig::stratum
