#include "core/bytes.h"

#include <algorithm>

#include "core/error.h"

namespace hashrig::core {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kDigits[] = "0123456789abcdef";

}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string to_hex_reversed(std::span<const std::uint8_t> bytes) {
  Bytes reversed(bytes.rbegin(), bytes.rend());
  return to_hex(reversed);
}

Bytes from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    throw ParseError("odd number of hex digits (" + std::to_string(hex.size()) + ")");
  }
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const std::size_t pos = hi < 0 ? 2 * i : 2 * i + 1;
      const unsigned char c = static_cast<unsigned char>(hex[pos]);
      std::string shown =
          (c >= 0x20 && c < 0x7f) ? std::string(1, char(c)) : "\\x" + to_hex(std::span(&c, 1));
      throw ParseError("non-hex character '" + shown + "' at position " + std::to_string(pos));
    }
    out[i] = std::uint8_t(hi << 4 | lo);
  }
  return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> from_hex_exact(std::string_view hex) {
  if (hex.size() != 2 * N) {
    throw ParseError("expected " + std::to_string(2 * N) + " hex digits (" + std::to_string(N) +
                     " bytes), got " + std::to_string(hex.size()));
  }
  const Bytes bytes = from_hex(hex);
  std::array<std::uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

template std::array<std::uint8_t, 4> from_hex_exact<4>(std::string_view);
template std::array<std::uint8_t, 32> from_hex_exact<32>(std::string_view);
template std::array<std::uint8_t, 80> from_hex_exact<80>(std::string_view);

}  // namespace hashrig::core
