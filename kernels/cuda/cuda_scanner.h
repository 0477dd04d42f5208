// CUDA devices and how to open one as a GpuScanner. No CUDA header reaches callers, and the same
// functions exist in a build without CUDA (kernels/cuda/cuda_none.cpp), where there are never any
// devices.
//
// Devices are numbered cuda#0, cuda#1, ... in the CUDA runtime's order (CUDA_VISIBLE_DEVICES
// applies). The runtime is linked statically and loads the driver when first used, so a machine
// without the NVIDIA driver has no devices, with the reason reported, never thrown.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/gpu/scanner.h"

namespace hashrig::kernels::cuda {

// Whether this build has the CUDA backend (a CUDA compiler was found at configure time).
bool cuda_built();

// Every CUDA device; empty with `why_none` set when there is none ("built without CUDA", or the
// runtime's reason: no driver, no device).
std::vector<gpu::GpuDeviceInfo> enumerate_cuda(std::string* why_none = nullptr);

class CudaScanner;
// Opens device `ordinal` (cuda#<ordinal>). Throws gpu::GpuError naming the device and the CUDA
// call that failed.
std::unique_ptr<gpu::GpuScanner> open_cuda(int ordinal);

}  // namespace hashrig::kernels::cuda
