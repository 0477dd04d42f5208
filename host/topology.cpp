// CPU topology from hwloc, thread binding, and the placement of CPU workers (see topology.h).
#include "host/topology.h"

#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>
#include <tuple>
#include <utility>

namespace hashrig::host {
namespace {

struct BitmapFree {
  void operator()(hwloc_bitmap_s* bitmap) const { hwloc_bitmap_free(bitmap); }
};
using Bitmap = std::unique_ptr<hwloc_bitmap_s, BitmapFree>;

// "hwloc_topology_load failed: <errno text>"; call right after the failing call, errno intact.
std::string failure(const char* call) {
  const int error = errno;
  return std::string(call) +
         " failed: " + std::error_code(error, std::generic_category()).message();
}

[[noreturn]] void throw_failure(const char* call) {
  throw std::runtime_error(failure(call));
}

Bitmap alloc_bitmap() {
  Bitmap bitmap(hwloc_bitmap_alloc());
  if (!bitmap) throw_failure("hwloc_bitmap_alloc");
  return bitmap;
}

// The PUs this process may run on: the allowed cpuset (cgroups) and the process's binding
// (taskset). Where the OS cannot report a binding, the allowed cpuset alone.
Bitmap usable_cpuset(hwloc_topology_t topology) {
  hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topology);
  if (!allowed) throw_failure("hwloc_topology_get_allowed_cpuset");
  Bitmap usable = alloc_bitmap();
  if (hwloc_get_cpubind(topology, usable.get(), HWLOC_CPUBIND_PROCESS) != 0) {
    if (errno != ENOSYS) throw_failure("hwloc_get_cpubind");
    if (hwloc_bitmap_copy(usable.get(), allowed) != 0) throw_failure("hwloc_bitmap_copy");
  } else if (hwloc_bitmap_and(usable.get(), usable.get(), allowed) != 0) {
    throw_failure("hwloc_bitmap_and");
  }
  return usable;
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The "CPUModel" info of the first package that has one, else of the machine.
std::string cpu_model(hwloc_topology_t topology) {
  for (hwloc_obj_t package = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_PACKAGE, nullptr);
       package; package = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_PACKAGE, package)) {
    if (const char* model = hwloc_obj_get_info_by_name(package, "CPUModel")) {
      if (std::string text = trimmed(model); !text.empty()) return text;
    }
  }
  const char* model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topology), "CPUModel");
  return model ? trimmed(model) : std::string();
}

int numa_node_of(hwloc_topology_t topology, hwloc_const_cpuset_t cpuset) {
  for (hwloc_obj_t node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, nullptr); node;
       node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, node)) {
    if (node->cpuset && hwloc_bitmap_intersects(node->cpuset, cpuset)) {
      return int(node->os_index != HWLOC_UNKNOWN_INDEX ? node->os_index : node->logical_index);
    }
  }
  return -1;
}

// Every core (or PU, when hwloc reports no cores) with at least one usable PU.
std::vector<CoreInfo> usable_cores(hwloc_topology_t topology, hwloc_obj_type_t unit,
                                   hwloc_const_cpuset_t usable) {
  std::vector<CoreInfo> cores;
  Bitmap pus = alloc_bitmap();
  for (hwloc_obj_t obj = hwloc_get_next_obj_by_type(topology, unit, nullptr); obj;
       obj = hwloc_get_next_obj_by_type(topology, unit, obj)) {
    if (!obj->cpuset) continue;
    if (hwloc_bitmap_and(pus.get(), obj->cpuset, usable) != 0) throw_failure("hwloc_bitmap_and");
    if (hwloc_bitmap_iszero(pus.get())) continue;
    CoreInfo core;
    core.index = obj->logical_index;
    if (hwloc_obj_t package = hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_PACKAGE, obj)) {
      core.package = package->logical_index;
    }
    core.numa_node = numa_node_of(topology, obj->cpuset);
    for (int pu = hwloc_bitmap_first(pus.get()); pu != -1; pu = hwloc_bitmap_next(pus.get(), pu)) {
      core.pus.push_back(unsigned(pu));
    }
    cores.push_back(std::move(core));
  }
  return cores;
}

