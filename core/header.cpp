#include "core/header.h"

#include <algorithm>

#include "core/bytes.h"

namespace hashrig::core {

HeaderBytes BlockHeader::encode() const {
  HeaderBytes out{};
  write_le32(out.data(), version);
  std::copy(prev_hash.begin(), prev_hash.end(), out.begin() + 4);
  std::copy(merkle_root.begin(), merkle_root.end(), out.begin() + 36);
  write_le32(out.data() + 68, time);
  write_le32(out.data() + 72, bits);
  write_le32(out.data() + 76, nonce);
  return out;
}

BlockHeader BlockHeader::decode(std::span<const std::uint8_t, kHeaderSize> bytes) {
  BlockHeader h;
  h.version = read_le32(bytes.data());
  std::copy_n(bytes.begin() + 4, 32, h.prev_hash.begin());
  std::copy_n(bytes.begin() + 36, 32, h.merkle_root.begin());
  h.time = read_le32(bytes.data() + 68);
  h.bits = read_le32(bytes.data() + 72);
  h.nonce = read_le32(bytes.data() + 76);
  return h;
}

Hash256 BlockHeader::hash() const {
  const HeaderBytes bytes = encode();
  return sha256d(bytes);
}

Hash256 header_hash_with_nonce(const HeaderBytes& header, std::uint32_t nonce) {
  HeaderBytes copy = header;
  write_le32(copy.data() + kNonceOffset, nonce);
  return sha256d(copy);
}

}  // namespace hashrig::core
