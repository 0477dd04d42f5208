#include "core/uint256.h"

#include <cmath>

#include "core/bytes.h"
#include "core/error.h"

namespace hashrig::core {

Uint256 Uint256::from_le_bytes(std::span<const std::uint8_t, 32> bytes) {
  Uint256 r;
  for (int i = 0; i < 8; ++i)
    r.set_word(i, read_le32(bytes.data() + 4 * i));
  return r;
}

Uint256 Uint256::from_hex(std::string_view display_hex) {
  auto be = from_hex_exact<32>(display_hex);
  std::array<std::uint8_t, 32> le{};
  for (int i = 0; i < 32; ++i)
    le[i] = be[31 - i];
  return from_le_bytes(le);
}

std::array<std::uint8_t, 32> Uint256::to_le_bytes() const {
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i)
    write_le32(out.data() + 4 * i, word(i));
  return out;
}

std::string Uint256::to_hex() const {
  const auto le = to_le_bytes();
  return to_hex_reversed(le);
}

bool Uint256::is_zero() const {
  for (auto w : m_words) {
    if (w != 0) return false;
  }
  return true;
}

int Uint256::bits() const {
  for (int i = 7; i >= 0; --i) {
    if (word(i) != 0) return 32 * i + 32 - __builtin_clz(word(i));
  }
  return 0;
}

Uint256& Uint256::operator<<=(unsigned shift) {
  std::array<std::uint32_t, 8> out{};
  const unsigned words = shift / 32, bits = shift % 32;
  for (unsigned i = 0; i + words < 8; ++i) {
    out[i + words] |= m_words[i] << bits;
    if (bits != 0 && i + words + 1 < 8) out[i + words + 1] |= m_words[i] >> (32 - bits);
  }
  m_words = out;
  return *this;
}

Uint256& Uint256::operator>>=(unsigned shift) {
  std::array<std::uint32_t, 8> out{};
  const unsigned words = shift / 32, bits = shift % 32;
  for (unsigned i = words; i < 8; ++i) {
    out[i - words] |= m_words[i] >> bits;
    if (bits != 0 && i - words >= 1) out[i - words - 1] |= m_words[i] << (32 - bits);
  }
  m_words = out;
  return *this;
}

long double Uint256::to_long_double() const {
  long double r = 0;
  for (int i = 7; i >= 0; --i)
    r = r * 4294967296.0L + static_cast<long double>(word(i));
  return r;
}

Uint256 Uint256::from_long_double(long double v) {
  if (!(v > 0)) return Uint256{};  // also NaN
  if (v >= std::ldexp(1.0L, 256)) return max();
  Uint256 r;
  for (int i = 7; i >= 0; --i) {
    const long double scale = std::ldexp(1.0L, 32 * i);
    const long double w = std::floor(v / scale);
    r.set_word(i, static_cast<std::uint32_t>(w));
    v -= w * scale;
  }
  return r;
}

}  // namespace hashrig::core
