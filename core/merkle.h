// Merkle trees over txids (internal order), as in Bitcoin: odd levels duplicate their last node.
// A "branch" is the list of siblings on the path of the first leaf (the coinbase), as Stratum
// sends it; the root is the fold sha256d(node || branch[i]).
#pragma once

#include <span>
#include <vector>

#include "core/sha256.h"

namespace hashrig::core {

Hash256 merkle_root(std::span<const Hash256> leaves);  // zero hash for no leaves
std::vector<Hash256> merkle_branch_of_first(std::span<const Hash256> leaves);
Hash256 merkle_root_from_branch(const Hash256& first_leaf, std::span<const Hash256> branch);

}  // namespace hashrig::core
