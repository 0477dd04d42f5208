// The boundary between baseline code and the per-instruction-set kernel files.
// Kernel files (compiled with -mavx2, -mavx512f, -msha ...) see only this plain struct and raw
// pointers, never library types, so no inline function compiled with extra ISA flags can be
// shared with (and picked by the linker for) baseline code.
#pragma once

#include <cstdint>

namespace hashrig::kernels::cpu {

struct ScanInput {
  std::uint8_t header[80];    // nonce field ignored
  std::uint32_t midstate[8];  // SHA-256 state after the first 64 header bytes
  std::uint32_t tail[3];      // header bytes 64..75 as big-endian words (message words 0..2)
  std::uint32_t target[8];    // target words, [7] most significant
};

// Where a kernel appends hits; it stops scanning before `room` could overflow.
struct HitSink {
  std::uint32_t* nonces;
  std::uint32_t capacity;
  std::uint32_t count;
};

// A raw kernel: scans nonces [first, first + count) (first + count <= 2^32 guaranteed by the
// caller) and appends to `sink` every nonce whose sha256d <= target. Returns how many nonces it
// scanned: `count`, or fewer when the sink had no room for another step.
using RawScanFn = std::uint32_t (*)(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                                    HitSink& sink);

// Exact check of one nonce with the reference sha256d; defined in baseline code, called by
// kernels when a hash's top word equals the target's top word.
bool meets_target_exact(const ScanInput& in, std::uint32_t nonce);

}  // namespace hashrig::kernels::cpu
