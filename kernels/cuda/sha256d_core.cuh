// The per-nonce sha256d of the CUDA kernel, written once for nvcc device code and plain host C++
// (the host build tests it against the reference without a GPU).
//
// Input: the 24 per-version words of kernels/gpu/gpu_work.h (state3[8], mid[8], w16, w17, c18,
// c19, pad[4]); the host has already done hash 1's midstate, rounds 0..2 and the nonce-free part
// of round 3 and of the schedule. Per nonce this does hash 1 from round 4 (after adding the
// nonce's W3 to a and e of round 3) and hash 2 up to round 60: the hash's top word is
// bswap(IV7 + e after round 60), because that e becomes h after round 63. Rounds 61..63 and the
// schedule words 61..63 of hash 2 are never computed.
//
// Everything is unrolled at compile time: round numbers are template arguments, so the round
// constants are immediates and every message word that is a constant (the padding words of both
// blocks, zero or a length) is folded away by the compiler instead of being tested at run time.
// The working variables rotate through an 8-entry array indexed by the round number, so no round
// moves values around; after inlining the arrays are plain registers (no local memory).
#pragma once

#include <cstdint>
#include <utility>

#if defined(__CUDACC__)
#define HASHRIG_HD __device__ __forceinline__
#define HASHRIG_HD_CONSTEXPR __host__ __device__ constexpr
#else
#define HASHRIG_HD inline
#define HASHRIG_HD_CONSTEXPR constexpr
#endif

