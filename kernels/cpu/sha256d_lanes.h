// The sha256d nonce scanner, written once over "lanes" and instantiated per instruction set
// (scalar, AVX2, AVX-512) by the kernel files. Include only from a kernel file.
//
// Everything here sits in an anonymous namespace on purpose: each kernel file compiles it with
// its own ISA flags, and internal linkage keeps those copies from being merged across files.
//
// The algorithm, per nonce:
//   hash 1, block 2: message words 0..2 and 4..15 do not depend on the nonce. Rounds 0..2 and the
//   nonce-free part of round 3 are done once per call; words 16 and 17 are constants and the
//   schedule of words 18..33 is specialised for its constant inputs.
//   hash 2: the input's padding words 8..15 are constant (same specialisation); round 0 is half
//   precomputed; the hash's top word H7 = IV7 + e(60) is known after round 60, so rounds 61..63
//   are skipped and rounds 57..60 compute only e.
//   Early reject on the top word, exact compare with the reference when it equals the target's.
//
// An ISA traits type `I` provides: Reg, kLanes, set1, add, xor3, ch, maj, ror<n>, shr<n>, bswap,
// iota (0..kLanes-1), le_mask (bit per lane where x <= t, unsigned) and store.
// G independent lane groups are interleaved so the CPU always has independent work.
#pragma once

#include <cstdint>
#include <utility>

#include "core/sha256_constants.h"
#include "kernels/cpu/scan_input.h"

#define HASHRIG_INLINE inline __attribute__((always_inline))

