// GpuBackend: GPUs (CUDA or OpenCL, behind kernels::gpu::GpuScanner) as devices of the scheduler.
// One feeder thread per GPU, pinned near it (the NUMA node hwloc places its PCI device on), runs
// a double-buffered loop:
//
//   claim work from the job's NonceSpace: whole runs of up to 64 headers that differ only in
//     version when the device is fast enough to give each version >= 4M nonces per launch (the
//     kernel's second grid dimension rolls the version, so the host builds a new merkle root
//     rarely), otherwise a nonce range of one header sized like a launch
//   keep two launches queued; when the older finishes, queue the next, then read its hits
//   size launches from the measured rate so one lasts about `launch_target` (50 ms)
//
// Hits whose top word equals the target's are checked on the host (the kernel compares only the
// top word); every other hit goes to the verifier, which re-hashes it like any CPU candidate. A
// device whose hardware errors reach `max_hw_errors` and exceed a tenth of its candidates, or
// whose driver reports an error, is stopped and reported; the other devices go on.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/backend.h"
#include "host/topology.h"
#include "kernels/gpu/scanner.h"

namespace hashrig::host {

struct GpuBackendOptions {
  std::chrono::nanoseconds launch_target = std::chrono::milliseconds(50);
  std::uint64_t max_hw_errors = 10;
  const Topology* topology = nullptr;  // pins each feeder near its GPU; nullptr: no pinning
};

class GpuBackend final : public Backend {
 public:
  // `name` is the backend's ("cuda", "opencl"). Throws std::invalid_argument without scanners.
  GpuBackend(std::string name, std::vector<std::unique_ptr<kernels::gpu::GpuScanner>> scanners,
             GpuBackendOptions options = {});
  ~GpuBackend() override;

  std::string_view name() const override { return m_name; }
  std::vector<DeviceDescription> devices() const override;
  void start(const BackendContext& ctx) override;
  void stop() override;

 private:
  class Feeder;
  void run_device(std::stop_token stop, std::size_t index);

  std::string m_name;
  std::vector<std::unique_ptr<kernels::gpu::GpuScanner>> m_scanners;
  GpuBackendOptions m_options;
  std::unique_ptr<BackendContext> m_ctx;
  std::vector<std::jthread> m_threads;
};

}  // namespace hashrig::host
