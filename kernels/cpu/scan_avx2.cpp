// AVX2 scanner: 8 nonces per 256-bit register, two register groups interleaved (measured best
// of 1..4 on Zen 5).
// Compiled with -mavx2 on this file only.
#include <immintrin.h>

#include "kernels/cpu/raw_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"

namespace hashrig::kernels::cpu {
namespace {

struct Avx2 {
  using Reg = __m256i;
  static constexpr std::uint32_t kLanes = 8;
  static HASHRIG_INLINE Reg set1(std::uint32_t c) { return _mm256_set1_epi32(int(c)); }
  static HASHRIG_INLINE Reg add(Reg a, Reg b) { return _mm256_add_epi32(a, b); }
  static HASHRIG_INLINE Reg xor3(Reg a, Reg b, Reg c) {
    return _mm256_xor_si256(_mm256_xor_si256(a, b), c);
  }
  static HASHRIG_INLINE Reg ch(Reg e, Reg f, Reg g) {
    return _mm256_xor_si256(_mm256_and_si256(_mm256_xor_si256(f, g), e), g);
  }
  static HASHRIG_INLINE Reg maj(Reg a, Reg b, Reg c) {
    return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(_mm256_or_si256(a, b), c));
  }
  template <int N>
  static HASHRIG_INLINE Reg ror(Reg x) {
    return _mm256_or_si256(_mm256_srli_epi32(x, N), _mm256_slli_epi32(x, 32 - N));
  }
  template <int N>
  static HASHRIG_INLINE Reg shr(Reg x) {
    return _mm256_srli_epi32(x, N);
  }
  static HASHRIG_INLINE Reg bswap(Reg x) {
    const Reg mask = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1,
                                      0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    return _mm256_shuffle_epi8(x, mask);
  }
  static HASHRIG_INLINE Reg iota() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
  static HASHRIG_INLINE std::uint32_t le_mask(Reg x, std::uint32_t t) {
    const Reg le = _mm256_cmpeq_epi32(_mm256_min_epu32(x, set1(t)), x);
    return std::uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(le)));
  }
  static HASHRIG_INLINE void store(std::uint32_t* out, Reg x) {
    _mm256_store_si256(reinterpret_cast<Reg*>(out), x);
  }
};

}  // namespace

std::uint32_t scan_avx2(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                        HitSink& sink) {
  return scan_lanes<Avx2, 2>(in, first, count, sink);
}

}  // namespace hashrig::kernels::cpu
