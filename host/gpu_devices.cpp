#include "host/gpu_devices.h"

#include <algorithm>
#include <charconv>

#include "host/usage_error.h"
#include "kernels/cuda/cuda_scanner.h"

namespace hashrig::host {
namespace {

// "0000:01:00.0" and "00000000:01:00.0" name the same device.
std::string normal_bus_id(std::string id) {
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::size_t colon = id.find(':');
  if (colon != std::string::npos && colon > 4 && id.find(':', colon + 1) != std::string::npos) {
    id.erase(0, colon - 4);
  }
  return id;
}

bool driven_by_cuda(const kernels::opencl::OpenClDevice& d, const GpuInventory& gpus) {
  if (gpus.cuda.empty()) return false;
  if (!d.info.bus_id.empty()) {
    return std::any_of(gpus.cuda.begin(), gpus.cuda.end(), [&](const auto& c) {
      return normal_bus_id(c.bus_id) == normal_bus_id(d.info.bus_id);
    });
  }
  return d.vendor.find("NVIDIA") != std::string::npos;  // no bus id to tell: assume the same
}

std::size_t parse_index(std::string_view text, std::size_t count, std::string_view entry,
                        std::string_view argument, std::string_view kind) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw UsageError(std::string(argument) + ": '" + std::string(entry) +
                     "' is not a device (expected cpu, cuda, cuda:N, opencl or opencl:N)");
  }
  if (n >= count) {
    throw UsageError(std::string(argument) + ": there is no " + std::string(entry) + " (" +
                     std::to_string(count) + " " + std::string(kind) + " device" +
                     (count == 1 ? "" : "s") + " found; `hashrig devices` lists them)");
  }
  return n;
}

void add_unique(std::vector<std::size_t>& v, std::size_t n) {
  if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
}

}  // namespace

GpuInventory discover_gpus() {
  GpuInventory g;
  g.cuda = kernels::cuda::enumerate_cuda(&g.cuda_why_none);
  g.opencl = kernels::opencl::enumerate_opencl(&g.opencl_why_none);
  return g;
}

DeviceChoice choose_devices(const std::optional<std::string>& spec, const GpuInventory& gpus,
                            std::string_view argument) {
  DeviceChoice c;
  if (!spec) {
    for (std::size_t i = 0; i < gpus.cuda.size(); ++i)
      c.cuda.push_back(i);
    for (std::size_t i = 0; i < gpus.opencl.size(); ++i) {
      if (gpus.opencl[i].gpu && !driven_by_cuda(gpus.opencl[i], gpus)) c.opencl.push_back(i);
    }
    return c;
  }
  c.cpu = false;
  std::string_view rest = *spec;
  if (rest.empty()) throw UsageError(std::string(argument) + ": empty device list");
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view entry = rest.substr(0, comma);
    if (entry == "cpu") {
      c.cpu = true;
    } else if (entry == "cuda") {
      for (std::size_t i = 0; i < gpus.cuda.size(); ++i)
        add_unique(c.cuda, i);
    } else if (entry == "opencl") {
      for (std::size_t i = 0; i < gpus.opencl.size(); ++i) {
        if (gpus.opencl[i].gpu) add_unique(c.opencl, i);
      }
    } else if (entry.starts_with("cuda:")) {
      add_unique(c.cuda, parse_index(entry.substr(5), gpus.cuda.size(), entry, argument, "CUDA"));
    } else if (entry.starts_with("opencl:")) {
      add_unique(c.opencl,
                 parse_index(entry.substr(7), gpus.opencl.size(), entry, argument, "OpenCL"));
    } else {
      throw UsageError(std::string(argument) + ": '" + std::string(entry) +
                       "' is not a device (expected cpu, cuda, cuda:N, opencl or opencl:N)");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!c.cpu && c.cuda.empty() && c.opencl.empty()) {
    throw UsageError(std::string(argument) + " '" + *spec + "' selects no device on this machine");
  }
  return c;
}

std::vector<std::unique_ptr<Backend>> open_gpu_backends(const DeviceChoice& choice,
                                                        const GpuInventory& gpus,
                                                        const GpuBackendOptions& options,
                                                        Logger& log) {
  std::vector<std::unique_ptr<Backend>> out;
  std::vector<std::unique_ptr<kernels::gpu::GpuScanner>> cuda, opencl;
  // What was opened, by backend index: the watchdog's restarts open the same device again.
  std::vector<int> cuda_ordinals;
  std::vector<kernels::opencl::OpenClDevice> opencl_devices;
  for (const std::size_t i : choice.cuda) {
    try {
      cuda.push_back(kernels::cuda::open_cuda(int(i)));
      cuda_ordinals.push_back(int(i));
    } catch (const kernels::gpu::GpuError& e) {
      log.error("cuda#" + std::to_string(i), std::string("not used: ") + e.what());
    }
  }
  kernels::opencl::OpenClOptions cl;
  cl.cache_dir = kernels::opencl::default_cache_dir();
  for (const std::size_t i : choice.opencl) {
    try {
      opencl.push_back(kernels::opencl::open_opencl(gpus.opencl[i], cl));
      opencl_devices.push_back(gpus.opencl[i]);
      log.debug(gpus.opencl[i].info.id,
                "kernel program: " + kernels::opencl::program_origin(*opencl.back()));
    } catch (const kernels::gpu::GpuError& e) {
      log.error(gpus.opencl[i].info.id, std::string("not used: ") + e.what());
    }
  }
  if (!cuda.empty()) {
    GpuBackendOptions o = options;
    o.reopen = [cuda_ordinals](std::size_t index) {
      return kernels::cuda::open_cuda(cuda_ordinals.at(index));
    };
    out.push_back(std::make_unique<GpuBackend>("cuda", std::move(cuda), std::move(o)));
  }
  if (!opencl.empty()) {
    GpuBackendOptions o = options;
    o.reopen = [opencl_devices, cl](std::size_t index) {
      return kernels::opencl::open_opencl(opencl_devices.at(index), cl);
    };
    out.push_back(std::make_unique<GpuBackend>("opencl", std::move(opencl), std::move(o)));
  }
  return out;
}

std::unique_ptr<kernels::gpu::GpuScanner> open_gpu(std::string_view name, const GpuInventory& gpus,
                                                   std::string_view argument) {
  if (name.starts_with("cuda:")) {
    const std::size_t i = parse_index(name.substr(5), gpus.cuda.size(), name, argument, "CUDA");
    return kernels::cuda::open_cuda(int(i));
  }
  if (name.starts_with("opencl:")) {
    const std::size_t i = parse_index(name.substr(7), gpus.opencl.size(), name, argument, "OpenCL");
    kernels::opencl::OpenClOptions cl;
    cl.cache_dir = kernels::opencl::default_cache_dir();
    return kernels::opencl::open_opencl(gpus.opencl[i], cl);
  }
  throw UsageError(std::string(argument) + ": '" + std::string(name) +
                   "' is not a GPU (expected cuda:N or opencl:N)");
}

}  // namespace hashrig::host
