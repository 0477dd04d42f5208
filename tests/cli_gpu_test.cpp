// The GPU side of the command line: `devices` lists the OpenCL device PoCL provides (and says why
// there is no CUDA device), `bench --device opencl:0` measures it with the CPU bench's fields and
// no errors, `mine --devices cpu,opencl:0` hashes on both, and every mistake in a device list is
// named.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "cli_run.h"
#include "gpu_backends.h"

namespace {

using hashrig::test::run_cli;

// Why there is no OpenCL device (PoCL in CI, where one is required); empty when there is one.
std::string why_no_opencl() {
  std::string why;
  return hashrig::kernels::opencl::enumerate_opencl(&why).empty() ? why : std::string();
}

TEST(CliGpu, DevicesListsEveryGpuAndWhyAnApiHasNone) {
  if (const std::string why = why_no_opencl(); !why.empty()) {
    return hashrig::test::no_device("opencl", why);
  }
  const auto r = run_cli({"devices", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_GE(doc.at("gpus").size(), 1u);
  bool opencl = false;
  for (const auto& g : doc.at("gpus")) {
    EXPECT_FALSE(g.at("name").get<std::string>().empty());
    EXPECT_GT(g.at("compute_units").get<unsigned>(), 0u);
    if (g.at("api") == "opencl") {
      opencl = true;
      EXPECT_TRUE(g.contains("opencl_version"));
    }
  }
  EXPECT_TRUE(opencl);
  if (doc.at("gpus_missing").contains("cuda")) {
    EXPECT_FALSE(doc.at("gpus_missing").at("cuda").get<std::string>().empty());
  }
  const auto text = run_cli({"devices"});
  EXPECT_NE(text.out.find("opencl#0: "), std::string::npos) << text.out;
}

TEST(CliGpu, BenchDeviceGivesTheCpuBenchFieldsAndNoErrors) {
  if (const std::string why = why_no_opencl(); !why.empty()) {
    return hashrig::test::no_device("opencl", why);
  }
  const auto r = run_cli({"bench", "--device", "opencl:0", "--seconds", "1", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out).at(0);
  for (const char* field :
       {"kernel", "threads", "seconds", "hashes", "mhps", "mhps_per_thread", "checksum", "units",
        "hits", "errors", "device", "power_w", "hashes_per_joule"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j.at("kernel"), "opencl");
  EXPECT_EQ(j.at("device"), "opencl#0");
  EXPECT_GT(j.at("hashes").get<std::uint64_t>(), 0u);
  EXPECT_GT(j.at("hits").get<std::uint64_t>(), 0u);  // ~1 in 65536 nonces meets 2^240 - 1
  EXPECT_EQ(j.at("errors"), 0);
}

TEST(CliGpu, MinesOnTheCpuAndAnOpenClDeviceTogether) {
  if (const std::string why = why_no_opencl(); !why.empty()) {
    return hashrig::test::no_device("opencl", why);
  }
  const std::string summary = ::testing::TempDir() + "/gpu-summary.json";
  const auto r = run_cli({"mine", "--job-file",
                          std::string(HASHRIG_FIXTURES_DIR) + "/gbt/stratum-ckpool-shares-5tx.json",
                          "--difficulty", "0.0001", "--devices", "cpu,opencl:0", "--threads", "1",
                          "--duration", "3", "--status-interval", "0", "--summary-json", summary});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  bool cpu = false, gpu = false;
  for (const auto& d : s.at("devices")) {
    const std::string id = d.at("id");
    if (id == "cpu#0") cpu = d.at("hashes").get<std::uint64_t>() > 0;
    if (id == "opencl#0") gpu = d.at("hashes").get<std::uint64_t>() > 0;
  }
  EXPECT_TRUE(cpu) << s.dump();
  EXPECT_TRUE(gpu) << s.dump();
  EXPECT_EQ(s.at("hw_errors"), 0) << s.dump();
}

TEST(CliGpu, DeviceListMistakesAreNamed) {
  const std::string job = std::string(HASHRIG_FIXTURES_DIR) + "/gbt/stratum-ckpool-shares-5tx.json";
  struct Case {
    std::string list, message;
  };
  for (const Case& c :
       {Case{"gpu", "--devices: 'gpu' is not a device"},
        Case{"cuda:x", "--devices: 'cuda:x' is not a device"},
        Case{"cuda:7", "--devices: there is no cuda:7"},
        Case{"opencl:99", "--devices: there is no opencl:99"},
        Case{"", "--devices: empty device list"}, Case{"cpu,,", "--devices: '' is not a device"}}) {
    const auto r = run_cli({"mine", "--job-file", job, "--devices", c.list, "--duration", "1"});
    EXPECT_EQ(r.status, 2) << c.list << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.list << ": " << r.err;
  }
  const auto bench = run_cli({"bench", "--device", "opencl:0", "--threads", "2"});
  EXPECT_EQ(bench.status, 2);
  EXPECT_NE(bench.err.find("--device: a GPU benchmark takes only --seconds and --json"),
            std::string::npos)
      << bench.err;
  const auto devices_elsewhere = run_cli({"kernels", "--devices", "cpu"});
  EXPECT_EQ(devices_elsewhere.status, 2);
  EXPECT_NE(devices_elsewhere.err.find("--devices: only when mining"), std::string::npos)
      << devices_elsewhere.err;
}

}  // namespace
