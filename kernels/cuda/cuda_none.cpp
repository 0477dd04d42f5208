// The CUDA backend of a build without a CUDA compiler: there are never any devices.
#include "kernels/cuda/cuda_scanner.h"

namespace hashrig::kernels::cuda {

bool cuda_built() {
  return false;
}

std::vector<gpu::GpuDeviceInfo> enumerate_cuda(std::string* why_none) {
  if (why_none) *why_none = "built without CUDA";
  return {};
}

std::unique_ptr<gpu::GpuScanner> open_cuda(int ordinal) {
  throw gpu::GpuError("cuda#" + std::to_string(ordinal) + ": built without CUDA");
}

}  // namespace hashrig::kernels::cuda
