// CPU topology and worker placement.
//
// - CpuTopology: what hwloc found that this process may use: the CPU model, packages, NUMA nodes,
//   physical cores with the OS indexes of their processing units (PUs, i.e. hardware threads),
//   and the caches. Only PUs in both the allowed cpuset (cgroups) and the process's CPU binding
//   (taskset, sched_setaffinity) count; a core without such a PU is left out. When hwloc reports
//   no cores at all (some VMs), every usable PU is taken as a core of its own.
// - Topology: owns the hwloc topology (RAII) and binds threads to PUs.
// - plan_cpu_workers: where the CPU workers go; a pure function of a CpuTopology so tests can
//   feed it synthetic machines.
//
// Only topology.cpp and topology_pci.cpp include hwloc.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct hwloc_topology;  // hwloc's own type (hwloc_topology_t is a pointer to it)

namespace hashrig::host {

// One kind of cache and how many of it serve the usable PUs.
struct CacheInfo {
  unsigned level = 0;  // 1 for L1, ...
  std::string type;    // "data", "instruction" or "unified"
  std::uint64_t size_bytes = 0;
  unsigned count = 0;
};

struct CoreInfo {
  unsigned index = 0;    // hwloc's logical index of the core (of the PU in the no-core fallback)
  unsigned package = 0;  // logical index of its package; 0 when hwloc reports none
  int numa_node = -1;    // OS index of the first NUMA node holding it; -1 when unknown
  std::vector<unsigned> pus;  // OS indexes of its usable PUs, ascending, never empty
};

struct CpuTopology {
  std::string model;        // CPU model name (hwloc "CPUModel" info on the package), may be empty
  unsigned packages = 0;    // distinct packages among `cores`
  unsigned numa_nodes = 0;  // distinct known NUMA nodes among `cores`
  std::vector<CoreInfo> cores;    // only cores with at least one PU this process may run on
  std::vector<CacheInfo> caches;  // one entry per (level, type, size), ordered by level, type, size
  bool pus_as_cores = false;      // hwloc reported no cores: each PU stands for a core

  unsigned pu_count() const;
};

class Topology {
 public:
  // Loads this machine's topology. Throws std::runtime_error naming the hwloc call that failed.
  static Topology load();

  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;
  ~Topology();

  const CpuTopology& cpu() const { return m_cpu; }

  // Binds the calling thread to exactly these PUs (OS indexes) with hwloc (HWLOC_CPUBIND_THREAD).
  // Returns an empty string on success, otherwise why it failed (never throws; pinning failure
  // is not fatal for a miner, the caller logs it). Every PU must be one of cpu()'s.
  std::string bind_this_thread(std::span<const unsigned> pus) const;
  // Binds the calling thread to the CPUs nearest a PCI device ("0000:01:00.0"): those of the
  // first non-I/O object above it (its NUMA node or package), as far as this process may use
  // them. Returns an empty string and sets `where` ("NUMANode 0 (PUs 0-15)"), or why not.
  std::string bind_this_thread_near(std::string_view pci_bus_id, std::string* where) const;

 private:
  struct Destroy {
    void operator()(hwloc_topology* topology) const;
  };

  Topology(std::unique_ptr<hwloc_topology, Destroy> topology, CpuTopology cpu);

  std::unique_ptr<hwloc_topology, Destroy> m_topology;
  CpuTopology m_cpu;
};

struct WorkerPlacement {
  unsigned worker = 0;        // 0, 1, ... in order
  unsigned core = 0;          // CoreInfo::index of the core it runs on
  std::vector<unsigned> pus;  // the PUs (OS indexes) to bind it to
};

// Where CPU workers go.
// - Default (threads empty, per_pu false): one worker per physical core, bound to all PUs of
//   that core.
// - per_pu: one worker per PU, bound to that PU, in the spread order below (so it places workers
//   exactly as threads = pu_count() does).
// - threads = N: exactly N workers, each bound to one PU, spread over cores first (first PU of
//   core 0, core 1, ..., then the second PUs of the cores that have one, ..., then wrapping
//   around), so N <= cores puts each on its own core. per_pu changes nothing here.
// Throws std::invalid_argument for threads == 0, a topology with no cores, or a core with no PUs.
std::vector<WorkerPlacement> plan_cpu_workers(const CpuTopology& topo,
                                              std::optional<unsigned> threads, bool per_pu);

}  // namespace hashrig::host
