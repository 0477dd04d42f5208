// The API of the real hashrig solo mining on the test node (a real HTTP server that validates
// every block, at the regtest target where blocks come fast): the block journal, the node's
// shares, the template age in the summary and the metrics.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "api_test_support.h"
#include "node/test_node.h"
#include "prometheus_parser.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kPayout = "bcrt1qwfgq7m40xvqkswrkjupv0anfrfr6recs3rrlpe";

TEST(ApiNode, BlocksSharesAndTemplateAgeOfASoloMiner) {
  const fs::path dir = fs::temp_directory_path() / ("hashrig-api-node-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "node");
  {
    testnode::TestNodeOptions options;
    options.datadir = (dir / "node").string();
    testnode::TestNode node(options);
    const std::uint16_t port = node.start();
    test::ApiProcess hashrig({"--node", "http://127.0.0.1:" + std::to_string(port), "--node-cookie",
                              node.cookie_path(), "--payout", kPayout, "--journal",
                              (dir / "blocks.sqlite3").string(), "--threads", "1"});

    nlohmann::json blocks;
    for (int i = 0; i < 600; ++i) {  // up to 60 s: a block takes seconds under ASan
      blocks = hashrig.get_json("/api/v1/blocks");
      std::size_t accepted = 0;
      for (const auto& b : blocks)
        accepted += b.at("state") == "accepted";
      if (accepted >= 2) break;
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_GE(blocks.size(), 2u) << blocks.dump();
    EXPECT_EQ(blocks[0].at("state"), "accepted");
    EXPECT_EQ(blocks[0].at("hash").get<std::string>().size(), 64u);
    EXPECT_EQ(blocks[0].at("node"), "127.0.0.1:" + std::to_string(port));
    EXPECT_GE(blocks[0].at("attempts").get<int>(), 1);

    const nlohmann::json summary = hashrig.get_json("/api/v1/summary");
    EXPECT_EQ(summary.at("mode"), "node");
    EXPECT_EQ(summary.at("node"), "127.0.0.1:" + std::to_string(port));
    EXPECT_TRUE(summary.at("pool").is_null());
    EXPECT_GE(summary.at("template_age_s").get<double>(), 0);
    EXPECT_GE(summary.at("blocks").at("accepted").get<std::uint64_t>(), 2u);

    const nlohmann::json shares = hashrig.get_json("/api/v1/shares");
    ASSERT_FALSE(shares.empty());
    EXPECT_EQ(shares.back().at("source"), "node");
    EXPECT_EQ(shares.back().at("result"), "accepted");
    EXPECT_EQ(shares.back().at("block"), true);

    const test::PromExposition m =
        test::parse_prometheus(test::http_get(hashrig.port(), "/metrics").body);
    EXPECT_GE(m.value("hashrig_template_age_seconds"), 0);
    EXPECT_GE(m.value("hashrig_blocks_accepted_total"), 2);
    EXPECT_EQ(m.value("hashrig_build_info", {{"mode", "node"}}), 1);
    EXPECT_EQ(m.families.count("hashrig_pool_up"), 0u);

    hashrig.process().signal(SIGTERM);
    EXPECT_EQ(hashrig.process().wait(), 0);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hashrig
