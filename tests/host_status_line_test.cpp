// The status line: its context names the pool with its URL (or the node, or the job file), the
// share difficulty and the job; its counts; and the devices out of the hunt (dead, restarting,
// failed), which it names so that a glance at the log shows them.
#include <gtest/gtest.h>

#include <string>

#include "core/target.h"
#include "host/stats.h"
#include "host/stats_report.h"
#include "stratum/client.h"

namespace hashrig {
namespace {

core::Job job_from(const std::string& source, double difficulty) {
  core::Job job;
  job.job_id = "1f2e";
  job.source_id = source;
  job.share_target = core::target_from_difficulty(difficulty);
  return job;
}

TEST(StatusLine, NamesThePoolItsUrlTheDifficultyAndTheJob) {
  stratum::ClientOptions pools;
  pools.pools.resize(2);
  pools.pools[0].entry.url = stratum::parse_pool_url("stratum+tcp://main.example:3333");
  pools.pools[0].entry.name = "main";
  pools.pools[1].entry.url = stratum::parse_pool_url("stratum+tls://backup.example:4443");
  EXPECT_EQ(host::pool_label(pools, "main"), "pool main stratum+tcp://main.example:3333");
  EXPECT_EQ(host::pool_label(pools, "pool2"), "pool pool2 stratum+ssl://backup.example:4443");
  EXPECT_EQ(host::pool_label(pools, "other"), "pool other");

  const core::Job job = job_from("pool2", 65536);
  const std::string context = host::status_context(&job, host::pool_label(pools, "pool2"));
  EXPECT_EQ(context, "pool pool2 stratum+ssl://backup.example:4443 | diff 65536 | job 1f2e");
  const core::Job node_job = job_from("node", 0.5);
  EXPECT_EQ(host::status_context(&node_job, "node 127.0.0.1:18443"),
            "node 127.0.0.1:18443 | diff 0.5 | job 1f2e");
  EXPECT_EQ(host::status_context(nullptr, ""), "waiting for a job");
  EXPECT_EQ(host::status_context(nullptr, "job-file"), "waiting for a job from job-file");

  host::StatsSnapshot snap;
  snap.rate_5s = 1.5e6;
  snap.accepted = 7;
  snap.rejected = 1;
  snap.stale = 2;
  snap.shares = 10;
  snap.hw_errors = 3;
  const std::string line = host::status_line(snap, context);
  for (const char* part : {"1.50 MH/s (5s)", "(60s)", "(15m)", "accepted 7", "rejected 1",
                           "stale 2", "hw errors 3", "| pool pool2 stratum+ssl://", "| diff 65536"})
    EXPECT_NE(line.find(part), std::string::npos) << part << " in " << line;
}

TEST(StatusLine, NamesTheDevicesThatAreDeadRestartingOrFailedAndOnlyThose) {
  host::Stats stats;
  for (const char* id : {"cpu#0", "cpu#1", "cuda#0", "opencl#0", "opencl#1"})
    stats.add_device(id, "k");
  EXPECT_EQ(host::device_trouble(stats), "");

  stats.device(2).state = host::DeviceState::dead;
  stats.device(3).state = host::DeviceState::restarting;
  stats.device(1).failed = true;
  stats.device(4).broken = true;
  stats.device(0).idle();  // waiting for work is no trouble
  EXPECT_EQ(host::device_trouble(stats),
            "cpu#1 failed, cuda#0 dead, opencl#0 restarting, opencl#1 failed");

  stats.device(3).state = host::DeviceState::running;  // restarted
  stats.device(4).broken = false;
  EXPECT_EQ(host::device_trouble(stats), "cpu#1 failed, cuda#0 dead");

  EXPECT_EQ(std::string(host::device_state_name(stats.device(0), true, true)), "paused");
  EXPECT_EQ(std::string(host::device_state_name(stats.device(0), false, false)), "idle");
  EXPECT_EQ(std::string(host::device_state_name(stats.device(0), false, true)), "hashing");
  EXPECT_EQ(std::string(host::device_state_name(stats.device(2), true, false)), "dead");
}

}  // namespace
}  // namespace hashrig
