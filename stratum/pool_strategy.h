// Which pool the Stratum client mines on: a pure state machine, driven by the client's events
// with the time passed in (no clock is read here, so tests drive it with a fake clock). The client
// owns the connections; a strategy only answers "which pool to hash for" (active) and "which
// other pools to keep, or keep trying to keep, a connection to" (wanted).
//
// Words used below:
//   - priority order: the pools sorted by `priority` (lower first), ties in list order;
//   - up: session_up was reported and neither session_dead nor connect_failed since;
//   - failing: N = failed_connects_before_switch consecutive connect_failed, or a session_dead,
//     with no session_up since.
//
// Failover (make_failover):
//   1. Start on the first pool in priority order.
//   2. The active pool gets N connect attempts each time it becomes active: after its N-th
//      consecutive connect_failed since then, or at once on its session_dead, the active pool
//      moves on to the next pool after it in priority order, cyclically, that is not failing; if
//      every other pool is failing, simply to the next one (wrapping around from the last to the
//      first), so the client keeps trying all of them.
//   3. Every pool ahead of the active one in priority order is probed: wanted() lists them.
//   4. Switch-back: a pool ahead of the active one that is up becomes active (the first such in
//      priority order) once it has been up for switch_back_after -- or at once when the active
//      pool itself is not up (still connecting, or failing): then there is no working session to
//      protect. A session_dead or connect_failed of that pool in between stops its clock; it
//      starts again from zero at its next session_up. A repeated session_up changes nothing.
//   5. Pools behind the active one are neither active nor wanted, so the client closes them; the
//      strategy forgets what it knew of them and ignores their late events, so each is tried
//      afresh when its turn comes again.
//
// Load balance (make_load_balance):
//   1. Healthy = up. Time is cut into periods of quota_period counted from the clock's epoch
//      (time_point{}); within each period the healthy pools, in priority order, get consecutive
//      slices of quota_period * quota / (sum of the healthy pools' quotas). active() is the pool
//      whose slice holds `now`. A pool that is not up (never connected yet, failing connects,
//      dead session) gets no slice until its next session_up; the others' slices grow to fill.
//   2. When no pool is up, active() is what failover (above, fed the same events) would choose.
//   3. wanted() is every pool but the active one: the client keeps a session to each.
//
// Both: wanted() never contains active() and is in priority order. An event for an index outside
// the list throws std::out_of_range. The factories throw std::invalid_argument for an empty list,
// a quota that is not a finite number > 0 (naming the pool), failed_connects_before_switch == 0,
// a negative switch_back_after or a quota_period <= 0.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "stratum/pool_url.h"

namespace hashrig::stratum {

struct PoolEntry {
  PoolUrl url;
  std::string user;
  std::string pass;
  int priority = 0;  // lower = preferred; ties keep list order
  double quota = 1;  // load-balance weight, > 0
  std::string name;  // "pool1".. for logs; empty = "pool<index + 1>" in messages
};

struct StrategyOptions {
  unsigned failed_connects_before_switch = 3;
  std::chrono::seconds switch_back_after{60};  // a higher-priority pool must be up this long
  std::chrono::seconds quota_period{60};       // load-balance cycle
};

class PoolStrategy {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~PoolStrategy() = default;

  // Index into the pool list of the pool to hash for at `now`.
  virtual std::size_t active(TimePoint now) const = 0;

  // Events from the client; `pool` is an index into the list.
  virtual void connect_failed(std::size_t pool, TimePoint now) = 0;
  // Subscribed and authorized, first job received.
  virtual void session_up(std::size_t pool, TimePoint now) = 0;
  // Dropped by the pool or the network, or no job for too long. Not for a session the client
  // closed because the pool was no longer active or wanted.
  virtual void session_dead(std::size_t pool, TimePoint now) = 0;

  // Pools to keep (or keep trying to keep) a connection to at `now` besides active().
  virtual std::vector<std::size_t> wanted(TimePoint now) const = 0;
};

std::unique_ptr<PoolStrategy> make_failover(std::vector<PoolEntry> pools, StrategyOptions options);
std::unique_ptr<PoolStrategy> make_load_balance(std::vector<PoolEntry> pools,
                                                StrategyOptions options);

}  // namespace hashrig::stratum
