// Targets (core/target.h): compact nBits <-> 256-bit target with Bitcoin Core's semantics
// (src/test/arith_uint256_tests.cpp, bignum_SetCompact), and pool difficulty <-> target with
// diff1 = 0xffff << 208.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/error.h"
#include "core/target.h"
#include "core/uint256.h"

namespace hashrig::core {
namespace {

Uint256 hex(const char* display) {
  return Uint256::from_hex(display);
}

TEST(Diff1, IsFfffShiftedBy208) {
  EXPECT_EQ(diff1_target().to_hex(),
            "00000000ffff0000000000000000000000000000000000000000000000000000");
}

TEST(DecodeCompact, RealNetworkValues) {
  struct Case {
    std::uint32_t bits;
    const char* target;
  };
  const Case cases[] = {
      // mainnet: genesis..early 2010 (difficulty 1)
      {0x1d00ffff, "00000000ffff0000000000000000000000000000000000000000000000000000"},
      // regtest
      {0x207fffff, "7fffff0000000000000000000000000000000000000000000000000000000000"},
      // mainnet blocks 100000, 125552, 794143 and 881423
      {0x1b04864c, "000000000004864c000000000000000000000000000000000000000000000000"},
      {0x1a44b9f2, "00000000000044b9f20000000000000000000000000000000000000000000000"},
      {0x17057e69, "000000000000000000057e690000000000000000000000000000000000000000"},
      {0x17029a8a, "000000000000000000029a8a0000000000000000000000000000000000000000"},
  };
  for (const Case& c : cases) {
    const CompactDecode d = decode_compact(c.bits);
    EXPECT_EQ(d.target.to_hex(), c.target) << std::hex << c.bits;
    EXPECT_FALSE(d.negative) << std::hex << c.bits;
    EXPECT_FALSE(d.overflow) << std::hex << c.bits;
    EXPECT_EQ(target_from_compact(c.bits), d.target) << std::hex << c.bits;
    EXPECT_EQ(compact_from_target(d.target), c.bits) << std::hex << c.bits;
  }
  EXPECT_EQ(target_from_compact(0x1d00ffff), diff1_target());
}

// Bitcoin Core, src/test/arith_uint256_tests.cpp (bignum_SetCompact).
TEST(DecodeCompact, BitcoinCoreVectors) {
  struct Case {
    std::uint32_t bits;
    std::uint64_t value;  // all of Core's finite vectors fit in 64 bits except 0x20123456
    bool negative;
    std::uint32_t recompact;  // GetCompact() of the decoded (non-negative) value
  };
  const Case cases[] = {
      {0x00000000, 0, false, 0},
      {0x00123456, 0, false, 0},
      {0x01003456, 0, false, 0},
      {0x02000056, 0, false, 0},
      {0x03000000, 0, false, 0},
      {0x04000000, 0, false, 0},
      {0x00923456, 0, false, 0},
      {0x01803456, 0, false, 0},
      {0x02800056, 0, false, 0},
      {0x03800000, 0, false, 0},
      {0x04800000, 0, false, 0},
      {0x01123456, 0x12, false, 0x01120000},
      {0x01fedcba, 0x7e, true, 0x017e0000},
      {0x02123456, 0x1234, false, 0x02123400},
      {0x03123456, 0x123456, false, 0x03123456},
      {0x04123456, 0x12345600, false, 0x04123456},
      {0x04923456, 0x12345600, true, 0x04123456},
      {0x05009234, 0x92340000, false, 0x05009234},
  };
  for (const Case& c : cases) {
    const CompactDecode d = decode_compact(c.bits);
    EXPECT_EQ(d.target, Uint256(c.value)) << std::hex << c.bits;
    EXPECT_EQ(d.negative, c.negative) << std::hex << c.bits;
    EXPECT_FALSE(d.overflow) << std::hex << c.bits;
    EXPECT_EQ(compact_from_target(d.target), c.recompact) << std::hex << c.bits;
  }
  const CompactDecode big = decode_compact(0x20123456);
  EXPECT_EQ(big.target.to_hex(),
            "1234560000000000000000000000000000000000000000000000000000000000");
  EXPECT_FALSE(big.negative || big.overflow);
  EXPECT_EQ(compact_from_target(big.target), 0x20123456u);

  const CompactDecode over = decode_compact(0xff123456);
  EXPECT_TRUE(over.overflow);
  EXPECT_FALSE(over.negative);
}

TEST(DecodeCompact, OverflowEdges) {
  // Exactly 256 bits still fits; one more significant byte does not.
  EXPECT_FALSE(decode_compact(0x2100ffff).overflow);
  EXPECT_EQ(decode_compact(0x2100ffff).target.to_hex(),
            "ffff000000000000000000000000000000000000000000000000000000000000");
  EXPECT_TRUE(decode_compact(0x21010000).overflow);
  EXPECT_FALSE(decode_compact(0x220000ff).overflow);
  EXPECT_EQ(decode_compact(0x220000ff).target.to_hex(),
            "ff00000000000000000000000000000000000000000000000000000000000000");
  EXPECT_TRUE(decode_compact(0x22000100).overflow);
  EXPECT_TRUE(decode_compact(0x23000001).overflow);
  // A zero mantissa never overflows or is negative, however large the exponent.
  EXPECT_FALSE(decode_compact(0xff000000).overflow);
  EXPECT_FALSE(decode_compact(0xff800000).negative);
}

TEST(TargetFromCompact, ThrowsParseErrorNamingTheProblem) {
  auto message_of = [](std::uint32_t bits) -> std::string {
    try {
      (void)target_from_compact(bits);
    } catch (const ParseError& e) {
      return e.what();
    }
    return "(no ParseError)";
  };
  EXPECT_NE(message_of(0x04923456).find("negative"), std::string::npos) << message_of(0x04923456);
  EXPECT_NE(message_of(0x01fedcba).find("negative"), std::string::npos);
  EXPECT_NE(message_of(0xff123456).find("overflow"), std::string::npos) << message_of(0xff123456);
  EXPECT_NE(message_of(0x22000100).find("overflow"), std::string::npos);
  EXPECT_NE(message_of(0).find("zero"), std::string::npos) << message_of(0);
  EXPECT_NE(message_of(0x01003456).find("zero"), std::string::npos);
  // The value itself is named.
  EXPECT_NE(message_of(0x04923456).find("4923456"), std::string::npos) << message_of(0x04923456);
}

TEST(CompactFromTarget, NeverSetsTheSignBit) {
  EXPECT_EQ(compact_from_target(Uint256(0x80)), 0x02008000u);
  EXPECT_EQ(compact_from_target(Uint256(0x800000)), 0x04008000u);
  EXPECT_EQ(compact_from_target(Uint256::max()), 0x2100ffffu);
  EXPECT_EQ(compact_from_target(Uint256()), 0u);
}

TEST(CompactFromTarget, RoundTripsRandomTargets) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Uint256 t;
    for (int w = 0; w < 8; ++w)
      t.set_word(w, std::uint32_t(rng()));
    t >>= unsigned(rng() % 250);
    if (t.is_zero()) continue;
    const std::uint32_t c = compact_from_target(t);
    ASSERT_EQ(c & 0x00800000u, 0u) << t.to_hex();
    const Uint256 back = target_from_compact(c);
    // Truncation to a 16..23-bit mantissa: never above, and within 2^-15 relative below.
    ASSERT_LE(back, t) << t.to_hex();
    ASSERT_TRUE(t.to_long_double() - back.to_long_double() <= t.to_long_double() / 32768.0L)
        << t.to_hex() << " -> " << std::hex << c << " -> " << back.to_hex();
    // And a compact value that is already canonical survives the trip unchanged.
    ASSERT_EQ(compact_from_target(back), c) << t.to_hex();
  }
}

