// A stand-in for libnvidia-ml.so, built as a shared library for host_nvml_test: the few NVML entry
// points host::Nvml resolves, with fixed readings (61 C, 250 W, 40 % fan, 1980 MHz SM clock) for
// one device, found only under NVML's own bus id form "00000000:01:00.0" (not CUDA's
// "0000:01:00.0"). The fake_nvml_* functions let the test fail the initialisation, drop the fan
// and count calls. C++ (the project enables no C), with C linkage like the real library.
#include <atomic>
#include <cstring>

namespace {

constexpr int kSuccess = 0;
constexpr int kUninitialized = 1;
constexpr int kInvalidArgument = 2;
constexpr int kNotSupported = 3;
constexpr int kNotFound = 6;
constexpr int kDriverNotLoaded = 9;

}  // namespace

struct nvmlDevice_st {
  int unused;
};

namespace {

nvmlDevice_st the_device;
// Atomic: the test reads from several threads at once.
std::atomic<int> init_result{kSuccess};
std::atomic<int> live_inits{0};
std::atomic<int> fan_supported{1};
std::atomic<int> lookups{0};

int check(nvmlDevice_st* device, const unsigned* out) {
  if (live_inits == 0) return kUninitialized;
  if (device != &the_device || out == nullptr) return kInvalidArgument;
  return kSuccess;
}

}  // namespace

extern "C" {

// Test controls.
void fake_nvml_set_init_result(int rc) {
  init_result = rc;
}
void fake_nvml_set_fan_supported(int supported) {
  fan_supported = supported;
}
int fake_nvml_live_inits() {
  return live_inits;
}
int fake_nvml_lookups() {
  return lookups;
}

int nvmlInit_v2() {
  if (init_result != kSuccess) return init_result;
  ++live_inits;
  return kSuccess;
}

int nvmlShutdown() {
  if (live_inits == 0) return kUninitialized;
  --live_inits;
  return kSuccess;
}

const char* nvmlErrorString(int rc) {
  switch (rc) {
    case kSuccess:
      return "Success";
    case kUninitialized:
      return "Uninitialized";
    case kInvalidArgument:
      return "Invalid Argument";
    case kNotSupported:
      return "Not Supported";
    case kNotFound:
      return "Not Found";
    case kDriverNotLoaded:
      return "Driver Not Loaded";
    default:
      return "Unknown Error";
  }
}

int nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, nvmlDevice_st** device) {
  if (live_inits == 0) return kUninitialized;
  if (bus_id == nullptr || device == nullptr) return kInvalidArgument;
  ++lookups;
  if (std::strcmp(bus_id, "00000000:01:00.0") != 0) return kNotFound;
  *device = &the_device;
  return kSuccess;
}

int nvmlDeviceGetTemperature(nvmlDevice_st* device, int sensor, unsigned* celsius) {
  if (int rc = check(device, celsius); rc != kSuccess) return rc;
  if (sensor != 0) return kInvalidArgument;  // only NVML_TEMPERATURE_GPU
  *celsius = 61;
  return kSuccess;
}

int nvmlDeviceGetPowerUsage(nvmlDevice_st* device, unsigned* milliwatts) {
  if (int rc = check(device, milliwatts); rc != kSuccess) return rc;
  *milliwatts = 250000;
  return kSuccess;
}

int nvmlDeviceGetFanSpeed(nvmlDevice_st* device, unsigned* percent) {
  if (int rc = check(device, percent); rc != kSuccess) return rc;
  if (!fan_supported) return kNotSupported;
  *percent = 40;
  return kSuccess;
}

int nvmlDeviceGetClockInfo(nvmlDevice_st* device, int type, unsigned* mhz) {
  if (int rc = check(device, mhz); rc != kSuccess) return rc;
  if (type != 1) return kInvalidArgument;  // only NVML_CLOCK_SM
  *mhz = 1980;
  return kSuccess;
}

}  // extern "C"
