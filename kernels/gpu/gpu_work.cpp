#include "kernels/gpu/gpu_work.h"

#include <stdexcept>
#include <string>

#include "core/bytes.h"
#include "core/sha256.h"
#include "core/sha256_constants.h"

namespace hashrig::kernels::gpu {
namespace {

constexpr std::uint32_t ror(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}
constexpr std::uint32_t bsig0(std::uint32_t x) {
  return ror(x, 2) ^ ror(x, 13) ^ ror(x, 22);
}
constexpr std::uint32_t bsig1(std::uint32_t x) {
  return ror(x, 6) ^ ror(x, 11) ^ ror(x, 25);
}
constexpr std::uint32_t ssig0(std::uint32_t x) {
  return ror(x, 7) ^ ror(x, 18) ^ (x >> 3);
}
constexpr std::uint32_t ssig1(std::uint32_t x) {
  return ror(x, 17) ^ ror(x, 19) ^ (x >> 10);
}
constexpr std::uint32_t ch(std::uint32_t e, std::uint32_t f, std::uint32_t g) {
  return (e & f) ^ (~e & g);
}
constexpr std::uint32_t maj(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  return (a & b) ^ (a & c) ^ (b & c);
}

bool same_except_version(const core::HeaderBytes& a, const core::HeaderBytes& b) {
  for (std::size_t i = 4; i < core::kNonceOffset; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

VersionConstants version_constants(const core::HeaderBytes& header) {
  const core::Sha256State mid =
      core::midstate(std::span<const std::uint8_t, 64>(header.data(), 64));
  std::uint32_t w[3];
  for (int i = 0; i < 3; ++i)
    w[i] = core::read_be32(header.data() + 64 + 4 * i);
  const std::uint32_t* k = core::kSha256RoundK;
  VersionConstants c{};
  std::uint32_t s[8];
  for (int i = 0; i < 8; ++i)
    s[i] = c.mid[i] = mid[std::size_t(i)];
  for (int t = 0; t < 3; ++t) {  // rounds 0..2 of hash 1's second block
    const std::uint32_t t1 = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + k[t] + w[t];
    const std::uint32_t t2 = bsig0(s[0]) + maj(s[0], s[1], s[2]);
    s[7] = s[6], s[6] = s[5], s[5] = s[4], s[4] = s[3] + t1;
    s[3] = s[2], s[2] = s[1], s[1] = s[0], s[0] = t1 + t2;
  }
  // Round 3 without its W3 term: a = c3 + t2 + W3, e = d + c3 + W3.
  const std::uint32_t c3 = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + k[3];
  const std::uint32_t t2 = bsig0(s[0]) + maj(s[0], s[1], s[2]);
  c.state3[0] = c3 + t2;
  c.state3[1] = s[0];
  c.state3[2] = s[1];
  c.state3[3] = s[2];
  c.state3[4] = s[3] + c3;
  c.state3[5] = s[4];
  c.state3[6] = s[5];
  c.state3[7] = s[6];
  c.w16 = ssig0(w[1]) + w[0];                 // + sig1(W14 = 0) + W9 = 0
  c.w17 = ssig1(640) + ssig0(w[2]) + w[1];    // + W10 = 0
  c.c18 = ssig1(c.w16) + w[2];                // + sig0(W3), per nonce
  c.c19 = ssig1(c.w17) + ssig0(0x80000000u);  // + W3, per nonce
  return c;
}

GpuWork make_work(std::span<const core::HeaderBytes> headers, const core::Uint256& target) {
  if (headers.empty() || headers.size() > kMaxVersions) {
    throw std::invalid_argument("gpu work: " + std::to_string(headers.size()) + " headers (1.." +
                                std::to_string(kMaxVersions) + " allowed)");
  }
  GpuWork work;
  work.headers.assign(headers.begin(), headers.end());
  for (const core::HeaderBytes& h : headers) {
    if (!same_except_version(h, headers[0])) {
      throw std::invalid_argument("gpu work: the headers of one launch may differ only in version");
    }
    work.versions.push_back(version_constants(h));
  }
  work.target = target;
  work.target_top = target.word(7);
  return work;
}

HitCheck check_hit(const GpuWork& work, const Hit& hit, core::Hash256* hash) {
  if (hit.version_index >= work.headers.size()) return HitCheck::wrong_hash;
  const core::Hash256 h = core::header_hash_with_nonce(work.headers[hit.version_index], hit.nonce);
  if (hash) *hash = h;
  const core::Uint256 value = core::hash_value(h);
  if (value.word(7) != hit.top) return HitCheck::wrong_hash;
  return value <= work.target ? HitCheck::meets : HitCheck::near_miss;
}

std::uint32_t reference_top(const core::HeaderBytes& header, std::uint32_t nonce) {
  return core::hash_value(core::header_hash_with_nonce(header, nonce)).word(7);
}

bool reference_meets(const core::HeaderBytes& header, std::uint32_t nonce,
                     const core::Uint256& target) {
  return core::hash_value(core::header_hash_with_nonce(header, nonce)) <= target;
}

}  // namespace hashrig::kernels::gpu
