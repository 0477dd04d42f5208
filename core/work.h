// Work: what a kernel hashes. An 80-byte header (its nonce field is ignored: the kernel supplies
// nonces) and the 256-bit target a hash must be <= to be reported.
// HitBuffer: fixed-capacity storage for the nonces a kernel reports; no allocation while scanning.
#pragma once

#include <array>
#include <cstdint>

#include "core/header.h"
#include "core/uint256.h"

namespace hashrig::core {

struct Work {
  HeaderBytes header{};
  Uint256 target;
};

class HitBuffer {
 public:
  static constexpr std::uint32_t kCapacity = 512;

  std::uint32_t size() const { return m_count; }
  std::uint32_t room() const { return kCapacity - m_count; }
  bool empty() const { return m_count == 0; }
  void clear() { m_count = 0; }
  std::uint32_t operator[](std::uint32_t i) const { return m_nonces[i]; }
  const std::uint32_t* begin() const { return m_nonces.data(); }
  const std::uint32_t* end() const { return m_nonces.data() + m_count; }

  // For kernels: raw storage and the count they appended.
  std::uint32_t* data() { return m_nonces.data(); }
  void set_size(std::uint32_t n) { m_count = n; }

 private:
  std::array<std::uint32_t, kCapacity> m_nonces{};
  std::uint32_t m_count = 0;
};

}  // namespace hashrig::core
