// The job-file source: mines one recorded Stratum job offline, with no pool. The file holds the
// session and the job as a pool sent them (the shape of the recorded pool fixtures):
//   {"extranonce1": "a555026b", "extranonce2_size": 8, "difficulty": 0.001,
//    "job": [mining.notify params], "version_mask": "1fffe000" (optional),
//    "ntime_roll": 0 (optional), "source": "name" (optional, default "job-file")}
// Shares found are logged as the mining.submit parameters a pool would get, and counted; nothing
// is sent anywhere. For benchmarking through the scheduler, replaying recorded work, and trying a
// rig without a pool.
#pragma once

#include <optional>
#include <string>

#include "core/job.h"
#include "host/log.h"
#include "host/share.h"
#include "host/stats.h"

namespace hashrig::host {

// Reads and parses the file. Throws UsageError naming the file and what was wrong (cannot open,
// not JSON, a missing or malformed field, a malformed job). `difficulty` overrides the file's.
core::Job load_job_file(const std::string& path, std::optional<double> difficulty);

class OfflineShareLog : public ShareSink {
 public:
  // Shares found for a job a clean job had replaced are counted in `totals.stale`; each share is
  // recorded in `recent` (when given) as "logged" or "stale".
  OfflineShareLog(Logger& log, Totals& totals, RecentShares* recent = nullptr)
      : m_log(log), m_totals(totals), m_recent(recent) {}
  void submit(const Share& share) override;

 private:
  Logger& m_log;
  Totals& m_totals;
  RecentShares* m_recent;
};

}  // namespace hashrig::host
