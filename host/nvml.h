// Nvml: GPU health readings (temperature, power draw, fan speed, SM clock) from NVIDIA's
// management library, loaded at run time with dlopen, so the program builds and runs on machines
// without the NVIDIA driver (available() is false there, with the reason). Only the few NVML
// entry points it needs are declared here and resolved with dlsym; there is no link-time
// dependency on NVML and no need for nvml.h. Devices are named by PCI bus id, as CUDA gives it.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

// NVML's opaque device type, declared at global scope as nvml.h declares it (so calls through the
// resolved pointers have the library's own function types).
struct nvmlDevice_st;

namespace hashrig::host {

// One device's readings; each is empty when the device or the driver does not report it (no fan
// on a passively cooled card, no power sensor) or the lookup failed.
struct GpuHealth {
  std::optional<double> temperature_c;
  std::optional<double> power_w;
  std::optional<double> fan_percent;  // of the fan's maximum speed
  std::optional<double> sm_clock_mhz;
};

// Efficiency: hashes per joule. Empty when the power is unknown, not positive or not finite.
std::optional<double> hashes_per_joule(double hashes_per_second, std::optional<double> power_w);

class Nvml {
 public:
  // Tries libnvidia-ml.so.1, then libnvidia-ml.so.
  Nvml();
  // Tries the given names (or paths) in order and keeps the first that loads, has the entry
  // points and initialises.
  explicit Nvml(std::vector<std::string> library_names);
  ~Nvml();
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  bool available() const { return m_library != nullptr; }
  // Why it is not available (every name tried, "; "-separated); empty when available.
  const std::string& why_unavailable() const { return m_why_unavailable; }

  // The readings of the device at `pci_bus_id` ("0000:01:00.0" as CUDA gives it, or NVML's
  // "00000000:01:00.0"). All empty when NVML is unavailable or no device has that id. Never
  // throws; safe to call from several threads.
  GpuHealth read(const std::string& pci_bus_id) const noexcept;

 private:
  using Device = ::nvmlDevice_st*;
  // The NVML entry points, as resolved from the library (sm clock may be null).
  struct Api {
    int (*init)() = nullptr;
    int (*shutdown)() = nullptr;
    const char* (*error_string)(int) = nullptr;
    int (*handle_by_pci_bus_id)(const char*, Device*) = nullptr;
    int (*temperature)(Device, int, unsigned*) = nullptr;
    int (*power_usage)(Device, unsigned*) = nullptr;
    int (*fan_speed)(Device, unsigned*) = nullptr;
    int (*clock_info)(Device, int, unsigned*) = nullptr;
  };

  // Loads, resolves and initialises one library; on failure returns the reason.
  std::optional<std::string> try_load(const std::string& name);
  std::optional<Device> device(const std::string& pci_bus_id) const;

  void* m_library = nullptr;  // the dlopen handle; null when unavailable
  Api m_api;
  std::string m_why_unavailable;
  mutable std::mutex m_devices_mutex;               // guards m_devices
  mutable std::map<std::string, Device> m_devices;  // bus id as asked -> handle
};

}  // namespace hashrig::host
