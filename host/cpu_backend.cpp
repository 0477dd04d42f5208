#include "host/cpu_backend.h"

#include <stdexcept>
#include <string>
#include <system_error>

#include "core/job_work.h"
#include "host/batch_sizer.h"

namespace hashrig::host {
namespace {

std::string describe(const WorkerPlacement& p) {
  std::string pus;
  for (const unsigned pu : p.pus) {
    if (!pus.empty()) pus += ',';
    pus += std::to_string(pu);
  }
  return "core " + std::to_string(p.core) + " (PU " + pus + ")";
}

// The header a worker hashes, rebuilt only when its claim moves to another header: the merkle
// root only when the extranonce2 changes (version and nTime rolls reuse it), the kernel input
// when the header or the share target changes.
class HeaderState {
 public:
  // Returns the kernel input for `piece` of `snap`.
  const kernels::cpu::ScanInput& input_for(const JobSnapshot& snap, const NoncePiece& piece) {
    const core::Job& job = *snap.job;
    if (snap.space.get() != m_space || piece.extranonce2 != m_extranonce2) {
      m_root = core::job_merkle_root(job, core::extranonce2_for(job, piece.extranonce2));
      m_space = snap.space.get();
      m_extranonce2 = piece.extranonce2;
      m_header_index = ~std::uint64_t(0);
    }
    if (piece.header_index != m_header_index || snap.job.get() != m_job) {
      m_work.header = core::build_header(job, m_root, piece.version, piece.ntime);
      m_work.target = job.share_target;
      m_input = kernels::cpu::prepare(m_work);
      m_header_index = piece.header_index;
      m_job = snap.job.get();
    }
    return m_input;
  }

