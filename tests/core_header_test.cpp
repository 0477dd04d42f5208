// Block headers (core/header.h) on real data: Bitcoin mainnet headers with their known block
// hashes, the regtest chain and blocks a real node (bcoin) accepted, and real ckpool shares.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/header.h"
#include "core/merkle.h"
#include "core/target.h"
#include "mainnet_headers.h"
#include "test_support.h"

namespace hashrig::core {
namespace {

using test::display_hash;
using test::header_from_hex;
using test::kMainnet;
using test::load_gbt_fixture;
using test::MainnetBlock;

std::string height_name(const ::testing::TestParamInfo<MainnetBlock>& param) {
  return "height_" + std::to_string(param.param.height);
}

class MainnetHeader : public ::testing::TestWithParam<MainnetBlock> {};

TEST_P(MainnetHeader, DecodesEveryField) {
  const MainnetBlock& b = GetParam();
  const BlockHeader h = BlockHeader::decode(header_from_hex(b.header_hex));
  EXPECT_EQ(h.version, b.version);
  EXPECT_EQ(to_hex_reversed(h.prev_hash), b.prev_display);
  EXPECT_EQ(to_hex_reversed(h.merkle_root), b.merkle_display);
  EXPECT_EQ(h.time, b.time);
  EXPECT_EQ(h.bits, b.bits);
  EXPECT_EQ(h.nonce, b.nonce);
}

TEST_P(MainnetHeader, EncodesBackToTheSameBytes) {
  const MainnetBlock& b = GetParam();
  const HeaderBytes bytes = header_from_hex(b.header_hex);
  EXPECT_EQ(to_hex(BlockHeader::decode(bytes).encode()), b.header_hex);
  // Built from the fields alone, too.
  BlockHeader h;
  h.version = b.version;
  h.prev_hash = display_hash(b.prev_display);
  h.merkle_root = display_hash(b.merkle_display);
  h.time = b.time;
  h.bits = b.bits;
  h.nonce = b.nonce;
  EXPECT_EQ(to_hex(h.encode()), b.header_hex);
  EXPECT_EQ(BlockHeader::decode(h.encode()), h);
}

TEST_P(MainnetHeader, HashesToTheKnownBlockHash) {
  const MainnetBlock& b = GetParam();
  const HeaderBytes bytes = header_from_hex(b.header_hex);
  const BlockHeader h = BlockHeader::decode(bytes);
  EXPECT_EQ(to_hex_reversed(h.hash()), b.hash_display);
  EXPECT_EQ(to_hex_reversed(sha256d(bytes)), b.hash_display);
  EXPECT_EQ(hash_value(h.hash()), Uint256::from_hex(b.hash_display));
  // header_hash_with_nonce overrides whatever nonce the bytes hold.
  HeaderBytes zeroed = bytes;
  write_le32(zeroed.data() + kNonceOffset, 0);
  EXPECT_EQ(header_hash_with_nonce(zeroed, b.nonce), h.hash());
  EXPECT_NE(header_hash_with_nonce(bytes, b.nonce + 1), h.hash());
}

TEST_P(MainnetHeader, MeetsItsOwnTargetAndNeighboursDoNot) {
  const MainnetBlock& b = GetParam();
  const HeaderBytes bytes = header_from_hex(b.header_hex);
  const Uint256 target = target_from_compact(b.bits);
  EXPECT_LE(hash_value(sha256d(bytes)), target);
  // The next nonces almost surely miss (fixed data: this is deterministic).
  EXPECT_GT(hash_value(header_hash_with_nonce(bytes, b.nonce + 1)), target);
  EXPECT_GT(hash_value(header_hash_with_nonce(bytes, b.nonce - 1)), target);
  // Difficulty of the block's own target, at least 1.
  EXPECT_GE(difficulty_from_target(target), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Blocks, MainnetHeader, ::testing::ValuesIn(kMainnet), height_name);

TEST(MainnetChain, EachHeaderNamesThePreviousHash) {
  // Blocks 0, 1, 2 are consecutive.
  const BlockHeader g = BlockHeader::decode(header_from_hex(kMainnet[0].header_hex));
  const BlockHeader b1 = BlockHeader::decode(header_from_hex(kMainnet[1].header_hex));
  const BlockHeader b2 = BlockHeader::decode(header_from_hex(kMainnet[2].header_hex));
  EXPECT_EQ(b1.prev_hash, g.hash());
  EXPECT_EQ(b2.prev_hash, b1.hash());
  EXPECT_EQ(g.prev_hash, Hash256{});
}

TEST(MainnetMerkle, Block100000FromItsFourTxids) {
  // Txids of block 100,000 (btcsuite/btcd btcutil/block_test.go, wantTxHashes), display order.
  const std::vector<Hash256> txids = {
      display_hash("8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87"),
      display_hash("fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4"),
      display_hash("6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4"),
      display_hash("e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d"),
  };
  EXPECT_EQ(to_hex_reversed(merkle_root(txids)),
            "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766");
}

// ---- regtest data from a real node (../shared/fixtures/gbt) ---------------------------------

constexpr const char* kRegtestGenesis =
    "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";

TEST(RegtestChain, EveryBlockHeaderHashesToItsRecordedHash) {
  const auto chain = load_gbt_fixture("chain-bcoin-regtest.json");
  ASSERT_TRUE(chain.contains("blocks"));
  const auto& blocks = chain["blocks"];
  ASSERT_EQ(blocks.size(), chain["tip_height"].get<std::size_t>());
  const Uint256 regtest_target = target_from_compact(0x207fffff);
  std::string prev = kRegtestGenesis;
  int height = 0;
  for (const auto& block : blocks) {
    ++height;
    ASSERT_EQ(block["height"].get<int>(), height);
    const std::string hex = block["hex"].get<std::string>();
    ASSERT_GE(hex.size(), 160u);
    const BlockHeader h = BlockHeader::decode(header_from_hex(hex.substr(0, 160)));
    EXPECT_EQ(to_hex_reversed(h.hash()), block["hash"].get<std::string>()) << "height " << height;
    EXPECT_EQ(to_hex_reversed(h.prev_hash), prev) << "height " << height;
    EXPECT_EQ(h.bits, 0x207fffffu) << "height " << height;
    EXPECT_LE(hash_value(h.hash()), regtest_target) << "height " << height;
    EXPECT_EQ(to_hex(h.encode()), hex.substr(0, 160)) << "height " << height;
    prev = block["hash"].get<std::string>();
  }
  EXPECT_EQ(prev, chain["tip_hash"].get<std::string>());
}

class RegtestCase : public ::testing::TestWithParam<const char*> {};

TEST_P(RegtestCase, HeaderMatchesTheRecordedBlock) {
  const auto c = load_gbt_fixture(GetParam());
  ASSERT_TRUE(c.contains("header_hex"));
  const std::string header_hex = c["header_hex"].get<std::string>();
  const BlockHeader h = BlockHeader::decode(header_from_hex(header_hex));
  EXPECT_EQ(to_hex_reversed(h.hash()), c["block_hash"].get<std::string>());
  EXPECT_EQ(h.nonce, c["nonce"].get<std::uint32_t>());
  EXPECT_EQ(h.time, c["ntime"].get<std::uint32_t>());
  EXPECT_EQ(c["block_hex"].get<std::string>().substr(0, 160), header_hex);
  EXPECT_EQ(to_hex(h.merkle_root), c["merkle"]["merkle_root_header_order_hex"].get<std::string>());
  const auto& gbt = c["getblocktemplate_response"];
  EXPECT_EQ(to_hex_reversed(h.prev_hash), gbt["previousblockhash"].get<std::string>());
  EXPECT_EQ(h.bits, std::uint32_t(std::stoul(gbt["bits"].get<std::string>(), nullptr, 16)));
  EXPECT_EQ(std::int64_t(h.version), gbt["version"].get<std::int64_t>());
  // The template's target is the decoded nBits.
  EXPECT_EQ(target_from_compact(h.bits), Uint256::from_hex(c["target_hex"].get<std::string>()));

  // Proof of work: met by every block the node took, missed where it said "high-hash".
  const bool meets = hash_value(h.hash()) <= target_from_compact(h.bits);
  const bool high_hash =
      c["negative_kind"].is_string() &&
      c["submitblock_result"].get<std::string>().find("high-hash") != std::string::npos;
  EXPECT_EQ(meets, !high_hash) << c["submitblock_result"].dump();
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RegtestCase,
                         ::testing::Values("case1-empty-h1.json", "case1b-empty-optrue-h112.json",
                                           "case2-mempool-segwit-h114.json",
                                           "case3-mempool-11tx-h128.json", "neg-high-hash-h1.json",
                                           "neg-bad-merkle-h1.json",
                                           "neg-bad-witness-commitment-h114.json",
                                           "neg-bad-cb-amount-h129.json"),
                         test::fixture_param_name);

// ---- real ckpool shares --------------------------------------------------------------------

// The header a share was made on, rebuilt from the pool's mining.notify fields as DESIGN.md
// describes them: prevhash word-swapped, version/nbits/ntime big-endian hex, merkle root folded
// from sha256d(coinbase) with the branches, nonce as %08x of the little-endian field.
HeaderBytes header_from_notify(const nlohmann::json& notify, const std::string& coinbase_hex,
                               const std::string& ntime_hex, const std::string& nonce_hex) {
  BlockHeader h;
  const auto prev_swapped = from_hex_exact<32>(notify[1].get<std::string>());
  for (int w = 0; w < 8; ++w) {
    for (int i = 0; i < 4; ++i)
      h.prev_hash[std::size_t(4 * w + i)] = prev_swapped[4 * w + 3 - i];
  }
  std::vector<Hash256> branch;
  for (const auto& b : notify[4])
    branch.push_back(from_hex_exact<32>(b.get<std::string>()));
  h.merkle_root = merkle_root_from_branch(sha256d(from_hex(coinbase_hex)), branch);
  h.version = read_be32(from_hex(notify[5].get<std::string>()).data());
  h.bits = read_be32(from_hex(notify[6].get<std::string>()).data());
  h.time = read_be32(from_hex(ntime_hex).data());
  h.nonce = read_be32(from_hex(nonce_hex).data());
  return h.encode();
}

TEST(CkpoolShares, ValidShareRebuildsAndMeetsThePoolTarget) {
  for (const char* file : {"stratum-ckpool-shares-empty.json", "stratum-ckpool-shares-5tx.json"}) {
    SCOPED_TRACE(file);
    const auto s = load_gbt_fixture(file);
    ASSERT_TRUE(s.contains("results"));
    const auto& valid = s["results"]["valid"];
    const auto& params = valid["params"];
    // The share's job is the one named in its params; find its notify in the transcript.
    nlohmann::json notify;
    for (const auto& line : s["transcript"]) {
      if (line["dir"] != "recv") continue;
      const auto msg = nlohmann::json::parse(line["line"].get<std::string>());
      if (msg.contains("method") && msg["method"] == "mining.notify" &&
          msg["params"][0] == params[1]) {
        notify = msg["params"];
      }
    }
    ASSERT_FALSE(notify.is_null()) << "no mining.notify for job " << params[1];
    const std::string coinbase = valid["coinbase_hex"].get<std::string>();
    EXPECT_EQ(coinbase, notify[2].get<std::string>() + s["extranonce1"].get<std::string>() +
                            params[2].get<std::string>() + notify[3].get<std::string>());
    const HeaderBytes header = header_from_notify(notify, coinbase, params[3].get<std::string>(),
                                                  params[4].get<std::string>());
    EXPECT_EQ(to_hex(header), valid["header_hex"].get<std::string>());
    EXPECT_EQ(to_hex(BlockHeader::decode(header).merkle_root),
              valid["merkle_root_header_order"].get<std::string>());
    const Hash256 hash = sha256d(header);
    EXPECT_EQ(to_hex_reversed(hash), valid["header_hash_display"].get<std::string>());
    // Pool difficulty 0.001: the share meets diff1/0.001 and its own difficulty is what the
    // pool computed.
    const double pool_diff = s["difficulty"].get<double>();
    EXPECT_LE(hash_value(hash), target_from_difficulty(pool_diff));
    const double share_diff = difficulty_from_target(hash_value(hash));
    EXPECT_NEAR(share_diff / valid["share_diff"].get<double>(), 1.0, 1e-9);
    EXPECT_GE(share_diff, pool_diff);
  }
}

TEST(CkpoolShares, BelowTargetShareMissesThePoolTarget) {
  const auto s = load_gbt_fixture("stratum-ckpool-shares-5tx.json");
  ASSERT_TRUE(s.contains("results"));
  const auto& valid = s["results"]["valid"];
  const auto& below = s["results"]["below_target"];
  // Same header as the valid share, with the rejected nonce.
  HeaderBytes header = header_from_hex(valid["header_hex"].get<std::string>());
  const std::uint32_t nonce = read_be32(from_hex(below["params"][4].get<std::string>()).data());
  const Hash256 hash = header_hash_with_nonce(header, nonce);
  EXPECT_GT(hash_value(hash), target_from_difficulty(s["difficulty"].get<double>()));
  EXPECT_NEAR(difficulty_from_target(hash_value(hash)) / below["share_diff"].get<double>(), 1.0,
              1e-9);
}

TEST(CkpoolShares, BlockFoundThroughThePool) {
  const auto s = load_gbt_fixture("stratum-ckpool-block-found.json");
  ASSERT_TRUE(s.contains("header_hex"));
  const auto& p = s["submit_params"];
  const std::string coinbase = s["coinbase_hex_stripped"].get<std::string>();
  const HeaderBytes header =
      header_from_notify(s["job"], coinbase, p[3].get<std::string>(), p[4].get<std::string>());
  EXPECT_EQ(to_hex(header), s["header_hex"].get<std::string>());
  const BlockHeader h = BlockHeader::decode(header);
  EXPECT_EQ(to_hex_reversed(h.hash()), s["block_hash"].get<std::string>());
  EXPECT_EQ(s["node_best_after"].get<std::string>(), s["block_hash"].get<std::string>());
  // A block: it meets its own nBits and, as ckpool requires, difficulty >= 0.999.
  EXPECT_LE(hash_value(h.hash()), target_from_compact(h.bits));
  EXPECT_GE(difficulty_from_target(hash_value(h.hash())), 0.999);
}

}  // namespace
}  // namespace hashrig::core
