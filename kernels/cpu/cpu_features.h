// What the CPU and the operating system support, from CPUID and XGETBV.
#pragma once

namespace hashrig::kernels::cpu {

struct CpuFeatures {
  bool avx2 = false;    // AVX2, with YMM state enabled by the OS
  bool avx512 = false;  // AVX-512 F + BW, with ZMM/opmask state enabled by the OS
  bool shani = false;   // SHA extensions + SSSE3 + SSE4.1
};

CpuFeatures detect_cpu_features();

}  // namespace hashrig::kernels::cpu
