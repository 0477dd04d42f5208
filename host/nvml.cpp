#include "host/nvml.h"

#include <dlfcn.h>

#include <cctype>
#include <cmath>
#include <utility>

namespace hashrig::host {
namespace {

constexpr int kSuccess = 0;         // NVML_SUCCESS
constexpr int kTemperatureGpu = 0;  // NVML_TEMPERATURE_GPU
constexpr int kClockSm = 1;         // NVML_CLOCK_SM

// dlerror's text, less the "name: " it starts with (the caller names the library already).
std::string dl_error(const std::string& name) {
  const char* text = dlerror();
  std::string error = text != nullptr ? text : "unknown error";
  if (error.starts_with(name + ": ")) error.erase(0, name.size() + 2);
  return error;
}

// NVML's own form of a PCI bus id: an 8-digit domain, upper-case hex ("00000000:0A:00.0"). CUDA
// gives a 4-digit domain ("0000:0a:00.0"); a bare "bus:device.function" gets domain 0.
std::string nvml_bus_id(const std::string& id) {
  std::string domain, rest;
  const auto first = id.find(':');
  if (first == std::string::npos) return id;
  if (id.find(':', first + 1) == std::string::npos) {
    domain = "0";
    rest = id;
  } else {
    domain = id.substr(0, first);
    rest = id.substr(first + 1);
  }
  if (domain.size() < 8) domain.insert(0, 8 - domain.size(), '0');
  std::string out = domain + ":" + rest;
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

template <typename Fn>
bool resolve(void* library, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
  return fn != nullptr;
}

}  // namespace

std::optional<double> hashes_per_joule(double hashes_per_second, std::optional<double> power_w) {
  if (!power_w || !std::isfinite(*power_w) || *power_w <= 0) return std::nullopt;
  return hashes_per_second / *power_w;
}

Nvml::Nvml() : Nvml(std::vector<std::string>{"libnvidia-ml.so.1", "libnvidia-ml.so"}) {}

Nvml::Nvml(std::vector<std::string> library_names) {
  if (library_names.empty()) m_why_unavailable = "no NVML library names given";
  for (const std::string& name : library_names) {
    const std::optional<std::string> why = try_load(name);
    if (!why) {
      m_why_unavailable.clear();
      return;
    }
    if (!m_why_unavailable.empty()) m_why_unavailable += "; ";
    m_why_unavailable += *why;
  }
}

Nvml::~Nvml() {
  if (m_library == nullptr) return;
  m_api.shutdown();
  dlclose(m_library);
}

std::optional<std::string> Nvml::try_load(const std::string& name) {
  void* library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return name + " not found: " + dl_error(name);

  Api api;
  std::string missing;  // the first required entry point the library lacks
  auto need = [&](const char* symbol, auto& fn) {
    if (!resolve(library, symbol, fn) && missing.empty()) missing = symbol;
  };
  need("nvmlInit_v2", api.init);
  need("nvmlShutdown", api.shutdown);
  need("nvmlErrorString", api.error_string);
  need("nvmlDeviceGetHandleByPciBusId_v2", api.handle_by_pci_bus_id);
  need("nvmlDeviceGetTemperature", api.temperature);
  need("nvmlDeviceGetPowerUsage", api.power_usage);
  need("nvmlDeviceGetFanSpeed", api.fan_speed);
  if (!missing.empty()) {
    dlclose(library);
    return name + " lacks " + missing;
  }
  resolve(library, "nvmlDeviceGetClockInfo", api.clock_info);  // optional

  const int rc = api.init();
  if (rc != kSuccess) {
    const char* text = api.error_string(rc);
    std::string why = name + ": nvmlInit_v2 failed: " +
                      (text != nullptr ? std::string(text) : "error " + std::to_string(rc));
    dlclose(library);
    return why;
  }
  m_library = library;
  m_api = api;
  return std::nullopt;
}

std::optional<Nvml::Device> Nvml::device(const std::string& pci_bus_id) const {
  {
    std::lock_guard lock(m_devices_mutex);
    if (auto it = m_devices.find(pci_bus_id); it != m_devices.end()) return it->second;
  }
  std::vector<std::string> forms{pci_bus_id};
  if (std::string normal = nvml_bus_id(pci_bus_id); normal != pci_bus_id) {
    forms.push_back(std::move(normal));
  }
  for (const std::string& form : forms) {
    Device handle = nullptr;
    if (m_api.handle_by_pci_bus_id(form.c_str(), &handle) == kSuccess && handle != nullptr) {
      std::lock_guard lock(m_devices_mutex);
      m_devices.emplace(pci_bus_id, handle);
      return handle;
    }
  }
  return std::nullopt;  // not cached: the device may appear later (driver reload)
}

GpuHealth Nvml::read(const std::string& pci_bus_id) const noexcept {
  GpuHealth health;
  if (!available()) return health;
  try {
    const std::optional<Device> found = device(pci_bus_id);
    if (!found) return health;
    const Device dev = *found;
    unsigned value = 0;
    if (m_api.temperature(dev, kTemperatureGpu, &value) == kSuccess) health.temperature_c = value;
    if (m_api.power_usage(dev, &value) == kSuccess) health.power_w = value / 1000.0;
    if (m_api.fan_speed(dev, &value) == kSuccess) health.fan_percent = value;
    if (m_api.clock_info != nullptr && m_api.clock_info(dev, kClockSm, &value) == kSuccess) {
      health.sm_clock_mhz = value;
    }
  } catch (...) {
    // Only allocation can throw here; the readings taken so far stand.
  }
  return health;
}

}  // namespace hashrig::host
