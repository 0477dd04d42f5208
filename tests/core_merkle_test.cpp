// Merkle trees (core/merkle.h): against a naive recomputation for every small size, the
// Stratum branch form, and real blocks from a regtest node.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "test_support.h"

namespace hashrig::core {
namespace {

using test::display_hash;
using test::load_gbt_fixture;

Hash256 pair_hash(const Hash256& a, const Hash256& b) {
  Bytes both(a.begin(), a.end());
  both.insert(both.end(), b.begin(), b.end());
  return sha256d(both);
}

// The textbook definition, written independently of merkle.cpp: the tree over the next power
// of two, where a subtree that starts past the last leaf is replaced by a copy of its left
// sibling (Bitcoin's rule "an odd level duplicates its last node", stated top-down).
Hash256 naive_subtree(const std::vector<Hash256>& leaves, std::size_t begin, std::size_t width) {
  if (width == 1) return leaves[begin];
  const Hash256 left = naive_subtree(leaves, begin, width / 2);
  const std::size_t mid = begin + width / 2;
  const Hash256 right = mid < leaves.size() ? naive_subtree(leaves, mid, width / 2) : left;
  return pair_hash(left, right);
}

Hash256 naive_root(const std::vector<Hash256>& leaves) {
  std::size_t width = 1;
  while (width < leaves.size())
    width *= 2;
  return naive_subtree(leaves, 0, width);
}

std::vector<Hash256> make_leaves(std::size_t n, std::uint8_t salt) {
  std::vector<Hash256> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::array<std::uint8_t, 2> seed = {salt, std::uint8_t(i)};
    out.push_back(sha256d(seed));
  }
  return out;
}

TEST(MerkleRoot, MatchesANaiveRecomputationForOneToSeventeenLeaves) {
  for (std::size_t n = 1; n <= 17; ++n) {
    const auto leaves = make_leaves(n, 1);
    ASSERT_EQ(merkle_root(leaves), naive_root(leaves)) << n << " leaves";
  }
}

TEST(MerkleRoot, HandWrittenSmallTrees) {
  const auto l = make_leaves(5, 2);
  EXPECT_EQ(merkle_root(std::vector<Hash256>{l[0]}), l[0]);
  EXPECT_EQ(merkle_root(std::vector<Hash256>{l[0], l[1]}), pair_hash(l[0], l[1]));
  const Hash256 ab = pair_hash(l[0], l[1]);
  const Hash256 cc = pair_hash(l[2], l[2]);
  EXPECT_EQ(merkle_root(std::vector<Hash256>{l[0], l[1], l[2]}), pair_hash(ab, cc));
  const Hash256 cd = pair_hash(l[2], l[3]);
  const Hash256 ee = pair_hash(l[4], l[4]);
  const Hash256 eeee = pair_hash(ee, ee);
  EXPECT_EQ(merkle_root(l), pair_hash(pair_hash(ab, cd), eeee));
}

TEST(MerkleRoot, EmptyIsTheZeroHash) {
  EXPECT_EQ(merkle_root({}), Hash256{});
}

TEST(MerkleRoot, OrderMattersAndTheLastLeafDuplicates) {
  auto l = make_leaves(3, 3);
  const Hash256 root = merkle_root(l);
  std::swap(l[0], l[1]);
  EXPECT_NE(merkle_root(l), root);
  std::swap(l[0], l[1]);
  // CVE-2012-2459: [a, b, c] and [a, b, c, c] share a root in Bitcoin's tree.
  l.push_back(l[2]);
  EXPECT_EQ(merkle_root(l), root);
}

TEST(MerkleBranch, FoldingTheFirstLeafsBranchGivesTheRoot) {
  for (std::size_t n = 1; n <= 17; ++n) {
    const auto leaves = make_leaves(n, 4);
    const auto branch = merkle_branch_of_first(leaves);
    std::size_t depth = 0;
    while ((std::size_t(1) << depth) < n)
      ++depth;
    ASSERT_EQ(branch.size(), depth) << n << " leaves";
    ASSERT_EQ(merkle_root_from_branch(leaves[0], branch), merkle_root(leaves)) << n << " leaves";
    if (n >= 2) {
      EXPECT_EQ(branch[0], leaves[1]) << n << " leaves";
      // Another coinbase under the same branch gives another root.
      EXPECT_NE(merkle_root_from_branch(leaves[1], branch), merkle_root(leaves));
    }
  }
  EXPECT_EQ(merkle_root_from_branch(make_leaves(1, 5)[0], {}), make_leaves(1, 5)[0]);
}

// Real blocks a bcoin regtest node accepted: the coinbase txid then the template's txids.
class FixtureMerkle : public ::testing::TestWithParam<const char*> {};

TEST_P(FixtureMerkle, RootFromTxidsIsTheHeadersRoot) {
  const auto c = load_gbt_fixture(GetParam());
  ASSERT_TRUE(c.contains("merkle"));
  std::vector<Hash256> txids;
  for (const auto& t : c["merkle"]["txids_in_order"])
    txids.push_back(display_hash(t.get<std::string>()));
  // The list is the coinbase followed by every template transaction.
  ASSERT_EQ(txids.size(), c["getblocktemplate_response"]["transactions"].size() + 1);
  EXPECT_EQ(to_hex_reversed(txids[0]), c["coinbase"]["txid"].get<std::string>());
  EXPECT_EQ(to_hex_reversed(sha256d(from_hex(c["coinbase"]["tx_hex_stripped"].get<std::string>()))),
            c["coinbase"]["txid"].get<std::string>());
  const Hash256 root = merkle_root(txids);
  EXPECT_EQ(to_hex_reversed(root), c["merkle"]["merkle_root_display_hex"].get<std::string>());
  const std::string header_hex = c["header_hex"].get<std::string>();
  EXPECT_EQ(to_hex(root), header_hex.substr(72, 64));
  // The Stratum form of the same tree.
  EXPECT_EQ(merkle_root_from_branch(txids[0], merkle_branch_of_first(txids)), root);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureMerkle,
                         ::testing::Values("case1-empty-h1.json", "case2-mempool-segwit-h114.json",
                                           "case3-mempool-11tx-h128.json",
                                           "neg-bad-cb-amount-h129.json"),
                         test::fixture_param_name);

TEST(FixtureMerkle, CorruptedRootInTheRejectedBlockDiffers) {
  // neg-bad-merkle-h1: header root byte 0 XOR 0x01; the node said bad-txnmrklroot.
  const auto c = load_gbt_fixture("neg-bad-merkle-h1.json");
  ASSERT_TRUE(c.contains("merkle"));
  std::vector<Hash256> txids;
  for (const auto& t : c["merkle"]["txids_in_order"])
    txids.push_back(display_hash(t.get<std::string>()));
  Hash256 root = merkle_root(txids);
  const std::string in_header = c["header_hex"].get<std::string>().substr(72, 64);
  EXPECT_NE(to_hex(root), in_header);
  root[0] ^= 0x01;
  EXPECT_EQ(to_hex(root), in_header);
}

TEST(StratumMerkle, CkpoolBranchesFoldToTheSharesRoot) {
  const auto s = load_gbt_fixture("stratum-ckpool-shares-5tx.json");
  ASSERT_TRUE(s.contains("results"));
  const auto& valid = s["results"]["valid"];
  std::vector<Hash256> branch;
  for (const auto& b : s["job"][4])
    branch.push_back(from_hex_exact<32>(b.get<std::string>()));
  ASSERT_EQ(branch.size(), 3u);
  ASSERT_EQ(s["job"][0], valid["params"][1]) << "the share was made on the recorded job";
  const Hash256 coinbase_txid = sha256d(from_hex(valid["coinbase_hex"].get<std::string>()));
  EXPECT_EQ(to_hex(merkle_root_from_branch(coinbase_txid, branch)),
            valid["merkle_root_header_order"].get<std::string>());
}

}  // namespace
}  // namespace hashrig::core