 private:
  const NonceSpace* m_space = nullptr;
  const core::Job* m_job = nullptr;
  std::uint64_t m_extranonce2 = 0;
  std::uint64_t m_header_index = ~std::uint64_t(0);
  core::Hash256 m_root{};
  core::Work m_work;
  kernels::cpu::ScanInput m_input{};
};

}  // namespace

CpuBackend::CpuBackend(const kernels::cpu::KernelInfo& kernel, CpuBackendOptions options)
    : m_kernel_name(kernel.name), m_fn(kernel.fn), m_options(std::move(options)) {
  if (m_options.placements.empty()) throw std::invalid_argument("CpuBackend: no workers");
  if (!m_fn) throw std::invalid_argument("CpuBackend: kernel " + kernel.name + " has no code");
}

CpuBackend::~CpuBackend() {
  stop();
}

std::vector<DeviceDescription> CpuBackend::devices() const {
  std::vector<DeviceDescription> out;
  for (std::size_t i = 0; i < m_options.placements.size(); ++i) {
    out.push_back(
        {"cpu#" + std::to_string(i), m_kernel_name, describe(m_options.placements[i]), {}});
  }
  return out;
}

void CpuBackend::start(const BackendContext& ctx) {
  if (!m_threads.empty()) throw std::logic_error("CpuBackend: started twice");
  if (ctx.counters.size() != m_options.placements.size()) {
    throw std::invalid_argument("CpuBackend: one DeviceCounters per worker needed");
  }
  m_ctx_storage = std::make_unique<BackendContext>(ctx);
  m_ctx = m_ctx_storage.get();
  m_threads.resize(m_options.placements.size());
  std::size_t started = 0;
  std::string error;
  for (std::size_t i = 0; i < m_options.placements.size(); ++i) {
    try {
      m_threads[i] = start_worker(i);
      ++started;
    } catch (const std::system_error& e) {
      error = e.what();
      ctx.counters[i]->failed.store(true);
      ctx.counters[i]->idle();
    }
  }
  if (started == 0) {
    m_threads.clear();
    throw std::runtime_error("cpu: no worker started: " + error);
  }
  if (started < m_threads.size()) {
    ctx.log.warning("cpu", "started " + std::to_string(started) + " of " +
                               std::to_string(m_threads.size()) + " workers: " + error);
  }
}

std::unique_ptr<DeviceThread> CpuBackend::start_worker(std::size_t index) {
  // Busy from before the thread exists: one wedged before its first batch is a stall too.
  m_ctx->counters.at(index)->busy(steady_now_ns());
  return std::make_unique<DeviceThread>(
      "cpu#" + std::to_string(index),
      [this, index](std::stop_token stop, const std::atomic<bool>& abandoned) {
        run_worker(stop, abandoned, index);
      });
}

void CpuBackend::stop() {
  const auto grace = [this](std::size_t i) {
    return stop_grace(m_ctx->counters[i]->batch_ns.load());
  };
  for (const std::size_t i : stop_all(m_threads, grace)) {
    m_ctx->log.error("cpu#" + std::to_string(i), "worker did not stop in time; abandoned it");
  }
  m_threads.clear();
}

void CpuBackend::stop_worker(std::size_t index, std::chrono::nanoseconds grace) {
  std::unique_ptr<DeviceThread>& t = m_threads.at(index);
  if (t && !t->stop_within(grace)) {
    m_ctx->log.warning("cpu#" + std::to_string(index),
                       "worker did not stop in time; abandoned it (it touches nothing if it "
                       "ever wakes)");
  }
  t.reset();
  m_ctx->counters.at(index)->idle();
}

std::string CpuBackend::restart_device(std::size_t index, std::chrono::nanoseconds grace) {
  stop_worker(index, grace);
  m_ctx->counters.at(index)->broken.store(false);
  try {
    m_threads[index] = start_worker(index);
  } catch (const std::system_error& e) {
    m_ctx->counters.at(index)->idle();
    return std::string("no thread for the worker: ") + e.what();
  }
  return {};
}

void CpuBackend::retire_device(std::size_t index, std::chrono::nanoseconds grace) {
  stop_worker(index, grace);
}

void CpuBackend::run_worker(std::stop_token stop, const std::atomic<bool>& abandoned,
                            std::size_t index) {
  const BackendContext& ctx = *m_ctx;
  DeviceCounters& counters = *ctx.counters[index];
  const std::size_t device = ctx.first_device + index;
  const std::string tag = "cpu#" + std::to_string(index);
  if (m_options.topology) {
    const std::string error = m_options.topology->bind_this_thread(m_options.placements[index].pus);
    if (!error.empty()) {
      ctx.log.warning(tag, "could not pin to " + describe(m_options.placements[index]) + ": " +
                               error + "; hashing unpinned");
    }
  }
  BatchSizer sizer(m_options.batch_target, m_options.initial_batch);
  JobSnapshot snap;
  HeaderState header;
  core::HitBuffer hits;
  bool announced = false;  // counters.generation says we hash snap.generation
  bool spent_logged = false;
  // Busy, for the watchdog, whenever not waiting for work (from before the thread starts: see
  // start_worker).
  const auto wait_for_work = [&] {
    counters.idle();
    ctx.board.wait_for_newer(stop, snap.generation);
    counters.busy(steady_now_ns());
  };
  while (!stop.stop_requested()) {
    if (ctx.board.generation() != snap.generation) {
      snap = ctx.board.current();
      announced = spent_logged = false;
    }
    if (!snap.job) {
      wait_for_work();
      continue;
    }
    const std::optional<NoncePiece> piece = snap.space->claim(sizer.size());
    if (!piece) {
      if (!spent_logged && index == 0) {
        ctx.log.warning("cpu", "job " + snap.job->job_id +
                                   ": its whole nonce space is hashed; waiting for a new job");
      }
      spent_logged = true;
      wait_for_work();
      continue;
    }
    const kernels::cpu::ScanInput& input = header.input_for(snap, *piece);
    const std::int64_t started = steady_now_ns();
    if (!announced) {
      counters.generation_since_ns.store(started, std::memory_order_relaxed);
      counters.generation.store(snap.generation, std::memory_order_release);
      announced = true;
    }
    std::uint64_t done = 0, found = 0;
    while (done < piece->count) {
      hits.clear();
      const std::uint64_t n = kernels::cpu::scan(
          m_fn, input, std::uint32_t(piece->first_nonce + done), piece->count - done, hits);
      if (abandoned.load()) return;  // everything below may be gone
      for (const std::uint32_t nonce : hits) {
        ctx.candidates.push({device, snap.generation, snap.job, piece->extranonce2, piece->version,
                             piece->ntime, nonce});
      }
      found += hits.size();
      done += n;
      if (n == 0 && hits.empty()) {  // a kernel that stops advancing is broken: stop this worker
        ctx.log.error(tag, "kernel " + m_kernel_name + " stopped advancing; worker stopped");
        counters.failed.store(true);
        counters.idle();
        return;
      }
    }
    counters.hashes.fetch_add(done, std::memory_order_relaxed);
    counters.candidates.fetch_add(found, std::memory_order_relaxed);
    const std::int64_t finished = steady_now_ns();
    counters.batch_done(finished, finished - started);
    sizer.record(done, std::chrono::nanoseconds(finished - started));
  }
  counters.idle();
}

}  // namespace hashrig::host
