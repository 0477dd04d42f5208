// Verifier: every candidate a device reports is re-hashed here with the reference sha256d, from
// the job and the candidate's own extranonce2 / version / nTime / nonce, so nothing a device
// computed (its header, its hash) is trusted. A candidate whose hash does not meet the job's
// share target is a hardware error of that device; one that does becomes a Share, flagged as a
// block candidate when it also meets the network target and as stale when a clean job has
// replaced its job since. The stale counter is the sources': a pool has its own rules for what it
// still takes, so the sink that receives the share counts it stale or not.
#pragma once

#include <cstdint>
#include <optional>

#include "host/candidate.h"
#include "host/job_board.h"
#include "host/share.h"
#include "host/stats.h"

namespace hashrig::host {

class Verifier {
 public:
  Verifier(const JobBoard& board, Stats& stats) : m_board(board), m_stats(stats) {}

  // The share, or nullopt for a hardware error (counted on the candidate's device).
  std::optional<Share> verify(const Candidate& c);

 private:
  const JobBoard& m_board;
  Stats& m_stats;
  // The merkle root of the last (job, extranonce2) seen: candidates come in runs from one header.
  const core::Job* m_root_job = nullptr;
  std::uint64_t m_root_extranonce2 = 0;
  core::Hash256 m_root{};
};

}  // namespace hashrig::host
