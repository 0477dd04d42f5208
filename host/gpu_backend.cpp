#include "host/gpu_backend.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <system_error>

#include "core/job_work.h"
#include "host/batch_sizer.h"
#include "host/gpu_reopen.h"

namespace hashrig::host {
namespace {

using kernels::gpu::GpuError;
using kernels::gpu::GpuScanner;
using kernels::gpu::GpuWork;
using kernels::gpu::Hit;

constexpr std::uint64_t kNonces = std::uint64_t(1) << 32;
constexpr std::uint64_t kMaxLaunch = kernels::gpu::kMaxLaunchNonces;  // per version
// Versions are rolled in the kernel only when each still gets this many nonces per launch.
constexpr std::uint64_t kMinPerVersion = std::uint64_t(1) << 22;

using Clock = std::chrono::steady_clock;

std::int64_t steady_ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// A claimed piece of a job, fed to the device one launch at a time.
struct Run {
  JobSnapshot snap;
  NoncePiece piece;
  std::vector<std::uint32_t> versions;  // by version index
  std::shared_ptr<const GpuWork> work;
  std::uint64_t next = 0;  // nonces of [first_nonce, first_nonce + count) already launched

  bool active() const { return snap.job && next < piece.count; }
};

struct InFlight {
  bool active = false;
  std::uint64_t sequence = 0;
  Clock::time_point launched;
  JobSnapshot snap;
  NoncePiece piece;
  std::vector<std::uint32_t> versions;
  std::shared_ptr<const GpuWork> work;
  std::uint32_t first = 0, count = 0;
};

std::shared_ptr<const GpuWork> build_work(const core::Job& job, const NoncePiece& piece,
                                          const std::vector<std::uint32_t>& versions) {
  const core::Hash256 root =
      core::job_merkle_root(job, core::extranonce2_for(job, piece.extranonce2));
  std::vector<core::HeaderBytes> headers;
  headers.reserve(versions.size());
  for (const std::uint32_t v : versions)
    headers.push_back(core::build_header(job, root, v, piece.ntime));
  return std::make_shared<const GpuWork>(kernels::gpu::make_work(headers, job.share_target));
}

// Thrown inside a feeder whose thread was abandoned: it unwinds touching nothing shared.
struct Abandoned {};

}  // namespace

// One device's loop; lives on its feeder thread.
class GpuBackend::Feeder {
 public:
  Feeder(GpuBackend& backend, GpuScanner& scanner, std::size_t index,
         const std::atomic<bool>& abandoned)
      : m_backend(backend),
        m_ctx(*backend.m_ctx),
        m_scanner(scanner),
        m_abandoned(abandoned),
        m_counters(*m_ctx.counters[index]),
        m_device(m_ctx.first_device + index),
        m_tag(m_scanner.info().id),
        m_sizer(backend.m_options.launch_target, std::max<std::uint64_t>(m_scanner.granule(), 1024),
                {std::max<std::uint64_t>(m_scanner.granule() / 4, 256), kMaxLaunch,
                 std::max<std::uint64_t>(m_scanner.granule() / 4, 256)}) {}

  void run(std::stop_token stop);

 private:
  bool launch_next(int slot);
  void complete(int slot);
  void push_hits(const InFlight& f, std::span<const Hit> hits);
  bool too_many_errors() const;
  int oldest_active() const;
  bool any_active() const { return m_slots[0].active || m_slots[1].active; }
  // After every scanner call (any can block in the driver).
  void check_abandoned() const {
    if (m_abandoned.load()) throw Abandoned{};
  }

