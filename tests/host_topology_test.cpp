// Topology: the real machine as hwloc sees it agrees with the process's affinity; worker placement
// on synthetic machines (default, per PU, a thread count below the cores and above the PUs);
// binding the calling thread really changes its affinity and fails cleanly for a PU that does not
// exist.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/topology.h"

namespace hashrig {
namespace {

using host::CoreInfo;
using host::CpuTopology;
using host::plan_cpu_workers;
using host::Topology;
using host::WorkerPlacement;

std::set<unsigned> to_set(const cpu_set_t& mask) {
  std::set<unsigned> cpus;
  for (unsigned cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &mask)) cpus.insert(cpu);
  }
  return cpus;
}

std::set<unsigned> process_affinity() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  EXPECT_EQ(sched_getaffinity(0, sizeof mask, &mask), 0);
  return to_set(mask);
}

std::set<unsigned> thread_affinity() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  EXPECT_EQ(pthread_getaffinity_np(pthread_self(), sizeof mask, &mask), 0);
  return to_set(mask);
}

// Puts the calling thread's affinity back as it was when constructed.
class AffinityRestorer {
 public:
  AffinityRestorer() {
    CPU_ZERO(&m_saved);
    EXPECT_EQ(pthread_getaffinity_np(pthread_self(), sizeof m_saved, &m_saved), 0);
  }
  ~AffinityRestorer() {
    EXPECT_EQ(pthread_setaffinity_np(pthread_self(), sizeof m_saved, &m_saved), 0);
  }
  AffinityRestorer(const AffinityRestorer&) = delete;
  AffinityRestorer& operator=(const AffinityRestorer&) = delete;

 private:
  cpu_set_t m_saved;
};

TEST(Topology, RealMachineMatchesTheProcessAffinity) {
  const Topology topology = Topology::load();
  const CpuTopology& cpu = topology.cpu();
  ASSERT_GE(cpu.cores.size(), 1u);
  EXPECT_GE(cpu.packages, 1u);

  const std::set<unsigned> affinity = process_affinity();
  EXPECT_EQ(cpu.pu_count(), affinity.size());
  std::map<unsigned, int> seen;  // PU -> how many cores list it
  for (const CoreInfo& core : cpu.cores) {
    EXPECT_FALSE(core.pus.empty()) << "core " << core.index;
    EXPECT_LT(core.package, cpu.packages) << "core " << core.index;
    for (unsigned pu : core.pus)
      ++seen[pu];
  }
  std::set<unsigned> listed;
  for (const auto& [pu, count] : seen) {
    EXPECT_EQ(count, 1) << "PU " << pu << " is in " << count << " cores";
    listed.insert(pu);
  }
  EXPECT_EQ(listed, affinity);

  for (const host::CacheInfo& cache : cpu.caches) {
    EXPECT_GE(cache.level, 1u);
    EXPECT_TRUE(cache.type == "data" || cache.type == "instruction" || cache.type == "unified")
        << cache.type;
    EXPECT_GE(cache.count, 1u);
  }
}

TEST(Topology, IsMovable) {
  Topology a = Topology::load();
  const std::size_t cores = a.cpu().cores.size();
  Topology b = std::move(a);
  EXPECT_EQ(b.cpu().cores.size(), cores);
}

// `packages` x `cores_per_package` x `pus_per_core`, numbered the way Linux numbers SMT
// siblings: the second PU of core c is c + (number of cores).
CpuTopology synthetic(unsigned packages, unsigned cores_per_package, unsigned pus_per_core) {
  CpuTopology topo;
  topo.packages = packages;
  topo.numa_nodes = packages;
  const unsigned total = packages * cores_per_package;
  for (unsigned c = 0; c < total; ++c) {
    CoreInfo core;
    core.index = c;
    core.package = c / cores_per_package;
    core.numa_node = int(core.package);
    for (unsigned t = 0; t < pus_per_core; ++t)
      core.pus.push_back(c + t * total);
    topo.cores.push_back(core);
  }
  return topo;
}

void expect_workers_numbered(const std::vector<WorkerPlacement>& plan) {
  for (std::size_t i = 0; i < plan.size(); ++i)
    EXPECT_EQ(plan[i].worker, i);
}

TEST(PlanCpuWorkers, DefaultIsOneWorkerPerCoreOnAllItsPus) {
  const CpuTopology topo = synthetic(2, 4, 2);
  const auto plan = plan_cpu_workers(topo, std::nullopt, false);
  ASSERT_EQ(plan.size(), 8u);
  expect_workers_numbered(plan);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan[i].core, topo.cores[i].index);
    EXPECT_EQ(plan[i].pus, topo.cores[i].pus);
  }
}

