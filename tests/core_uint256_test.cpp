// Uint256 (core/uint256.h): ordering, shifts, hex in display order, little-endian bytes, and the
// long double conversions difficulties go through.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/error.h"
#include "core/uint256.h"

namespace hashrig::core {
namespace {

Uint256 from_words(std::array<std::uint32_t, 8> w) {  // w[0] least significant
  Uint256 r;
  for (int i = 0; i < 8; ++i)
    r.set_word(i, w[std::size_t(i)]);
  return r;
}

TEST(Uint256, OrderingIsNumeric) {
  EXPECT_LT(Uint256(1), Uint256(2));
  EXPECT_GT(Uint256(0x100000000ull), Uint256(0xffffffffull));
  EXPECT_EQ(Uint256(42), Uint256(42));
  EXPECT_NE(Uint256(42), Uint256(43));
  EXPECT_LT(Uint256(), Uint256(1));
  // The most significant differing word decides, whatever the lower words hold.
  const Uint256 high = from_words({0, 0, 0, 0, 0, 0, 0, 1});
  const Uint256 low = from_words({~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, 0});
  EXPECT_GT(high, low);
  EXPECT_LT(low, high);
  EXPECT_LT(from_words({5, 0, 0, 0, 7, 0, 0, 9}), from_words({4, 0, 0, 0, 8, 0, 0, 9}));
  EXPECT_LE(Uint256::max(), Uint256::max());
  EXPECT_LT(low, Uint256::max());
}

TEST(Uint256, ConstructsFrom64Bits) {
  const Uint256 v(0x0123456789abcdefull);
  EXPECT_EQ(v.word(0), 0x89abcdefu);
  EXPECT_EQ(v.word(1), 0x01234567u);
  for (int i = 2; i < 8; ++i)
    EXPECT_EQ(v.word(i), 0u);
}

TEST(Uint256, BitsIsTheHighestSetBitPlusOne) {
  EXPECT_EQ(Uint256().bits(), 0);
  EXPECT_TRUE(Uint256().is_zero());
  EXPECT_FALSE(Uint256(1).is_zero());
  EXPECT_EQ(Uint256(1).bits(), 1);
  EXPECT_EQ(Uint256(0x80000000ull).bits(), 32);
  EXPECT_EQ(Uint256(0x100000000ull).bits(), 33);
  EXPECT_EQ(Uint256::max().bits(), 256);
}

TEST(Uint256, ShiftsMoveBitsAcrossWords) {
  const Uint256 one(1);
  for (unsigned s = 0; s < 256; ++s) {
    const Uint256 v = one << s;
    ASSERT_EQ(v.bits(), int(s) + 1) << "1 << " << s;
    ASSERT_EQ(v.word(int(s / 32)), 1u << (s % 32)) << "1 << " << s;
    ASSERT_EQ(v >> s, one) << "(1 << " << s << ") >> " << s;
  }
  EXPECT_EQ(one << 256, Uint256());
  EXPECT_EQ(Uint256::max() >> 256, Uint256());
  EXPECT_EQ(Uint256::max() << 0, Uint256::max());

  // A pattern shifted by a non-multiple of 32 straddles words.
  const Uint256 v = Uint256(0xffffffffull) << 20;
  EXPECT_EQ(v.word(0), 0xfff00000u);
  EXPECT_EQ(v.word(1), 0x000fffffu);
  EXPECT_EQ(v >> 20, Uint256(0xffffffffull));
  EXPECT_EQ(v >> 40, Uint256(0xfffull));

  EXPECT_EQ((Uint256::max() >> 1).to_hex(),
            "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  EXPECT_EQ((Uint256::max() << 4).to_hex(),
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0");
  EXPECT_EQ((Uint256(0xffff) << 208).to_hex(),
            "00000000ffff0000000000000000000000000000000000000000000000000000");
  // Compound forms match the binary ones.
  Uint256 w(0xabcdef);
  w <<= 100;
  EXPECT_EQ(w, Uint256(0xabcdef) << 100);
  w >>= 99;
  EXPECT_EQ(w, Uint256(0xabcdef * 2));
}

TEST(Uint256, HexIsDisplayOrder) {
  const std::string h = "00000000000000000001543bc4d2b5e1434cb64af8995e21fe15ca708a6ac9e3";
  const Uint256 v = Uint256::from_hex(h);
  EXPECT_EQ(v.word(7), 0u);
  EXPECT_EQ(v.word(6), 0u);
  EXPECT_EQ(v.word(5), 0x0001543bu);
  EXPECT_EQ(v.word(4), 0xc4d2b5e1u);
  EXPECT_EQ(v.word(0), 0x8a6ac9e3u);
  EXPECT_EQ(v.to_hex(), h);
  EXPECT_EQ(Uint256::from_hex("000000000000000000000000000000000000000000000000000000000000ABCD"),
            Uint256(0xabcd));
  EXPECT_EQ(Uint256(0xabcd).to_hex(),
            "000000000000000000000000000000000000000000000000000000000000abcd");
  EXPECT_EQ(Uint256().to_hex(), std::string(64, '0'));
  EXPECT_EQ(Uint256::max().to_hex(), std::string(64, 'f'));
}

TEST(Uint256, HexRoundTripsRandomValues) {
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 200; ++i) {
    Uint256 v;
    for (int w = 0; w < 8; ++w)
      v.set_word(w, std::uint32_t(rng()));
    v >>= unsigned(rng() % 256);  // varied magnitudes, many leading zeros
    ASSERT_EQ(Uint256::from_hex(v.to_hex()), v) << v.to_hex();
    ASSERT_EQ(Uint256::from_le_bytes(v.to_le_bytes()), v) << v.to_hex();
  }
}

TEST(Uint256, FromHexRejectsBadInputWithParseError) {
  EXPECT_THROW(Uint256::from_hex(std::string(63, '0')), ParseError);
  EXPECT_THROW(Uint256::from_hex(std::string(66, '0')), ParseError);
  EXPECT_THROW(Uint256::from_hex(std::string(63, '0') + "g"), ParseError);
  EXPECT_THROW(Uint256::from_hex(""), ParseError);
}

TEST(Uint256, FromLeBytesIsLittleEndian) {
  std::array<std::uint8_t, 32> b{};
  for (int i = 0; i < 32; ++i)
    b[std::size_t(i)] = std::uint8_t(i);
  const Uint256 v = Uint256::from_le_bytes(b);
  EXPECT_EQ(v.word(0), 0x03020100u);
  EXPECT_EQ(v.word(7), 0x1f1e1d1cu);
  EXPECT_EQ(v.to_hex(), "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
  EXPECT_EQ(v.to_le_bytes(), b);
}

TEST(Uint256, LongDoubleConversions) {
  EXPECT_EQ(Uint256(12345).to_long_double(), 12345.0L);
  EXPECT_EQ((Uint256(1) << 200).to_long_double(), std::ldexp(1.0L, 200));
  EXPECT_EQ(Uint256::from_long_double(std::ldexp(1.0L, 200)), Uint256(1) << 200);
  EXPECT_EQ(Uint256::from_long_double(std::ldexp(65535.0L, 208)), Uint256(0xffff) << 208);
  EXPECT_EQ(Uint256::from_long_double(12345.75L), Uint256(12345));  // rounds down
  EXPECT_EQ(Uint256::from_long_double(0.5L), Uint256());
  EXPECT_EQ(Uint256::from_long_double(-1.0L), Uint256());
  EXPECT_EQ(Uint256::from_long_double(std::numeric_limits<long double>::quiet_NaN()), Uint256());
  EXPECT_EQ(Uint256::from_long_double(std::ldexp(1.0L, 256)), Uint256::max());
  EXPECT_EQ(Uint256::from_long_double(1e100L), Uint256::max());
  EXPECT_EQ(Uint256::from_long_double(std::numeric_limits<long double>::infinity()),
            Uint256::max());
  // A 64-bit mantissa survives the trip at any exponent.
  const Uint256 m = Uint256(0xfedcba9876543211ull) << 150;
  EXPECT_EQ(Uint256::from_long_double(m.to_long_double()), m);
}

}  // namespace
}  // namespace hashrig::core
