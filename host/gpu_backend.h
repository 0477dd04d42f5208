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
// whose driver reports an error, is stopped and reported; the other devices go on. The watchdog
// restarts a device that stalls or hit a driver error: a new feeder on a freshly opened scanner
// (`reopen`); a feeder wedged in the driver is abandoned together with its scanner, which is
// kept for the life of the process (its thread may still be inside it).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/backend.h"
#include "host/device_thread.h"
#include "host/topology.h"
#include "kernels/gpu/scanner.h"

namespace hashrig::host {

struct GpuBackendOptions {
  std::chrono::nanoseconds launch_target = std::chrono::milliseconds(50);
  std::uint64_t max_hw_errors = 10;
  const Topology* topology = nullptr;  // pins each feeder near its GPU; nullptr: no pinning
  // Opens device `index` (of the backend's) again, for a restart; throws GpuError. Without it a
  // restart reuses the scanner, unless its feeder had to be abandoned.
  std::function<std::unique_ptr<kernels::gpu::GpuScanner>(std::size_t index)> reopen;
  // A reopen still running after this is given up on (a driver that hangs in it): the restart
  // fails, and the opening thread is left to finish, or not, on its own.
  std::chrono::nanoseconds reopen_limit = std::chrono::seconds(10);
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
  std::string restart_device(std::size_t index, std::chrono::nanoseconds grace) override;
  void retire_device(std::size_t index, std::chrono::nanoseconds grace) override;

 private:
  class Feeder;
  std::unique_ptr<DeviceThread> start_feeder(std::size_t index);
  // Stops the feeder; returns false when it was abandoned (its scanner went to m_abandoned).
  bool stop_feeder(std::size_t index, std::chrono::nanoseconds grace);

  std::string m_name;
  GpuBackendOptions m_options;
  std::unique_ptr<BackendContext> m_ctx;
  std::vector<std::unique_ptr<kernels::gpu::GpuScanner>> m_scanners;  // null: none open
  std::vector<kernels::gpu::GpuDeviceInfo> m_infos;                   // as first opened
  std::vector<std::unique_ptr<DeviceThread>> m_threads;               // null: not running
};

}  // namespace hashrig::host
