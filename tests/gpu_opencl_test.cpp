// What only the OpenCL backend has: its device description (the scanner's contract is checked
// for every backend in gpu_scanner_test.cpp) and the cache of compiled programs, per device,
// driver and source.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gpu_backends.h"
#include "gpu_test_support.h"
#include "kernels/opencl/opencl_devices.h"
#include "kernels/opencl/program_cache.h"

namespace hashrig {
namespace {

using kernels::gpu::GpuWork;
using kernels::gpu::make_work;
using kernels::gpu::scan_all;
using test::reference_hits;

// The first OpenCL device (PoCL on the CPU in CI).
class OpenClDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    const auto devices = kernels::opencl::enumerate_opencl(&why);
    if (devices.empty()) return test::no_device("opencl", why);
    m_device = devices.front();
  }

  kernels::opencl::OpenClDevice m_device;
};

TEST_F(OpenClDeviceTest, DescribesItsOpenClVersionAndDriver) {
  EXPECT_EQ(m_device.info.id, "opencl#0");
  EXPECT_NE(m_device.info.version.find("OpenCL"), std::string::npos) << m_device.info.version;
  EXPECT_NE(m_device.info.platform.find("OpenCL"), std::string::npos) << m_device.info.platform;
  EXPECT_FALSE(m_device.vendor.empty());
  EXPECT_FALSE(m_device.driver_version.empty());
}

TEST_F(OpenClDeviceTest, CompiledProgramsAreCachedPerDeviceAndSource) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("hashrig-cl-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  kernels::opencl::OpenClOptions options;
  options.cache_dir = dir;
  auto first = kernels::opencl::open_opencl(m_device, options);
  EXPECT_EQ(kernels::opencl::program_origin(*first), "built");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  auto second = kernels::opencl::open_opencl(m_device, options);
  EXPECT_EQ(kernels::opencl::program_origin(*second), "cache");
  // The cached program hashes correctly too.
  const core::HeaderBytes header = test::mainnet_header(test::kMainnet[1]);
  const GpuWork work = make_work(std::span(&header, 1), test::target_with_top(0x0fffffff));
  EXPECT_EQ(scan_all(*second, work, 0, 4096), reference_hits(work, 0, 4096));
  // A damaged file is rebuilt, not trusted.
  { std::ofstream(files[0], std::ios::trunc) << "not a program"; }
  auto third = kernels::opencl::open_opencl(m_device, options);
  EXPECT_EQ(kernels::opencl::program_origin(*third), "built");
  EXPECT_EQ(scan_all(*third, work, 0, 4096), reference_hits(work, 0, 4096));
  std::filesystem::remove_all(dir);
}

TEST(OpenClProgramCache, KeyCoversEveryPartAndTheirBoundaries) {
  using kernels::opencl::ProgramCache;
  EXPECT_EQ(ProgramCache::key({"a", "bc"}), ProgramCache::key({"a", "bc"}));
  EXPECT_NE(ProgramCache::key({"a", "bc"}), ProgramCache::key({"ab", "c"}));
  EXPECT_NE(ProgramCache::key({"driver 1", "src"}), ProgramCache::key({"driver 2", "src"}));
  EXPECT_EQ(ProgramCache::key({"x"}).size(), 64u);
  const ProgramCache off{std::filesystem::path()};
  EXPECT_FALSE(off.enabled());
  EXPECT_FALSE(off.load("k").has_value());
  EXPECT_FALSE(off.store("k", {1, 2, 3}).empty());
}

}  // namespace
}  // namespace hashrig
