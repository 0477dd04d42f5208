// GpuScanner: one GPU (a CUDA device or an OpenCL device) as the host's device loop sees it.
// The CUDA and OpenCL launchers implement it; host/gpu_backend drives it.
//
// Launches are asynchronous and double-buffered: the loop enqueues a launch in slot 0, another in
// slot 1, then waits for slot 0's results and enqueues the next launch there while slot 1 runs,
// so the GPU never idles while the host reads results. A slot holds its own copy of the work, so
// a launch already in flight keeps hashing the work it was given when the next one changes it.
//
// A launch scans nonces [first, first + count) of every version of the work. Errors (a lost
// device, a failed launch, a kernel that does not compile) are thrown as GpuError.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/gpu/gpu_work.h"

namespace hashrig::kernels::gpu {

// The most nonces (per version) one launch may cover.
inline constexpr std::uint32_t kMaxLaunchNonces = std::uint32_t(1) << 31;
// A launch's results buffer, as every kernel writes it: word 0 counts the hits found (it may
// exceed the capacity: an overflow), then (nonce, version index, top word) per stored hit.
inline constexpr std::size_t kResultWords = 1 + 3 * std::size_t(kHitCapacity);

class GpuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GpuDeviceInfo {
  std::string id;        // "cuda#0", "opencl#1"
  std::string name;      // "NVIDIA H100 80GB HBM3", "pthread-AMD EPYC 7B13"
  std::string bus_id;    // PCI "0000:01:00.0"; empty when not a PCI device (PoCL on the CPU)
  std::string platform;  // "CUDA 12.4, driver 550.54", "OpenCL 3.0 PoCL 3.1 ..."
  std::string version;   // compute capability "9.0", or the device's OpenCL version
  std::uint64_t memory_bytes = 0;
  std::uint32_t compute_units = 0;  // SMs, or OpenCL compute units
  std::string kernel;               // what runs: "cuda-sm90", "opencl"
};

struct LaunchResult {
  std::span<const Hit> hits;  // valid until the slot is launched again
  bool overflow = false;      // more than kHitCapacity hits: hits is incomplete, rescan
};

class GpuScanner {
 public:
  static constexpr int kSlots = 2;

  virtual ~GpuScanner() = default;
  virtual const GpuDeviceInfo& info() const = 0;
  // The granule of `count` that fills the device (threads per launch unit); counts that are not
  // a multiple are scanned exactly, only less efficiently.
  virtual std::uint32_t granule() const = 0;
  // Enqueues a launch in `slot` (0 or 1, whose previous launch must have been waited for).
  virtual void launch(int slot, const GpuWork& work, std::uint32_t first, std::uint32_t count) = 0;
  // Waits for the slot's launch to finish and returns its hits.
  virtual LaunchResult wait(int slot) = 0;
};

// For launchers: throws GpuError, naming `device`, when a launch breaks the contract above (the
// slot still pending, 0 or more than kMaxVersions versions, 0 or more than kMaxLaunchNonces
// nonces).
void check_launch(const std::string& device, bool slot_pending, const GpuWork& work,
                  std::uint32_t count);
// For launchers: the hits of a results buffer (kResultWords words), stored into `hits`.
LaunchResult decode_results(const std::uint32_t* words, std::vector<Hit>& hits);

// Scans synchronously on `slot` (which must be idle), rescanning in halves whenever a launch
// overflows, so every hit is returned. For tests, benchmarks and the backend's overflow path.
// `first + count <= 2^32`.
std::vector<Hit> scan_all(GpuScanner& scanner, const GpuWork& work, std::uint32_t first,
                          std::uint64_t count, int slot = 0);

}  // namespace hashrig::kernels::gpu
