// What a node job may change, from the recorded case2 template with its BIP 9 / BIP 23 fields
// edited: the version bits signalled (vbrequired always, vbavailable only when the operator asks),
// and nTime rolling only when "time" is mutable.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node-bridge/block.h"
#include "node-bridge/template.h"
#include "test_support.h"

namespace hashrig::node {
namespace {

nlohmann::json recorded_template() {
  return test::load_gbt_fixture("case2-mempool-segwit-h114.json")["getblocktemplate_response"];
}

TEST(NodeJobRules, TheRecordedTemplateSignalsNothingExtra) {
  const BlockTemplate tmpl = parse_template(recorded_template());
  EXPECT_EQ(signalled_version(tmpl, {}), 0x20000000u);
  const std::vector<std::string> wanted{"taproot"};
  std::vector<std::string> not_offered;
  EXPECT_EQ(signalled_version(tmpl, wanted, &not_offered), 0x20000000u);
  EXPECT_EQ(not_offered, wanted);
}

TEST(NodeJobRules, RequiredBitsAreAlwaysSetAndAvailableOnesOnlyWhenAsked) {
  nlohmann::json raw = recorded_template();
  raw["vbavailable"] = {{"testdummy", 28}, {"csv", 0}, {"segwit", 1}};
  raw["vbrequired"] = 0x4;
  const BlockTemplate tmpl = parse_template(raw);
  EXPECT_EQ(signalled_version(tmpl, {}), 0x20000004u);
  const std::vector<std::string> wanted{"testdummy", "segwit", "unheard-of"};
  std::vector<std::string> not_offered;
  EXPECT_EQ(signalled_version(tmpl, wanted, &not_offered), 0x20000004u | (1u << 28) | (1u << 1));
  EXPECT_EQ(not_offered, std::vector<std::string>{"unheard-of"});
}

TEST(NodeJobRules, NtimeRollsOnlyWhenTimeIsMutable) {
  nlohmann::json raw = recorded_template();
  EXPECT_EQ(allowed_ntime_roll(parse_template(raw), 600), 600u);
  raw["mutable"] = {"transactions", "prevblock"};
  EXPECT_EQ(allowed_ntime_roll(parse_template(raw), 600), 0u);
  raw.erase("mutable");
  EXPECT_EQ(allowed_ntime_roll(parse_template(raw), 600), 0u);
}

}  // namespace
}  // namespace hashrig::node
