// Bytes and hex: strict hex decoding (errors name the offending position), encoding, byte order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hashrig::core {

using Bytes = std::vector<std::uint8_t>;

// Lower-case hex of the bytes in the order given.
std::string to_hex(std::span<const std::uint8_t> bytes);

// Decodes hex (either case, no prefix, no whitespace). Throws ParseError naming the problem:
// an odd number of digits or the position of the first non-hex character.
Bytes from_hex(std::string_view hex);

// Decodes exactly N bytes of hex; throws ParseError when the length differs.
template <std::size_t N>
std::array<std::uint8_t, N> from_hex_exact(std::string_view hex);

// Hex of the bytes in reverse order: how hashes are shown (display order).
std::string to_hex_reversed(std::span<const std::uint8_t> bytes);

inline std::uint32_t read_le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
         std::uint32_t(p[3]) << 24;
}
inline std::uint32_t read_be32(const std::uint8_t* p) {
  return std::uint32_t(p[3]) | std::uint32_t(p[2]) << 8 | std::uint32_t(p[1]) << 16 |
         std::uint32_t(p[0]) << 24;
}
inline void write_le32(std::uint8_t* p, std::uint32_t v) {
  p[0] = std::uint8_t(v);
  p[1] = std::uint8_t(v >> 8);
  p[2] = std::uint8_t(v >> 16);
  p[3] = std::uint8_t(v >> 24);
}
inline void write_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = std::uint8_t(v >> 24);
  p[1] = std::uint8_t(v >> 16);
  p[2] = std::uint8_t(v >> 8);
  p[3] = std::uint8_t(v);
}

}  // namespace hashrig::core
