// JobBoard: where job sources publish and workers pick up work.
//
// Each published job becomes an immutable snapshot (the job, its nonce space, a generation
// number). Workers compare generation() with the snapshot they hold between batches (one relaxed
// atomic load) and fetch the new snapshot only when it changed, so a job switch reaches every
// worker at its next batch boundary.
//
// - A job resent with only a new share target (same id and same header inputs) keeps its nonce
//   space: hashing goes on where it was, under the new difficulty. So does a job published again
//   after others (load balancing back to a pool): the board remembers the spaces of the last
//   kRecentSpaces jobs, so work already hashed is never hashed again.
// - A clean job (new block) makes every hit found for an earlier generation stale; a non-clean
//   job (new transactions, same block) lets hits of earlier generations still count.
// - Paused (the operator's pause): the board hands out snapshots without a job, so devices idle
//   at their next batch boundary; jobs published meanwhile are kept, and resuming hands out the
//   newest one, its nonce space where it was. Pausing and resuming are generations of their own.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>

#include "core/job.h"
#include "host/nonce_space.h"

namespace hashrig::host {

struct JobSnapshot {
  std::uint64_t generation = 0;  // 0 = no job yet
  std::shared_ptr<const core::Job> job;
  // Shared by snapshots of the same job that differ only in share target. Its own job() is the
  // first of them: same layout, possibly an older share target; use `job` for targets.
  std::shared_ptr<NonceSpace> space;
};

class JobBoard {
 public:
  static constexpr std::size_t kRecentSpaces = 16;

  // Publishes a job (validate() it first) and returns its generation. `start` places the first
  // claim of a new space; a difficulty-only resend keeps its position and ignores it.
  std::uint64_t publish(std::shared_ptr<const core::Job> job, const SpaceStart& start = {});

  // Generation of the current snapshot; cheap enough to call every batch.
  std::uint64_t generation() const { return m_generation.load(std::memory_order_acquire); }
  JobSnapshot current() const;

  // Waits until a job newer than generation `seen` is published or `stop` is requested (idle
  // devices sleep here); returns whether a newer job is there.
  bool wait_for_newer(std::stop_token stop, std::uint64_t seen) const;

  // Pauses or resumes hashing (see above); returns false when it already was in that state.
  bool set_paused(bool paused);
  bool paused() const { return m_paused.load(std::memory_order_acquire); }

  // Whether a hit found for generation `g` is stale: a clean job was published after it.
  bool is_stale(std::uint64_t g) const { return g < m_last_clean.load(std::memory_order_acquire); }

 private:
  std::uint64_t replace_current(std::shared_ptr<const core::Job> job, const SpaceStart& start);

  mutable std::mutex m_mutex;
  mutable std::condition_variable_any m_published;   // with m_mutex
  JobSnapshot m_current;                             // guarded by m_mutex
  std::deque<std::shared_ptr<NonceSpace>> m_recent;  // newest last; guarded by m_mutex
  std::atomic<std::uint64_t> m_generation{0};
  std::atomic<bool> m_paused{false};  // written under m_mutex
  std::atomic<std::uint64_t> m_last_clean{0};
};

// True when b differs from a at most in share target (and the clean flag): the same work.
bool same_work(const core::Job& a, const core::Job& b);

}  // namespace hashrig::host
