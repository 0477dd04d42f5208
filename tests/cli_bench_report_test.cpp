// hashrig bench --report DIR through the real command line: it creates DIR, writes bench.json
// (machine, one result per usable kernel, one scaling point per thread count) and a bench.svg
// that parses, says where; --report with another benchmark is bad usage, and a DIR that cannot
// be created is a runtime failure naming the path and the reason.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_run.h"
#include "kernels/cpu/kernel_registry.h"
#include "svg_xml.h"

namespace {

namespace fs = std::filesystem;
using hashrig::test::run_cli;

// A fresh directory path (not created) under the test's temporary directory.
fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("hashrig-report-" + name);
  fs::remove_all(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<unsigned> doubling_to(unsigned most) {
  std::vector<unsigned> out;
  for (unsigned t = 1; t < most; t *= 2)
    out.push_back(t);
  out.push_back(most);
  return out;
}

// Checks the SVG beside the JSON: it parses, one bar per result, one point per thread count.
void expect_svg_matches(const fs::path& svg, const nlohmann::json& doc) {
  const std::string text = read_file(svg);
  const auto xml = hashrig::test::parse_xml(text);
  ASSERT_NE(xml, nullptr) << text;
  EXPECT_EQ(hashrig::test::select(xml.get(), "//svg:rect[@class='bar']").size(),
            doc.at("results").size());
  const auto line = hashrig::test::select(xml.get(), "//svg:polyline[@class='measured']");
  ASSERT_EQ(line.size(), 1u);
  EXPECT_EQ(hashrig::test::polyline_points(line[0]).size(), doc.at("scaling").at("points").size());
}

TEST(CliBenchReport, WritesTheJsonAndTheChartIntoANewDirectory) {
  const fs::path dir = fresh_dir("all") / "nested" / "deeper";
  const auto r = run_cli({"bench", "--report", dir.string(), "--seconds", "0.2"});
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path json = dir / "bench.json";
  const fs::path svg = dir / "bench.svg";
  EXPECT_NE(r.out.find(json.string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(svg.string()), std::string::npos) << r.out;
  ASSERT_TRUE(fs::is_regular_file(json));
  ASSERT_TRUE(fs::is_regular_file(svg));
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();

  const auto doc = nlohmann::json::parse(read_file(json));
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const auto& machine = doc.at("machine");
  EXPECT_TRUE(machine.at("cpu_model").is_string());
  EXPECT_EQ(machine.at("hardware_threads"), hardware);
  EXPECT_FALSE(machine.at("hashrig_version").get<std::string>().empty());
  EXPECT_TRUE(std::regex_match(machine.at("date_utc").get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << machine.at("date_utc");
  EXPECT_EQ(doc.at("seconds"), 0.2);
  EXPECT_EQ(doc.at("errors"), 0);
  EXPECT_TRUE(doc.at("gpus_skipped").is_array());

  // One CPU result per usable kernel, on every hardware thread; GPUs (if any) after them.
  const auto registry = hashrig::kernels::cpu::KernelRegistry::detect();
  std::vector<std::string> usable;
  for (const auto& k : registry.kernels()) {
    if (registry.usable(k.name)) usable.push_back(k.name);
  }
  std::vector<std::string> cpu_kernels;
  std::string fastest;
  double fastest_mhps = -1;
  for (const auto& result : doc.at("results")) {
    for (const char* field : {"device", "kernel", "threads", "seconds", "hashes", "mhps",
                              "mhps_per_thread", "checksum", "units", "hits", "errors"}) {
      EXPECT_TRUE(result.contains(field)) << field << " in " << result;
    }
    EXPECT_GT(result.at("mhps").get<double>(), 0) << result;
    if (result.at("device") != "cpu") continue;
    cpu_kernels.push_back(result.at("kernel"));
    EXPECT_EQ(result.at("threads"), hardware);
    if (result.at("mhps").get<double>() > fastest_mhps) {
      fastest_mhps = result.at("mhps");
      fastest = result.at("kernel");
    }
  }
  EXPECT_EQ(cpu_kernels, usable);

  // The fastest kernel's scaling: 1, 2, 4, ... up to every hardware thread.
  const auto& scaling = doc.at("scaling");
  EXPECT_EQ(scaling.at("kernel"), fastest);
  std::vector<unsigned> threads;
  for (const auto& point : scaling.at("points")) {
    threads.push_back(point.at("threads"));
    EXPECT_GT(point.at("mhps").get<double>(), 0);
    EXPECT_GT(point.at("efficiency").get<double>(), 0);
  }
  EXPECT_EQ(threads, doubling_to(hardware));
  EXPECT_DOUBLE_EQ(scaling.at("points").at(0).at("efficiency").get<double>(), 1.0);
  expect_svg_matches(svg, doc);
}

TEST(CliBenchReport, KernelAndThreadsNarrowWhatIsMeasured) {
  const fs::path dir = fresh_dir("scalar");
  const auto r = run_cli({"bench", "--report", dir.string(), "--kernel", "scalar", "--threads", "3",
                          "--seconds", "0.1"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(dir / "bench.json"));
  std::size_t cpu = 0;
  for (const auto& result : doc.at("results")) {
    if (result.at("device") != "cpu") continue;
    ++cpu;
    EXPECT_EQ(result.at("kernel"), "scalar");
    EXPECT_EQ(result.at("threads"), 3);
  }
  EXPECT_EQ(cpu, 1u);
  EXPECT_EQ(doc.at("scaling").at("kernel"), "scalar");
  std::vector<unsigned> threads;
  for (const auto& point : doc.at("scaling").at("points"))
    threads.push_back(point.at("threads"));
  EXPECT_EQ(threads, (std::vector<unsigned>{1, 2, 3}));
  expect_svg_matches(dir / "bench.svg", doc);
}

TEST(CliBenchReport, AnotherBenchmarkBesideItIsBadUsage) {
  const std::string dir = fresh_dir("usage").string();
  const std::vector<std::vector<std::string>> cases = {
      {"--device", "opencl:0"}, {"--scheduler"}, {"--switch"}, {"--submit"},
      {"--node-tip"},           {"--json"}};
  for (const auto& extra : cases) {
    std::vector<std::string> args = {"bench", "--report", dir};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    EXPECT_EQ(r.status, 2) << extra[0] << ": " << r.err;
    EXPECT_NE(r.err.find("--report"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(extra[0]), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_FALSE(fs::exists(dir));  // refused before anything was created
  const auto empty = run_cli({"bench", "--report", ""});
  EXPECT_EQ(empty.status, 2) << empty.err;
  EXPECT_NE(empty.err.find("--report: needs a directory"), std::string::npos) << empty.err;
}

TEST(CliBenchReport, ADirectoryThatCannotBeCreatedIsNamedWithTheReason) {
  const fs::path base = fresh_dir("file");
  fs::create_directories(base);
  const fs::path file = base / "plain-file";
  std::ofstream(file) << "not a directory\n";
  const fs::path dir = file / "report";
  const auto r = run_cli({"bench", "--report", dir.string(), "--seconds", "0.1"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(dir.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Not a directory"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << r.out;
  EXPECT_FALSE(r.err.find("benchmarking") != std::string::npos) << "measured before failing";
}

}  // namespace
