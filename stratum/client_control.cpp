// Client's control functions (client.h, "Control"): status() and the copy it reads, switch_to().
#include "stratum/client.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <future>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "core/bytes.h"
#include "stratum/client_pool.h"

namespace hashrig::stratum {

// status() copies what the io thread keeps up to date rather than posting a question to the io
// thread and waiting: the caller (an HTTP handler, a metrics scrape) never waits on the io thread,
// so a busy or stuck io thread cannot hang it; it works the same before start() and after stop();
// and no io-thread callback can deadlock against a caller holding locks of its own. The price: a
// copy per event (a few pools, a few events a second), and what has no event of its own
// (connected but not up yet, a new difficulty) is at most one supervision tick (100 ms) old.
std::vector<PoolStatus> Client::status() const {
  std::vector<PoolStatus> out;
  std::vector<std::optional<Clock::time_point>> last_job;
  {
    std::lock_guard lock(m_status_mutex);
    out = m_status;
    last_job = m_last_job_at;
  }
  const auto now = Clock::now();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (last_job[i]) {
      out[i].seconds_since_job = std::chrono::duration<double>(now - *last_job[i]).count();
    }
  }
  return out;
}

void Client::publish_status() {
  const auto now = Clock::now();
  const std::size_t active = m_active ? *m_active : m_strategy->active(now);
  std::vector<PoolStatus> out(m_pools.size());
  std::vector<std::optional<Clock::time_point>> last_job(m_pools.size());
  for (std::size_t i = 0; i < m_pools.size(); ++i) {
    const Pool& p = *m_pools[i];
    const PoolEntry& e = m_entries[i];
    PoolStatus& s = out[i];
    s.name = m_names[i];
    s.url = to_string(e.url);
    s.user = e.user;
    s.priority = e.priority;
    s.quota = e.quota;
    s.active = i == active;
    if (p.phase == Pool::Phase::waiting) {
      s.state = PoolState::backing_off;
    } else if (p.phase == Pool::Phase::connection && p.connection) {
      s.state = p.connection->up()        ? PoolState::up
                : p.connection->session() ? PoolState::subscribing
                                          : PoolState::connecting;
    }
    if (s.state == PoolState::up) {
      s.difficulty = p.connection->session()->difficulty();
      if (p.latest_job) {
        s.extranonce1 = core::to_hex(p.latest_job->extranonce1);
        s.extranonce2_size = p.latest_job->extranonce2_size;
      }
    }
    last_job[i] = p.last_job_at;
    s.accepted = p.accepted;
    s.rejected = p.rejected;
    s.stale = p.stale;
    s.duplicate = p.duplicate;
    s.reconnects = p.attempts > 0 ? p.attempts - 1 : 0;
    s.last_error = p.last_error;
  }
  std::lock_guard lock(m_status_mutex);
  m_status = std::move(out);
  m_last_job_at = std::move(last_job);
}

void Client::switch_to(std::size_t pool) {
  if (m_options.load_balance) {
    throw std::logic_error(
        "load balance: the pools share the hashrate; there is no single pool to switch to");
  }
  if (pool >= m_pools.size()) {
    throw std::out_of_range("no pool " + std::to_string(pool) + " to switch to (" +
                            std::to_string(m_pools.size()) + " pools)");
  }
  if (m_io_thread_id.load() == std::this_thread::get_id()) {  // from an event handler
    apply_switch(pool);
    return;
  }
  std::future<void> done;
  {
    std::lock_guard lock(m_stop_mutex);  // start() and stop() wait: the io thread stays as seen
    if (!m_thread.joinable()) {
      apply_switch(pool);  // no io thread (not started, or stopped): nothing else touches the state
      return;
    }
    // Posted before any stop() can post its own handler, so it runs before the io thread ends.
    auto task = std::make_shared<std::packaged_task<void()>>([this, pool] { apply_switch(pool); });
    done = task->get_future();
    asio::post(m_io, [task] { (*task)(); });
  }
  if (done.wait_for(kControlTimeout) != std::future_status::ready) {
    throw std::runtime_error("pool client: the io thread did not answer within " +
                             std::to_string(kControlTimeout.count()) + " s; the switch to " +
                             m_names[pool] + " applies when it does");
  }
  done.get();
}

// A new failover strategy whose priority order has `pool` first (the others keep their order
// behind it), told which sessions are up (what else a fresh strategy forgets is only about pools
// now behind the active one, which rule 5 forgets anyway), then one supervision pass: connections
// follow at once and the new active pool's job goes out clean through the usual path.
void Client::apply_switch(std::size_t pool) {
  std::vector<std::size_t> order(m_entries.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return m_entries[a].priority < m_entries[b].priority;
  });
  std::stable_partition(order.begin(), order.end(), [&](std::size_t i) { return i == pool; });
  for (std::size_t rank = 0; rank < order.size(); ++rank)
    m_entries[order[rank]].priority = static_cast<int>(rank);
  m_strategy = make_failover(m_entries, m_options.strategy);
  const auto now = Clock::now();
  for (std::size_t i = 0; i < m_pools.size(); ++i) {
    const Pool& p = *m_pools[i];
    if (p.phase == Pool::Phase::connection && p.connection && p.connection->up()) {
      m_strategy->session_up(i, now);
    }
  }
  m_events.note(pool, SessionEvents::Level::info,
                "switched to " + m_names[pool] + " by the operator: first in the failover order");
  if (m_pools[pool]->phase == Pool::Phase::waiting) {  // backing off: the operator wants it now
    m_pools[pool]->backoff.reset();
    m_pools[pool]->wait.cancel();
  }
  if (m_io_thread_id.load() == std::this_thread::get_id() && !m_stopping) {
    supervise_once();
  } else {
    publish_status();
  }
}

}  // namespace hashrig::stratum