TEST(PlanCpuWorkers, PerPuIsOneWorkerPerPuFirstPusFirst) {
  const CpuTopology topo = synthetic(2, 4, 2);
  const auto plan = plan_cpu_workers(topo, std::nullopt, true);
  ASSERT_EQ(plan.size(), 16u);
  expect_workers_numbered(plan);
  std::set<unsigned> pus;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    ASSERT_EQ(plan[i].pus.size(), 1u);
    pus.insert(plan[i].pus[0]);
    const CoreInfo& core = topo.cores[i % 8];
    EXPECT_EQ(plan[i].core, core.index);
    EXPECT_EQ(plan[i].pus[0], core.pus[i / 8]);
  }
  EXPECT_EQ(pus.size(), 16u);
}

TEST(PlanCpuWorkers, FewerThreadsThanCoresPutsEachOnItsOwnCore) {
  const CpuTopology topo = synthetic(2, 4, 2);
  const auto plan = plan_cpu_workers(topo, 3u, false);
  ASSERT_EQ(plan.size(), 3u);
  expect_workers_numbered(plan);
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_EQ(plan[i].core, i);
    EXPECT_EQ(plan[i].pus, std::vector<unsigned>{i});  // the core's first PU
  }
}

TEST(PlanCpuWorkers, MoreThreadsThanPusWrapsAround) {
  const CpuTopology topo = synthetic(2, 4, 2);
  const auto plan = plan_cpu_workers(topo, 20u, false);
  ASSERT_EQ(plan.size(), 20u);
  expect_workers_numbered(plan);
  const auto per_pu = plan_cpu_workers(topo, std::nullopt, true);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan[i].core, per_pu[i % 16].core) << "worker " << i;
    EXPECT_EQ(plan[i].pus, per_pu[i % 16].pus) << "worker " << i;
  }
}

TEST(PlanCpuWorkers, ThreadsIgnorePerPu) {
  const CpuTopology topo = synthetic(1, 4, 2);
  const auto a = plan_cpu_workers(topo, 6u, false);
  const auto b = plan_cpu_workers(topo, 6u, true);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].pus, b[i].pus);
}

TEST(PlanCpuWorkers, CoresWithFewerPusAreSkippedInLaterRounds) {
  // A hybrid CPU: two cores with two PUs, two with one.
  CpuTopology topo;
  topo.cores = {{0, 0, 0, {0, 1}}, {1, 0, 0, {2, 3}}, {2, 0, 0, {4}}, {3, 0, 0, {5}}};
  const auto plan = plan_cpu_workers(topo, 6u, false);
  std::vector<unsigned> pus;
  for (const WorkerPlacement& w : plan)
    pus.push_back(w.pus.at(0));
  EXPECT_EQ(pus, (std::vector<unsigned>{0, 2, 4, 5, 1, 3}));
  EXPECT_EQ(plan[4].core, 0u);
  EXPECT_EQ(plan[5].core, 1u);
}

TEST(PlanCpuWorkers, RejectsZeroThreadsAndEmptyTopologies) {
  EXPECT_THROW(plan_cpu_workers(synthetic(1, 2, 1), 0u, false), std::invalid_argument);
  EXPECT_THROW(plan_cpu_workers(CpuTopology{}, std::nullopt, false), std::invalid_argument);
  EXPECT_THROW(plan_cpu_workers(CpuTopology{}, 4u, true), std::invalid_argument);
}

TEST(Topology, BindThisThreadChangesItsAffinity) {
  const Topology topology = Topology::load();
  const CpuTopology& cpu = topology.cpu();
  const AffinityRestorer restore;
  const std::set<unsigned> before = thread_affinity();

  const std::vector<unsigned> one = {cpu.cores.back().pus.front()};
  ASSERT_EQ(topology.bind_this_thread(one), "");
  EXPECT_EQ(thread_affinity(), std::set<unsigned>(one.begin(), one.end()));

  if (cpu.pu_count() >= 2) {
    const std::vector<unsigned> two = {cpu.cores.front().pus.front(), cpu.cores.back().pus.back()};
    ASSERT_EQ(topology.bind_this_thread(two), "");
    EXPECT_EQ(thread_affinity(), std::set<unsigned>(two.begin(), two.end()));
  }

  const auto plan = plan_cpu_workers(cpu, std::nullopt, false);
  ASSERT_EQ(topology.bind_this_thread(plan.front().pus), "");
  EXPECT_EQ(thread_affinity(),
            std::set<unsigned>(plan.front().pus.begin(), plan.front().pus.end()));
  EXPECT_TRUE(std::includes(before.begin(), before.end(), plan.front().pus.begin(),
                            plan.front().pus.end()));
}

TEST(Topology, BindThisThreadReportsBadPus) {
  const Topology topology = Topology::load();
  const AffinityRestorer restore;
  const std::set<unsigned> before = thread_affinity();

  const std::vector<unsigned> missing = {100000};
  const std::string error = topology.bind_this_thread(missing);
  EXPECT_NE(error.find("100000"), std::string::npos) << error;
  EXPECT_NE(error.find("does not exist"), std::string::npos) << error;
  EXPECT_NE(topology.bind_this_thread({}), "");
  EXPECT_EQ(thread_affinity(), before);
}

}  // namespace
}  // namespace hashrig
