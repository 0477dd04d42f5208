// Hex and byte order (core/bytes.h): round trips, strict decoding, and errors that name the
// position or length that was wrong.
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace hashrig::core {
namespace {

// The message of the ParseError that `fn` throws; fails the test when it throws nothing.
template <class Fn>
std::string parse_error_of(Fn fn) {
  try {
    fn();
  } catch (const ParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected core::ParseError";
  return {};
}

TEST(Hex, EncodesLowerCaseInGivenOrder) {
  const std::vector<std::uint8_t> b = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "00017f80abff");
  EXPECT_EQ(to_hex_reversed(b), "ffab807f0100");
  EXPECT_EQ(to_hex(std::vector<std::uint8_t>{}), "");
}

TEST(Hex, DecodesEitherCase) {
  EXPECT_EQ(from_hex("00017F80aBfF"), (Bytes{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff}));
  EXPECT_EQ(from_hex(""), Bytes{});
}

TEST(Hex, RoundTripsEveryByteValue) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i)
    all[std::size_t(i)] = std::uint8_t(i);
  const std::string hex = to_hex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(from_hex(hex), all);
  std::string upper = hex;
  for (char& c : upper)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(from_hex(upper), all);
}

TEST(Hex, ExactLengthRoundTrip) {
  const std::string h64 = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  const auto a = from_hex_exact<32>(h64);
  EXPECT_EQ(a[0], 0x00);
  EXPECT_EQ(a[6], 0xd6);
  EXPECT_EQ(a[8], 0x9c);
  EXPECT_EQ(a[31], 0x6f);
  EXPECT_EQ(to_hex(a), h64);
}

TEST(HexErrors, OddLengthNamesTheLength) {
  const std::string msg = parse_error_of([] { from_hex("abc"); });
  EXPECT_NE(msg.find("odd"), std::string::npos) << msg;
  EXPECT_NE(msg.find('3'), std::string::npos) << msg;
}

TEST(HexErrors, NonHexCharacterNamesItsPosition) {
  std::string msg = parse_error_of([] { from_hex("00zz"); });
  EXPECT_NE(msg.find("position 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'z'"), std::string::npos) << msg;

  msg = parse_error_of([] { from_hex("0g"); });  // second digit of a pair
  EXPECT_NE(msg.find("position 1"), std::string::npos) << msg;

  msg = parse_error_of([] { from_hex("0011223 "); });  // trailing space
  EXPECT_NE(msg.find("position 7"), std::string::npos) << msg;

  msg = parse_error_of([] { from_hex("0x12"); });  // prefixes are not hex
  EXPECT_NE(msg.find("position 1"), std::string::npos) << msg;

  // A control character is shown escaped, not raw.
  msg = parse_error_of([] { from_hex(std::string("00\x01", 3) + "1"); });
  EXPECT_NE(msg.find("\\x01"), std::string::npos) << msg;
  EXPECT_NE(msg.find("position 2"), std::string::npos) << msg;
}

TEST(HexErrors, WrongExactLengthNamesBothLengths) {
  std::string msg = parse_error_of([] { from_hex_exact<32>(std::string(62, '0')); });
  EXPECT_NE(msg.find("64"), std::string::npos) << msg;
  EXPECT_NE(msg.find("62"), std::string::npos) << msg;

  msg = parse_error_of([] { from_hex_exact<80>(std::string(162, 'a')); });
  EXPECT_NE(msg.find("160"), std::string::npos) << msg;
  EXPECT_NE(msg.find("162"), std::string::npos) << msg;

  // Right length, bad character: the position is still named.
  msg =
      parse_error_of([] { from_hex_exact<32>(std::string(40, '0') + "x" + std::string(23, '0')); });
  EXPECT_NE(msg.find("position 40"), std::string::npos) << msg;
}

TEST(HexErrors, ParseErrorIsAnInvalidArgument) {
  EXPECT_THROW(from_hex("1"), std::invalid_argument);
  EXPECT_THROW(from_hex_exact<32>(""), ParseError);
}

TEST(ByteOrder, ReadsAndWritesLittleAndBigEndian) {
  const std::array<std::uint8_t, 4> b = {0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(read_le32(b.data()), 0x04030201u);
  EXPECT_EQ(read_be32(b.data()), 0x01020304u);
  std::array<std::uint8_t, 4> out{};
  write_le32(out.data(), 0xa1b2c3d4u);
  EXPECT_EQ(to_hex(out), "d4c3b2a1");
  write_be32(out.data(), 0xa1b2c3d4u);
  EXPECT_EQ(to_hex(out), "a1b2c3d4");
  EXPECT_EQ(read_be32(out.data()), 0xa1b2c3d4u);
  EXPECT_EQ(read_le32(out.data()), 0xd4c3b2a1u);
}

}  // namespace
}  // namespace hashrig::core