TEST(TargetFromDifficulty, OneIsDiff1Exactly) {
  EXPECT_EQ(target_from_difficulty(1.0), diff1_target());
}

TEST(TargetFromDifficulty, PowersOfTwoAreExact) {
  EXPECT_EQ(target_from_difficulty(2.0), diff1_target() >> 1);
  EXPECT_EQ(target_from_difficulty(1024.0), diff1_target() >> 10);
  EXPECT_EQ(target_from_difficulty(0.5), diff1_target() << 1);
  EXPECT_EQ(target_from_difficulty(1.0 / 65536.0), diff1_target() << 16);
  EXPECT_EQ(target_from_difficulty(std::ldexp(1.0, -32)).to_hex(),
            "ffff000000000000000000000000000000000000000000000000000000000000");
}

TEST(TargetFromDifficulty, BelowOneGivesATargetAboveDiff1) {
  // diff1 * 1000 = 0x3e7fc18 << 208 (exact integer); 0.001 is not exact in binary, so allow
  // a relative error far below anything a pool would notice.
  const Uint256 t = target_from_difficulty(0.001);
  const Uint256 expected = hex("000003e7fc180000000000000000000000000000000000000000000000000000");
  EXPECT_GT(t, diff1_target());
  const long double rel = std::fabs(t.to_long_double() / expected.to_long_double() - 1.0L);
  EXPECT_LT(rel, 1e-15L) << t.to_hex();
}