  GpuBackend& m_backend;
  const BackendContext& m_ctx;
  GpuScanner& m_scanner;
  const std::atomic<bool>& m_abandoned;
  DeviceCounters& m_counters;
  std::size_t m_device;
  std::string m_tag;
  BatchSizer m_sizer;
  JobSnapshot m_snap;
  Run m_run;
  std::array<InFlight, GpuScanner::kSlots> m_slots;
  std::uint64_t m_sequence = 0;
  std::uint64_t m_announced = 0;  // the generation counters.generation says we hash
  bool m_spent_logged = false;
  Clock::time_point m_last_completion;
};

void GpuBackend::Feeder::run(std::stop_token stop) {
  const GpuBackendOptions& options = m_backend.m_options;
  const std::string& bus = m_scanner.info().bus_id;
  if (options.topology && !bus.empty()) {
    std::string where;
    const std::string error = options.topology->bind_this_thread_near(bus, &where);
    if (error.empty()) {
      m_ctx.log.debug(m_tag, "feeder thread pinned to " + where + ", nearest PCI " + bus);
    } else {
      m_ctx.log.warning(m_tag, "feeder thread not pinned near PCI " + bus + ": " + error);
    }
  }
  try {
    while (true) {
      if (!stop.stop_requested()) {
        for (int s = 0; s < GpuScanner::kSlots; ++s) {
          if (!m_slots[std::size_t(s)].active && !launch_next(s)) break;
        }
      }
      if (!any_active()) {
        m_counters.idle();
        if (stop.stop_requested()) break;
        m_ctx.board.wait_for_newer(stop, m_snap.generation);
        m_counters.busy(steady_ns(Clock::now()));
        continue;
      }
      complete(oldest_active());
      if (too_many_errors()) {
        m_ctx.log.error(m_tag, "STOPPED: " + std::to_string(m_counters.hw_errors.load()) +
                                   " hardware errors in " +
                                   std::to_string(m_counters.candidates.load()) +
                                   " candidates; the device's results cannot be trusted");
        while (any_active())
          complete(oldest_active());
        m_counters.failed.store(true);
        m_counters.idle();
        return;
      }
    }
  } catch (const Abandoned&) {
    return;  // the backend may be gone: touch nothing
  } catch (const GpuError& e) {
    if (m_abandoned.load()) return;
    m_ctx.log.error(m_tag, std::string("STOPPED: ") + e.what());
    m_counters.broken.store(true);  // the watchdog restarts it
    m_counters.idle();
  }
}

bool GpuBackend::Feeder::launch_next(int slot) {
  const std::uint64_t generation = m_ctx.board.generation();
  if (generation != m_snap.generation) {
    m_snap = m_ctx.board.current();
    m_spent_logged = false;
    if (m_run.active() && m_snap.space == m_run.snap.space) {
      // The same work under a new share target (or published again): go on where it was.
      if (m_snap.job->share_target != m_run.snap.job->share_target) {
        m_run.work = build_work(*m_snap.job, m_run.piece, m_run.versions);
      }
      m_run.snap = m_snap;
    } else {
      m_run = Run{};
    }
  }
  if (!m_snap.job) return false;
  const std::uint64_t size = m_sizer.size();
  if (!m_run.active()) {
    const bool roll = m_snap.job->version_mask != 0 && size >= 2 * kMinPerVersion;
    const auto piece = roll ? m_snap.space->claim_headers(std::uint32_t(std::min<std::uint64_t>(
                                  kernels::gpu::kMaxVersions, size / kMinPerVersion)))
                            : m_snap.space->claim(size);
    if (!piece) {
      if (!m_spent_logged) {
        m_ctx.log.warning(m_tag, "job " + m_snap.job->job_id +
                                     ": its whole nonce space is hashed; waiting for a new job");
      }
      m_spent_logged = true;
      return false;
    }
    m_run = Run{m_snap, *piece, {}, nullptr, 0};
    for (std::uint32_t i = 0; i < piece->headers; ++i)
      m_run.versions.push_back(m_snap.space->version_at(piece->header_index + i));
    m_run.work = build_work(*m_snap.job, *piece, m_run.versions);
  }
  const std::uint64_t per_version =
      std::min({std::max<std::uint64_t>(size / m_run.versions.size(), 1),
                m_run.piece.count - m_run.next, kMaxLaunch});
  InFlight& f = m_slots[std::size_t(slot)];
  f.snap = m_run.snap;
  f.piece = m_run.piece;
  f.versions = m_run.versions;
  f.work = m_run.work;
  f.first = std::uint32_t(m_run.piece.first_nonce + m_run.next);
  f.count = std::uint32_t(per_version);
  m_run.next += per_version;
  m_scanner.launch(slot, *f.work, f.first, f.count);
  check_abandoned();
  f.active = true;
  f.sequence = ++m_sequence;
  f.launched = Clock::now();
  if (m_announced != f.snap.generation) {
    m_counters.generation_since_ns.store(steady_ns(f.launched), std::memory_order_relaxed);
    m_counters.generation.store(f.snap.generation, std::memory_order_release);
    m_announced = f.snap.generation;
  }
  return true;
}

void GpuBackend::Feeder::complete(int slot) {
  InFlight& f = m_slots[std::size_t(slot)];
  const kernels::gpu::LaunchResult r = m_scanner.wait(slot);
  check_abandoned();
  const Clock::time_point now = Clock::now();
  f.active = false;
  if (r.overflow) {
    // More hits than the buffer holds (an absurdly easy target): rescan the range in halves.
    const std::vector<Hit> all = kernels::gpu::scan_all(m_scanner, *f.work, f.first, f.count, slot);
    check_abandoned();
    push_hits(f, all);
  } else {
    push_hits(f, r.hits);
  }
  const std::uint64_t hashes = std::uint64_t(f.count) * f.versions.size();
  m_counters.hashes.fetch_add(hashes, std::memory_order_relaxed);
  // With the other slot queued behind it, the time since the previous completion is the kernel's
  // own time; after an idle spell, the time since this launch.
  const Clock::time_point since = std::max(m_last_completion, f.launched);
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(now - since);
  m_counters.batch_done(steady_ns(now), took.count());
  m_sizer.record(hashes, took);
  m_last_completion = now;
}

void GpuBackend::Feeder::push_hits(const InFlight& f, std::span<const Hit> hits) {
  std::uint64_t pushed = 0;
  for (const Hit& h : hits) {
    if (h.version_index >= f.versions.size()) {
      m_counters.hw_errors.fetch_add(1, std::memory_order_relaxed);  // not even a valid hit
      continue;
    }
    // The kernel compared the top word only; where it equals the target's, the lower words
    // decide. A near miss is dropped; a wrong top word goes on to the verifier, which counts the
    // hardware error.
    if (f.work->needs_exact_check(h.top) &&
        kernels::gpu::check_hit(*f.work, h) == kernels::gpu::HitCheck::near_miss) {
      continue;
    }
    m_ctx.candidates.push({m_device, f.snap.generation, f.snap.job, f.piece.extranonce2,
                           f.versions[h.version_index], f.piece.ntime, h.nonce});
    ++pushed;
  }
  m_counters.candidates.fetch_add(pushed, std::memory_order_relaxed);
}

bool GpuBackend::Feeder::too_many_errors() const {
  const std::uint64_t errors = m_counters.hw_errors.load(std::memory_order_relaxed);
  return errors >= m_backend.m_options.max_hw_errors &&
         errors * 10 > m_counters.candidates.load(std::memory_order_relaxed);
}

int GpuBackend::Feeder::oldest_active() const {
  if (!m_slots[0].active) return 1;
  if (!m_slots[1].active) return 0;
  return m_slots[0].sequence < m_slots[1].sequence ? 0 : 1;
}

GpuBackend::GpuBackend(std::string name,
                       std::vector<std::unique_ptr<kernels::gpu::GpuScanner>> scanners,
                       GpuBackendOptions options)
    : m_name(std::move(name)), m_options(std::move(options)), m_scanners(std::move(scanners)) {
  if (m_scanners.empty()) throw std::invalid_argument("GpuBackend " + m_name + ": no devices");
  for (const auto& s : m_scanners)
    m_infos.push_back(s->info());
}

GpuBackend::~GpuBackend() {
  stop();
}

std::vector<DeviceDescription> GpuBackend::devices() const {
  std::vector<DeviceDescription> out;
  for (const kernels::gpu::GpuDeviceInfo& info : m_infos) {
    out.push_back({info.id, info.kernel,
                   info.name + (info.bus_id.empty() ? "" : ", PCI " + info.bus_id), info.bus_id});
  }
  return out;
}

void GpuBackend::start(const BackendContext& ctx) {
  if (!m_threads.empty()) throw std::logic_error("GpuBackend: started twice");
  if (ctx.counters.size() != m_scanners.size()) {
    throw std::invalid_argument("GpuBackend: one DeviceCounters per device needed");
  }
  m_ctx = std::make_unique<BackendContext>(ctx);
  m_threads.resize(m_scanners.size());
  for (std::size_t i = 0; i < m_scanners.size(); ++i)
    m_threads[i] = start_feeder(i);
}

std::unique_ptr<DeviceThread> GpuBackend::start_feeder(std::size_t index) {
  // Busy, for the watchdog, whenever not waiting for work, from before the thread exists: a
  // feeder wedged in the driver before its first launch completes is a stall too.
  m_ctx->counters.at(index)->busy(steady_ns(Clock::now()));
  GpuScanner* scanner = m_scanners.at(index).get();
  return std::make_unique<DeviceThread>(
      m_infos.at(index).id,
      [this, scanner, index](std::stop_token stop, const std::atomic<bool>& abandoned) {
        Feeder(*this, *scanner, index, abandoned).run(stop);
      });
}

void GpuBackend::stop() {
  // Each feeder finishes its launches in flight and queues their hits; one wedged in the driver
  // is abandoned.
  const auto grace = [this](std::size_t i) {
    return stop_grace(m_ctx->counters[i]->batch_ns.load());
  };
  for (const std::size_t i : stop_all(m_threads, grace)) {
    m_ctx->log.error(m_infos[i].id, "did not stop in time (wedged in the driver?); abandoned it");
    keep_forever(std::move(m_scanners[i]));
  }
  m_threads.clear();
}

bool GpuBackend::stop_feeder(std::size_t index, std::chrono::nanoseconds grace) {
  std::unique_ptr<DeviceThread>& t = m_threads.at(index);
  const bool stopped = !t || t->stop_within(grace);
  t.reset();
  if (!stopped) {
    m_ctx->log.warning(m_infos[index].id,
                       "its feeder did not stop in time (wedged in the driver?); abandoned it "
                       "with its device context");
    keep_forever(std::move(m_scanners[index]));
  }
  m_ctx->counters.at(index)->idle();
  return stopped;
}

std::string GpuBackend::restart_device(std::size_t index, std::chrono::nanoseconds grace) {
  stop_feeder(index, grace);
  if (m_options.reopen) {
    std::string error;
    std::unique_ptr<GpuScanner> fresh =
        open_within(m_options.reopen, index, m_options.reopen_limit, error);
    if (!fresh) return error;
    m_scanners[index] = std::move(fresh);  // the old one (when not abandoned) is closed here
  }
  if (!m_scanners[index]) return "its feeder is wedged in the driver and it cannot be reopened";
  m_ctx->counters.at(index)->broken.store(false);
  try {
    m_threads[index] = start_feeder(index);
  } catch (const std::system_error& e) {
    return std::string("no thread for its feeder: ") + e.what();
  }
  return {};
}

void GpuBackend::retire_device(std::size_t index, std::chrono::nanoseconds grace) {
  stop_feeder(index, grace);
}

}  // namespace hashrig::host
