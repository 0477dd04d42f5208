// The hashrig command line, run in-process through run_cli with string streams: exit statuses,
// messages that name the bad argument, and the exact output formats scripts rely on.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.h"

namespace {

constexpr const char* kGenesis =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
    "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
constexpr const char* kGenesisHash =
    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
constexpr const char* kDiff1 = "00000000ffff0000000000000000000000000000000000000000000000000000";

using hashrig::test::CliRun;

CliRun run(std::vector<std::string> args, const std::string& stdin_text = "") {
  return hashrig::test::run_cli(std::move(args), stdin_text);
}

std::vector<std::string> scan_args(std::string header, std::string start, std::string count,
                                   std::string target) {
  return {"scan", "--header", header, "--start", start, "--count", count, "--target", target};
}

TEST(Cli, HashOfTheGenesisHeader) {
  const CliRun r = run({"hash", kGenesis});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kGenesisHash) + "\n");
}

TEST(Cli, HashReadsHexFromStdinIgnoringWhitespace) {
  std::string spaced = std::string(kGenesis).insert(40, "\n  ").append("\n");
  const CliRun r = run({"hash"}, spaced);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kGenesisHash) + "\n");
}

TEST(Cli, ScanJsonFindsTheGenesisNonce) {
  auto args = scan_args(kGenesis, "2083236800", "200", kDiff1);
  args.push_back("--json");
  const CliRun r = run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["hits"].size(), 1u);
  EXPECT_EQ(j["hits"][0]["nonce"], 2083236893u);
  EXPECT_EQ(j["hits"][0]["hash"], kGenesisHash);
  EXPECT_EQ(j["hashes"], 200u);
}

TEST(Cli, ScanAcceptsHexNumbersAndTheWholeRangeEnd) {
  // 0x7c2bac1d = 2083236893; the range [0xffffff00, 2^32) ends exactly at 2^32.
  auto a = scan_args(kGenesis, "0x7c2bac00", "0x100", kDiff1);
  a.push_back("--json");
  const CliRun r = run(a);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["hits"][0]["nonce"], 2083236893u);
  EXPECT_EQ(run(scan_args(kGenesis, "0xffffff00", "256", kDiff1)).status, 0);
}

TEST(Cli, CpuKernelChoosesTheScanKernelUnlessKernelIsGiven) {
  auto a = scan_args(kGenesis, "2083236800", "200", kDiff1);
  a.insert(a.begin(), {"--cpu-kernel", "scalar"});
  const CliRun r = run(a);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("with kernel scalar"), std::string::npos) << r.out;
  a.insert(a.end(), {"--kernel", "auto"});
  EXPECT_EQ(run(a).out.find("with kernel scalar"), std::string::npos);
}

TEST(Cli, DevicesJsonDescribesTheCpu) {
  const CliRun r = run({"devices", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto& cpu = j.at("cpu");
  EXPECT_TRUE(cpu.at("model").is_string());
  EXPECT_GE(cpu.at("packages").get<unsigned>(), 1u);
  EXPECT_TRUE(cpu.at("numa_nodes").is_number_unsigned());
  ASSERT_GE(cpu.at("cores").get<unsigned>(), 1u);
  ASSERT_EQ(cpu.at("core_list").size(), cpu.at("cores").get<std::size_t>());
  std::size_t pus = 0;
  for (const auto& core : cpu.at("core_list")) {
    EXPECT_TRUE(core.at("index").is_number_unsigned());
    EXPECT_TRUE(core.at("package").is_number_unsigned());
    EXPECT_TRUE(core.contains("numa_node"));
    pus += core.at("pus").size();
  }
  EXPECT_EQ(cpu.at("pus").get<std::size_t>(), pus);
  for (const auto& cache : cpu.at("caches")) {
    EXPECT_GE(cache.at("level").get<unsigned>(), 1u);
    EXPECT_TRUE(cache.at("type").is_string());
    EXPECT_GT(cache.at("size").get<std::uint64_t>(), 0u);
    EXPECT_GE(cache.at("count").get<unsigned>(), 1u);
  }
  EXPECT_TRUE(j.at("gpus").is_array());
}

TEST(Cli, DevicesTextNamesCoresAndGpus) {
  const CliRun r = run({"devices"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("cores"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GPUs:"), std::string::npos) << r.out;
}

struct BadInput {
  std::vector<std::string> args;
  std::string names;  // the message must contain this
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitsTwoNamingTheArgument) {
  const CliRun r = run(GetParam().args);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(GetParam().names), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

const std::string kHeader158 = std::string(kGenesis).substr(0, 158);
const std::string kBadTarget = std::string("00000g") + std::string(kDiff1).substr(6);

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{{"hash", "abc"}, "odd number of hex digits"},
        BadInput{{"hash", "zz"}, "non-hex character 'z'"},
        BadInput{scan_args(kHeader158, "0", "1", kDiff1), "--header: expected 160 hex digits"},
        BadInput{scan_args(kGenesis + std::string("00"), "0", "1", kDiff1), "--header"},
        BadInput{scan_args(kGenesis, "0", "1", kBadTarget), "--target: non-hex character 'g'"},
        BadInput{scan_args(kGenesis, "0", "1", std::string(kDiff1).substr(2)), "--target"},
        BadInput{scan_args(kGenesis, "0", "0", kDiff1), "--count: must be between 1 and"},
        BadInput{scan_args(kGenesis, "0", "4294967297", kDiff1), "--count"},
        BadInput{scan_args(kGenesis, "4294967000", "1000", kDiff1), "past 2^32"},
        BadInput{scan_args(kGenesis, "-1", "1", kDiff1), "--start"},
        BadInput{scan_args(kGenesis, "abc", "1", kDiff1), "--start"},
        BadInput{{"--cpu-kernel", "nope", "scan", "--header", kGenesis, "--start", "0", "--count",
                  "1", "--target", kDiff1},
                 "--cpu-kernel: unknown kernel 'nope'"},
        BadInput{{"bench", "--threads", "0"}, "--threads"},
        BadInput{{"bench", "--seconds", "-1"}, "--seconds"},
        BadInput{{"bench", "--kernel", "sse9"}, "--kernel: unknown kernel 'sse9'"},
        BadInput{{"--log-level", "loud", "kernels"}, "--log-level"},
        BadInput{{"mine-everything"}, "hashrig:"},
        BadInput{{"scan", "--header", kGenesis}, "--start"}));

}  // namespace
