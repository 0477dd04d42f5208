#include "host/job_board.h"

#include <stdexcept>

namespace hashrig::host {

bool same_work(const core::Job& a, const core::Job& b) {
  return a.job_id == b.job_id && a.source_id == b.source_id && a.version == b.version &&
         a.version_mask == b.version_mask && a.prev_hash == b.prev_hash &&
         a.coinbase_prefix == b.coinbase_prefix && a.extranonce1 == b.extranonce1 &&
         a.extranonce2_size == b.extranonce2_size && a.coinbase_suffix == b.coinbase_suffix &&
         a.merkle_branch == b.merkle_branch && a.nbits == b.nbits && a.ntime == b.ntime &&
         a.ntime_roll == b.ntime_roll && a.network_target == b.network_target;
}

std::uint64_t JobBoard::publish(std::shared_ptr<const core::Job> job, const SpaceStart& start) {
  const std::uint64_t generation = replace_current(std::move(job), start);
  m_published.notify_all();  // after the unlock: woken devices find the new snapshot at once
  return generation;
}

std::uint64_t JobBoard::replace_current(std::shared_ptr<const core::Job> job,
                                        const SpaceStart& start) {
  if (!job) throw std::invalid_argument("JobBoard::publish: no job");
  std::lock_guard lock(m_mutex);
  JobSnapshot next;
  next.generation = m_current.generation + 1;
  if (m_current.job && same_work(*m_current.job, *job)) {
    next.space = m_current.space;
  } else {
    for (const auto& space : m_recent) {
      if (same_work(space->job(), *job)) next.space = space;
    }
    if (!next.space) {
      next.space = std::make_shared<NonceSpace>(job, start);
      m_recent.push_back(next.space);
      if (m_recent.size() > kRecentSpaces) m_recent.pop_front();
    }
  }
  // A resend of the same work is never a new block, whatever its clean flag says.
  const bool new_block = job->clean && next.space != m_current.space;
  next.job = std::move(job);
  m_current = std::move(next);
  if (new_block) m_last_clean.store(m_current.generation, std::memory_order_release);
  m_generation.store(m_current.generation, std::memory_order_release);
  return m_current.generation;
}

bool JobBoard::wait_for_newer(std::stop_token stop, std::uint64_t seen) const {
  std::unique_lock lock(m_mutex);
  return m_published.wait(lock, stop, [&] { return generation() != seen; });
}

bool JobBoard::set_paused(bool paused) {
  {
    std::lock_guard lock(m_mutex);
    if (m_paused.load(std::memory_order_relaxed) == paused) return false;
    m_paused.store(paused, std::memory_order_release);
    m_current.generation += 1;
    m_generation.store(m_current.generation, std::memory_order_release);
  }
  m_published.notify_all();
  return true;
}

JobSnapshot JobBoard::current() const {
  std::lock_guard lock(m_mutex);
  JobSnapshot s = m_current;
  if (m_paused.load(std::memory_order_relaxed)) {
    s.job.reset();
    s.space.reset();
  }
  return s;
}

}  // namespace hashrig::host
