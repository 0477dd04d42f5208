// Pool strategies (the rules are in pool_strategy.h). Contents:
//   - pool_label(), validate(), priority_order(): checks and ordering shared by both strategies
//   - Failover: per-pool state (up, failures, dead), the active pool's rank in priority order and
//     its strikes; settled_rank() applies switch-back for a given time without changing anything,
//     and every event first commits it (settle), so events and active() agree on the timeline
//   - LoadBalance: which pools are up, time slices by quota, a Failover for when none is up
#include "stratum/pool_strategy.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace hashrig::stratum {
namespace {

using TimePoint = PoolStrategy::TimePoint;

std::string pool_label(const std::vector<PoolEntry>& pools, std::size_t index) {
  const PoolEntry& pool = pools[index];
  const std::string name = pool.name.empty() ? "pool" + std::to_string(index + 1) : pool.name;
  const std::string url = pool.url.text.empty() ? to_string(pool.url) : pool.url.text;
  return "pool '" + name + "' (" + url + ")";
}

void validate(const std::vector<PoolEntry>& pools, const StrategyOptions& options) {
  if (pools.empty()) throw std::invalid_argument("pool strategy: the pool list is empty");
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const double quota = pools[i].quota;
    if (!(quota > 0) || !std::isfinite(quota)) {
      throw std::invalid_argument("pool strategy: " + pool_label(pools, i) + ": quota " +
                                  std::to_string(quota) + " is not a finite number > 0");
    }
  }
  if (options.failed_connects_before_switch == 0) {
    throw std::invalid_argument("pool strategy: failed_connects_before_switch must be at least 1");
  }
  if (options.switch_back_after.count() < 0) {
    throw std::invalid_argument("pool strategy: switch_back_after is negative");
  }
  if (options.quota_period.count() <= 0) {
    throw std::invalid_argument("pool strategy: quota_period must be positive");
  }
}

// Indices sorted by priority, ties in list order.
std::vector<std::size_t> priority_order(const std::vector<PoolEntry>& pools) {
  std::vector<std::size_t> order(pools.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pools[a].priority < pools[b].priority;
  });
  return order;
}

void check_index(std::size_t pool, std::size_t count) {
  if (pool >= count) {
    throw std::out_of_range("pool strategy: pool index " + std::to_string(pool) +
                            " is outside a list of " + std::to_string(count));
  }
}

class Failover final : public PoolStrategy {
 public:
  Failover(const std::vector<PoolEntry>& pools, StrategyOptions options)
      : m_options(options),
        m_order(priority_order(pools)),
        m_rank(pools.size()),
        m_state(pools.size()) {
    for (std::size_t rank = 0; rank < m_order.size(); ++rank)
      m_rank[m_order[rank]] = rank;
  }

  std::size_t active(TimePoint now) const override { return m_order[settled_rank(now)]; }

  void connect_failed(std::size_t pool, TimePoint now) override {
    if (!accept(pool, now)) return;
    PoolState& state = m_state[pool];
    state.up = false;
    ++state.failures;
    if (m_rank[pool] == m_active && ++m_strikes >= m_options.failed_connects_before_switch) {
      move_on(now);
    }
  }

  void session_up(std::size_t pool, TimePoint now) override {
    if (!accept(pool, now)) return;
    PoolState& state = m_state[pool];
    if (!state.up) state.up_since = now;
    state.up = true;
    state.failures = 0;
    state.dead = false;
    if (m_rank[pool] == m_active) m_strikes = 0;
  }

  void session_dead(std::size_t pool, TimePoint now) override {
    if (!accept(pool, now)) return;
    PoolState& state = m_state[pool];
    state.up = false;
    state.dead = true;
    if (m_rank[pool] == m_active) move_on(now);
  }

  std::vector<std::size_t> wanted(TimePoint now) const override {
    const auto ahead = static_cast<std::ptrdiff_t>(settled_rank(now));
    return {m_order.begin(), m_order.begin() + ahead};
  }

 private:
  struct PoolState {
    bool up = false;
    TimePoint up_since{};
    unsigned failures = 0;  // consecutive connect_failed since the last session_up
    bool dead = false;      // session_dead since the last session_up
  };

  bool failing(std::size_t pool) const {
    const PoolState& state = m_state[pool];
    return state.dead || state.failures >= m_options.failed_connects_before_switch;
  }

