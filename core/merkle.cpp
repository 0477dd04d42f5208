#include "core/merkle.h"

#include <algorithm>

namespace hashrig::core {
namespace {

Hash256 hash_pair(const Hash256& left, const Hash256& right) {
  std::array<std::uint8_t, 64> both{};
  std::copy(left.begin(), left.end(), both.begin());
  std::copy(right.begin(), right.end(), both.begin() + 32);
  return sha256d(both);
}

std::vector<Hash256> next_level(const std::vector<Hash256>& level) {
  std::vector<Hash256> next;
  next.reserve((level.size() + 1) / 2);
  for (std::size_t i = 0; i < level.size(); i += 2) {
    const Hash256& right = i + 1 < level.size() ? level[i + 1] : level[i];
    next.push_back(hash_pair(level[i], right));
  }
  return next;
}

}  // namespace

Hash256 merkle_root(std::span<const Hash256> leaves) {
  if (leaves.empty()) return Hash256{};
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1)
    level = next_level(level);
  return level[0];
}

std::vector<Hash256> merkle_branch_of_first(std::span<const Hash256> leaves) {
  std::vector<Hash256> branch;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    branch.push_back(level[1]);
    level = next_level(level);
  }
  return branch;
}

Hash256 merkle_root_from_branch(const Hash256& first_leaf, std::span<const Hash256> branch) {
  Hash256 node = first_leaf;
  for (const Hash256& sibling : branch)
    node = hash_pair(node, sibling);
  return node;
}

}  // namespace hashrig::core
