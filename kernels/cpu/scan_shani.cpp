// The SHA-NI nonce scanner: sha256d of an 80-byte header for a range of nonces with the x86 SHA
// extensions, several independent nonces (streams) interleaved to hide the rounds' latency.
//
// Compiled with -msse4.1 -mssse3 -msha on this file only; every helper has internal linkage so
// nothing compiled with those flags can be picked by the linker for baseline code.
//
// Per nonce:
//   hash 1, block 2: only message word 3 depends on the nonce. Rounds 0..3 run once per call with
//   W3 = 0; W3 then enters only a and e (T1 of round 3), so the per-nonce state after round 3 is
//   that state plus W3 in the A and E lanes. Rounds 4..15 use constant W+K, and the schedule
//   terms built only from constant words are precomputed.
//   hash 2: rounds 8..15 use constant W+K (padding) and the schedule terms built only from padding
//   words are precomputed. Stopping after round 61 (H7 = IV7 + e after round 60) measured no
//   faster than the full 64 rounds on Zen 4, so all rounds run.
//   Early reject on the hash's top word bswap(H7); the reference decides when it equals target[7].
//
// SHA-NI keeps the state as two vectors: ABEF = {F, E, B, A} and CDGH = {H, G, D, C} (element 0
// first). _mm_sha256rnds2_epu32(cdgh, abef, wk) does the two rounds in wk's elements 0..1 and
// returns the new ABEF; the old ABEF is then the new CDGH.

#include <immintrin.h>

#include <cstdint>

#include "core/sha256_constants.h"
#include "kernels/cpu/raw_kernels.h"
#include "kernels/cpu/scan_input.h"

namespace hashrig::kernels::cpu {
namespace {

// Independent nonces per step. Measured on Zen 4, 2..6: throughput rises up to 6 (the rounds
// have 4 cycles of latency; the extra streams also cover the hash 1 -> hash 2 and step seams).
constexpr unsigned kStreams = 6;

constexpr const std::uint32_t* kK = core::kSha256RoundK;

constexpr const std::uint32_t* kIv = core::kSha256InitialState;

// K[4g..4g+3] as a vector.
[[gnu::always_inline]] inline __m128i k_vec(int group) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(kK + 4 * group));
}

// Everything of the scan that does not depend on the nonce.
struct Precomputed {
  __m128i mid_abef;  // midstate, for the feed-forward of hash 1
  __m128i mid_cdgh;
  __m128i abef4;  // state after rounds 0..3 of block 2 with W3 = 0
  __m128i cdgh4;
  __m128i w0_3;       // block 2 words 0..3 with W3 = 0
  __m128i wk1[3];     // block 2 W+K for rounds 4..15
  __m128i w12_15;     // block 2 words 12..15
  __m128i c16;        // block 2: W16..19 minus msg1(W0..3, W4..7)
  __m128i s20;        // block 2: msg1(W4..7, W8..11), for W20..23
  __m128i s24;        // block 2: msg1(W8..11, W12..15), for W24..27
  __m128i h2_wk2[2];  // hash 2 W+K for rounds 8..15
  __m128i h2_w12_15;  // hash 2 words 12..15
  __m128i h2_s24;     // hash 2: msg1(W8..11, W12..15), for W24..27
  __m128i h2_w8_11;   // hash 2 words 8..11 (for msg1(W4..7, W8..11))
};

[[gnu::always_inline]] inline __m128i words(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2,
                                            std::uint32_t w3) {
  return _mm_set_epi32(static_cast<int>(w3), static_cast<int>(w2), static_cast<int>(w1),
                       static_cast<int>(w0));
}

Precomputed precompute(const ScanInput& in) {
  Precomputed p;
  const std::uint32_t* m = in.midstate;
  p.mid_abef = words(m[5], m[4], m[1], m[0]);
  p.mid_cdgh = words(m[7], m[6], m[3], m[2]);

  p.w0_3 = words(in.tail[0], in.tail[1], in.tail[2], 0);
  const __m128i w4_7 = words(0x80000000u, 0, 0, 0);
  const __m128i w8_11 = _mm_setzero_si128();
  p.w12_15 = words(0, 0, 0, 640);

  const __m128i wk0 = _mm_add_epi32(p.w0_3, k_vec(0));
  const __m128i abef2 = _mm_sha256rnds2_epu32(p.mid_cdgh, p.mid_abef, wk0);
  p.abef4 = _mm_sha256rnds2_epu32(p.mid_abef, abef2, _mm_shuffle_epi32(wk0, 0x0e));
  p.cdgh4 = abef2;

  p.wk1[0] = _mm_add_epi32(w4_7, k_vec(1));
  p.wk1[1] = _mm_add_epi32(w8_11, k_vec(2));
  p.wk1[2] = _mm_add_epi32(p.w12_15, k_vec(3));
  // W16..19 = msg1(W0..3, W4..7) + W9..12 + sigma1 of W14..17, and W16, W17 do not depend on
  // W3: so msg2's sigma1 terms are a constant, taken from one run with W3 = 0.
  const __m128i x16 =
      _mm_add_epi32(_mm_sha256msg1_epu32(p.w0_3, w4_7), _mm_alignr_epi8(p.w12_15, w8_11, 4));
  p.c16 = _mm_sub_epi32(_mm_sha256msg2_epu32(x16, p.w12_15), _mm_sha256msg1_epu32(p.w0_3, w4_7));
  p.s20 = _mm_sha256msg1_epu32(w4_7, w8_11);
  p.s24 = _mm_sha256msg1_epu32(w8_11, p.w12_15);

  p.h2_w8_11 = words(0x80000000u, 0, 0, 0);
  p.h2_w12_15 = words(0, 0, 0, 256);
  p.h2_wk2[0] = _mm_add_epi32(p.h2_w8_11, k_vec(2));
  p.h2_wk2[1] = _mm_add_epi32(p.h2_w12_15, k_vec(3));
  p.h2_s24 = _mm_sha256msg1_epu32(p.h2_w8_11, p.h2_w12_15);
  return p;
}

