#include "host/scheduler.h"

#include <cstdio>
#include <stdexcept>

#include "core/bytes.h"
#include "core/target.h"
#include "host/verifier.h"

namespace hashrig::host {
namespace {

std::string share_text(const Share& s, const std::string& device) {
  char diff[32];
  std::snprintf(diff, sizeof diff, "%.6g", s.difficulty);
  char fields[64];
  std::snprintf(fields, sizeof fields, "ntime %08x nonce %08x version %08x", s.ntime, s.nonce,
                s.version);
  return "job " + s.job_id + " extranonce2 " + core::to_hex(s.extranonce2) + " " + fields +
         " diff " + diff + " from " + device;
}

}  // namespace

bool Scheduler::set_paused(bool paused) {
  if (!m_board.set_paused(paused)) return false;
  m_log.info("sched", paused ? "paused: the devices idle until resumed"
                             : "resumed: the devices hash the current job");
  return true;
}

std::string describe_job(const core::Job& job) {
  char diff[32];
  std::snprintf(diff, sizeof diff, "%.6g", core::difficulty_from_target(job.share_target));
  return "job " + job.job_id + " from " + job.source_id + " (diff " + diff +
         (job.clean ? ", clean: new block)" : ")");
}

Scheduler::Scheduler(Logger& log) : m_log(log) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::add_backend(std::unique_ptr<Backend> backend) {
  if (m_started) throw std::logic_error("Scheduler: add_backend after start");
  if (!backend) throw std::invalid_argument("Scheduler: no backend");
  m_first_device.push_back(m_stats.device_count());
  for (const DeviceDescription& d : backend->devices())
    m_stats.add_device(d.id, d.kernel);
  m_backends.push_back(std::move(backend));
}

void Scheduler::set_sink(const std::string& source_id, ShareSink* sink) {
  std::lock_guard lock(m_sink_mutex);
  if (sink) {
    m_sinks[source_id] = sink;
  } else {
    m_sinks.erase(source_id);
  }
}

std::vector<DeviceDescription> Scheduler::devices() const {
  std::vector<DeviceDescription> out;
  for (const auto& b : m_backends) {
    for (DeviceDescription& d : b->devices())
      out.push_back(std::move(d));
  }
  return out;
}

void Scheduler::start() {
  if (m_started) throw std::logic_error("Scheduler: started twice");
  if (m_backends.empty()) throw std::runtime_error("no hashing backend configured");
  m_started = true;
  m_verifier = std::jthread([this] { verify_loop(); });
  std::size_t started = 0;
  std::vector<DeviceWatchdog::Device> watched;
  for (std::size_t b = 0; b < m_backends.size(); ++b) {
    const std::size_t first = m_first_device[b];
    const std::size_t end =
        b + 1 < m_backends.size() ? m_first_device[b + 1] : m_stats.device_count();
    std::vector<DeviceCounters*> counters;
    for (std::size_t i = first; i < end; ++i)
      counters.push_back(&m_stats.device(i));
    try {
      m_backends[b]->start({m_board, m_candidates, counters, first, m_log});
      ++started;
      for (std::size_t i = first; i < end; ++i)
        watched.push_back({m_backends[b].get(), i - first, &m_stats.device(i)});
    } catch (const std::exception& e) {
      m_log.error(std::string(m_backends[b]->name()),
                  std::string("backend could not start: ") + e.what());
    }
  }
  if (started == 0) {
    stop();
    throw std::runtime_error("no hashing backend could start");
  }
  if (m_watchdog_options && m_watchdog_options->min_stall.count() > 0) {
    m_watchdog = std::make_unique<DeviceWatchdog>(*m_watchdog_options, std::move(watched), m_log);
  }
}

std::uint64_t Scheduler::publish(core::Job job, const SpaceStart& start) {
  core::validate(job);  // throws ParseError naming the field; the board is untouched
  const std::string what = describe_job(job);
  const std::uint64_t generation =
      m_board.publish(std::make_shared<const core::Job>(std::move(job)), start);
  m_log.debug("sched", "hashing " + what + ", generation " + std::to_string(generation));
  return generation;
}

void Scheduler::stop() {
  if (m_stopped) return;
  m_stopped = true;
  m_watchdog.reset();  // no restart races the stop below
  for (const auto& b : m_backends)
    b->stop();  // no device pushes after this
  m_candidates.close();
  if (m_verifier.joinable()) m_verifier.join();  // drains the queue first
}

void Scheduler::verify_loop() {
  Verifier verifier(m_board, m_stats);
  while (auto c = m_candidates.pop()) {
    std::optional<Share> share = verifier.verify(*c);
    const std::string& device = m_stats.device(c->device).id;
    if (!share) {
      // Every error is counted; the log gets the first ten, then every power of two.
      const std::uint64_t errors = m_stats.device(c->device).hw_errors.load();
      if (errors <= 10 || (errors & (errors - 1)) == 0) {
        m_log.warning(device, "HARDWARE ERROR: nonce " + std::to_string(c->nonce) + " of job " +
                                  c->job->job_id +
                                  " does not meet the share target on the CPU reference; not "
                                  "submitted (" +
                                  std::to_string(errors) + " errors on this device so far)");
      }
      continue;
    }
    route(*share);
  }
}

void Scheduler::route(const Share& share) {
  const std::string& device = m_stats.device(share.device).id;
  if (share.block_candidate) {
    // The first candidate of a job at info; more of the same job (only at test-network
    // difficulties, where half the nonces are blocks) at debug.
    const LogLevel level = share.job_id == m_last_candidate_job ? LogLevel::debug : LogLevel::info;
    m_last_candidate_job = share.job_id;
    m_log.log(
        level, "sched",
        "BLOCK CANDIDATE: " + share_text(share, device) + ", header " + core::to_hex(share.header));
  } else {
    m_log.debug("sched",
                std::string(share.stale ? "stale share: " : "share: ") + share_text(share, device));
  }
  std::lock_guard lock(m_sink_mutex);
  const auto it = m_sinks.find(share.source_id);
  if (it == m_sinks.end()) {
    m_stats.totals().unrouted.fetch_add(1, std::memory_order_relaxed);
    m_log.error("sched", "no source '" + share.source_id + "' to take " +
                             share_text(share, device) + "; header " + core::to_hex(share.header));
    return;
  }
  it->second->submit(share);
}

}  // namespace hashrig::host
