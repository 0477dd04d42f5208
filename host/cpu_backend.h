// CpuBackend: CPU workers, one thread per placement (by default one per physical core, pinned to
// it with hwloc), all running the kernel chosen at start-up. Each worker loops:
//   new generation on the board? -> take the snapshot (switch at the batch boundary)
//   claim a batch from the job's NonceSpace (sized by a BatchSizer to last `batch_target`)
//   new header? -> rebuild it (extranonce2 -> coinbase -> merkle root; version; nTime)
//   scan with the kernel, push every hit to the candidate queue, count the hashes
// A restart (the watchdog's) replaces the worker's thread with a new one on the same placement.
// and sleeps in JobBoard::wait_for_newer when there is no job or the job's space is spent.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "host/backend.h"
#include "host/device_thread.h"
#include "host/topology.h"
#include "kernels/cpu/kernel_registry.h"

namespace hashrig::host {

struct CpuBackendOptions {
  std::vector<WorkerPlacement> placements;  // plan_cpu_workers(); one worker each
  const Topology* topology = nullptr;       // binds each worker to its PUs; nullptr: no pinning
  std::chrono::nanoseconds batch_target = std::chrono::milliseconds(1);
  std::uint64_t initial_batch = 1 << 16;
};

class CpuBackend final : public Backend {
 public:
  // `kernel` must be usable (self-test passed). Throws std::invalid_argument without placements.
  CpuBackend(const kernels::cpu::KernelInfo& kernel, CpuBackendOptions options);
  ~CpuBackend() override;

  std::string_view name() const override { return "cpu"; }
  std::vector<DeviceDescription> devices() const override;
  void start(const BackendContext& ctx) override;
  void stop() override;
  std::string restart_device(std::size_t index, std::chrono::nanoseconds grace) override;
  void retire_device(std::size_t index, std::chrono::nanoseconds grace) override;

 private:
  std::unique_ptr<DeviceThread> start_worker(std::size_t index);
  void run_worker(std::stop_token stop, const std::atomic<bool>& abandoned, std::size_t index);
  // Stops the worker (abandoning it after `grace`) and marks it idle, as GpuBackend::stop_feeder.
  void stop_worker(std::size_t index, std::chrono::nanoseconds grace);

  std::string m_kernel_name;
  kernels::cpu::RawScanFn m_fn;
  CpuBackendOptions m_options;
  const BackendContext* m_ctx = nullptr;
  std::unique_ptr<BackendContext> m_ctx_storage;
  std::vector<std::unique_ptr<DeviceThread>> m_threads;  // by worker; null: not running
};

}  // namespace hashrig::host