TEST(TargetFromDifficulty, TinyDifficultyClampsToTheMaximum) {
  EXPECT_EQ(target_from_difficulty(1e-12), Uint256::max());
  EXPECT_EQ(target_from_difficulty(1e-300), Uint256::max());
  EXPECT_EQ(target_from_difficulty(std::numeric_limits<double>::denorm_min()), Uint256::max());
  // 2^-32 gives 0xffff << 240, still below the maximum: the clamp is not applied too early.
  EXPECT_LT(target_from_difficulty(std::ldexp(1.0, -32)), Uint256::max());
}

TEST(TargetFromDifficulty, RejectsNonPositiveAndNonFinite) {
  const double bad[] = {0.0,
                        -0.0,
                        -1.0,
                        -1e-9,
                        std::numeric_limits<double>::quiet_NaN(),
                        std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()};
  for (double d : bad) {
    try {
      (void)target_from_difficulty(d);
      ADD_FAILURE() << "no ParseError for difficulty " << d;
    } catch (const ParseError& e) {
      EXPECT_NE(std::string(e.what()).find("difficulty"), std::string::npos) << e.what();
    }
  }
}

TEST(DifficultyFromTarget, KnownValues) {
  EXPECT_EQ(difficulty_from_target(diff1_target()), 1.0);
  EXPECT_EQ(difficulty_from_target(diff1_target() >> 1), 2.0);
  EXPECT_EQ(difficulty_from_target(diff1_target() << 3), 0.125);
  EXPECT_TRUE(std::isinf(difficulty_from_target(Uint256())));
  // Mainnet block 100000 (nBits 0x1b04864c): difficulty 14484.16...
  const double d = difficulty_from_target(target_from_compact(0x1b04864c));
  EXPECT_NEAR(d, 14484.1623612254, 1e-6);
}

TEST(DifficultyFromTarget, InvertsTargetFromDifficulty) {
  const double diffs[] = {1e-6, 0.001, 0.0123,     0.5, 1.0,    3.0,  7.77,
                          1000, 65536, 123456.789, 1e9, 5.5e12, 1e15, 1.2345e18};
  for (double d : diffs) {
    const double back = difficulty_from_target(target_from_difficulty(d));
    EXPECT_LT(std::fabs(back / d - 1.0), 1e-12) << "difficulty " << d << " came back as " << back;
  }
}

}  // namespace
}  // namespace hashrig::core