const char* cache_type_name(hwloc_obj_cache_type_e type) {
  switch (type) {
    case HWLOC_OBJ_CACHE_DATA:
      return "data";
    case HWLOC_OBJ_CACHE_INSTRUCTION:
      return "instruction";
    case HWLOC_OBJ_CACHE_UNIFIED:
      break;
  }
  return "unified";
}

// The caches that serve at least one usable PU, grouped by (level, type, size).
std::vector<CacheInfo> usable_caches(hwloc_topology_t topology, hwloc_const_cpuset_t usable) {
  constexpr hwloc_obj_type_t kCacheTypes[] = {
      HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,  HWLOC_OBJ_L3CACHE,  HWLOC_OBJ_L4CACHE,
      HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2ICACHE, HWLOC_OBJ_L3ICACHE};
  std::map<std::tuple<unsigned, std::string, std::uint64_t>, unsigned> counts;
  for (hwloc_obj_type_t type : kCacheTypes) {
    for (hwloc_obj_t cache = hwloc_get_next_obj_by_type(topology, type, nullptr); cache;
         cache = hwloc_get_next_obj_by_type(topology, type, cache)) {
      if (!cache->attr || !cache->cpuset || !hwloc_bitmap_intersects(cache->cpuset, usable)) {
        continue;
      }
      const auto& attr = cache->attr->cache;
      ++counts[{attr.depth, cache_type_name(attr.type), attr.size}];
    }
  }
  std::vector<CacheInfo> caches;
  for (const auto& [key, count] : counts) {
    const auto& [level, type, size] = key;
    caches.push_back(CacheInfo{level, type, size, count});
  }
  return caches;
}

unsigned distinct_packages(const std::vector<CoreInfo>& cores) {
  std::set<unsigned> seen;
  for (const CoreInfo& core : cores)
    seen.insert(core.package);
  return unsigned(seen.size());
}

unsigned distinct_numa_nodes(const std::vector<CoreInfo>& cores) {
  std::set<int> seen;
  for (const CoreInfo& core : cores) {
    if (core.numa_node >= 0) seen.insert(core.numa_node);
  }
  return unsigned(seen.size());
}

CpuTopology describe(hwloc_topology_t topology, hwloc_const_cpuset_t usable) {
  CpuTopology cpu;
  cpu.model = cpu_model(topology);
  cpu.cores = usable_cores(topology, HWLOC_OBJ_CORE, usable);
  if (cpu.cores.empty() && hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE) <= 0) {
    cpu.cores = usable_cores(topology, HWLOC_OBJ_PU, usable);
    cpu.pus_as_cores = true;
  }
  cpu.packages = distinct_packages(cpu.cores);
  cpu.numa_nodes = distinct_numa_nodes(cpu.cores);
  cpu.caches = usable_caches(topology, usable);
  return cpu;
}

// Every (core, PU) pair: the first PU of each core, then the second PU of each core, ...
std::vector<std::pair<unsigned, unsigned>> spread_order(const CpuTopology& topo) {
  std::size_t rounds = 0;
  for (const CoreInfo& core : topo.cores)
    rounds = std::max(rounds, core.pus.size());
  std::vector<std::pair<unsigned, unsigned>> order;
  for (std::size_t round = 0; round < rounds; ++round) {
    for (const CoreInfo& core : topo.cores) {
      if (round < core.pus.size()) order.emplace_back(core.index, core.pus[round]);
    }
  }
  return order;
}

}  // namespace

unsigned CpuTopology::pu_count() const {
  std::size_t count = 0;
  for (const CoreInfo& core : cores)
    count += core.pus.size();
  return unsigned(count);
}

void Topology::Destroy::operator()(hwloc_topology* topology) const {
  hwloc_topology_destroy(topology);
}

