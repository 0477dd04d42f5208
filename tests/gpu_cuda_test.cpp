// What only the CUDA backend has: why a machine has no device, and how cuda#0 is described (the
// scanner's contract is checked for every backend in gpu_scanner_test.cpp). Skipped where there
// is no device, which includes every build without CUDA.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "gpu_backends.h"
#include "kernels/cuda/cuda_scanner.h"

namespace hashrig {
namespace {

using kernels::gpu::GpuError;

TEST(CudaBackend, ReportsWhyThereAreNoDevices) {
  std::string why;
  const auto devices = kernels::cuda::enumerate_cuda(&why);
  if (devices.empty()) {
    EXPECT_FALSE(why.empty());
    if (!kernels::cuda::cuda_built()) {
      EXPECT_EQ(why, "built without CUDA");
    }
    EXPECT_THROW(kernels::cuda::open_cuda(0), GpuError);
  }
  EXPECT_THROW(kernels::cuda::open_cuda(int(devices.size())), GpuError);
  EXPECT_THROW(kernels::cuda::open_cuda(-1), GpuError);
}

TEST(CudaBackend, DescribesTheDeviceByRuntimeDriverAndBus) {
  std::string why;
  const auto scanner = test::open_first_device("cuda", &why);
  if (!scanner) return test::no_device("cuda", why);
  const auto& info = scanner->info();
  EXPECT_EQ(info.platform.rfind("CUDA runtime ", 0), 0u) << info.platform;
  EXPECT_NE(info.platform.find(", driver "), std::string::npos) << info.platform;
  EXPECT_NE(info.version.find('.'), std::string::npos) << info.version;  // compute capability
  // "0000:01:00.0": lowercase hex domain:bus:device.function.
  EXPECT_TRUE(
      std::regex_match(info.bus_id, std::regex("[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]")))
      << info.bus_id;
}

}  // namespace
}  // namespace hashrig