  // The active rank at `now` after switch-back (rule 4), without changing anything.
  std::size_t settled_rank(TimePoint now) const {
    const bool active_up = m_state[m_order[m_active]].up;
    for (std::size_t rank = 0; rank < m_active; ++rank) {
      const PoolState& state = m_state[m_order[rank]];
      if (state.up && (!active_up || now - state.up_since >= m_options.switch_back_after)) {
        return rank;
      }
    }
    return m_active;
  }

  // Commits switch-back up to `now`.
  void settle(TimePoint now) {
    const std::size_t rank = settled_rank(now);
    if (rank != m_active) activate(rank);
  }

  // Settles, then says whether to take an event: not for a pool behind the active one (rule 5).
  bool accept(std::size_t pool, TimePoint now) {
    check_index(pool, m_order.size());
    settle(now);
    return m_rank[pool] <= m_active;
  }

  // A new active pool (or the same one afresh) with N new attempts; the pools behind it are
  // closed by the client and forgotten (rule 5).
  void activate(std::size_t rank) {
    m_active = rank;
    m_strikes = 0;
    for (std::size_t behind = rank + 1; behind < m_order.size(); ++behind) {
      m_state[m_order[behind]] = {};
    }
  }

  // Rule 2, then rule 4 at once for a pool ahead that is already up.
  void move_on(TimePoint now) {
    const std::size_t count = m_order.size();
    std::size_t next = (m_active + 1) % count;
    for (std::size_t step = 1; step < count; ++step) {
      const std::size_t rank = (m_active + step) % count;
      if (!failing(m_order[rank])) {
        next = rank;
        break;
      }
    }
    activate(next);
    settle(now);
  }

  StrategyOptions m_options;
  std::vector<std::size_t> m_order;  // pool indices in priority order
  std::vector<std::size_t> m_rank;   // pool index -> position in m_order
  std::vector<PoolState> m_state;    // by pool index
  std::size_t m_active = 0;          // rank of the active pool
  unsigned m_strikes = 0;            // connect_failed of the active pool since it became active
};

class LoadBalance final : public PoolStrategy {
 public:
  LoadBalance(const std::vector<PoolEntry>& pools, StrategyOptions options)
      : m_period(std::chrono::duration_cast<TimePoint::duration>(options.quota_period)),
        m_order(priority_order(pools)),
        m_up(pools.size(), false),
        m_fallback(pools, options) {
    for (const PoolEntry& pool : pools)
      m_quota.push_back(pool.quota);
  }

  std::size_t active(TimePoint now) const override {
    double total = 0;
    for (const std::size_t pool : m_order)
      total += m_up[pool] ? m_quota[pool] : 0.0;
    if (total == 0) return m_fallback.active(now);
    auto phase = now.time_since_epoch() % m_period;
    if (phase.count() < 0) phase += m_period;
    const double position = double(phase.count()) * total / double(m_period.count());
    double end = 0;
    std::size_t last = m_order.front();
    for (const std::size_t pool : m_order) {
      if (!m_up[pool]) continue;
      end += m_quota[pool];
      last = pool;
      if (position < end) return pool;
    }
    return last;  // rounding at the very end of the period
  }

  void connect_failed(std::size_t pool, TimePoint now) override {
    m_fallback.connect_failed(pool, now);
    m_up[pool] = false;
  }

  void session_up(std::size_t pool, TimePoint now) override {
    m_fallback.session_up(pool, now);
    m_up[pool] = true;
  }

  void session_dead(std::size_t pool, TimePoint now) override {
    m_fallback.session_dead(pool, now);
    m_up[pool] = false;
  }

  std::vector<std::size_t> wanted(TimePoint now) const override {
    const std::size_t current = active(now);
    std::vector<std::size_t> out;
    for (const std::size_t pool : m_order) {
      if (pool != current) out.push_back(pool);
    }
    return out;
  }

 private:
  TimePoint::duration m_period;
  std::vector<std::size_t> m_order;  // pool indices in priority order
  std::vector<double> m_quota;       // by pool index
  std::vector<bool> m_up;            // by pool index
  Failover m_fallback;               // rule 2: fed every event, asked only when none is up
};

}  // namespace

std::unique_ptr<PoolStrategy> make_failover(std::vector<PoolEntry> pools, StrategyOptions options) {
  validate(pools, options);
  return std::make_unique<Failover>(pools, options);
}

std::unique_ptr<PoolStrategy> make_load_balance(std::vector<PoolEntry> pools,
                                                StrategyOptions options) {
  validate(pools, options);
  return std::make_unique<LoadBalance>(pools, options);
}

}  // namespace hashrig::stratum
