// sha256d nonce scanner for OpenCL 1.2+ devices.
//
// The host precomputes, per version (the second work dimension), the midstate, rounds 0..2 of
// hash 1's second block and the nonce-free schedule words (kernels/gpu/gpu_work.h). Each work
// item hashes NONCES_PER_ITEM consecutive nonces: hash 1 from round 3, hash 2 up to round 60,
// where the top word of the result (IV7 + e after round 60) is known, then an early reject
// against the target's top word. Hits go to `results`: word 0 is an atomic counter, then
// (nonce, version index, top word) triples; the host sees the counter exceed the capacity as an
// overflow and rescans.

#ifndef NONCES_PER_ITEM
#define NONCES_PER_ITEM 1
#endif
#ifndef HIT_CAPACITY
#define HIT_CAPACITY 1024
#endif
#define VERSION_WORDS 24

#define ROR(x, n) rotate((uint)(x), (uint)(32 - (n)))
#define BSIG0(x) (ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define BSIG1(x) (ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define SSIG0(x) (ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g) bitselect((g), (f), (e))
#define MAJ(a, b, c) bitselect((a), (b), (a) ^ (c))

#define ROUND(a, b, c, d, e, f, g, h, kw)                 \
  {                                                       \
    const uint t1_ = (h) + BSIG1(e) + CH(e, f, g) + (kw); \
    (d) += t1_;                                           \
    (h) = t1_ + BSIG0(a) + MAJ(a, b, c);                  \
  }
#define EIGHT(i, W)                                            \
  ROUND(a, b, c, d, e, f, g, h, K[(i) + 0] + W[(i) + 0]);      \
  ROUND(h, a, b, c, d, e, f, g, K[(i) + 1] + W[(i) + 1]);      \
  ROUND(g, h, a, b, c, d, e, f, K[(i) + 2] + W[(i) + 2]);      \
  ROUND(f, g, h, a, b, c, d, e, K[(i) + 3] + W[(i) + 3]);      \
  ROUND(e, f, g, h, a, b, c, d, K[(i) + 4] + W[(i) + 4]);      \
  ROUND(d, e, f, g, h, a, b, c, K[(i) + 5] + W[(i) + 5]);      \
  ROUND(c, d, e, f, g, h, a, b, K[(i) + 6] + W[(i) + 6]);      \
  ROUND(b, c, d, e, f, g, h, a, K[(i) + 7] + W[(i) + 7]);

__constant uint K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

#define IV0 0x6a09e667u
#define IV1 0xbb67ae85u
#define IV2 0x3c6ef372u
#define IV3 0xa54ff53au
#define IV4 0x510e527fu
#define IV5 0x9b05688cu
#define IV6 0x1f83d9abu
#define IV7 0x5be0cd19u

inline uint bswap32(uint x) {
  return rotate(x & 0x00ff00ffu, 24u) | rotate(x & 0xff00ff00u, 8u);
}

// The top word (numeric, most significant) of sha256d(header with `nonce`).
inline uint sha256d_top(__global const uint* vc, uint nonce) {
  uint W[64];
  const uint w3 = bswap32(nonce);
  // Hash 1, block 2: W0..2 are folded into the precomputed state, W4..15 are constant.
  W[3] = w3;
  W[4] = 0x80000000u;
  W[5] = 0; W[6] = 0; W[7] = 0; W[8] = 0; W[9] = 0; W[10] = 0; W[11] = 0; W[12] = 0;
  W[13] = 0; W[14] = 0;
  W[15] = 640u;
  W[16] = vc[16];
  W[17] = vc[17];
  W[18] = SSIG0(w3) + vc[18];
  W[19] = w3 + vc[19];
#pragma unroll
  for (int t = 20; t < 64; ++t)
    W[t] = SSIG1(W[t - 2]) + W[t - 7] + SSIG0(W[t - 15]) + W[t - 16];
  uint a = vc[0] + w3, b = vc[1], c = vc[2], d = vc[3];
  uint e = vc[4] + w3, f = vc[5], g = vc[6], h = vc[7];
  // Rounds 4..63: the state is rotated by 4 with respect to the EIGHT pattern, so the first four
  // rounds are written out and the groups start at round 8 with the names realigned.
  ROUND(a, b, c, d, e, f, g, h, K[4] + W[4]);
  ROUND(h, a, b, c, d, e, f, g, K[5] + W[5]);
  ROUND(g, h, a, b, c, d, e, f, K[6] + W[6]);
  ROUND(f, g, h, a, b, c, d, e, K[7] + W[7]);
  {
    const uint ta = e, tb = f, tc = g, td = h, te = a, tf = b, tg = c, th = d;
    a = ta; b = tb; c = tc; d = td; e = te; f = tf; g = tg; h = th;
  }
  EIGHT(8, W) EIGHT(16, W) EIGHT(24, W) EIGHT(32, W) EIGHT(40, W) EIGHT(48, W) EIGHT(56, W)
  // Hash 2 over the 32-byte result.
  W[0] = a + vc[8]; W[1] = b + vc[9]; W[2] = c + vc[10]; W[3] = d + vc[11];
  W[4] = e + vc[12]; W[5] = f + vc[13]; W[6] = g + vc[14]; W[7] = h + vc[15];
  W[8] = 0x80000000u;
  W[9] = 0; W[10] = 0; W[11] = 0; W[12] = 0; W[13] = 0; W[14] = 0;
  W[15] = 256u;
#pragma unroll
  for (int t = 16; t < 61; ++t)
    W[t] = SSIG1(W[t - 2]) + W[t - 7] + SSIG0(W[t - 15]) + W[t - 16];
  a = IV0; b = IV1; c = IV2; d = IV3; e = IV4; f = IV5; g = IV6; h = IV7;
  EIGHT(0, W) EIGHT(8, W) EIGHT(16, W) EIGHT(24, W) EIGHT(32, W) EIGHT(40, W) EIGHT(48, W)
  // Rounds 56..60; only e after round 60 is needed (it becomes h after round 63).
  ROUND(a, b, c, d, e, f, g, h, K[56] + W[56]);
  ROUND(h, a, b, c, d, e, f, g, K[57] + W[57]);
  ROUND(g, h, a, b, c, d, e, f, K[58] + W[58]);
  ROUND(f, g, h, a, b, c, d, e, K[59] + W[59]);
  // Round 60 in the names of the fifth round of a group: (e f g h a b c d), its new e is d + t1.
  const uint e60 = h + d + BSIG1(a) + CH(a, b, c) + K[60] + W[60];
  return bswap32(e60 + IV7);
}

__kernel void sha256d_scan(__global const uint* versions, const uint first, const uint count,
                           const uint target_top, __global volatile uint* results) {
  const uint version = (uint)get_global_id(1);
  __global const uint* vc = versions + version * VERSION_WORDS;
  const uint base = (uint)get_global_id(0) * NONCES_PER_ITEM;
#pragma unroll
  for (uint i = 0; i < NONCES_PER_ITEM; ++i) {
    const uint offset = base + i;
    if (offset >= count) return;
    const uint nonce = first + offset;
    const uint top = sha256d_top(vc, nonce);
    if (top <= target_top) {
      const uint slot = atomic_inc(&results[0]);
      if (slot < HIT_CAPACITY) {
        results[1 + 3 * slot] = nonce;
        results[2 + 3 * slot] = version;
        results[3 + 3 * slot] = top;
      }
    }
  }
}
