#include "kernels/cpu/scan_input.h"

#include <algorithm>

#include "core/bytes.h"
#include "core/sha256.h"
#include "core/uint256.h"

namespace hashrig::kernels::cpu {

bool meets_target_exact(const ScanInput& in, std::uint32_t nonce) {
  std::uint8_t header[80];
  std::copy(in.header, in.header + 80, header);
  core::write_le32(header + 76, nonce);
  const core::Hash256 hash = core::sha256d(header);
  const core::Uint256 value = core::Uint256::from_le_bytes(hash);
  core::Uint256 target;
  for (int i = 0; i < 8; ++i)
    target.set_word(i, in.target[i]);
  return value <= target;
}

}  // namespace hashrig::kernels::cpu