// Four rounds on every stream; wk[s] holds W+K of those rounds.
template <unsigned S>
[[gnu::always_inline]] inline void rounds4(__m128i (&abef)[S], __m128i (&cdgh)[S],
                                           const __m128i (&wk)[S]) {
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    cdgh[s] = _mm_sha256rnds2_epu32(cdgh[s], abef[s], wk[s]);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    abef[s] = _mm_sha256rnds2_epu32(abef[s], cdgh[s], _mm_shuffle_epi32(wk[s], 0x0e));
  }
}

// Four rounds with the same W+K on every stream.
template <unsigned S>
[[gnu::always_inline]] inline void rounds4_const(__m128i (&abef)[S], __m128i (&cdgh)[S],
                                                 __m128i wk) {
  const __m128i hi = _mm_shuffle_epi32(wk, 0x0e);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    cdgh[s] = _mm_sha256rnds2_epu32(cdgh[s], abef[s], wk);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    abef[s] = _mm_sha256rnds2_epu32(abef[s], cdgh[s], hi);
}

// Four rounds on message words m[s] (W+K formed here).
template <unsigned S>
[[gnu::always_inline]] inline void rounds4_msg(__m128i (&abef)[S], __m128i (&cdgh)[S],
                                               const __m128i (&m)[S], int group) {
  const __m128i k = k_vec(group);
  __m128i wk[S];
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    wk[s] = _mm_add_epi32(m[s], k);
  rounds4(abef, cdgh, wk);
}

// Next schedule vector W[4g..4g+3] from the previous four: msg1 term, words g-1..g-2 shifted,
// msg2. `pre` is msg1(W[g-4], W[g-3]).
[[gnu::always_inline]] inline __m128i next_words(__m128i pre, __m128i prev2, __m128i prev1) {
  return _mm_sha256msg2_epu32(_mm_add_epi32(pre, _mm_alignr_epi8(prev1, prev2, 4)), prev1);
}

// Rounds 32..63 with the generic schedule; m[4][S] holds words 16..31 on entry (group g of four
// words in slot g % 4).
template <unsigned S>
[[gnu::always_inline]] inline void rounds_32_63(__m128i (&abef)[S], __m128i (&cdgh)[S],
                                                __m128i (&m)[4][S]) {
#pragma GCC unroll 16
  for (int g = 8; g < 16; ++g) {
#pragma GCC unroll 8
    for (unsigned s = 0; s < S; ++s) {
      const __m128i pre = _mm_sha256msg1_epu32(m[g & 3][s], m[(g + 1) & 3][s]);
      m[g & 3][s] = next_words(pre, m[(g + 2) & 3][s], m[(g + 3) & 3][s]);
    }
    rounds4_msg(abef, cdgh, m[g & 3], g);
  }
}

