// The CUDA scanner: per slot a stream, device buffers for the work and the results, pinned host
// copies of both and an event. A slot's launch is four commands on its stream (the work's
// constants when they changed, the counter reset, the kernel, the results back) and an event
// recorded after them, so two slots keep the device busy while the host reads the other's hits.
//
// Every call first makes the device current for the calling thread (the runtime's current device
// is per thread, and the host may drive a scanner from any thread). Waits block on an event
// created with cudaEventBlockingSync instead of spinning a CPU core.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "kernels/cuda/cuda_scanner.h"
#include "kernels/cuda/sha256d_launch.h"

namespace hashrig::kernels::cuda {
namespace {

constexpr std::size_t kVersionWords = sizeof(gpu::VersionConstants) / 4;
constexpr std::size_t kVersionBytes = gpu::kMaxVersions * sizeof(gpu::VersionConstants);
constexpr std::size_t kResultBytes = gpu::kResultWords * sizeof(std::uint32_t);
static_assert(kVersionWords == 24);

std::string describe(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

// "13.0" from the runtime's 13000 encoding.
std::string cuda_version_text(int v) {
  return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

// The description of device `ordinal`, or the error of the first call that failed (with `call`
// naming it).
cudaError_t describe_device(int ordinal, gpu::GpuDeviceInfo* info, const char** call) {
  cudaDeviceProp prop{};
  cudaError_t e = cudaGetDeviceProperties(&prop, ordinal);
  if (e != cudaSuccess) return *call = "cudaGetDeviceProperties", e;
  char bus[32] = {};
  e = cudaDeviceGetPCIBusId(bus, sizeof bus, ordinal);
  if (e != cudaSuccess) return *call = "cudaDeviceGetPCIBusId", e;
  int runtime = 0, driver = 0;
  e = cudaRuntimeGetVersion(&runtime);
  if (e != cudaSuccess) return *call = "cudaRuntimeGetVersion", e;
  e = cudaDriverGetVersion(&driver);
  if (e != cudaSuccess) return *call = "cudaDriverGetVersion", e;
  info->id = "cuda#" + std::to_string(ordinal);
  info->name = prop.name;
  info->bus_id = bus;
  std::transform(info->bus_id.begin(), info->bus_id.end(), info->bus_id.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  info->platform =
      "CUDA runtime " + cuda_version_text(runtime) + ", driver " + cuda_version_text(driver);
  info->version = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  info->memory_bytes = prop.totalGlobalMem;
  info->compute_units = std::uint32_t(prop.multiProcessorCount);
  info->kernel = "cuda";
  return cudaSuccess;
}

}  // namespace

bool cuda_built() {
  return true;
}

std::vector<gpu::GpuDeviceInfo> enumerate_cuda(std::string* why_none) {
  std::vector<gpu::GpuDeviceInfo> out;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();  // not sticky: leave no error behind for later calls
    if (why_none) *why_none = cudaGetErrorString(e);
    return out;
  }
  if (count == 0) {
    if (why_none) *why_none = "the CUDA runtime reports no devices";
    return out;
  }
  std::string first_error;
  for (int i = 0; i < count; ++i) {
    gpu::GpuDeviceInfo info;
    const char* call = "";
    const cudaError_t d = describe_device(i, &info, &call);
    if (d != cudaSuccess) {
      // A device that cannot be described cannot be used either; the others still can.
      cudaGetLastError();
      if (first_error.empty()) {
        first_error = "cuda#" + std::to_string(i) + ": " + call + ": " + cudaGetErrorString(d);
      }
      continue;
    }
    out.push_back(std::move(info));
  }
  if (out.empty() && why_none) *why_none = first_error;
  return out;
}

class CudaScanner final : public gpu::GpuScanner {
 public:
  explicit CudaScanner(int ordinal);
  ~CudaScanner() override;
  CudaScanner(const CudaScanner&) = delete;
  CudaScanner& operator=(const CudaScanner&) = delete;

  const gpu::GpuDeviceInfo& info() const override { return m_info; }
  std::uint32_t granule() const override { return m_granule; }
  void launch(int slot, const gpu::GpuWork& work, std::uint32_t first,
              std::uint32_t count) override;
  gpu::LaunchResult wait(int slot) override;

 private:
  struct Slot {
    cudaStream_t stream = nullptr;
    cudaEvent_t done = nullptr;
    std::uint32_t* versions_device = nullptr;
    std::uint32_t* results_device = nullptr;
    std::uint32_t* versions_host = nullptr;  // pinned: the async copy's source
    std::uint32_t* results_host = nullptr;   // pinned: the async copy's destination
    std::vector<gpu::Hit> hits;
    std::size_t uploaded_bytes = 0;  // of versions_host, in versions_device; 0: none
    bool pending = false;
  };

  void enqueue(Slot& slot, const gpu::GpuWork& work, std::uint32_t first, std::uint32_t count);
  void check(cudaError_t e, const char* call) const;
  void make_current() const;
  void release() noexcept;

  int m_ordinal;
  gpu::GpuDeviceInfo m_info;
  std::array<Slot, kSlots> m_slots;
  std::uint32_t m_granule = 1;
};

CudaScanner::CudaScanner(int ordinal) : m_ordinal(ordinal) {
  m_info.id = "cuda#" + std::to_string(ordinal);
  int count = 0;
  check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
  if (ordinal < 0 || ordinal >= count) {
    throw gpu::GpuError(m_info.id + ": no such device (" + std::to_string(count) +
                        " CUDA devices)");
  }
  const char* call = "";
  check(describe_device(ordinal, &m_info, &call), call);
  try {
    check(cudaSetDevice(ordinal), "cudaSetDevice");
    // Blocking synchronisation for every wait on this device's context. Runtimes that refuse to
    // change the flags of a context already in use (another scanner's) report it; the events
    // below block on their own anyway.
    const cudaError_t flags = cudaSetDeviceFlags(cudaDeviceScheduleBlockingSync);
    if (flags == cudaErrorSetOnActiveProcess) {
      cudaGetLastError();
    } else {
      check(flags, "cudaSetDeviceFlags");
    }
    for (Slot& s : m_slots) {
      check(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking), "cudaStreamCreate");
      check(cudaEventCreateWithFlags(&s.done, cudaEventBlockingSync | cudaEventDisableTiming),
            "cudaEventCreate");
      check(cudaMalloc(reinterpret_cast<void**>(&s.versions_device), kVersionBytes), "cudaMalloc");
      check(cudaMalloc(reinterpret_cast<void**>(&s.results_device), kResultBytes), "cudaMalloc");
      check(cudaMallocHost(reinterpret_cast<void**>(&s.versions_host), kVersionBytes),
            "cudaMallocHost");
      check(cudaMallocHost(reinterpret_cast<void**>(&s.results_host), kResultBytes),
            "cudaMallocHost");
      s.hits.reserve(gpu::kHitCapacity);
    }
    int blocks_per_sm = 1;
    check(sha256d_scan_blocks_per_sm(&blocks_per_sm),
          "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
    // One full wave of resident threads, each with its nonces.
    const std::uint64_t wave = std::uint64_t(kThreadsPerBlock) * kNoncesPerThread *
                               std::uint64_t(blocks_per_sm) *
                               std::max<std::uint32_t>(m_info.compute_units, 1);
    m_granule = std::uint32_t(std::min<std::uint64_t>(wave, gpu::kMaxLaunchNonces));
  } catch (...) {
    release();
    throw;
  }
}

CudaScanner::~CudaScanner() {
  release();
}

void CudaScanner::release() noexcept {
  if (cudaSetDevice(m_ordinal) != cudaSuccess) {
    cudaGetLastError();
    return;  // the device is gone, and its resources with it
  }
  for (Slot& s : m_slots) {
    // A launch still in flight must finish before its buffers go (errors: nothing left to do).
    if (s.stream) cudaStreamSynchronize(s.stream);
    if (s.versions_host) cudaFreeHost(s.versions_host);
    if (s.results_host) cudaFreeHost(s.results_host);
    if (s.versions_device) cudaFree(s.versions_device);
    if (s.results_device) cudaFree(s.results_device);
    if (s.done) cudaEventDestroy(s.done);
    if (s.stream) cudaStreamDestroy(s.stream);
    s = Slot{};
  }
  cudaGetLastError();
}

void CudaScanner::check(cudaError_t e, const char* call) const {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clears a non-sticky error so the next call starts clean
  throw gpu::GpuError(m_info.id + (m_info.name.empty() ? "" : " (" + m_info.name + ")") + ": " +
                      call + ": " + describe(e));
}

void CudaScanner::make_current() const {
  check(cudaSetDevice(m_ordinal), "cudaSetDevice");
}

void CudaScanner::launch(int slot_index, const gpu::GpuWork& work, std::uint32_t first,
                         std::uint32_t count) {
  Slot& slot = m_slots.at(std::size_t(slot_index));
  gpu::check_launch(m_info.id, slot.pending, work, count);
  make_current();
  try {
    enqueue(slot, work, first, count);
  } catch (const gpu::GpuError&) {
    // Whatever was enqueued must finish before the slot's pinned buffers are reused.
    cudaStreamSynchronize(slot.stream);
    cudaGetLastError();
    slot.uploaded_bytes = 0;
    throw;
  }
  slot.pending = true;
}

void CudaScanner::enqueue(Slot& slot, const gpu::GpuWork& work, std::uint32_t first,
                          std::uint32_t count) {
  // Upload the versions only when they differ from what the slot's device buffer holds
  // (comparing 6 KB at most is far cheaper than the copy). The slot's previous launch has been
  // waited for, so its pinned copy is free to overwrite.
  const std::size_t bytes = work.versions.size() * sizeof(gpu::VersionConstants);
  if (slot.uploaded_bytes != bytes ||
      std::memcmp(slot.versions_host, work.versions.data(), bytes) != 0) {
    slot.uploaded_bytes = 0;
    std::memcpy(slot.versions_host, work.versions.data(), bytes);
    check(cudaMemcpyAsync(slot.versions_device, slot.versions_host, bytes, cudaMemcpyHostToDevice,
                          slot.stream),
          "cudaMemcpyAsync (work)");
  }
  check(cudaMemsetAsync(slot.results_device, 0, sizeof(std::uint32_t), slot.stream),
        "cudaMemsetAsync");
  check(enqueue_sha256d_scan(slot.stream, slot.versions_device, std::uint32_t(work.versions.size()),
                             first, count, work.target_top, slot.results_device, gpu::kHitCapacity),
        "sha256d_scan launch");
  // The whole buffer (12 KB): cheaper than a second round trip for the counter first.
  check(cudaMemcpyAsync(slot.results_host, slot.results_device, kResultBytes,
                        cudaMemcpyDeviceToHost, slot.stream),
        "cudaMemcpyAsync (results)");
  check(cudaEventRecord(slot.done, slot.stream), "cudaEventRecord");
  slot.uploaded_bytes = bytes;
}

gpu::LaunchResult CudaScanner::wait(int slot_index) {
  Slot& slot = m_slots.at(std::size_t(slot_index));
  if (!slot.pending) throw gpu::GpuError(m_info.id + ": wait without a launch");
  slot.pending = false;
  make_current();
  check(cudaEventSynchronize(slot.done), "sha256d_scan (cudaEventSynchronize)");
  return gpu::decode_results(slot.results_host, slot.hits);
}

std::unique_ptr<gpu::GpuScanner> open_cuda(int ordinal) {
  return std::make_unique<CudaScanner>(ordinal);
}

}  // namespace hashrig::kernels::cuda
