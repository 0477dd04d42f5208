// Portable reference SHA-256 (FIPS 180-4) and sha256d. Every fast kernel is checked against it,
// and every candidate a device reports is re-hashed with it before it leaves the process.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/sha256_constants.h"

namespace hashrig::core {

using Hash256 = std::array<std::uint8_t, 32>;  // internal byte order
using Sha256State = std::array<std::uint32_t, 8>;

inline constexpr Sha256State kSha256Iv = {
    kSha256InitialState[0], kSha256InitialState[1], kSha256InitialState[2], kSha256InitialState[3],
    kSha256InitialState[4], kSha256InitialState[5], kSha256InitialState[6], kSha256InitialState[7]};

// One compression of a 64-byte block into the state.
void sha256_compress(Sha256State& state, const std::uint8_t* block);

class Sha256 {
 public:
  Sha256& update(std::span<const std::uint8_t> data);
  Hash256 finish();  // the object is reset afterwards

 private:
  Sha256State m_state = kSha256Iv;
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;
};

Hash256 sha256(std::span<const std::uint8_t> data);
Hash256 sha256d(std::span<const std::uint8_t> data);

// State after compressing the first 64 bytes (the midstate of an 80-byte header).
Sha256State midstate(std::span<const std::uint8_t, 64> first_block);

}  // namespace hashrig::core
