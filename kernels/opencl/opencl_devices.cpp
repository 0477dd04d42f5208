#include "kernels/opencl/opencl_devices.h"

#include <CL/cl_ext.h>

#include <cstdio>
#include <cstdlib>

#include "kernels/opencl/cl_support.h"

namespace hashrig::kernels::opencl {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' '))
    s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && s[start] == ' ')
    ++start;
  return s.substr(start);
}

std::string bus_id(int domain, int bus, int device, int function) {
  char text[32];
  std::snprintf(text, sizeof text, "%04x:%02x:%02x.%x", unsigned(domain) & 0xffffu,
                unsigned(bus) & 0xffu, unsigned(device) & 0xffu, unsigned(function) & 0xfu);
  return text;
}

// The PCI address where the device tells it (Khronos, NVIDIA or AMD extension); empty otherwise.
std::string pci_bus_id(const cl::Device& d) {
  const std::string ext = d.getInfo<CL_DEVICE_EXTENSIONS>();
  if (ext.find("cl_khr_pci_bus_info") != std::string::npos) {
    cl_device_pci_bus_info_khr info{};
    if (clGetDeviceInfo(d(), CL_DEVICE_PCI_BUS_INFO_KHR, sizeof info, &info, nullptr) ==
        CL_SUCCESS) {
      return bus_id(int(info.pci_domain), int(info.pci_bus), int(info.pci_device),
                    int(info.pci_function));
    }
  }
  if (ext.find("cl_nv_device_attribute_query") != std::string::npos) {
    constexpr cl_device_info kBus = 0x4008, kSlot = 0x4009, kDomain = 0x400A;
    cl_uint bus = 0, slot = 0, domain = 0;
    if (clGetDeviceInfo(d(), kBus, sizeof bus, &bus, nullptr) == CL_SUCCESS &&
        clGetDeviceInfo(d(), kSlot, sizeof slot, &slot, nullptr) == CL_SUCCESS) {
      clGetDeviceInfo(d(), kDomain, sizeof domain, &domain, nullptr);  // older drivers lack it
      return bus_id(int(domain), int(bus), int(slot >> 3), int(slot & 7));
    }
  }
  if (ext.find("cl_amd_device_attribute_query") != std::string::npos) {
    cl_device_topology_amd topo{};
    if (clGetDeviceInfo(d(), CL_DEVICE_TOPOLOGY_AMD, sizeof topo, &topo, nullptr) == CL_SUCCESS &&
        topo.raw.type == CL_DEVICE_TOPOLOGY_TYPE_PCIE_AMD) {
      return bus_id(0, topo.pcie.bus, topo.pcie.device, topo.pcie.function);
    }
  }
  return {};
}

}  // namespace

std::vector<OpenClDevice> enumerate_opencl(std::string* why_none) {
  std::vector<OpenClDevice> out;
  std::string why;
  try {
    std::vector<cl::Platform> platforms;
    const cl_int rc = cl::Platform::get(&platforms);
    if (rc != CL_SUCCESS || platforms.empty()) why = "no OpenCL platform (ICD) installed";
    for (std::size_t p = 0; p < platforms.size(); ++p) {
      std::vector<cl::Device> devices;
      try {
        platforms[p].getDevices(CL_DEVICE_TYPE_ALL, &devices);
      } catch (const cl::Error&) {
        continue;  // CL_DEVICE_NOT_FOUND: a platform with nothing on this machine
      }
      const std::string platform = trimmed(platforms[p].getInfo<CL_PLATFORM_NAME>()) + " " +
                                   trimmed(platforms[p].getInfo<CL_PLATFORM_VERSION>());
      for (std::size_t i = 0; i < devices.size(); ++i) {
        const cl::Device& d = devices[i];
        OpenClDevice dev;
        dev.platform_index = p;
        dev.device_index = i;
        dev.info.id = "opencl#" + std::to_string(out.size());
        dev.info.name = trimmed(d.getInfo<CL_DEVICE_NAME>());
        dev.info.bus_id = pci_bus_id(d);
        dev.info.platform = platform;
        dev.info.version = trimmed(d.getInfo<CL_DEVICE_VERSION>());
        dev.info.memory_bytes = d.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>();
        dev.info.compute_units = d.getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>();
        dev.info.kernel = "opencl";
        dev.vendor = trimmed(d.getInfo<CL_DEVICE_VENDOR>());
        dev.driver_version = trimmed(d.getInfo<CL_DRIVER_VERSION>());
        const cl_device_type type = d.getInfo<CL_DEVICE_TYPE>();
        dev.gpu = (type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
        out.push_back(std::move(dev));
      }
    }
    if (out.empty() && why.empty()) why = "the OpenCL platforms list no device";
  } catch (const cl::Error& e) {
    // CL_PLATFORM_NOT_FOUND_KHR (-1001) from the ICD loader: nothing installed.
    why = e.err() == -1001 ? "no OpenCL platform (ICD) installed" : describe(e);
    out.clear();
  }
  if (why_none) *why_none = out.empty() ? why : std::string();
  return out;
}

std::filesystem::path default_cache_dir() {
  if (const char* dir = std::getenv("HASHRIG_CACHE_DIR"); dir && *dir) {
    return std::filesystem::path(dir) / "opencl";
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "hashrig" / "opencl";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "hashrig" / "opencl";
  }
  return {};
}

}  // namespace hashrig::kernels::opencl

#if defined(__SANITIZE_ADDRESS__)
// LeakSanitizer: PoCL (and the LLVM it compiles kernels with) keeps process-lifetime allocations
// it never frees. They are not ours; every binary that can load an OpenCL implementation links
// this file, so the suppression travels with the code that loads it.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpocl.so\nleak:libLLVM\nleak:libOpenCL.so\n";
}
#endif
