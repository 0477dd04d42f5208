#include "host/verifier.h"

#include "core/job_work.h"
#include "core/target.h"

namespace hashrig::host {

std::optional<Share> Verifier::verify(const Candidate& c) {
  const core::Job& job = *c.job;
  Share s;
  s.extranonce2 = core::extranonce2_for(job, c.extranonce2);
  if (c.job.get() != m_root_job || c.extranonce2 != m_root_extranonce2) {
    m_root = core::job_merkle_root(job, s.extranonce2);
    m_root_job = c.job.get();
    m_root_extranonce2 = c.extranonce2;
  }
  s.header = core::build_header(job, m_root, c.version, c.ntime);
  core::write_le32(s.header.data() + core::kNonceOffset, c.nonce);
  s.hash = core::sha256d(s.header);
  const core::Uint256 value = core::hash_value(s.hash);

  DeviceCounters& device = m_stats.device(c.device);
  if (!(value <= job.share_target)) {
    device.hw_errors.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  s.job = c.job;
  s.job_id = job.job_id;
  s.source_id = job.source_id;
  s.ntime = c.ntime;
  s.nonce = c.nonce;
  s.version = c.version;
  s.version_bits = c.version & job.version_mask;
  s.difficulty = core::difficulty_from_target(value);
  s.block_candidate = value <= job.network_target;
  s.stale = m_board.is_stale(c.generation);
  s.generation = c.generation;
  s.device = c.device;

  device.shares.fetch_add(1, std::memory_order_relaxed);
  Totals& totals = m_stats.totals();
  totals.shares.fetch_add(1, std::memory_order_relaxed);
  if (s.block_candidate) totals.blocks_found.fetch_add(1, std::memory_order_relaxed);
  return s;
}

}  // namespace hashrig::host
