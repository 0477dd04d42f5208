// Nvml: the unavailable paths (a library that does not exist, one that is not NVML, a failing
// nvmlInit_v2) give a reason and empty readings; against the fake NVML (tests/fake_nvml.cpp) the
// readings come back in the right units, CUDA's bus id form finds NVML's device, handles are
// cached, readers on several threads agree and the destructor shuts NVML down. The real library,
// where this machine has one, gives plausible readings for every GPU the driver lists.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/nvml.h"

#ifndef HASHRIG_FAKE_NVML
#error "HASHRIG_FAKE_NVML must name the fake NVML shared library"
#endif

namespace hashrig {
namespace {

using host::GpuHealth;
using host::hashes_per_joule;
using host::Nvml;

void expect_empty(const GpuHealth& health) {
  EXPECT_FALSE(health.temperature_c.has_value());
  EXPECT_FALSE(health.power_w.has_value());
  EXPECT_FALSE(health.fan_percent.has_value());
  EXPECT_FALSE(health.sm_clock_mhz.has_value());
}

void expect_fake_readings(const GpuHealth& health) {
  ASSERT_TRUE(health.temperature_c.has_value());
  ASSERT_TRUE(health.power_w.has_value());
  ASSERT_TRUE(health.fan_percent.has_value());
  ASSERT_TRUE(health.sm_clock_mhz.has_value());
  EXPECT_DOUBLE_EQ(*health.temperature_c, 61.0);
  EXPECT_DOUBLE_EQ(*health.power_w, 250.0);  // 250000 mW
  EXPECT_DOUBLE_EQ(*health.fan_percent, 40.0);
  EXPECT_DOUBLE_EQ(*health.sm_clock_mhz, 1980.0);
}

TEST(HashesPerJoule, DividesTheRateByThePower) {
  const std::optional<double> efficiency = hashes_per_joule(1e9, 250.0);
  ASSERT_TRUE(efficiency.has_value());
  EXPECT_DOUBLE_EQ(*efficiency, 4e6);
  EXPECT_DOUBLE_EQ(hashes_per_joule(0, 100.0).value_or(-1), 0.0);
}

TEST(HashesPerJoule, EmptyWithoutAPositivePower) {
  EXPECT_FALSE(hashes_per_joule(1e9, std::nullopt).has_value());
  EXPECT_FALSE(hashes_per_joule(1e9, 0.0).has_value());
  EXPECT_FALSE(hashes_per_joule(1e9, -250.0).has_value());
  EXPECT_FALSE(hashes_per_joule(1e9, std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(hashes_per_joule(1e9, std::numeric_limits<double>::infinity()).has_value());
}

TEST(Nvml, MissingLibraryIsUnavailableWithTheReason) {
  const std::string name = "libhashrig-no-such-nvml.so.1";
  const Nvml nvml({name});
  EXPECT_FALSE(nvml.available());
  EXPECT_NE(nvml.why_unavailable().find(name + " not found"), std::string::npos)
      << nvml.why_unavailable();
  expect_empty(nvml.read("0000:01:00.0"));
  expect_empty(nvml.read(""));
}

TEST(Nvml, EveryNameTriedIsInTheReason) {
  const Nvml nvml({"libhashrig-missing-a.so", "libhashrig-missing-b.so"});
  EXPECT_FALSE(nvml.available());
  EXPECT_NE(nvml.why_unavailable().find("libhashrig-missing-a.so"), std::string::npos);
  EXPECT_NE(nvml.why_unavailable().find("libhashrig-missing-b.so"), std::string::npos);
}

TEST(Nvml, NoNamesIsUnavailable) {
  const Nvml nvml(std::vector<std::string>{});
  EXPECT_FALSE(nvml.available());
  EXPECT_FALSE(nvml.why_unavailable().empty());
  expect_empty(nvml.read("0000:01:00.0"));
}

TEST(Nvml, ALibraryWithoutNvmlIsUnavailable) {
  const Nvml nvml({"libc.so.6"});
  EXPECT_FALSE(nvml.available());
  EXPECT_NE(nvml.why_unavailable().find("libc.so.6 lacks nvmlInit_v2"), std::string::npos)
      << nvml.why_unavailable();
}

// Holds the fake library open (so its state outlives each Nvml) and reaches its test controls.
class FakeNvml : public ::testing::Test {
 protected:
  void SetUp() override {
    m_library = dlopen(HASHRIG_FAKE_NVML, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(m_library, nullptr) << dlerror();
    m_set_init_result = symbol<void (*)(int)>("fake_nvml_set_init_result");
    m_set_fan_supported = symbol<void (*)(int)>("fake_nvml_set_fan_supported");
    m_live_inits = symbol<int (*)()>("fake_nvml_live_inits");
    m_lookups = symbol<int (*)()>("fake_nvml_lookups");
    ASSERT_TRUE(m_set_init_result && m_set_fan_supported && m_live_inits && m_lookups);
  }
  void TearDown() override {
    if (m_set_init_result != nullptr) m_set_init_result(0);
    if (m_set_fan_supported != nullptr) m_set_fan_supported(1);
    if (m_library != nullptr) dlclose(m_library);
  }

  template <typename Fn>
  Fn symbol(const char* name) {
    auto fn = reinterpret_cast<Fn>(dlsym(m_library, name));
    EXPECT_NE(fn, nullptr) << name;
    return fn;
  }

  void* m_library = nullptr;
  void (*m_set_init_result)(int) = nullptr;
  void (*m_set_fan_supported)(int) = nullptr;
  int (*m_live_inits)() = nullptr;
  int (*m_lookups)() = nullptr;
};

TEST_F(FakeNvml, ReadsEveryValueInItsUnit) {
  const Nvml nvml({HASHRIG_FAKE_NVML});
  ASSERT_TRUE(nvml.available()) << nvml.why_unavailable();
  EXPECT_TRUE(nvml.why_unavailable().empty());
  expect_fake_readings(nvml.read("00000000:01:00.0"));  // NVML's form
}

TEST_F(FakeNvml, FindsTheDeviceUnderCudasBusIdForm) {
  const Nvml nvml({HASHRIG_FAKE_NVML});
  ASSERT_TRUE(nvml.available()) << nvml.why_unavailable();
  expect_fake_readings(nvml.read("0000:01:00.0"));  // cudaDeviceGetPCIBusId's form
  expect_fake_readings(nvml.read("01:00.0"));       // no domain
}

TEST_F(FakeNvml, AnUnknownDeviceReadsEmpty) {
  const Nvml nvml({HASHRIG_FAKE_NVML});
  ASSERT_TRUE(nvml.available()) << nvml.why_unavailable();
  expect_empty(nvml.read("0000:02:00.0"));
  expect_empty(nvml.read("not a bus id"));
  expect_empty(nvml.read(""));
}

TEST_F(FakeNvml, AnUnsupportedReadingIsEmptyAndTheOthersStand) {
  m_set_fan_supported(0);
  const Nvml nvml({HASHRIG_FAKE_NVML});
  const GpuHealth health = nvml.read("0000:01:00.0");
  EXPECT_FALSE(health.fan_percent.has_value());
  EXPECT_DOUBLE_EQ(health.temperature_c.value_or(0), 61.0);
  EXPECT_DOUBLE_EQ(health.power_w.value_or(0), 250.0);
  EXPECT_DOUBLE_EQ(health.sm_clock_mhz.value_or(0), 1980.0);
}

TEST_F(FakeNvml, FallsBackToTheNextName) {
  const Nvml nvml({"libhashrig-no-such-nvml.so.1", HASHRIG_FAKE_NVML});
  ASSERT_TRUE(nvml.available()) << nvml.why_unavailable();
  EXPECT_TRUE(nvml.why_unavailable().empty());
  expect_fake_readings(nvml.read("0000:01:00.0"));
}

TEST_F(FakeNvml, FailedInitIsUnavailableWithNvmlsReason) {
  m_set_init_result(9);  // NVML_ERROR_DRIVER_NOT_LOADED
  const Nvml nvml({HASHRIG_FAKE_NVML});
  EXPECT_FALSE(nvml.available());
  EXPECT_NE(nvml.why_unavailable().find("nvmlInit_v2 failed: Driver Not Loaded"), std::string::npos)
      << nvml.why_unavailable();
  EXPECT_NE(nvml.why_unavailable().find(HASHRIG_FAKE_NVML), std::string::npos);
  expect_empty(nvml.read("0000:01:00.0"));
  EXPECT_EQ(m_live_inits(), 0);
}

TEST_F(FakeNvml, ShutsNvmlDownOnDestruction) {
  ASSERT_EQ(m_live_inits(), 0);
  {
    const Nvml nvml({HASHRIG_FAKE_NVML});
    ASSERT_TRUE(nvml.available()) << nvml.why_unavailable();
    EXPECT_EQ(m_live_inits(), 1);
  }
  EXPECT_EQ(m_live_inits(), 0);
}

TEST_F(FakeNvml, CachesTheDeviceHandle) {
  const Nvml nvml({HASHRIG_FAKE_NVML});
  const int before = m_lookups();
  expect_fake_readings(nvml.read("0000:01:00.0"));
  const int first = m_lookups() - before;
  EXPECT_EQ(first, 2);  // the given form, then NVML's
  expect_fake_readings(nvml.read("0000:01:00.0"));
  EXPECT_EQ(m_lookups() - before, first);
  // An unknown device is looked up again each time (it may appear after a driver reload).
  expect_empty(nvml.read("0000:02:00.0"));
  const int after_unknown = m_lookups();
  expect_empty(nvml.read("0000:02:00.0"));
  EXPECT_GT(m_lookups(), after_unknown);
}

TEST_F(FakeNvml, ReadersOnSeveralThreadsAgree) {
  const Nvml nvml({HASHRIG_FAKE_NVML});
  ASSERT_TRUE(nvml.available()) << nvml.why_unavailable();
  std::vector<std::vector<GpuHealth>> seen(8);
  std::vector<std::thread> threads;
  for (auto& mine : seen) {
    threads.emplace_back([&nvml, &mine] {
      for (int i = 0; i < 200; ++i)
        mine.push_back(nvml.read("0000:01:00.0"));
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (const auto& mine : seen) {
    ASSERT_EQ(mine.size(), 200u);
    for (const GpuHealth& health : mine)
      expect_fake_readings(health);
  }
}

// The machine's own NVML: available with plausible readings for every GPU the driver lists, or
// unavailable with a reason (no NVIDIA driver).
TEST(Nvml, DefaultLibraryIsAvailableOrSaysWhy) {
  const Nvml nvml;
  if (!nvml.available()) {
    EXPECT_FALSE(nvml.why_unavailable().empty());
    EXPECT_NE(nvml.why_unavailable().find("libnvidia-ml.so"), std::string::npos)
        << nvml.why_unavailable();
    expect_empty(nvml.read("0000:01:00.0"));
    GTEST_SKIP() << "NVML is not available here: " << nvml.why_unavailable();
  }
  EXPECT_TRUE(nvml.why_unavailable().empty());
  expect_empty(nvml.read("ffff:ff:1f.7"));

  // The driver lists its GPUs by bus id in CUDA's form ("0000:01:00.0").
  const std::filesystem::path gpus = "/proc/driver/nvidia/gpus";
  std::error_code error;
  std::vector<std::string> bus_ids;
  for (const auto& entry : std::filesystem::directory_iterator(gpus, error)) {
    bus_ids.push_back(entry.path().filename().string());
  }
  if (bus_ids.empty()) GTEST_SKIP() << "NVML is available but " << gpus << " lists no GPU";
  for (const std::string& bus_id : bus_ids) {
    SCOPED_TRACE(bus_id);
    const GpuHealth health = nvml.read(bus_id);
    ASSERT_TRUE(health.temperature_c.has_value());
    EXPECT_GT(*health.temperature_c, 0.0);
    EXPECT_LT(*health.temperature_c, 130.0);
    if (health.power_w) {
      EXPECT_GT(*health.power_w, 0.0);
      EXPECT_LT(*health.power_w, 2000.0);
    }
    if (health.fan_percent) {
      EXPECT_GE(*health.fan_percent, 0.0);
      EXPECT_LE(*health.fan_percent, 100.0);
    }
    if (health.sm_clock_mhz) {
      EXPECT_GT(*health.sm_clock_mhz, 0.0);
      EXPECT_LT(*health.sm_clock_mhz, 5000.0);
    }
  }
}

}  // namespace
}  // namespace hashrig
