// What a GPU kernel hashes, prepared on the host: everything that does not depend on the nonce.
//
// A launch covers `versions` variants of one header (the same merkle root, nTime and bits; only
// the version differs, as BIP 310 rolling allows) times a range of nonces: the kernel's second
// grid dimension is the version. For each version the host computes the midstate of the first
// 64 bytes and rounds 0..2 (plus the nonce-free part of round 3) of the second block, and the
// nonce-free message-schedule words. The kernel does the rest: hash 1 from round 3, hash 2 up to
// round 60 (the top word of the result is known there), and an early reject on that top word.
//
// Hits are reported as (nonce, version index, top word). A hit whose top word is below the
// target's is a candidate; one whose top word equals the target's needs the rest of the hash, and
// the host's exact check decides (see GpuWork::needs_exact_check). Everything here is plain data
// with the same layout in C++, OpenCL C and CUDA.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/header.h"
#include "core/uint256.h"

namespace hashrig::kernels::gpu {

// The most versions one launch covers (its second grid dimension).
inline constexpr std::uint32_t kMaxVersions = 64;
// Hits one launch can report; a launch that finds more is rescanned in halves (never dropped).
inline constexpr std::uint32_t kHitCapacity = 1024;

// Per version: 24 words, in this order in device memory.
struct VersionConstants {
  std::uint32_t state3[8];           // hash 1 state after round 3 without its W3 (nonce) term
  std::uint32_t mid[8];              // the midstate, added to hash 1's output
  std::uint32_t w16, w17, c18, c19;  // nonce-free schedule terms
  std::uint32_t pad[4];              // keeps the record 96 bytes (16-byte aligned)
};
static_assert(sizeof(VersionConstants) == 96);

struct Hit {
  std::uint32_t nonce;
  std::uint32_t version_index;  // into the work's versions
  std::uint32_t top;            // the hash's most significant word (numeric)
  friend bool operator==(const Hit&, const Hit&) = default;
};
static_assert(sizeof(Hit) == 12);

// The header words the kernel needs beside the per-version constants.
struct GpuWork {
  std::vector<core::HeaderBytes> headers;  // one per version, nonce field ignored
  std::vector<VersionConstants> versions;  // prepare() fills these from headers
  core::Uint256 target;                    // hits are hashes <= target
  std::uint32_t target_top = 0;            // target's most significant word

  // Whether a hit with this top word must be confirmed on the host: equal to the target's top
  // word means the lower words decide.
  bool needs_exact_check(std::uint32_t top) const { return top == target_top; }
};

// What the reference sha256d says of a hit a kernel reported.
enum class HitCheck {
  meets,       // the hash meets the target
  near_miss,   // the reported top word is right and equals the target's, the lower words are
               // above it: a kernel comparing only the top word reports these, correctly
  wrong_hash,  // the device reported another top word, or a version the work does not have
};
// Re-hashes the hit's header and nonce; `hash` (optional) receives the hash (internal order).
HitCheck check_hit(const GpuWork& work, const Hit& hit, core::Hash256* hash = nullptr);

// The constants for one header.
VersionConstants version_constants(const core::HeaderBytes& header);
// Builds a GpuWork for these headers (1..kMaxVersions, differing only in version) and target.
GpuWork make_work(std::span<const core::HeaderBytes> headers, const core::Uint256& target);

// The top word a correct kernel reports for (header, nonce), computed with the reference.
std::uint32_t reference_top(const core::HeaderBytes& header, std::uint32_t nonce);
// Whether (header, nonce) meets the target, with the reference sha256d.
bool reference_meets(const core::HeaderBytes& header, std::uint32_t nonce,
                     const core::Uint256& target);

}  // namespace hashrig::kernels::gpu
