// The 80-byte block header: encode, decode, hash.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/sha256.h"
#include "core/uint256.h"

namespace hashrig::core {

inline constexpr std::size_t kHeaderSize = 80;
inline constexpr std::size_t kNonceOffset = 76;
using HeaderBytes = std::array<std::uint8_t, kHeaderSize>;

struct BlockHeader {
  std::uint32_t version = 0;
  Hash256 prev_hash{};    // internal order
  Hash256 merkle_root{};  // internal order
  std::uint32_t time = 0;
  std::uint32_t bits = 0;
  std::uint32_t nonce = 0;

  HeaderBytes encode() const;
  static BlockHeader decode(std::span<const std::uint8_t, kHeaderSize> bytes);

  Hash256 hash() const;  // sha256d of the encoding, internal order
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

// sha256d of an 80-byte header with its nonce field replaced.
Hash256 header_hash_with_nonce(const HeaderBytes& header, std::uint32_t nonce);

inline Uint256 hash_value(const Hash256& h) {
  return Uint256::from_le_bytes(h);
}

}  // namespace hashrig::core
