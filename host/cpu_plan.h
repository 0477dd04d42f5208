// Where the CPU workers go on this machine: the hwloc topology (loaded once) and the placements
// plan_cpu_workers() derives from it. When hwloc cannot load the topology, the plan falls back to
// one unpinned worker per hardware thread and says so in the log: a miner keeps mining.
#pragma once

#include <optional>
#include <vector>

#include "host/cpu_backend.h"
#include "host/log.h"
#include "host/topology.h"

namespace hashrig::host {

struct CpuPlan {
  std::optional<Topology> topology;  // empty when hwloc failed
  std::vector<WorkerPlacement> placements;
};

// threads: exactly that many workers (default: one per physical core); per_pu: one per PU.
CpuPlan plan_cpu(Logger& log, std::optional<unsigned> threads, bool per_pu);

// Backend options for a plan; `pin` binds each worker to its core's PUs.
CpuBackendOptions backend_options(const CpuPlan& plan, bool pin);

}  // namespace hashrig::host
