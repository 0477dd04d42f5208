// Scans a nonce range of one header with a CPU kernel, on several threads for large ranges, and
// re-verifies every hit with the reference sha256d: hits the reference rejects (kernels may report
// false positives) are kept apart, never mixed with the real ones.
#pragma once

#include <cstdint>
#include <vector>

#include "core/sha256.h"
#include "core/work.h"
#include "kernels/cpu/scan_input.h"

namespace hashrig::host {

struct RangeScanOptions {
  unsigned threads = 1;               // the most threads to use (>= 1)
  std::uint64_t max_hits = 1u << 20;  // stop once more verified hits than this were found
};

struct ScanHit {
  std::uint32_t nonce = 0;
  core::Hash256 hash{};  // internal order
};

struct RangeScanResult {
  std::vector<ScanHit> hits;                   // verified, sorted by nonce
  std::vector<std::uint32_t> false_positives;  // reported but rejected by the reference, sorted
  std::uint64_t hashes = 0;                    // nonces scanned
  unsigned threads = 0;                        // threads used
  bool hit_limit_reached = false;              // stopped early: more than max_hits verified hits
  bool kernel_stalled = false;  // the kernel stopped advancing (a broken kernel); stopped early
};

// Nonces in one piece handed to a thread; ranges up to this size are scanned on the caller's
// thread.
inline constexpr std::uint32_t kScanChunk = 1u << 20;

// Scans nonces [start, start + count) of `work` with `fn`. Requires start + count <= 2^32.
RangeScanResult scan_range(kernels::cpu::RawScanFn fn, const core::Work& work, std::uint32_t start,
                           std::uint64_t count, const RangeScanOptions& options);

}  // namespace hashrig::host
