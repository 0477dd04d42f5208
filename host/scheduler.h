// Scheduler: turns jobs from any source into work for every device, and device hits into
// verified shares routed back to the source that issued the job.
//
//   source --publish(Job)--> JobBoard --(generation)--> backends' devices
//   devices --Candidate--> CandidateQueue --> verification thread --Share--> the source's sink
//
// publish() validates the job first: a malformed job is refused with a ParseError naming the
// field and the previous job keeps running. The verification thread is the only consumer of the
// candidate queue; on stop() it drains the queue, so nothing found is lost. With a watchdog set,
// a device that stalls is restarted through its backend (device_watchdog.h).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/backend.h"
#include "host/candidate.h"
#include "host/device_watchdog.h"
#include "host/job_board.h"
#include "host/log.h"
#include "host/share.h"
#include "host/stats.h"

namespace hashrig::host {

class Scheduler {
 public:
  explicit Scheduler(Logger& log);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Before start(): a backend and its devices (each gets its DeviceCounters in stats()).
  void add_backend(std::unique_ptr<Backend> backend);
  // Where shares of jobs from `source_id` go; nullptr removes it. Thread-safe. The sink must
  // outlive its registration.
  void set_sink(const std::string& source_id, ShareSink* sink);
  // Before start(): watch the devices (device_watchdog.h). Off unless set.
  void set_watchdog(const WatchdogOptions& options) { m_watchdog_options = options; }

  // Starts the verification thread and every backend's devices. Throws std::runtime_error when
  // no device could start.
  void start();
  // Validates and publishes a job; returns its generation. Throws core::ParseError (naming the
  // field) for a malformed job, leaving the current job in place.
  std::uint64_t publish(core::Job job, const SpaceStart& start = {});
  // The operator's pause (JobBoard::set_paused): devices idle at their next batch boundary; jobs
  // published meanwhile are kept for the resume. Returns false when already in that state.
  bool set_paused(bool paused);
  bool paused() const { return m_board.paused(); }
  // Stops the devices, then verifies and routes every candidate still queued. Idempotent.
  void stop();

  Stats& stats() { return m_stats; }
  const JobBoard& board() const { return m_board; }
  std::vector<DeviceDescription> devices() const;

 private:
  void verify_loop();
  void route(const Share& share);

  Logger& m_log;
  std::string m_last_candidate_job;  // route() only (the verification thread)
  JobBoard m_board;
  CandidateQueue m_candidates;
  Stats m_stats;
  std::vector<std::unique_ptr<Backend>> m_backends;
  std::vector<std::size_t> m_first_device;  // per backend
  std::mutex m_sink_mutex;
  std::map<std::string, ShareSink*> m_sinks;  // guarded by m_sink_mutex
  std::jthread m_verifier;
  std::optional<WatchdogOptions> m_watchdog_options;
  std::unique_ptr<DeviceWatchdog> m_watchdog;
  bool m_started = false;
  bool m_stopped = false;
};

// "6b0255a3 diff 0.001 clean" style one-line description of a job, for logs.
std::string describe_job(const core::Job& job);

}  // namespace hashrig::host
