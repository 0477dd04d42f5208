// Portable scanner: plain 32-bit integer operations on any CPU; four independent nonces
// interleaved for instruction-level parallelism.
#include "kernels/cpu/raw_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"

namespace hashrig::kernels::cpu {
namespace {

struct Scalar {
  using Reg = std::uint32_t;
  static constexpr std::uint32_t kLanes = 1;
  static HASHRIG_INLINE Reg set1(std::uint32_t c) { return c; }
  static HASHRIG_INLINE Reg add(Reg a, Reg b) { return a + b; }
  static HASHRIG_INLINE Reg xor3(Reg a, Reg b, Reg c) { return a ^ b ^ c; }
  static HASHRIG_INLINE Reg ch(Reg e, Reg f, Reg g) { return ((f ^ g) & e) ^ g; }
  static HASHRIG_INLINE Reg maj(Reg a, Reg b, Reg c) { return (a & b) | ((a | b) & c); }
  template <int N>
  static HASHRIG_INLINE Reg ror(Reg x) {
    return (x >> N) | (x << (32 - N));
  }
  template <int N>
  static HASHRIG_INLINE Reg shr(Reg x) {
    return x >> N;
  }
  static HASHRIG_INLINE Reg bswap(Reg x) { return __builtin_bswap32(x); }
  static HASHRIG_INLINE Reg iota() { return 0; }
  static HASHRIG_INLINE std::uint32_t le_mask(Reg x, std::uint32_t t) { return x <= t ? 1u : 0u; }
  static HASHRIG_INLINE void store(std::uint32_t* out, Reg x) { out[0] = x; }
};

}  // namespace

std::uint32_t scan_scalar(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                          HitSink& sink) {
  return scan_lanes<Scalar, 4>(in, first, count, sink);
}

}  // namespace hashrig::kernels::cpu