Topology::Topology(std::unique_ptr<hwloc_topology, Destroy> topology, CpuTopology cpu)
    : m_topology(std::move(topology)), m_cpu(std::move(cpu)) {}
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;
Topology::~Topology() = default;

Topology Topology::load() {
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) throw_failure("hwloc_topology_init");
  std::unique_ptr<hwloc_topology, Destroy> topology(raw);
  // Instruction caches are filtered out by default; `hashrig devices` lists them.
  if (hwloc_topology_set_icache_types_filter(raw, HWLOC_TYPE_FILTER_KEEP_ALL) != 0) {
    throw_failure("hwloc_topology_set_icache_types_filter");
  }
  // PCI devices too (GPUs, for placing their feeder threads), but not every bridge.
  if (hwloc_topology_set_io_types_filter(raw, HWLOC_TYPE_FILTER_KEEP_IMPORTANT) != 0) {
    throw_failure("hwloc_topology_set_io_types_filter");
  }
  if (hwloc_topology_load(raw) != 0) throw_failure("hwloc_topology_load");
  const Bitmap usable = usable_cpuset(raw);
  CpuTopology cpu = describe(raw, usable.get());
  if (cpu.cores.empty()) {
    throw std::runtime_error("hwloc found no processing unit this process may run on");
  }
  return Topology(std::move(topology), std::move(cpu));
}

std::string Topology::bind_this_thread(std::span<const unsigned> pus) const {
  if (!m_topology) return "no topology loaded (moved from)";
  if (pus.empty()) return "no PU given to bind to";
  if (!hwloc_topology_is_thissystem(m_topology.get())) {
    return "the hwloc topology does not describe this system (HWLOC_XMLFILE?), cannot bind";
  }
  for (unsigned pu : pus) {
    const bool usable = std::ranges::any_of(m_cpu.cores, [pu](const CoreInfo& core) {
      return std::ranges::find(core.pus, pu) != core.pus.end();
    });
    if (usable) continue;
    if (!hwloc_get_pu_obj_by_os_index(m_topology.get(), pu)) {
      return "PU " + std::to_string(pu) + " does not exist on this machine";
    }
    return "PU " + std::to_string(pu) + " is not one this process may run on";
  }
  const Bitmap set(hwloc_bitmap_alloc());
  if (!set) return failure("hwloc_bitmap_alloc");
  for (unsigned pu : pus) {
    if (hwloc_bitmap_set(set.get(), pu) != 0) return failure("hwloc_bitmap_set");
  }
  if (hwloc_set_cpubind(m_topology.get(), set.get(), HWLOC_CPUBIND_THREAD) != 0) {
    return failure("hwloc_set_cpubind");
  }
  return {};
}

std::vector<WorkerPlacement> plan_cpu_workers(const CpuTopology& topo,
                                              std::optional<unsigned> threads, bool per_pu) {
  if (threads && *threads == 0) {
    throw std::invalid_argument("plan_cpu_workers: the number of threads must be at least 1");
  }
  if (topo.cores.empty()) throw std::invalid_argument("plan_cpu_workers: no CPU cores to use");
  for (const CoreInfo& core : topo.cores) {
    if (core.pus.empty()) {
      throw std::invalid_argument("plan_cpu_workers: core " + std::to_string(core.index) +
                                  " has no PUs");
    }
  }
  std::vector<WorkerPlacement> plan;
  if (!threads && !per_pu) {
    for (const CoreInfo& core : topo.cores) {
      plan.push_back(WorkerPlacement{unsigned(plan.size()), core.index, core.pus});
    }
    return plan;
  }
  const std::vector<std::pair<unsigned, unsigned>> order = spread_order(topo);
  const std::size_t workers = threads ? *threads : order.size();
  plan.reserve(workers);
  for (std::size_t worker = 0; worker < workers; ++worker) {
    const auto& [core, pu] = order[worker % order.size()];
    plan.push_back(WorkerPlacement{unsigned(worker), core, {pu}});
  }
  return plan;
}

}  // namespace hashrig::host
