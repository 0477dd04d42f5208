// AVX-512 scanner: 16 nonces per 512-bit register, three register groups interleaved (vector ops
// have 2-cycle latency on Zen 5, so one group leaves the ALUs idle; 3 measured best), native
// rotates (vprold) and three-input logic (vpternlogd). Compiled with -mavx512f -mavx512bw on
// this file only.
#include <immintrin.h>

// GCC 12 reports the deliberately undefined pass-through operand inside _mm512_ror_epi32 as
// "may be used uninitialized"; it is a false positive of the intrinsic header.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/cpu/raw_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"

namespace hashrig::kernels::cpu {
namespace {

struct Avx512 {
  using Reg = __m512i;
  static constexpr std::uint32_t kLanes = 16;
  static HASHRIG_INLINE Reg set1(std::uint32_t c) { return _mm512_set1_epi32(int(c)); }
  static HASHRIG_INLINE Reg add(Reg a, Reg b) { return _mm512_add_epi32(a, b); }
  static HASHRIG_INLINE Reg xor3(Reg a, Reg b, Reg c) {
    return _mm512_ternarylogic_epi32(a, b, c, 0x96);
  }
  static HASHRIG_INLINE Reg ch(Reg e, Reg f, Reg g) {
    return _mm512_ternarylogic_epi32(e, f, g, 0xca);
  }
  static HASHRIG_INLINE Reg maj(Reg a, Reg b, Reg c) {
    return _mm512_ternarylogic_epi32(a, b, c, 0xe8);
  }
  template <int N>
  static HASHRIG_INLINE Reg ror(Reg x) {
    return _mm512_ror_epi32(x, N);
  }
  template <int N>
  static HASHRIG_INLINE Reg shr(Reg x) {
    return _mm512_srli_epi32(x, N);
  }
  static HASHRIG_INLINE Reg bswap(Reg x) {
    const Reg mask = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    return _mm512_shuffle_epi8(x, mask);
  }
  static HASHRIG_INLINE Reg iota() {
    return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  }
  static HASHRIG_INLINE std::uint32_t le_mask(Reg x, std::uint32_t t) {
    return _mm512_cmple_epu32_mask(x, set1(t));
  }
  static HASHRIG_INLINE void store(std::uint32_t* out, Reg x) {
    _mm512_store_si512(reinterpret_cast<void*>(out), x);
  }
};

}  // namespace

std::uint32_t scan_avx512(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                          HitSink& sink) {
  return scan_lanes<Avx512, 3>(in, first, count, sink);
}

}  // namespace hashrig::kernels::cpu
