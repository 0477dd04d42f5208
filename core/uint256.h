// Uint256: an unsigned 256-bit number, the value of a hash or a target.
// Hashes are 32 bytes in internal order = the little-endian encoding of this number; they are
// shown reversed (display hex = big-endian hex of the number).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace hashrig::core {

class Uint256 {
 public:
  constexpr Uint256() = default;
  constexpr explicit Uint256(std::uint64_t v) : m_words{std::uint32_t(v), std::uint32_t(v >> 32)} {}

  // From 32 bytes in internal (little-endian) order, e.g. the output of sha256d.
  static Uint256 from_le_bytes(std::span<const std::uint8_t, 32> bytes);
  // From 64 hex digits in display (big-endian) order. Throws ParseError.
  static Uint256 from_hex(std::string_view display_hex);
  static constexpr Uint256 max() {
    Uint256 r;
    r.m_words.fill(0xffffffffu);
    return r;
  }

  std::array<std::uint8_t, 32> to_le_bytes() const;
  std::string to_hex() const;  // 64 digits, display order

  // Word i of the number, 0 = least significant, 7 = most significant.
  constexpr std::uint32_t word(int i) const { return m_words[static_cast<std::size_t>(i)]; }
  constexpr void set_word(int i, std::uint32_t v) { m_words[static_cast<std::size_t>(i)] = v; }
  constexpr const std::array<std::uint32_t, 8>& words() const { return m_words; }

  bool is_zero() const;
  int bits() const;  // position of the highest set bit + 1; 0 for zero

  Uint256& operator<<=(unsigned shift);
  Uint256& operator>>=(unsigned shift);
  friend Uint256 operator<<(Uint256 a, unsigned s) { return a <<= s; }
  friend Uint256 operator>>(Uint256 a, unsigned s) { return a >>= s; }

  // Value as a long double (64-bit mantissa on x86-64): enough for difficulties.
  long double to_long_double() const;
  // Nearest representable value below or at v; v is clamped to [0, 2^256 - 1].
  static Uint256 from_long_double(long double v);

  friend constexpr std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) {
    for (int i = 7; i >= 0; --i) {
      if (a.word(i) != b.word(i)) return a.word(i) <=> b.word(i);
    }
    return std::strong_ordering::equal;
  }
  friend constexpr bool operator==(const Uint256& a, const Uint256& b) = default;

 private:
  std::array<std::uint32_t, 8> m_words{};
};

}  // namespace hashrig::core