namespace hashrig::kernels::cuda {
namespace sha256d_detail {

// Only ever evaluated in constant expressions (see round()): the table never reaches memory.
HASHRIG_HD_CONSTEXPR std::uint32_t round_k(int t) {
  constexpr std::uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  return k[t];
}

// The initial hash value's last word (a scalar: namespace-scope arrays are not usable in device
// code).
inline constexpr std::uint32_t kIv7 = 0x5be0cd19;

template <int N>
HASHRIG_HD std::uint32_t ror(std::uint32_t x) {
  static_assert(N > 0 && N < 32);
#if defined(__CUDA_ARCH__)
  return __funnelshift_r(x, x, N);  // one SHF per rotate
#else
  return (x >> N) | (x << (32 - N));
#endif
}

HASHRIG_HD std::uint32_t bswap32(std::uint32_t x) {
#if defined(__CUDA_ARCH__)
  return __byte_perm(x, 0, 0x0123);  // one PRMT
#else
  return __builtin_bswap32(x);
#endif
}

// Three-input logic; ptxas turns each of ch, maj and the xors of the sigmas into one LOP3. Plain
// expressions rather than lop3 inline assembly, so the compiler can still fold constant inputs
// (hash 2 starts from the constant IV).
HASHRIG_HD std::uint32_t ch(std::uint32_t e, std::uint32_t f, std::uint32_t g) {
  return (e & f) ^ (~e & g);
}
HASHRIG_HD std::uint32_t maj(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  return (a & b) ^ (a & c) ^ (b & c);
}
HASHRIG_HD std::uint32_t bsig0(std::uint32_t x) {
  return ror<2>(x) ^ ror<13>(x) ^ ror<22>(x);
}
HASHRIG_HD std::uint32_t bsig1(std::uint32_t x) {
  return ror<6>(x) ^ ror<11>(x) ^ ror<25>(x);
}
HASHRIG_HD std::uint32_t ssig0(std::uint32_t x) {
  return ror<7>(x) ^ ror<18>(x) ^ (x >> 3);
}
HASHRIG_HD std::uint32_t ssig1(std::uint32_t x) {
  return ror<17>(x) ^ ror<19>(x) ^ (x >> 10);
}

// Round T: variable k (a = 0 .. h = 7) lives in s[(k - T) & 7], so a round writes two entries.
template <int T>
HASHRIG_HD void round(std::uint32_t (&s)[8], std::uint32_t w) {
  constexpr std::uint32_t kT = round_k(T);
  const std::uint32_t a = s[(0 - T) & 7], b = s[(1 - T) & 7], c = s[(2 - T) & 7];
  const std::uint32_t e = s[(4 - T) & 7], f = s[(5 - T) & 7], g = s[(6 - T) & 7];
  std::uint32_t& d = s[(3 - T) & 7];
  std::uint32_t& h = s[(7 - T) & 7];
  // K + W first: with a constant W (padding words) it is a single immediate.
  const std::uint32_t t1 = h + (kT + w) + ch(e, f, g) + bsig1(e);
  d += t1;
  h = t1 + bsig0(a) + maj(a, b, c);
}

// Schedule word T from the 16 before it.
template <int T>
HASHRIG_HD void expand(std::uint32_t (&w)[64]) {
  w[T] = ssig1(w[T - 2]) + w[T - 7] + ssig0(w[T - 15]) + w[T - 16];
}

// Round T, computing its message word first when T >= kExpandFrom (the caller sets the others).
template <int T, int kExpandFrom>
HASHRIG_HD void step(std::uint32_t (&s)[8], std::uint32_t (&w)[64]) {
  if constexpr (T >= kExpandFrom) expand<T>(w);
  round<T>(s, w[T]);
}

template <int First, int kExpandFrom, int... I>
HASHRIG_HD void rounds(std::uint32_t (&s)[8], std::uint32_t (&w)[64],
                       std::integer_sequence<int, I...>) {
  (step<First + I, kExpandFrom>(s, w), ...);
}

}  // namespace sha256d_detail

// The numeric top word (most significant 32 bits of the hash read as a 256-bit little-endian
// number) of sha256d(header with `nonce`), from the header's per-version constants `vc`: equal to
// kernels::gpu::reference_top(header, nonce).
HASHRIG_HD std::uint32_t sha256d_top(const std::uint32_t vc[24], std::uint32_t nonce) {
  using namespace sha256d_detail;
  // Hash 1, second block: W0..2 are inside the precomputed state, W4..15 are the padding of an
  // 80-byte message, W16/W17 are per-version constants, W18/W19 need the nonce's W3.
  std::uint32_t w[64];
  const std::uint32_t w3 = bswap32(nonce);
  w[3] = w3;
  w[4] = 0x80000000u;
  for (int i = 5; i < 15; ++i)
    w[i] = 0;
  w[15] = 640;
  w[16] = vc[16];
  w[17] = vc[17];
  w[18] = ssig0(w3) + vc[18];
  w[19] = w3 + vc[19];
  // State at round 4 (after round 3 with its W3 term): variable k sits at s[(k - 4) & 7].
  std::uint32_t s[8];
  for (int k = 0; k < 8; ++k)
    s[(k - 4) & 7] = vc[k];
  s[(0 - 4) & 7] += w3;  // a
  s[(4 - 4) & 7] += w3;  // e
  rounds<4, 20>(s, w, std::make_integer_sequence<int, 60>{});

  // Hash 2 over the 32-byte digest: W8..15 are its padding. After 64 rounds variable k is at s[k].
  std::uint32_t x[64];
  for (int k = 0; k < 8; ++k)
    x[k] = s[k] + vc[8 + k];
  x[8] = 0x80000000u;
  for (int i = 9; i < 15; ++i)
    x[i] = 0;
  x[15] = 256;
  std::uint32_t t[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                        0x510e527f, 0x9b05688c, 0x1f83d9ab, kIv7};
  // Rounds 0..60; the compiler drops what round 60's new e does not need (the a-side of rounds
  // 57..60).
  rounds<0, 16>(t, x, std::make_integer_sequence<int, 61>{});
  // Round 60 wrote its new e into d's entry, (3 - 60) & 7.
  return bswap32(t[(3 - 60) & 7] + kIv7);
}

}  // namespace hashrig::kernels::cuda
