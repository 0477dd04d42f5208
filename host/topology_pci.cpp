// Topology::bind_this_thread_near: a GPU's feeder thread on the CPUs its PCI device hangs off.
#include <hwloc.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "host/topology.h"

namespace hashrig::host {
namespace {

struct FreeBitmap {
  void operator()(hwloc_bitmap_s* b) const { hwloc_bitmap_free(b); }
};
using Bitmap = std::unique_ptr<hwloc_bitmap_s, FreeBitmap>;

}  // namespace

std::string Topology::bind_this_thread_near(std::string_view pci_bus_id, std::string* where) const {
  if (!m_topology) return "no topology loaded (moved from)";
  unsigned domain = 0, bus = 0, dev = 0, func = 0;
  const std::string id(pci_bus_id);
  char tail = 0;
  if (std::sscanf(id.c_str(), "%x:%x:%x.%x%c", &domain, &bus, &dev, &func, &tail) != 4) {
    domain = 0;
    if (std::sscanf(id.c_str(), "%x:%x.%x%c", &bus, &dev, &func, &tail) != 3) {
      return "'" + id + "' is not a PCI bus id";
    }
  }
  hwloc_topology_t topo = m_topology.get();
  if (!hwloc_topology_is_thissystem(topo)) {
    return "the hwloc topology does not describe this system, cannot bind";
  }
  hwloc_obj_t pci = hwloc_get_pcidev_by_busid(topo, domain, bus, dev, func);
  if (!pci) return "PCI device " + id + " is not in hwloc's topology";
  hwloc_obj_t near = hwloc_get_non_io_ancestor_obj(topo, pci);
  if (!near || !near->cpuset) return "no CPUs above PCI device " + id;
  const Bitmap set(hwloc_bitmap_dup(near->cpuset));
  if (!set) return "hwloc_bitmap_dup failed";
  hwloc_bitmap_and(set.get(), set.get(), hwloc_topology_get_allowed_cpuset(topo));
  if (hwloc_bitmap_iszero(set.get())) return "none of the CPUs near " + id + " may be used";
  if (hwloc_set_cpubind(topo, set.get(), HWLOC_CPUBIND_THREAD) != 0) {
    return std::string("hwloc_set_cpubind failed: ") + std::strerror(errno);
  }
  if (where) {
    char pus[256];
    hwloc_bitmap_list_snprintf(pus, sizeof pus, set.get());
    *where = std::string(hwloc_obj_type_string(near->type)) + " " +
             std::to_string(near->logical_index) + " (PUs " + pus + ")";
  }
  return {};
}

}  // namespace hashrig::host
