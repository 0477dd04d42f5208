#include "kernels/cpu/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cstdint>

namespace hashrig::kernels::cpu {

#if defined(__x86_64__) || defined(__i386__)
namespace {

std::uint64_t read_xcr0() {
  std::uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return std::uint64_t(hi) << 32 | lo;
}

}  // namespace

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid(1, a, b, c, d);
  const bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19), osxsave = c & (1u << 27);
  const bool avx = c & (1u << 28);
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = b & (1u << 5), avx512f = b & (1u << 16), sha = b & (1u << 29);
  const bool avx512bw = b & (1u << 30);
  const std::uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  const bool ymm_state = (xcr0 & 0x6) == 0x6;    // SSE + AVX state
  const bool zmm_state = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
  f.avx2 = avx && avx2 && ymm_state;
  f.avx512 = f.avx2 && avx512f && avx512bw && zmm_state;
  f.shani = sha && ssse3 && sse41;
  return f;
}
#else
CpuFeatures detect_cpu_features() {
  return {};
}
#endif

}  // namespace hashrig::kernels::cpu
