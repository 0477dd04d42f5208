// The OpenCL scanner: one context and one in-order queue per device. A slot's launch is three
// commands on the queue (reset the hit counter, the kernel, read the results back), so with two
// slots enqueued the device always has the next kernel queued behind the one running.
#include <algorithm>
#include <array>

#include "kernels/opencl/cl_support.h"
#include "kernels/opencl/opencl_devices.h"
#include "kernels/opencl/program_cache.h"

namespace hashrig::kernels::opencl {

extern const std::string_view kSha256dSource;

namespace {

constexpr std::size_t kVersionWords = sizeof(gpu::VersionConstants) / 4;
constexpr std::uint32_t kGlobalMultiple = 64;
const cl_uint kZero = 0;  // the counter reset's source; outlives every enqueued write

cl::Device find_device(const OpenClDevice& d) {
  std::vector<cl::Platform> platforms;
  cl::Platform::get(&platforms);
  if (d.platform_index >= platforms.size()) {
    throw gpu::GpuError(d.info.id + ": its OpenCL platform is gone");
  }
  std::vector<cl::Device> devices;
  platforms[d.platform_index].getDevices(CL_DEVICE_TYPE_ALL, &devices);
  if (d.device_index >= devices.size()) throw gpu::GpuError(d.info.id + ": device is gone");
  return devices[d.device_index];
}

}  // namespace

class OpenClScanner final : public gpu::GpuScanner {
 public:
  OpenClScanner(const OpenClDevice& device, const OpenClOptions& options);

  const gpu::GpuDeviceInfo& info() const override { return m_info; }
  std::uint32_t granule() const override { return m_granule; }
  void launch(int slot, const gpu::GpuWork& work, std::uint32_t first,
              std::uint32_t count) override;
  gpu::LaunchResult wait(int slot) override;

  const std::string& origin() const { return m_origin; }

 private:
  struct Slot {
    cl::Buffer versions;
    cl::Buffer results;
    std::vector<cl_uint> versions_host;
    std::vector<cl_uint> results_host;
    std::vector<gpu::Hit> hits;
    std::size_t uploaded_words = 0;  // of versions_host, in the device buffer
    cl::Event done;
    bool pending = false;
  };

  void build(const cl::Device& device, const OpenClDevice& description,
             const OpenClOptions& options);
  [[noreturn]] void fail(const std::string& what, const cl::Error& e) const;

  gpu::GpuDeviceInfo m_info;
  cl::Context m_context;
  cl::CommandQueue m_queue;
  cl::Program m_program;
  cl::Kernel m_kernel;
  std::array<Slot, kSlots> m_slots;
  unsigned m_per_item = 1;
  std::size_t m_work_group = 0;
  std::uint32_t m_granule = 1;
  std::string m_origin;
};

OpenClScanner::OpenClScanner(const OpenClDevice& description, const OpenClOptions& options)
    : m_info(description.info) {
  try {
    const cl::Device device = find_device(description);
    m_context = cl::Context(device);
    m_queue = cl::CommandQueue(m_context, device);
    m_per_item = options.nonces_per_item ? options.nonces_per_item : (description.gpu ? 8 : 1);
    build(device, description, options);
    m_kernel = cl::Kernel(m_program, "sha256d_scan");
    const std::size_t kernel_max = m_kernel.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device);
    m_work_group = options.work_group ? options.work_group : (description.gpu ? 256 : 0);
    if (m_work_group > kernel_max) m_work_group = kernel_max;
    const std::uint64_t items_per_unit = m_work_group ? m_work_group : kGlobalMultiple;
    m_granule = std::uint32_t(std::min<std::uint64_t>(
        items_per_unit * m_per_item * std::max<std::uint32_t>(m_info.compute_units, 1),
        std::uint64_t(1) << 24));
    for (Slot& s : m_slots) {
      s.versions = cl::Buffer(m_context, CL_MEM_READ_ONLY,
                              gpu::kMaxVersions * sizeof(gpu::VersionConstants));
      s.results = cl::Buffer(m_context, CL_MEM_READ_WRITE, gpu::kResultWords * sizeof(cl_uint));
      s.versions_host.resize(gpu::kMaxVersions * kVersionWords);
      s.results_host.resize(gpu::kResultWords);
      s.hits.reserve(gpu::kHitCapacity);
    }
  } catch (const cl::Error& e) {
    fail("could not be opened", e);
  }
}