// sha256d's H7 for nonces whose message word 3 (bswap of the nonce) is w3[s].
template <unsigned S>
[[gnu::always_inline]] inline void hash_h7(const Precomputed& p, const std::uint32_t (&w3)[S],
                                           std::uint32_t (&h7)[S]) {
  __m128i abef[S], cdgh[S], m[4][S];

  // Hash 1, block 2. Rounds 0..3 precomputed; W3 joins A and E.
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    const __m128i n = _mm_cvtsi32_si128(static_cast<int>(w3[s]));
    abef[s] = _mm_add_epi32(p.abef4, _mm_shuffle_epi32(n, 0x33));  // {0, W3, 0, W3}
    cdgh[s] = p.cdgh4;
    m[0][s] = _mm_insert_epi32(p.w0_3, static_cast<int>(w3[s]), 3);
  }
  rounds4_const(abef, cdgh, p.wk1[0]);
  rounds4_const(abef, cdgh, p.wk1[1]);
  rounds4_const(abef, cdgh, p.wk1[2]);

  // W16..31: msg1 terms built from constant words come precomputed.
  const __m128i w4_7 = words(0x80000000u, 0, 0, 0);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    m[0][s] = _mm_add_epi32(_mm_sha256msg1_epu32(m[0][s], w4_7), p.c16);
  }
  rounds4_msg(abef, cdgh, m[0], 4);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    m[1][s] = next_words(p.s20, p.w12_15, m[0][s]);
  rounds4_msg(abef, cdgh, m[1], 5);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    m[2][s] = next_words(p.s24, m[0][s], m[1][s]);
  rounds4_msg(abef, cdgh, m[2], 6);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    m[3][s] = next_words(_mm_sha256msg1_epu32(p.w12_15, m[0][s]), m[1][s], m[2][s]);
  }
  rounds4_msg(abef, cdgh, m[3], 7);
  rounds_32_63(abef, cdgh, m);

  // Feed-forward; the 8 words become hash 2's W0..7: {A, B, C, D} and {E, F, G, H}.
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    const __m128i a = _mm_add_epi32(abef[s], p.mid_abef);
    const __m128i c = _mm_add_epi32(cdgh[s], p.mid_cdgh);
    m[0][s] = _mm_shuffle_epi32(_mm_unpackhi_epi64(a, c), 0xb1);
    m[1][s] = _mm_shuffle_epi32(_mm_unpacklo_epi64(a, c), 0xb1);
  }

  // Hash 2 from the IV.
  const __m128i iv_abef = words(kIv[5], kIv[4], kIv[1], kIv[0]);
  const __m128i iv_cdgh = words(kIv[7], kIv[6], kIv[3], kIv[2]);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    abef[s] = iv_abef;
    cdgh[s] = iv_cdgh;
  }
  rounds4_msg(abef, cdgh, m[0], 0);
  rounds4_msg(abef, cdgh, m[1], 1);
  rounds4_const(abef, cdgh, p.h2_wk2[0]);
  rounds4_const(abef, cdgh, p.h2_wk2[1]);

  // W16..31 with W8..15 constant (W9..12 = 0).
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    m[2][s] = _mm_sha256msg1_epu32(m[1][s], p.h2_w8_11);  // kept for W20..23
    m[0][s] = _mm_sha256msg2_epu32(_mm_sha256msg1_epu32(m[0][s], m[1][s]), p.h2_w12_15);
  }
  rounds4_msg(abef, cdgh, m[0], 4);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    m[1][s] = next_words(m[2][s], p.h2_w12_15, m[0][s]);
  rounds4_msg(abef, cdgh, m[1], 5);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s)
    m[2][s] = next_words(p.h2_s24, m[0][s], m[1][s]);
  rounds4_msg(abef, cdgh, m[2], 6);
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    m[3][s] = next_words(_mm_sha256msg1_epu32(p.h2_w12_15, m[0][s]), m[1][s], m[2][s]);
  }
  rounds4_msg(abef, cdgh, m[3], 7);
  rounds_32_63(abef, cdgh, m);

  // H7 = IV7 + the H lane (element 0 of CDGH).
#pragma GCC unroll 8
  for (unsigned s = 0; s < S; ++s) {
    h7[s] = static_cast<std::uint32_t>(_mm_cvtsi128_si32(cdgh[s])) + kIv[7];
  }
}

template <unsigned S>
std::uint32_t scan_streams(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                           HitSink& sink) {
  const Precomputed p = precompute(in);
  const std::uint32_t top = in.target[7];
  std::uint32_t done = 0;
  while (done < count) {
    if (sink.capacity - sink.count < S) break;
    const std::uint32_t base = first + done;
    std::uint32_t w3[S];
    std::uint32_t h7[S];
#pragma GCC unroll 8
    for (unsigned s = 0; s < S; ++s)
      w3[s] = __builtin_bswap32(base + s);
    hash_h7<S>(p, w3, h7);
    // One unconditional test over all streams: a per-stream branch here would let the compiler
    // sink each stream's hashing into its branch and serialise the streams.
    std::uint32_t candidates = 0;
#pragma GCC unroll 8
    for (unsigned s = 0; s < S; ++s) {
      candidates |= static_cast<std::uint32_t>(__builtin_bswap32(h7[s]) <= top) << s;
    }
    const std::uint32_t left = count - done;
    const std::uint32_t n = left < S ? left : S;
    candidates &= (1u << n) - 1;
    while (candidates != 0) {
      const auto s = static_cast<unsigned>(__builtin_ctz(candidates));
      candidates &= candidates - 1;
      const std::uint32_t nonce = base + s;
      if (__builtin_bswap32(h7[s]) < top || meets_target_exact(in, nonce)) {
        sink.nonces[sink.count++] = nonce;
      }
    }
    done += n;
  }
  return done;
}

}  // namespace

std::uint32_t scan_shani(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                         HitSink& sink) {
  return scan_streams<kStreams>(in, first, count, sink);
}

}  // namespace hashrig::kernels::cpu
