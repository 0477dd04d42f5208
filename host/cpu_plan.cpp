#include "host/cpu_plan.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace hashrig::host {

CpuPlan plan_cpu(Logger& log, std::optional<unsigned> threads, bool per_pu) {
  CpuPlan plan;
  try {
    plan.topology.emplace(Topology::load());
    plan.placements = plan_cpu_workers(plan.topology->cpu(), threads, per_pu);
    return plan;
  } catch (const std::runtime_error& e) {
    log.warning("cpu", std::string("no CPU topology (") + e.what() +
                           "): one unpinned worker per hardware thread");
  }
  plan.topology.reset();
  const unsigned n = threads.value_or(std::max(1u, std::thread::hardware_concurrency()));
  for (unsigned i = 0; i < n; ++i)
    plan.placements.push_back({i, i, {}});
  return plan;
}

CpuBackendOptions backend_options(const CpuPlan& plan, bool pin) {
  CpuBackendOptions options;
  options.placements = plan.placements;
  options.topology = pin && plan.topology ? &*plan.topology : nullptr;
  return options;
}

}  // namespace hashrig::host
