// The GPU backends the scanner suites run on, by name: "opencl" (PoCL on the CPU in CI) and
// "cuda". Each opens its first device, or says why it has none; a test without a device is
// skipped, except OpenCL's where CI asks for it.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kernels/cuda/cuda_scanner.h"
#include "kernels/gpu/scanner.h"
#include "kernels/opencl/opencl_devices.h"

namespace hashrig::test {

// CI sets HASHRIG_REQUIRE_OPENCL (PoCL is always installed there): a missing OpenCL device is a
// failure, not a skip. A CUDA device is never required.
inline bool device_required(std::string_view backend) {
  const char* v = std::getenv("HASHRIG_REQUIRE_OPENCL");
  return backend == "opencl" && v && *v && std::string_view(v) != "0";
}

// Where the tests cache compiled OpenCL programs: $HASHRIG_CACHE_DIR/opencl (the test command
// points it into the build tree); empty, no cache, when it is not set.
inline std::filesystem::path opencl_cache_dir() {
  const char* dir = std::getenv("HASHRIG_CACHE_DIR");
  return dir && *dir ? std::filesystem::path(dir) / "opencl" : std::filesystem::path();
}

// Opens the backend's first device (opencl#0, cuda#0); null with `why_none` set when it has none.
inline std::unique_ptr<kernels::gpu::GpuScanner> open_first_device(std::string_view backend,
                                                                   std::string* why_none) {
  if (backend == "opencl") {
    const auto devices = kernels::opencl::enumerate_opencl(why_none);
    if (devices.empty()) return nullptr;
    kernels::opencl::OpenClOptions options;
    options.cache_dir = opencl_cache_dir();
    return kernels::opencl::open_opencl(devices.front(), options);
  }
  if (backend == "cuda") {
    if (kernels::cuda::enumerate_cuda(why_none).empty()) return nullptr;
    return kernels::cuda::open_cuda(0);
  }
  throw std::invalid_argument("no GPU backend named " + std::string(backend));
}

// Ends the running test for want of a device: skipped, or failed where device_required. Called
// from SetUp it stops the test body; called from a test body the caller must return.
inline void no_device(std::string_view backend, const std::string& why) {
  if (device_required(backend)) FAIL() << "no " << backend << " device: " << why;
  GTEST_SKIP() << "no " << backend << " device: " << why;
}

}  // namespace hashrig::test
