// The GPUs of this machine and which of them hash.
//
// discover_gpus() asks the CUDA runtime and the OpenCL ICD loader; neither being installed is
// normal (the reason is kept for `hashrig devices` and the log). --devices picks what hashes:
// "cpu", "cuda" (every CUDA device), "cuda:N", "opencl" (every OpenCL GPU), "opencl:N", comma
// separated. Without it: the CPU, every CUDA device, and every OpenCL GPU or accelerator that is
// not a CUDA device seen through NVIDIA's OpenCL driver (the same card would be hashed twice).
// OpenCL CPU implementations (PoCL) hash only when named: the CPU backend already uses the cores.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/backend.h"
#include "host/gpu_backend.h"
#include "kernels/gpu/scanner.h"
#include "kernels/opencl/opencl_devices.h"

namespace hashrig::host {

struct GpuInventory {
  std::vector<kernels::gpu::GpuDeviceInfo> cuda;
  std::string cuda_why_none;
  std::vector<kernels::opencl::OpenClDevice> opencl;
  std::string opencl_why_none;
};

GpuInventory discover_gpus();

struct DeviceChoice {
  bool cpu = true;
  std::vector<std::size_t> cuda;    // ordinals
  std::vector<std::size_t> opencl;  // indexes into GpuInventory::opencl
};

// Resolves --devices (absent: the default above). Throws UsageError naming `argument` and the
// entry for an unknown name, a malformed index or a device that does not exist.
DeviceChoice choose_devices(const std::optional<std::string>& spec, const GpuInventory& gpus,
                            std::string_view argument = "--devices");

// Opens the chosen GPUs as backends (one for CUDA, one for OpenCL). A device that cannot be
// opened (driver error, kernel build failure) is logged and left out; the others go on.
std::vector<std::unique_ptr<Backend>> open_gpu_backends(const DeviceChoice& choice,
                                                        const GpuInventory& gpus,
                                                        const GpuBackendOptions& options,
                                                        Logger& log);

// Opens one device named "cuda:N" or "opencl:N" as a scanner (for `bench --device`). Throws
// UsageError for a bad name, kernels::gpu::GpuError when it cannot be opened.
std::unique_ptr<kernels::gpu::GpuScanner> open_gpu(std::string_view name, const GpuInventory& gpus,
                                                   std::string_view argument = "--device");

}  // namespace hashrig::host