namespace hashrig::kernels::cpu {
namespace {

constexpr const std::uint32_t* kK = core::kSha256RoundK;
constexpr const std::uint32_t* kIv = core::kSha256InitialState;

// ---- scalar helpers for the per-call precomputation ---------------------------------------
constexpr std::uint32_t s_ror(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}
constexpr std::uint32_t s_bsig0(std::uint32_t x) {
  return s_ror(x, 2) ^ s_ror(x, 13) ^ s_ror(x, 22);
}
constexpr std::uint32_t s_bsig1(std::uint32_t x) {
  return s_ror(x, 6) ^ s_ror(x, 11) ^ s_ror(x, 25);
}
constexpr std::uint32_t s_ssig0(std::uint32_t x) {
  return s_ror(x, 7) ^ s_ror(x, 18) ^ (x >> 3);
}
constexpr std::uint32_t s_ssig1(std::uint32_t x) {
  return s_ror(x, 17) ^ s_ror(x, 19) ^ (x >> 10);
}
constexpr std::uint32_t s_ch(std::uint32_t e, std::uint32_t f, std::uint32_t g) {
  return (e & f) ^ (~e & g);
}
constexpr std::uint32_t s_maj(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  return (a & b) ^ (a & c) ^ (b & c);
}

// Per-call constants derived from the header (independent of the nonce).
struct Precomputed {
  std::uint32_t state3[8];  // hash 1 state after round 3 minus the nonce term (see below)
  std::uint32_t w16, w17, c18, c19;
  std::uint32_t h2_a0, h2_e0;  // hash 2 round 0: a = h2_a0 + W0, e = h2_e0 + W0
};

HASHRIG_INLINE Precomputed precompute(const ScanInput& in) {
  Precomputed p{};
  std::uint32_t s[8];
  for (int i = 0; i < 8; ++i)
    s[i] = in.midstate[i];
  for (int t = 0; t < 3; ++t) {  // rounds 0..2 of hash 1's second block
    const std::uint32_t t1 = s[7] + s_bsig1(s[4]) + s_ch(s[4], s[5], s[6]) + kK[t] + in.tail[t];
    const std::uint32_t t2 = s_bsig0(s[0]) + s_maj(s[0], s[1], s[2]);
    s[7] = s[6], s[6] = s[5], s[5] = s[4], s[4] = s[3] + t1;
    s[3] = s[2], s[2] = s[1], s[1] = s[0], s[0] = t1 + t2;
  }
  // Round 3 without its W3 term: a = c3 + t2 + W3, e = d + c3 + W3.
  const std::uint32_t c3 = s[7] + s_bsig1(s[4]) + s_ch(s[4], s[5], s[6]) + kK[3];
  const std::uint32_t t2 = s_bsig0(s[0]) + s_maj(s[0], s[1], s[2]);
  p.state3[0] = c3 + t2;
  p.state3[1] = s[0];
  p.state3[2] = s[1];
  p.state3[3] = s[2];
  p.state3[4] = s[3] + c3;
  p.state3[5] = s[4];
  p.state3[6] = s[5];
  p.state3[7] = s[6];
  const std::uint32_t* w = in.tail;
  p.w16 = s_ssig0(w[1]) + w[0];                   // sig1(W14=0) + W9=0
  p.w17 = s_ssig1(640) + s_ssig0(w[2]) + w[1];    // W10 = 0
  p.c18 = s_ssig1(p.w16) + w[2];                  // + sig0(W3)
  p.c19 = s_ssig1(p.w17) + s_ssig0(0x80000000u);  // + W3
  const std::uint32_t h2c0 = kIv[7] + s_bsig1(kIv[4]) + s_ch(kIv[4], kIv[5], kIv[6]) + kK[0];
  p.h2_a0 = h2c0 + s_bsig0(kIv[0]) + s_maj(kIv[0], kIv[1], kIv[2]);
  p.h2_e0 = kIv[3] + h2c0;
  return p;
}

// ---- lane groups -------------------------------------------------------------------------
template <class I, int G>
struct L {
  typename I::Reg r[G];
};

#define HASHRIG_LANEWISE(expr) \
  L<I, G> out;                 \
  for (int g = 0; g < G; ++g)  \
    out.r[g] = (expr);         \
  return out

template <class I, int G>
HASHRIG_INLINE L<I, G> splat(std::uint32_t c) {
  HASHRIG_LANEWISE(I::set1(c));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> operator+(L<I, G> a, L<I, G> b) {
  HASHRIG_LANEWISE(I::add(a.r[g], b.r[g]));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> operator+(L<I, G> a, std::uint32_t c) {
  HASHRIG_LANEWISE(I::add(a.r[g], I::set1(c)));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> bsig0(L<I, G> x) {
  HASHRIG_LANEWISE(I::xor3(I::template ror<2>(x.r[g]), I::template ror<13>(x.r[g]),
                           I::template ror<22>(x.r[g])));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> bsig1(L<I, G> x) {
  HASHRIG_LANEWISE(I::xor3(I::template ror<6>(x.r[g]), I::template ror<11>(x.r[g]),
                           I::template ror<25>(x.r[g])));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> ssig0(L<I, G> x) {
  HASHRIG_LANEWISE(
      I::xor3(I::template ror<7>(x.r[g]), I::template ror<18>(x.r[g]), I::template shr<3>(x.r[g])));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> ssig1(L<I, G> x) {
  HASHRIG_LANEWISE(I::xor3(I::template ror<17>(x.r[g]), I::template ror<19>(x.r[g]),
                           I::template shr<10>(x.r[g])));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> ch(L<I, G> e, L<I, G> f, L<I, G> h) {
  HASHRIG_LANEWISE(I::ch(e.r[g], f.r[g], h.r[g]));
}
template <class I, int G>
HASHRIG_INLINE L<I, G> maj(L<I, G> a, L<I, G> b, L<I, G> c) {
  HASHRIG_LANEWISE(I::maj(a.r[g], b.r[g], c.r[g]));
}
#undef HASHRIG_LANEWISE

// The eight working variables rotate through s[]: at round T, variable k (a=0 .. h=7) lives in
// s[(k - T) & 7], so a round writes only two slots and nothing is copied.
template <int T, class V>
HASHRIG_INLINE void round(V* s, V kw) {
  V& a = s[(0 - T) & 7];
  V& b = s[(1 - T) & 7];
  V& c = s[(2 - T) & 7];
  V& d = s[(3 - T) & 7];
  V& e = s[(4 - T) & 7];
  V& f = s[(5 - T) & 7];
  V& g = s[(6 - T) & 7];
  V& h = s[(7 - T) & 7];
  // Ordered for latency: everything but bsig1(e) is summed while bsig1 is computed, so the
  // e -> e chain is bsig1 plus one add.
  const V t = h + kw + ch(e, f, g);
  const V s1 = bsig1(e);
  const V t1 = t + s1;
  d = (d + t) + s1;
  h = t1 + (bsig0(a) + maj(a, b, c));
}

// A round whose only needed output is the new e (hash 2, rounds 57..60).
template <int T, class V>
HASHRIG_INLINE void round_e_only(V* s, V kw) {
  V& d = s[(3 - T) & 7];
  V& e = s[(4 - T) & 7];
  V& f = s[(5 - T) & 7];
  V& g = s[(6 - T) & 7];
  V& h = s[(7 - T) & 7];
  d = (d + h + kw + ch(e, f, g)) + bsig1(e);
}

// ---- one step: sha256d of G x kLanes nonces up to hash 2's H7 -------------------------
// The rounds run as an 8-round loop over message words kept in an L1-resident array rather than
// fully unrolled: the unrolled form of two AVX-512 groups is ~49 KB of code, past the instruction
// cache, and measured 35% slower. Words constant for the whole call are stored once per call.
template <class I, int G>
struct Messages {
  L<I, G> w1[64];  // hash 1, block 2 (words 0..2 unused: rounds 0..3 are precomputed)
  L<I, G> w2[64];  // hash 2
};

template <int R, class I, int G, int... K>
HASHRIG_INLINE void eight_rounds(L<I, G>* s, const L<I, G>* w, int t,
                                 std::integer_sequence<int, K...>) {
  (round<R + K>(s, w[t + K] + kK[t + K]), ...);
}

template <class I, int G>
HASHRIG_INLINE void expand_range(L<I, G>* w, int from, int to) {
  for (int t = from; t < to; ++t) {
    w[t] = ssig1(w[t - 2]) + w[t - 7] + ssig0(w[t - 15]) + w[t - 16];
  }
}

template <class I, int G>
HASHRIG_INLINE void set_call_constants(const Precomputed& p, Messages<I, G>& m) {
  for (int t = 4; t < 16; ++t)
    m.w1[t] = splat<I, G>(0);
  m.w1[4] = splat<I, G>(0x80000000u);
  m.w1[15] = splat<I, G>(640u);
  m.w1[16] = splat<I, G>(p.w16);
  m.w1[17] = splat<I, G>(p.w17);
  for (int t = 8; t < 16; ++t)
    m.w2[t] = splat<I, G>(0);
  m.w2[8] = splat<I, G>(0x80000000u);
  m.w2[15] = splat<I, G>(256u);
}

template <class I, int G>
HASHRIG_INLINE L<I, G> sha256d_h7(const ScanInput& in, const Precomputed& p, L<I, G> w3,
                                  Messages<I, G>& m) {
  using V = L<I, G>;
  V* w = m.w1;
  // Hash 1 schedule: 18..33 specialised for the constant words, 34..63 general.
  w[18] = ssig0(w3) + p.c18;
  w[19] = w3 + p.c19;
  w[20] = ssig1(w[18]) + 0x80000000u;
  w[21] = ssig1(w[19]);
  w[22] = ssig1(w[20]) + 640u;
  w[23] = ssig1(w[21]) + p.w16;
  w[24] = ssig1(w[22]) + p.w17;
  w[25] = ssig1(w[23]) + w[18];
  w[26] = ssig1(w[24]) + w[19];
  w[27] = ssig1(w[25]) + w[20];
  w[28] = ssig1(w[26]) + w[21];
  w[29] = ssig1(w[27]) + w[22];
  w[30] = ssig1(w[28]) + w[23] + s_ssig0(640u);
  w[31] = ssig1(w[29]) + w[24] + (s_ssig0(p.w16) + 640u);
  w[32] = ssig1(w[30]) + w[25] + (s_ssig0(p.w17) + p.w16);
  w[33] = ssig1(w[31]) + w[26] + ssig0(w[18]) + p.w17;
  expand_range(w, 34, 64);
  V s[8];
  s[(0 - 4) & 7] = w3 + p.state3[0];
  s[(4 - 4) & 7] = w3 + p.state3[4];
  for (int k : {1, 2, 3, 5, 6, 7})
    s[(k - 4) & 7] = splat<I, G>(p.state3[k]);
  for (int t = 4; t < 60; t += 8)
    eight_rounds<4>(s, w, t, std::make_integer_sequence<int, 8>{});
  round<60>(s, w[60] + kK[60]);
  round<61>(s, w[61] + kK[61]);
  round<62>(s, w[62] + kK[62]);
  round<63>(s, w[63] + kK[63]);
  // Hash 2.
  w = m.w2;
  for (int k = 0; k < 8; ++k)
    w[k] = s[k] + in.midstate[k];
  w[16] = ssig0(w[1]) + w[0];
  w[17] = ssig0(w[2]) + w[1] + s_ssig1(256u);
  w[18] = ssig1(w[16]) + ssig0(w[3]) + w[2];
  w[19] = ssig1(w[17]) + ssig0(w[4]) + w[3];
  w[20] = ssig1(w[18]) + ssig0(w[5]) + w[4];
  w[21] = ssig1(w[19]) + ssig0(w[6]) + w[5];
  w[22] = ssig1(w[20]) + ssig0(w[7]) + w[6] + 256u;
  w[23] = ssig1(w[21]) + w[16] + w[7] + s_ssig0(0x80000000u);
  w[24] = ssig1(w[22]) + w[17] + 0x80000000u;
  w[25] = ssig1(w[23]) + w[18];
  w[26] = ssig1(w[24]) + w[19];
  w[27] = ssig1(w[25]) + w[20];
  w[28] = ssig1(w[26]) + w[21];
  w[29] = ssig1(w[27]) + w[22];
  w[30] = ssig1(w[28]) + w[23] + s_ssig0(256u);
  w[31] = ssig1(w[29]) + w[24] + ssig0(w[16]) + 256u;
  expand_range(w, 32, 61);
  s[(0 - 1) & 7] = w[0] + p.h2_a0;
  s[(4 - 1) & 7] = w[0] + p.h2_e0;
  for (int k : {1, 2, 3, 5, 6, 7})
    s[(k - 1) & 7] = splat<I, G>(kIv[k - 1]);
  for (int t = 1; t < 57; t += 8)
    eight_rounds<1>(s, w, t, std::make_integer_sequence<int, 8>{});
  round_e_only<57>(s, w[57] + kK[57]);
  round_e_only<58>(s, w[58] + kK[58]);
  round_e_only<59>(s, w[59] + kK[59]);
  round_e_only<60>(s, w[60] + kK[60]);
  return s[(3 - 60) & 7] + kIv[7];
}

// The scan loop: G groups of I::kLanes consecutive nonces per step.
template <class I, int G>
HASHRIG_INLINE std::uint32_t scan_lanes(const ScanInput& in, std::uint32_t first,
                                        std::uint32_t count, HitSink& sink) {
  constexpr std::uint32_t kStep = I::kLanes * G;
  const Precomputed p = precompute(in);
  const std::uint32_t top = in.target[7];
  std::uint32_t done = 0;
  Messages<I, G> messages;
  set_call_constants(p, messages);
  while (done < count) {
    if (sink.capacity - sink.count < kStep) break;
    const std::uint32_t base = first + done;
    L<I, G> w3;
    for (int g = 0; g < G; ++g) {
      w3.r[g] = I::bswap(I::add(I::iota(), I::set1(base + std::uint32_t(g) * I::kLanes)));
    }
    const L<I, G> h7 = sha256d_h7<I, G>(in, p, w3, messages);
    const std::uint32_t left = count - done;
    for (int g = 0; g < G; ++g) {
      std::uint32_t mask = I::le_mask(I::bswap(h7.r[g]), top);
      const std::uint32_t offset = std::uint32_t(g) * I::kLanes;
      if (mask == 0 || offset >= left) continue;
      if (left - offset < I::kLanes) mask &= (1u << (left - offset)) - 1;
      alignas(64) std::uint32_t words[I::kLanes];
      I::store(words, I::bswap(h7.r[g]));
      while (mask != 0) {
        const int lane = __builtin_ctz(mask);
        mask &= mask - 1;
        const std::uint32_t nonce = base + offset + std::uint32_t(lane);
        if (words[lane] < top || meets_target_exact(in, nonce)) sink.nonces[sink.count++] = nonce;
      }
    }
    done += (left < kStep) ? left : kStep;
  }
  return done;
}

}  // namespace
}  // namespace hashrig::kernels::cpu