void OpenClScanner::build(const cl::Device& device, const OpenClDevice& d,
                          const OpenClOptions& options) {
  const std::string flags = "-cl-std=CL1.2 -DNONCES_PER_ITEM=" + std::to_string(m_per_item) +
                            " -DHIT_CAPACITY=" + std::to_string(gpu::kHitCapacity);
  const ProgramCache cache(options.cache_dir);
  const std::string key = ProgramCache::key({m_info.platform, m_info.name, m_info.version, d.vendor,
                                             d.driver_version, flags, kSha256dSource});
  if (auto binary = cache.load(key)) {
    try {
      cl::Program::Binaries binaries{*binary};
      cl::Program program(m_context, {device}, binaries);
      program.build({device}, flags.c_str());
      m_program = std::move(program);
      m_origin = "cache";
      return;
    } catch (const cl::Error&) {
      // A binary the driver no longer takes: rebuild from source below, and overwrite it.
    }
  }
  m_program = cl::Program(m_context, std::string(kSha256dSource));
  try {
    m_program.build({device}, flags.c_str());
  } catch (const cl::Error& e) {
    std::string log;
    try {
      log = m_program.getBuildInfo<CL_PROGRAM_BUILD_LOG>(device);
    } catch (const cl::Error&) {
    }
    throw gpu::GpuError(m_info.id + " (" + m_info.name + "): the kernel does not compile: " +
                        describe(e) + (log.empty() ? "" : "\n" + log));
  }
  if (!cache.enabled()) {
    m_origin = "built";
    return;
  }
  std::string why;
  try {
    const auto binaries = m_program.getInfo<CL_PROGRAM_BINARIES>();
    why = binaries.empty() || binaries[0].empty() ? "the driver gives no binary"
                                                  : cache.store(key, binaries[0]);
  } catch (const cl::Error& e) {
    why = describe(e);
  }
  m_origin = why.empty() ? "built" : "built, not cached: " + why;
}

void OpenClScanner::launch(int slot_index, const gpu::GpuWork& work, std::uint32_t first,
                           std::uint32_t count) {
  Slot& slot = m_slots.at(std::size_t(slot_index));
  gpu::check_launch(m_info.id, slot.pending, work, count);
  try {
    // Upload the versions only when they differ from what the slot's buffer holds (comparing
    // 6 KB at most is far cheaper than the transfer).
    const std::size_t words = work.versions.size() * kVersionWords;
    const cl_uint* source = &work.versions[0].state3[0];
    if (slot.uploaded_words != words ||
        !std::equal(source, source + words, slot.versions_host.begin())) {
      std::copy_n(source, words, slot.versions_host.data());
      m_queue.enqueueWriteBuffer(slot.versions, CL_FALSE, 0, words * sizeof(cl_uint),
                                 slot.versions_host.data());
      slot.uploaded_words = words;
    }
    m_queue.enqueueWriteBuffer(slot.results, CL_FALSE, 0, sizeof kZero, &kZero);
    m_kernel.setArg(0, slot.versions);
    m_kernel.setArg(1, cl_uint(first));
    m_kernel.setArg(2, cl_uint(count));
    m_kernel.setArg(3, cl_uint(work.target_top));
    m_kernel.setArg(4, slot.results);
    const std::uint64_t items = (std::uint64_t(count) + m_per_item - 1) / m_per_item;
    const std::uint64_t multiple = m_work_group ? m_work_group : kGlobalMultiple;
    const std::size_t global = std::size_t((items + multiple - 1) / multiple * multiple);
    const cl::NDRange local = m_work_group ? cl::NDRange(m_work_group, 1) : cl::NullRange;
    m_queue.enqueueNDRangeKernel(m_kernel, cl::NullRange, cl::NDRange(global, work.versions.size()),
                                 local);
    m_queue.enqueueReadBuffer(slot.results, CL_FALSE, 0, gpu::kResultWords * sizeof(cl_uint),
                              slot.results_host.data(), nullptr, &slot.done);
    m_queue.flush();
    slot.pending = true;
  } catch (const cl::Error& e) {
    fail("launch failed", e);
  }
}

gpu::LaunchResult OpenClScanner::wait(int slot_index) {
  Slot& slot = m_slots.at(std::size_t(slot_index));
  if (!slot.pending) throw gpu::GpuError(m_info.id + ": wait without a launch");
  slot.pending = false;
  try {
    slot.done.wait();
  } catch (const cl::Error& e) {
    fail("kernel failed", e);
  }
  return gpu::decode_results(slot.results_host.data(), slot.hits);
}

void OpenClScanner::fail(const std::string& what, const cl::Error& e) const {
  throw gpu::GpuError(m_info.id + " (" + m_info.name + "): " + what + ": " + describe(e));
}

std::unique_ptr<gpu::GpuScanner> open_opencl(const OpenClDevice& device,
                                             const OpenClOptions& options) {
  return std::make_unique<OpenClScanner>(device, options);
}

std::string program_origin(const gpu::GpuScanner& scanner) {
  const auto* s = dynamic_cast<const OpenClScanner*>(&scanner);
  return s ? s->origin() : std::string();
}

}  // namespace hashrig::kernels::opencl
