// How the stats reach a person and a script: the status line logged every few seconds, and the
// summary JSON written at exit (--summary-json FILE).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/job.h"
#include "host/stats.h"

namespace hashrig::stratum {
struct ClientOptions;
}

namespace hashrig::host {

// "126.41 MH/s": hashes per second with an SI prefix, two decimals.
std::string format_hashrate(double hashes_per_second);

// One line: rates over 5 s / 60 s / 15 min, shares (accepted, rejected, stale), hardware errors,
// blocks, and `context` (e.g. the current job and difficulty) when not empty.
std::string status_line(const StatsSnapshot& s, const std::string& context);
// The status line's context: where the work comes from, the share difficulty and the job, e.g.
// "pool main stratum+tcp://pool.example:3333 | diff 65536 | job 1f2e"; without a job,
// "waiting for a job" (from `source`, when it is known).
std::string status_context(const core::Job* job, const std::string& source);
// The pool of `pools` whose name is `source_id` (a Job's source), named with its URL:
// "pool main stratum+tcp://pool.example:3333"; an unnamed pool is "pool<N>", as the client names
// it. "pool <source_id>" when none matches.
std::string pool_label(const stratum::ClientOptions& pools, const std::string& source_id);
// The devices out of the hunt for a fault, for the status line: "cuda#1 dead, opencl#0
// restarting, cpu#3 failed" (see device_state_name); empty while every device is well.
std::string device_trouble(Stats& stats);
// One line per device: its id, kernel, rates and counts.
std::string device_line(const DeviceSnapshot& d);

// The summary file's object. Totals: accepted, rejected, stale, hw_errors, blocks_found,
// blocks_accepted, shares, unrouted, hashes, hashrate_5s, hashrate_60s, hashrate_15m (H/s),
// uptime_s; and devices[]: id, kernel, hashes, shares, hw_errors and the three rates.
nlohmann::ordered_json summary_json(const StatsSnapshot& s);

// Writes summary_json(s) to `path` through a temporary file and a rename, so a reader never sees
// half a file. Throws std::runtime_error naming the path and the reason.
void write_summary_file(const std::string& path, const StatsSnapshot& s);

}  // namespace hashrig::host
