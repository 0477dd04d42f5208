// node-bridge block assembly against the recorded node data (../shared/fixtures/gbt): for every
// accepted case the coinbase, txid, merkle root, header and block are rebuilt byte for byte from
// the recorded template and coinbase choices, through both the block path and the Job path; each
// negative case's corruption is applied and gives the recorded bytes; BIP 34 pushes against
// hand-written bytes; malformed templates are refused naming the field.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/job_work.h"
#include "core/merkle.h"
#include "node-bridge/block.h"
#include "node-bridge/coinbase.h"
#include "node-bridge/template.h"
#include "test_support.h"

namespace hashrig::node {
namespace {

using nlohmann::json;

const char* const kAccepted[] = {"case1-empty-h1.json", "case1b-empty-optrue-h112.json",
                                 "case2-mempool-segwit-h114.json", "case3-mempool-11tx-h128.json"};
const char* const kNegative[] = {"neg-high-hash-h1.json", "neg-bad-merkle-h1.json",
                                 "neg-bad-witness-commitment-h114.json",
                                 "neg-bad-cb-amount-h129.json"};

std::string hex(std::span<const std::uint8_t> bytes) {
  return core::to_hex(bytes);
}

// The coinbase choices the recording made. The recorded scriptSigs carry no coinbaseaux flags.
CoinbaseSpec recorded_spec(const json& c) {
  CoinbaseSpec spec;
  spec.payout_script = core::from_hex(c["payout_script_hex"].get<std::string>());
  spec.tag = core::from_hex(c["coinbase"]["tag_hex"].get<std::string>());
  spec.extranonce_size = 8;
  spec.include_coinbase_aux = false;
  return spec;
}

// Rebuilds everything the case records from `tmpl` (the recorded template, possibly corrupted as
// the case describes); `flip_root` XORs the header merkle root's byte 0 (neg-bad-merkle).
void expect_case_bytes(const json& c, const BlockTemplate& tmpl, bool flip_root) {
  const json& cb = c["coinbase"];
  const CoinbaseSpec spec = recorded_spec(c);
  const core::Bytes extranonce = core::from_hex(cb["extranonce_hex"].get<std::string>());
  const auto height = cb["height"].get<std::int64_t>();
  ASSERT_EQ(tmpl.height, height);
  EXPECT_EQ(hex(bip34_height_push(height)), cb["height_push_hex"]);

  const CoinbaseTx tx = build_coinbase_tx(tmpl, spec, extranonce);
  EXPECT_EQ(hex(tx.script_sig), cb["script_sig_hex"]);
  EXPECT_EQ(hex(tx.stripped), cb["tx_hex_stripped"]);
  EXPECT_EQ(hex(tx.full), cb["tx_hex"]);
  EXPECT_EQ(core::to_hex_reversed(tx.txid()), cb["txid"]);
  EXPECT_EQ(core::to_hex_reversed(tx.wtxid()), cb["wtxid"]);
  EXPECT_EQ(cb["tx_version"].get<std::uint32_t>(), kCoinbaseTxVersion);
  EXPECT_EQ(cb["sequence"].get<std::uint32_t>(), kCoinbaseSequence);
  EXPECT_EQ(cb["locktime"].get<std::uint32_t>(), kCoinbaseLocktime);

  // The Job path: the same coinbase and root as the Stratum-shaped pieces give them.
  const core::Job job = job_from_template(tmpl, spec, "node-test", NtimeChoice::mintime);
  EXPECT_EQ(job.ntime, tmpl.min_time);
  EXPECT_EQ(core::build_coinbase(job, extranonce), tx.stripped);
  core::Hash256 root = core::job_merkle_root(job, extranonce);
  std::vector<core::Hash256> leaves{tx.txid()};
  for (const TemplateTransaction& t : tmpl.transactions)
    leaves.push_back(t.txid);
  EXPECT_EQ(root, core::merkle_root(leaves));
  if (flip_root) root[0] ^= 0x01;
  EXPECT_EQ(hex(root), c["merkle"]["merkle_root_header_order_hex"]);

  core::HeaderBytes header =
      core::build_header(job, root, job.version, c["ntime"].get<std::uint32_t>());
  core::write_le32(header.data() + core::kNonceOffset, c["nonce"].get<std::uint32_t>());
  EXPECT_EQ(hex(header), c["header_hex"]);
  EXPECT_EQ(core::to_hex_reversed(core::sha256d(header)), c["block_hash"]);
  EXPECT_EQ(assemble_block(tmpl, spec, extranonce, header), c["block_hex"]);
}

class AcceptedCase : public ::testing::TestWithParam<const char*> {};

TEST_P(AcceptedCase, RebuildsTheAcceptedBlockByteForByte) {
  const json c = test::load_gbt_fixture(GetParam());
  ASSERT_EQ(c["kind"], "accepted");
  const BlockTemplate tmpl = parse_template(c["getblocktemplate_response"]);
  expect_case_bytes(c, tmpl, false);
}

TEST_P(AcceptedCase, JobMatchesTheTemplate) {
  const json c = test::load_gbt_fixture(GetParam());
  const BlockTemplate tmpl = parse_template(c["getblocktemplate_response"]);
  const core::Job job = job_from_template(tmpl, recorded_spec(c), "node-test");
  EXPECT_EQ(job.source_id, "node-test");
  EXPECT_EQ(job.ntime, tmpl.cur_time);
  EXPECT_TRUE(job.extranonce1.empty());
  EXPECT_EQ(job.extranonce2_size, 8u);
  EXPECT_TRUE(job.clean);
  EXPECT_EQ(job.network_target.to_hex(), c["target_hex"]);
  EXPECT_EQ(job.share_target, job.network_target);
  EXPECT_EQ(core::to_hex_reversed(job.prev_hash),
            c["getblocktemplate_response"]["previousblockhash"]);
  EXPECT_NO_THROW(core::validate(job));
}

// The witness commitment the template gives is sha256d(witness root || reserved value) over the
// parsed wtxids, with the coinbase as zero: checks the parsed "hash" fields independently.
TEST_P(AcceptedCase, ParsedWtxidsGiveTheTemplateCommitment) {
  const json c = test::load_gbt_fixture(GetParam());
  const BlockTemplate tmpl = parse_template(c["getblocktemplate_response"]);
  std::vector<core::Hash256> leaves{core::Hash256{}};
  for (const TemplateTransaction& t : tmpl.transactions)
    leaves.push_back(t.wtxid);
  core::Bytes buf(64, 0);
  const core::Hash256 root = core::merkle_root(leaves);
  std::copy(root.begin(), root.end(), buf.begin());
  const core::Hash256 commitment = core::sha256d(buf);
  ASSERT_TRUE(tmpl.default_witness_commitment.has_value());
  EXPECT_EQ(hex(*tmpl.default_witness_commitment), "6a24aa21a9ed" + hex(commitment));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AcceptedCase, ::testing::ValuesIn(kAccepted),
                         test::fixture_param_name);

class NegativeCase : public ::testing::TestWithParam<const char*> {};

TEST_P(NegativeCase, TheDescribedCorruptionGivesTheRecordedBytes) {
  const json c = test::load_gbt_fixture(GetParam());
  ASSERT_EQ(c["kind"], "negative");
  BlockTemplate tmpl = parse_template(c["getblocktemplate_response"]);
  const std::string kind = c["negative_kind"];
  if (kind == "bad-cb-amount") tmpl.coinbase_value += 1;
  if (kind == "bad-commitment") tmpl.default_witness_commitment->back() ^= 0x01;
  expect_case_bytes(c, tmpl, kind == "bad-merkle");
  if (kind == "bad-nonce") {
    const auto header = test::header_from_hex(c["header_hex"].get<std::string>());
    EXPECT_GT(core::hash_value(core::sha256d(header)), tmpl.target);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NegativeCase, ::testing::ValuesIn(kNegative),
                         test::fixture_param_name);

TEST(Bip34HeightPush, MatchesCoreScriptNumEncoding) {
  const std::vector<std::pair<std::int64_t, std::string>> cases = {{1, "51"},
                                                                   {16, "60"},
                                                                   {17, "0111"},
                                                                   {112, "0170"},
                                                                   {127, "017f"},
                                                                   {128, "028000"},
                                                                   {255, "02ff00"},
                                                                   {256, "020001"},
                                                                   {32767, "02ff7f"},
                                                                   {32768, "03008000"},
                                                                   {8388608, "0400008000"},
                                                                   {0, "00"}};
  for (const auto& [height, expected] : cases) {
    EXPECT_EQ(hex(bip34_height_push(height)), expected) << "height " << height;
  }
  EXPECT_THROW(bip34_height_push(-1), std::invalid_argument);
}

TEST(Coinbase, MissingCoinbaseAuxIsFineAndPresentAuxIsPushed) {
  const json c = test::load_gbt_fixture("case1-empty-h1.json");
  json result = c["getblocktemplate_response"];
  result.erase("coinbaseaux");
  const BlockTemplate bare = parse_template(result);
  EXPECT_TRUE(bare.coinbase_aux.empty());
  CoinbaseSpec spec = recorded_spec(c);
  const core::Bytes extranonce(8, 0x11);
  spec.include_coinbase_aux = true;
  const CoinbaseTx without = build_coinbase_tx(bare, spec, extranonce);
  EXPECT_EQ(hex(without.script_sig),
            "5108"
            "1111111111111111"
            "10"
            "2f616e63686f72732d6762742d70792f");

  const BlockTemplate with = parse_template(c["getblocktemplate_response"]);
  const CoinbaseTx pushed = build_coinbase_tx(with, spec, extranonce);
  EXPECT_EQ(hex(pushed.script_sig),
            "510e6d696e65642062792062636f696e"
            "081111111111111111"
            "102f616e63686f72732d6762742d70792f");
  const core::Job job = job_from_template(with, spec, "node-test");
  EXPECT_EQ(core::build_coinbase(job, extranonce), pushed.stripped);
}

TEST(Coinbase, RefusesAnOversizedScriptSigAndAWrongExtranonce) {
  const json c = test::load_gbt_fixture("case1-empty-h1.json");
  const BlockTemplate tmpl = parse_template(c["getblocktemplate_response"]);
  CoinbaseSpec spec = recorded_spec(c);
  spec.tag.assign(89, 'x');  // 1 + 9 + 2 + 89 = 101 bytes
  EXPECT_THROW(build_coinbase_tx(tmpl, spec, core::Bytes(8, 0)), std::invalid_argument);
  spec.tag.assign(88, 'x');  // 100 bytes: allowed
  EXPECT_EQ(build_coinbase_tx(tmpl, spec, core::Bytes(8, 0)).script_sig.size(), 100u);
  EXPECT_THROW(build_coinbase_tx(tmpl, spec, core::Bytes(7, 0)), std::invalid_argument);
  spec.payout_script.clear();
  EXPECT_THROW(build_coinbase_tx(tmpl, spec, core::Bytes(8, 0)), std::invalid_argument);
}

TEST(Block, WithoutCommitmentTheCoinbaseIsPlain) {
  const json c = test::load_gbt_fixture("case1-empty-h1.json");
  BlockTemplate tmpl = parse_template(c["getblocktemplate_response"]);
  tmpl.default_witness_commitment.reset();
  const CoinbaseSpec spec = recorded_spec(c);
  const core::Bytes extranonce(8, 0);
  const CoinbaseTx tx = build_coinbase_tx(tmpl, spec, extranonce);
  EXPECT_EQ(tx.full, tx.stripped);
  const core::HeaderBytes header{};
  EXPECT_EQ(assemble_block(tmpl, spec, extranonce, header), hex(header) + "01" + hex(tx.stripped));
}

// One malformed template per case: the edit made to case2's template and the field the error
// must name.
struct Malformed {
  const char* name;
  std::function<void(json&)> edit;
  const char* field;
};

TEST(ParseTemplate, RefusesMalformedTemplatesNamingTheField) {
  const json good =
      test::load_gbt_fixture("case2-mempool-segwit-h114.json")["getblocktemplate_response"];
  ASSERT_NO_THROW(parse_template(good));
  const std::vector<Malformed> cases = {
      {"missing height", [](json& r) { r.erase("height"); }, "height: missing"},
      {"height zero", [](json& r) { r["height"] = 0; }, "height: out of range"},
      {"bits 7 digits", [](json& r) { r["bits"] = "207ffff"; }, "bits: not 8 hex digits"},
      {"bits not hex", [](json& r) { r["bits"] = "207fffzz"; }, "bits: not hex"},
      {"txid 62 digits", [](json& r) { r["transactions"][1]["txid"] = std::string(62, 'a'); },
       "transactions[1].txid: not 64 hex digits"},
      {"wtxid not hex", [](json& r) { r["transactions"][0]["hash"] = std::string(64, 'g'); },
       "transactions[0].hash: not hex"},
      {"data not hex", [](json& r) { r["transactions"][2]["data"] = "01000000zz"; },
       "transactions[2].data: not hex"},
      {"data odd", [](json& r) { r["transactions"][2]["data"] = "010"; },
       "transactions[2].data: not hex"},
      {"unknown !rule", [](json& r) { r["rules"].push_back("!frobnicate"); },
       "rules[1]: required rule \"!frobnicate\""},
      {"coinbasevalue negative", [](json& r) { r["coinbasevalue"] = -1; },
       "coinbasevalue: out of range"},
      {"coinbasevalue string", [](json& r) { r["coinbasevalue"] = "5000000000"; },
       "coinbasevalue: expected an integer"},
      {"prev hash short", [](json& r) { r["previousblockhash"] = "00"; },
       "previousblockhash: not 64 hex digits"},
      {"version string", [](json& r) { r["version"] = "536870912"; },
       "version: expected an integer"},
      {"target not bits", [](json& r) { r["target"] = std::string(64, '0'); }, "target: \"0000"},
      {"curtime missing", [](json& r) { r.erase("curtime"); }, "curtime: missing"},
      {"mintime negative", [](json& r) { r["mintime"] = -5; }, "mintime: out of range"},
      {"transactions object", [](json& r) { r["transactions"] = json::object(); },
       "transactions: expected an array"},
      {"depends forward", [](json& r) { r["transactions"][0]["depends"] = {2}; },
       "transactions[0].depends[0]: out of range"},
      {"fee float", [](json& r) { r["transactions"][0]["fee"] = 1.5; },
       "transactions[0].fee: expected an integer"},
      {"commitment not hex", [](json& r) { r["default_witness_commitment"] = "6a2x"; },
       "default_witness_commitment: not hex"},
      {"coinbaseaux value", [](json& r) { r["coinbaseaux"]["flags"] = "xyz"; },
       "coinbaseaux.flags: not hex"},
      {"mutable entry",
       [](json& r) {
         r["mutable"] = {"time", 3};
       },
       "mutable[1]: expected a string"},
      {"vbavailable array", [](json& r) { r["vbavailable"] = json::array(); },
       "vbavailable: expected an object"},
      {"rules missing", [](json& r) { r.erase("rules"); }, "rules: missing"},
      {"longpollid number", [](json& r) { r["longpollid"] = 7; }, "longpollid: expected a string"},
      {"bits zero", [](json& r) { r["bits"] = "00000000"; }, "bits: "},
  };
  for (const Malformed& m : cases) {
    json bad = good;
    m.edit(bad);
    try {
      parse_template(bad);
      ADD_FAILURE() << m.name << ": accepted";
    } catch (const core::ParseError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("getblocktemplate: ", 0), 0u) << m.name << ": " << what;
      EXPECT_NE(what.find(m.field), std::string::npos) << m.name << ": " << what;
    }
  }
  EXPECT_THROW(parse_template(json::array()), core::ParseError);
}

TEST(ParseTemplate, OptionalFieldsMayBeAbsentAndKnownRulesPass) {
  json r = test::load_gbt_fixture("case1-empty-h1.json")["getblocktemplate_response"];
  for (const char* key : {"coinbaseaux", "mutable", "longpollid", "default_witness_commitment"}) {
    r.erase(key);
  }
  r["rules"] = {"csv", "!segwit", "taproot", "testdummy", "some-soft-fork"};
  const BlockTemplate t = parse_template(r);
  EXPECT_TRUE(t.coinbase_aux.empty());
  EXPECT_TRUE(t.mutable_fields.empty());
  EXPECT_FALSE(t.longpoll_id.has_value());
  EXPECT_FALSE(t.default_witness_commitment.has_value());
  EXPECT_EQ(t.height, 1);
  EXPECT_EQ(t.bits, 0x207fffffu);
  EXPECT_TRUE(understood_rule("!segwit"));
  EXPECT_FALSE(understood_rule("!frobnicate"));
}

}  // namespace
}  // namespace hashrig::node
