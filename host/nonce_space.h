// NonceSpace: the search space of one job, handed out as disjoint pieces from one atomic counter.
//
// The space is (nTime offsets) x (extranonce2 values) x (allowed version bits) x 2^32 nonces,
// enumerated as a 64-bit-indexed sequence of headers, each with 2^32 nonces. Header index h
// maps to: version index = h mod V (rolled first: cheap, the merkle root stays), then
// extranonce2 counter = (h / V) mod E (a new coinbase and merkle root), then nTime offset
// = h / (V * E), only as far as the job's ntime_roll allows. A claim never crosses a header
// boundary, so no two claims ever share a (header, nonce).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/job.h"

namespace hashrig::host {

// Where a claim lies in the space (the header is built from these by the worker).
struct NoncePiece {
  std::uint64_t header_index = 0;
  std::uint64_t extranonce2 = 0;  // counter; core::extranonce2_for turns it into bytes
  std::uint32_t version = 0;
  std::uint32_t ntime = 0;
  std::uint32_t first_nonce = 0;
  std::uint64_t count = 0;  // 1..2^32
  // Consecutive headers the claim covers, from header_index on (claim_headers only): all share
  // this extranonce2 and nTime, only their versions differ (NonceSpace::version_at), and each
  // has the nonces [first_nonce, first_nonce + count).
  std::uint32_t headers = 1;
};

// Where in a job's space hashing begins: the first extranonce2 counter, nTime offset and nonce
// (all 0 by default). Used to split one job between rigs, to resume, and to replay recorded work.
struct SpaceStart {
  std::uint64_t extranonce2 = 0;
  std::uint32_t ntime_offset = 0;
  std::uint32_t nonce = 0;
};

class NonceSpace {
 public:
  // Throws std::invalid_argument when `start` lies outside the job's space.
  explicit NonceSpace(std::shared_ptr<const core::Job> job, const SpaceStart& start = {});

  // Claims up to `count` (>= 1) nonces: fewer when the current header has fewer left. Returns
  // nullopt once the whole space is spent. Thread-safe and lock-free.
  std::optional<NoncePiece> claim(std::uint64_t count);
  // For devices that hash several versions per launch (GPUs): at a header boundary, claims up to
  // `max_headers` whole headers that differ only in version (never crossing into the next
  // extranonce2 or nTime); in the middle of a header, the rest of that header, like claim().
  std::optional<NoncePiece> claim_headers(std::uint32_t max_headers);
  // The version of header `header_index` (for the headers of a claim_headers piece).
  std::uint32_t version_at(std::uint64_t header_index) const;

  const core::Job& job() const { return *m_job; }
  // How many headers the space holds (saturated at 2^64 - 1 for large extranonce2 sizes).
  std::uint64_t header_count() const { return m_headers; }

 private:
  NoncePiece piece_at(std::uint64_t header_index) const;

  std::shared_ptr<const core::Job> m_job;
  std::uint64_t m_versions;     // V
  std::uint64_t m_extranonces;  // E (saturated)
  std::uint64_t m_headers;      // V * E * (ntime_roll + 1), saturated
  // The next unclaimed (header, nonce), packed as header * 2^32 + nonce so one atomic word holds
  // it. That covers the first 2^32 - 1 headers (2^64 hashes: over 5 years at 100 GH/s); a job that
  // outlives them reports its space as spent rather than ever repeating a header.
  std::atomic<std::uint64_t> m_position{0};
};

}  // namespace hashrig::host
