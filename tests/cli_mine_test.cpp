// hashrig mine and the scheduler benchmarks, driven as a user would: the summary file's fields,
// the status line, bad job files and options named in the error, and a real hashrig process
// stopped with SIGTERM that still writes its summary.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli_run.h"
#include "host/job_file_source.h"
#include "server_process.h"
#include "test_support.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return nlohmann::json::parse(in);
}

// Writes the recorded job file with one change made by `edit`.
fs::path edited_job_file(const std::string& name, void (*edit)(nlohmann::json&)) {
  nlohmann::json j = test::load_gbt_fixture("stratum-ckpool-shares-5tx.json");
  edit(j);
  const fs::path path = test::temp_path(name);
  std::ofstream(path) << j.dump();
  return path;
}

void expect_summary_fields(const nlohmann::json& s) {
  for (const char* key : {"accepted", "rejected", "stale", "hw_errors", "blocks_found",
                          "blocks_accepted", "hashrate_5s", "hashrate_60s", "uptime_s"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  ASSERT_TRUE(s.at("devices").is_array());
  ASSERT_FALSE(s.at("devices").empty());
  for (const auto& d : s.at("devices")) {
    EXPECT_TRUE(d.at("id").get<std::string>().starts_with("cpu#"));
    EXPECT_TRUE(d.contains("hashrate_5s"));
    EXPECT_GT(d.at("hashes").get<std::uint64_t>(), 0u);
  }
}

TEST(CliMine, MinesARecordedJobAndWritesTheSummary) {
  const fs::path summary = test::temp_path("summary.json");
  const auto r = test::run_cli({"mine", "--job-file", test::kRecordedJobFile, "--duration", "1.5",
                                "--status-interval", "0.5", "--summary-json", summary.string(),
                                "--threads", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("[stats]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("MH/s (5s)"), std::string::npos) << r.err;
  const nlohmann::json s = read_json(summary);
  expect_summary_fields(s);
  EXPECT_EQ(s.at("devices").size(), 2u);
  EXPECT_EQ(s.at("hw_errors"), 0);
  EXPECT_GT(s.at("hashrate_5s").get<double>(), 0);
  EXPECT_GT(s.at("uptime_s").get<double>(), 1.0);
  // Regtest's network target is easier than the pool's difficulty: every share is a block.
  EXPECT_EQ(s.at("blocks_found"), s.at("shares"));
  EXPECT_EQ(s.at("unrouted"), 0);
  fs::remove(summary);
}

TEST(CliMine, BadJobFilesAndOptionsAreNamed) {
  const fs::path short_branch = edited_job_file("branch.json", [](nlohmann::json& j) {
    j["job"][4][1] = "2ce4f20fc65debd94bef19affea1e1ccdde55b171411374d6e63cded7dcd7b";
  });
  const fs::path no_en2 =
      edited_job_file("en2.json", [](nlohmann::json& j) { j.erase("extranonce2_size"); });
  const fs::path zero_en2 =
      edited_job_file("en2zero.json", [](nlohmann::json& j) { j["extranonce2_size"] = 0; });
  const fs::path mask =
      edited_job_file("mask.json", [](nlohmann::json& j) { j["version_mask"] = "e0000000"; });
  const fs::path not_json = test::temp_path("garbage.json");
  std::ofstream(not_json) << "{\"job\": [";
  const struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"mine"}, "no job source"},
      {{"mine", "--job-file", "/nonexistent/job.json"}, "--job-file: cannot open"},
      {{"mine", "--job-file", not_json.string()}, "not valid JSON"},
      {{"mine", "--job-file", short_branch.string()}, "merkle_branch[1]"},
      {{"mine", "--job-file", no_en2.string()}, "extranonce2_size: missing"},
      {{"mine", "--job-file", zero_en2.string()}, "extranonce2_size"},
      {{"mine", "--job-file", mask.string()}, "version_mask"},
      {{"mine", "--job-file", test::kRecordedJobFile, "--difficulty", "0"}, "--difficulty"},
      {{"mine", "--job-file", test::kRecordedJobFile, "--difficulty", "nan"}, "--difficulty"},
      {{"mine", "--job-file", test::kRecordedJobFile, "--threads", "0"}, "--threads"},
      {{"mine", "--job-file", test::kRecordedJobFile, "--duration", "-1"}, "--duration"},
      {{"mine", "--job-file", test::kRecordedJobFile, "--status-interval", "x"},
       "--status-interval"},
      {{"mine", "--job-file", test::kRecordedJobFile, "--cpu-kernel", "sse9"}, "--cpu-kernel"},
  };
  for (const auto& c : cases) {
    const auto r = test::run_cli(c.args);
    EXPECT_EQ(r.status, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in\n"
                                                        << r.err;
  }
  for (const fs::path& p : {short_branch, no_en2, zero_en2, mask, not_json})
    fs::remove(p);
}

TEST(CliMine, SigtermStopsARealProcessThatStillWritesItsSummary) {
  const fs::path summary = test::temp_path("sigterm.json");
  // Signalled once it says it is mining (start-up under a sanitizer on a loaded machine can take
  // seconds), then left to hash a while so the summary has something in it.
  test::ServerProcess hashrig(HASHRIG_BINARY,
                              {"mine", "--job-file", test::kRecordedJobFile, "--status-interval",
                               "0", "--summary-json", summary.string(), "--log-level", "info"},
                              std::chrono::seconds(60), test::ServerProcess::Stderr::merged);
  ASSERT_TRUE(hashrig.wait_for_line("] mining ")) << "no 'mining' line from hashrig";
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  hashrig.signal(SIGTERM);
  ASSERT_TRUE(hashrig.wait_for_line("stopping on SIGTERM"));
  EXPECT_EQ(hashrig.wait(), 0);  // 128 + N when killed by signal N
  const nlohmann::json s = read_json(summary);
  expect_summary_fields(s);
  EXPECT_GT(s.at("uptime_s").get<double>(), 0.5);
  fs::remove(summary);
}

TEST(OfflineShareLog, CountsStaleSharesAndNothingElse) {
  std::ostringstream text;
  host::Logger log(text, host::LogLevel::debug, false);
  host::Totals totals;
  host::OfflineShareLog sink(log, totals);
  host::Share share;
  share.job_id = "j";
  share.source_id = "job-file";
  share.extranonce2 = {0, 1};
  sink.submit(share);
  share.stale = true;
  sink.submit(share);
  EXPECT_EQ(totals.stale.load(), 1u);
  EXPECT_EQ(totals.accepted.load() + totals.rejected.load(), 0u);  // no pool: nothing to answer
  EXPECT_NE(text.str().find("[\"j\", \"0001\""), std::string::npos) << text.str();
}

TEST(CliBench, SchedulerAndSwitchBenchmarksReportTheirFigures) {
  auto r = test::run_cli({"bench", "--scheduler", "--seconds", "0.3", "--threads", "2", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto overhead = nlohmann::json::parse(r.out);
  EXPECT_EQ(overhead.at("workers"), 2);
  EXPECT_GT(overhead.at("scheduler_mhps").get<double>(), 0);
  EXPECT_GT(overhead.at("scheduler_vs_kernel_only").get<double>(), 0);
  EXPECT_EQ(overhead.at("hw_errors"), 0);

  r = test::run_cli({"bench", "--switch", "--switches", "20", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto sw = nlohmann::json::parse(r.out);
  EXPECT_EQ(sw.at("switches"), 20);
  EXPECT_EQ(sw.at("timeouts"), 0);
  EXPECT_GT(sw.at("p50_us").get<double>(), 0);
  EXPECT_GE(sw.at("p99_us").get<double>(), sw.at("p50_us").get<double>());

  r = test::run_cli({"bench", "--submit", "--shares", "20", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto submit = nlohmann::json::parse(r.out);
  EXPECT_EQ(submit.at("shares"), 20);
  EXPECT_EQ(submit.at("lost"), 0);
  EXPECT_GT(submit.at("p99_us").get<double>(), 0);

  r = test::run_cli({"bench", "--switch", "--scheduler"});
  EXPECT_EQ(r.status, 2);
  r = test::run_cli({"bench", "--shares", "5"});
  EXPECT_EQ(r.status, 2);
  r = test::run_cli({"bench", "--switches", "5"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--switches"), std::string::npos);
}

}  // namespace
}  // namespace hashrig
