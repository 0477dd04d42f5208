// hashrig devices [--json]: what was detected. The CPU as hwloc sees it (model, packages, NUMA
// nodes, the cores and PUs this process may run on, caches), and the GPUs the CUDA runtime and the
// OpenCL loader list, with whether `hashrig` hashes on them by default (--devices).
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/commands.h"
#include "host/gpu_devices.h"
#include "host/topology.h"

namespace hashrig::host {
namespace {

// "1 MiB", "48 KiB", "1280 KiB": the largest binary unit that divides the size exactly.
std::string format_size(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + ' ' + kUnits[unit];
}

std::string join(const std::vector<unsigned>& values) {
  std::string out;
  for (unsigned v : values) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

void print_text(const CpuTopology& cpu, std::ostream& out) {
  out << "CPU model:  " << (cpu.model.empty() ? "(unknown)" : cpu.model) << '\n'
      << "packages:   " << cpu.packages << '\n'
      << "NUMA nodes: " << cpu.numa_nodes << '\n'
      << "cores:      " << cpu.cores.size()
      << (cpu.pus_as_cores ? " (hwloc reported no cores; one per PU)" : "") << '\n'
      << "PUs:        " << cpu.pu_count() << '\n';
  for (std::size_t i = 0; i < cpu.caches.size(); ++i) {
    const CacheInfo& c = cpu.caches[i];
    out << (i == 0 ? "caches:     " : "            ") << 'L' << c.level << ' ' << c.type << ' '
        << format_size(c.size_bytes) << " x" << c.count << '\n';
  }
  for (const CoreInfo& core : cpu.cores) {
    out << "core " << core.index << ": package " << core.package << ", NUMA node "
        << (core.numa_node >= 0 ? std::to_string(core.numa_node) : std::string("unknown"))
        << ", PUs " << join(core.pus) << '\n';
  }
}

// One entry per GPU, with whether the default device choice hashes on it.
struct GpuRow {
  const kernels::gpu::GpuDeviceInfo* info;
  std::string api;
  bool by_default;
};

std::vector<GpuRow> gpu_rows(const GpuInventory& gpus) {
  const DeviceChoice defaults = choose_devices(std::nullopt, gpus);
  std::vector<GpuRow> rows;
  for (std::size_t i = 0; i < gpus.cuda.size(); ++i)
    rows.push_back({&gpus.cuda[i], "cuda", true});
  for (std::size_t i = 0; i < gpus.opencl.size(); ++i) {
    const bool used =
        std::find(defaults.opencl.begin(), defaults.opencl.end(), i) != defaults.opencl.end();
    rows.push_back({&gpus.opencl[i].info, "opencl", used});
  }
  return rows;
}

void print_gpus_text(const GpuInventory& gpus, std::ostream& out) {
  const std::vector<GpuRow> rows = gpu_rows(gpus);
  out << "GPUs:" << (rows.empty() ? " none" : "") << '\n';
  for (const GpuRow& r : rows) {
    const auto& g = *r.info;
    out << g.id << ": " << g.name << ", " << (r.api == "cuda" ? "compute capability " : "")
        << g.version << ", " << format_size(g.memory_bytes) << ", " << g.compute_units
        << (r.api == "cuda" ? " SMs" : " compute units") << ", PCI "
        << (g.bus_id.empty() ? "none" : g.bus_id) << ", " << g.platform
        << (r.by_default ? "" : " (hashes only when named in --devices)") << '\n';
  }
  if (gpus.cuda.empty()) out << "CUDA: no device (" << gpus.cuda_why_none << ")\n";
  if (gpus.opencl.empty()) out << "OpenCL: no device (" << gpus.opencl_why_none << ")\n";
}

nlohmann::ordered_json gpus_json(const GpuInventory& gpus) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const GpuRow& r : gpu_rows(gpus)) {
    const auto& g = *r.info;
    nlohmann::ordered_json j;
    j["id"] = g.id;
    j["api"] = r.api;
    j["name"] = g.name;
    j["bus_id"] =
        g.bus_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.bus_id);
    j["memory_bytes"] = g.memory_bytes;
    j["compute_units"] = g.compute_units;
    j[r.api == "cuda" ? "compute_capability" : "opencl_version"] = g.version;
    j["platform"] = g.platform;
    j["hashes_by_default"] = r.by_default;
    list.push_back(std::move(j));
  }
  return list;
}

void print_json(const CpuTopology& cpu, const GpuInventory& gpus, std::ostream& out) {
  nlohmann::ordered_json caches = nlohmann::ordered_json::array();
  for (const CacheInfo& c : cpu.caches) {
    caches.push_back(
        {{"level", c.level}, {"type", c.type}, {"size", c.size_bytes}, {"count", c.count}});
  }
  nlohmann::ordered_json cores = nlohmann::ordered_json::array();
  for (const CoreInfo& core : cpu.cores) {
    nlohmann::ordered_json j;
    j["index"] = core.index;
    j["package"] = core.package;
    j["numa_node"] = core.numa_node >= 0 ? nlohmann::ordered_json(core.numa_node) : nullptr;
    j["pus"] = core.pus;
    cores.push_back(std::move(j));
  }
  nlohmann::ordered_json j;
  j["model"] = cpu.model;
  j["packages"] = cpu.packages;
  j["numa_nodes"] = cpu.numa_nodes;
  j["cores"] = cpu.cores.size();
  j["pus"] = cpu.pu_count();
  j["caches"] = std::move(caches);
  j["core_list"] = std::move(cores);
  nlohmann::ordered_json doc;
  doc["cpu"] = std::move(j);
  doc["gpus"] = gpus_json(gpus);
  nlohmann::ordered_json none;
  if (gpus.cuda.empty()) none["cuda"] = gpus.cuda_why_none;
  if (gpus.opencl.empty()) none["opencl"] = gpus.opencl_why_none;
  doc["gpus_missing"] = std::move(none);
  out << doc.dump() << '\n';
}

}  // namespace

int run_devices(const DevicesArgs& args, CliContext& ctx) {
  std::optional<Topology> topology;
  try {
    topology.emplace(Topology::load());
  } catch (const std::runtime_error& e) {
    ctx.log().error("devices", std::string("could not read the CPU topology with hwloc: ") +
                                   e.what() + "; nothing to list");
    return 1;
  }
  const GpuInventory gpus = discover_gpus();
  if (args.json) {
    print_json(topology->cpu(), gpus, ctx.out());
  } else {
    print_text(topology->cpu(), ctx.out());
    print_gpus_text(gpus, ctx.out());
  }
  return 0;
}

}  // namespace hashrig::host
