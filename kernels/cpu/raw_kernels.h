// The raw scanners, one per instruction-set file. Call only after cpu_features says the ISA is
// usable (the dispatcher in kernel_registry.cpp does that).
#pragma once

#include "kernels/cpu/scan_input.h"

namespace hashrig::kernels::cpu {

std::uint32_t scan_scalar(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                          HitSink& sink);
std::uint32_t scan_avx2(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                        HitSink& sink);
std::uint32_t scan_avx512(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                          HitSink& sink);
std::uint32_t scan_shani(const ScanInput& in, std::uint32_t first, std::uint32_t count,
                         HitSink& sink);

}  // namespace hashrig::kernels::cpu
