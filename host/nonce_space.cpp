#include "host/nonce_space.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/job_work.h"

namespace hashrig::host {
namespace {

constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kNonces = std::uint64_t(1) << 32;
// Headers one packed atomic addresses: one short of 2^32 so (header + 1) * 2^32 never wraps.
constexpr std::uint64_t kPackedHeaders = (std::uint64_t(1) << 32) - 1;

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}

}  // namespace

NonceSpace::NonceSpace(std::shared_ptr<const core::Job> job, const SpaceStart& start)
    : m_job(std::move(job)) {
  if (!m_job) throw std::invalid_argument("NonceSpace: no job");
  m_versions = core::version_count(m_job->version_mask);
  const std::uint32_t en2_bits = 8 * m_job->extranonce2_size;
  m_extranonces = en2_bits >= 64 ? kSaturated : std::uint64_t(1) << en2_bits;
  m_headers = saturating_mul(saturating_mul(m_versions, m_extranonces),
                             std::uint64_t(m_job->ntime_roll) + 1);
  if (start.extranonce2 >= m_extranonces || start.ntime_offset > m_job->ntime_roll) {
    throw std::invalid_argument("NonceSpace: start outside the job's space (extranonce2 " +
                                std::to_string(start.extranonce2) + ", ntime offset " +
                                std::to_string(start.ntime_offset) + ")");
  }
  std::uint64_t header = saturating_mul(start.ntime_offset, m_extranonces);
  header = header > kSaturated - start.extranonce2 ? kSaturated : header + start.extranonce2;
  header = saturating_mul(header, m_versions);
  if (header >= kPackedHeaders) {
    throw std::invalid_argument("NonceSpace: start lies past the headers one space can address");
  }
  m_position.store((header << 32) | start.nonce, std::memory_order_relaxed);
}

NoncePiece NonceSpace::piece_at(std::uint64_t h) const {
  NoncePiece p;
  p.header_index = h;
  p.version = core::rolled_version(m_job->version, m_job->version_mask, h % m_versions);
  const std::uint64_t rest = h / m_versions;
  p.extranonce2 = rest % m_extranonces;
  p.ntime = m_job->ntime + std::uint32_t(rest / m_extranonces);
  return p;
}

std::optional<NoncePiece> NonceSpace::claim(std::uint64_t count) {
  if (count == 0) throw std::invalid_argument("NonceSpace::claim: count 0");
  const std::uint64_t limit = m_headers < kPackedHeaders ? m_headers : kPackedHeaders;
  std::uint64_t position = m_position.load(std::memory_order_relaxed);
  std::uint64_t end = 0;
  do {
    const std::uint64_t header = position >> 32;
    if (header >= limit) return std::nullopt;
    const std::uint64_t header_end = (header + 1) * kNonces;  // never cross into the next header
    end = header_end - position > count ? position + count : header_end;
  } while (!m_position.compare_exchange_weak(position, end, std::memory_order_relaxed));
  NoncePiece p = piece_at(position >> 32);
  p.first_nonce = std::uint32_t(position);
  p.count = end - position;
  return p;
}

std::optional<NoncePiece> NonceSpace::claim_headers(std::uint32_t max_headers) {
  if (max_headers == 0) throw std::invalid_argument("NonceSpace::claim_headers: max_headers 0");
  const std::uint64_t limit = m_headers < kPackedHeaders ? m_headers : kPackedHeaders;
  std::uint64_t position = m_position.load(std::memory_order_relaxed);
  std::uint64_t end = 0;
  do {
    const std::uint64_t header = position >> 32;
    if (header >= limit) return std::nullopt;
    std::uint64_t headers = 1;
    if (std::uint32_t(position) == 0) {
      // Whole headers up to the next change of extranonce2 (every m_versions headers).
      const std::uint64_t same_root = m_versions - header % m_versions;
      headers = std::min<std::uint64_t>({max_headers, same_root, limit - header});
    }
    end = (header + headers) * kNonces;
  } while (!m_position.compare_exchange_weak(position, end, std::memory_order_relaxed));
  NoncePiece p = piece_at(position >> 32);
  p.first_nonce = std::uint32_t(position);
  p.headers = std::uint32_t((end >> 32) - (position >> 32));
  p.count = p.headers > 1 ? kNonces : end - position;
  return p;
}

std::uint32_t NonceSpace::version_at(std::uint64_t header_index) const {
  return piece_at(header_index).version;
}

}  // namespace hashrig::host
