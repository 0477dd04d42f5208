// The portable reference SHA-256 / sha256d / midstate (core/sha256.h) against known answers:
// the FIPS 180-2 / NIST CAVS examples, digests at every padding boundary, and streaming input.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/sha256.h"
#include "test_support.h"

namespace hashrig::core {
namespace {

using test::bytes_of;

std::string sha256_hex(std::span<const std::uint8_t> data) {
  return to_hex(sha256(data));
}

// Digest of a state after the final compression, as the big-endian bytes of its words.
std::string state_hex(const Sha256State& s) {
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i)
    write_be32(out.data() + 4 * i, s[i]);
  return to_hex(out);
}

// FIPS 180-2 appendix B / NIST examples.
TEST(Sha256, NistEmptyString) {
  EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, NistAbc) {
  EXPECT_EQ(sha256_hex(bytes_of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Nist448Bit) {
  // 56 bytes: the padding no longer fits in the same block.
  EXPECT_EQ(sha256_hex(bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Nist896Bit) {
  EXPECT_EQ(sha256_hex(bytes_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

constexpr const char* kMillionA =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256, NistMillionAInOneUpdate) {
  const std::vector<std::uint8_t> a(1'000'000, 'a');
  EXPECT_EQ(sha256_hex(a), kMillionA);
  Sha256 h;
  h.update(a);
  EXPECT_EQ(to_hex(h.finish()), kMillionA);
}

TEST(Sha256, NistMillionAInOddPieces) {
  const std::vector<std::uint8_t> a(1'000'000, 'a');
  // Piece sizes that straddle the 64-byte block in every way, including empty updates.
  const std::size_t sizes[] = {1, 0, 63, 64, 65, 7, 127, 128, 129, 3, 55, 56, 57, 1000, 4093};
  Sha256 h;
  std::size_t pos = 0, i = 0;
  while (pos < a.size()) {
    const std::size_t n = std::min(sizes[i++ % std::size(sizes)], a.size() - pos);
    h.update(std::span(a).subspan(pos, n));
    pos += n;
  }
  EXPECT_EQ(to_hex(h.finish()), kMillionA);
}

// Digests of the bytes 00 01 02 ... (n bytes) around each padding boundary, from an independent
// implementation (Python's hashlib, i.e. OpenSSL).
TEST(Sha256, EveryPaddingBoundary) {
  struct Case {
    std::size_t n;
    const char* digest;
  };
  const Case cases[] = {
      {55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"},
      {56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"},
      {57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"},
      {63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"},
      {64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"},
      {65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"},
      {119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"},
      {120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"},
      {128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"},
      {1000, "a8af099bf2e878609558dbf69d8f88f4a31040a8cf84b549a0cfa912f12ffc3f"},
  };
  for (const Case& c : cases) {
    std::vector<std::uint8_t> msg(c.n);
    for (std::size_t i = 0; i < c.n; ++i)
      msg[i] = std::uint8_t(i);
    EXPECT_EQ(sha256_hex(msg), c.digest) << c.n << " bytes";
    // The same message split at every point gives the same digest.
    for (std::size_t split = 0; split <= c.n; ++split) {
      Sha256 h;
      h.update(std::span(msg).first(split)).update(std::span(msg).subspan(split));
      ASSERT_EQ(to_hex(h.finish()), c.digest) << c.n << " bytes split at " << split;
    }
  }
}

TEST(Sha256, EmptyUpdatesBetweenPiecesChangeNothing) {
  // A default span has a null data pointer: feeding it mid-block must be a no-op.
  Sha256 h;
  h.update(bytes_of("a"));
  h.update(std::span<const std::uint8_t>{});
  h.update(bytes_of("bc"));
  h.update(std::span<const std::uint8_t>{});
  EXPECT_EQ(to_hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FinishResetsTheObject) {
  Sha256 h;
  h.update(bytes_of("some earlier message that must not leak into the next digest"));
  (void)h.finish();
  h.update(bytes_of("abc"));
  EXPECT_EQ(to_hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(h.finish()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256d, KnownValue) {
  // sha256d("hello"), the example of the Bitcoin wiki's protocol documentation:
  // sha256 = 2cf24dba..., sha256 of that = 9595c9df...
  EXPECT_EQ(to_hex(sha256(bytes_of("hello"))),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(to_hex(sha256d(bytes_of("hello"))),
            "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
}

TEST(Sha256d, IsShaOfSha) {
  const auto msg = bytes_of("abc");
  const Hash256 once = sha256(msg);
  EXPECT_EQ(sha256d(msg), sha256(once));
  EXPECT_NE(sha256d(msg), once);
}

TEST(Sha256Compress, OneBlockFromTheIvIsTheAbcDigest) {
  // "abc" padded by hand to one block: 61 62 63 80 00 .. 00 | 64-bit length 24.
  std::array<std::uint8_t, 64> block{};
  block[0] = 'a';
  block[1] = 'b';
  block[2] = 'c';
  block[3] = 0x80;
  block[63] = 24;
  Sha256State s = kSha256Iv;
  sha256_compress(s, block.data());
  EXPECT_EQ(state_hex(s), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Midstate, EqualsCompressingTheFirstBlock) {
  std::array<std::uint8_t, 64> block{};
  for (std::size_t i = 0; i < block.size(); ++i)
    block[i] = std::uint8_t(0x5a ^ (i * 29));
  Sha256State by_hand = kSha256Iv;
  sha256_compress(by_hand, block.data());
  EXPECT_EQ(midstate(block), by_hand);
  EXPECT_NE(midstate(block), kSha256Iv);
}

TEST(Midstate, FinishingAnEightyByteHeaderFromItGivesItsSha256) {
  // The genesis header: midstate of bytes 0..63, then the second block (bytes 64..79, 0x80,
  // zeros, bit length 640) compressed by hand, must equal sha256 of the 80 bytes.
  const HeaderBytes header = test::header_from_hex(
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b2"
      "7ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c");
  Sha256State s = midstate(std::span<const std::uint8_t, 64>(header.data(), 64));
  std::array<std::uint8_t, 64> tail{};
  std::copy(header.begin() + 64, header.end(), tail.begin());
  tail[16] = 0x80;
  tail[62] = 640 >> 8;
  tail[63] = 640 & 0xff;
  sha256_compress(s, tail.data());
  EXPECT_EQ(state_hex(s), to_hex(sha256(header)));
  // And sha256 of that is the genesis block hash (display order reversed).
  EXPECT_EQ(to_hex_reversed(sha256(sha256(header))),
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

}  // namespace
}  // namespace hashrig::core
