// OpenCL devices and how to open one as a GpuScanner. The CL headers stay inside the .cpp files:
// callers see plain descriptions.
//
// Devices are numbered opencl#0, opencl#1, ... over every platform the ICD loader lists, in its
// order. A machine with no ICD loader configuration, no platform or no device has none; the
// reason is reported, never thrown.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kernels/gpu/scanner.h"

namespace hashrig::kernels::opencl {

struct OpenClDevice {
  gpu::GpuDeviceInfo info;
  std::size_t platform_index = 0;
  std::size_t device_index = 0;  // within its platform
  bool gpu = false;              // CL_DEVICE_TYPE_GPU or ACCELERATOR (not a CPU implementation)
  std::string vendor;
  std::string driver_version;
};

// Every OpenCL device; empty with `why_none` set when there is none.
std::vector<OpenClDevice> enumerate_opencl(std::string* why_none = nullptr);

struct OpenClOptions {
  // Where compiled kernels are cached (per device, driver and source); empty: no cache.
  std::filesystem::path cache_dir;
  // Nonces each work item hashes; 0 picks by device type (1 on CPUs, 8 on GPUs).
  unsigned nonces_per_item = 0;
  // Work-group size; 0 lets the implementation choose.
  std::size_t work_group = 0;
};

// Where the kernel cache lives by default: $HASHRIG_CACHE_DIR, else $XDG_CACHE_HOME/hashrig,
// else $HOME/.cache/hashrig; with "opencl" appended. Empty when none of them is set.
std::filesystem::path default_cache_dir();

class OpenClScanner;
// Builds the kernel for the device (from the cache when it holds it) and returns the scanner.
// Throws gpu::GpuError naming the device and what failed (the build log for a compile error).
std::unique_ptr<gpu::GpuScanner> open_opencl(const OpenClDevice& device,
                                             const OpenClOptions& options = {});

// How the scanner's program was obtained: "cache" (loaded from the cache), "built" (compiled and
// stored), "built, not cached: <why>", or "built" with no cache configured.
std::string program_origin(const gpu::GpuScanner& scanner);

}  // namespace hashrig::kernels::opencl
