// Payout addresses (node-bridge/address.h, base58.h, bech32.h): the BIP 173 and BIP 350 test
// vectors, well-known base58 addresses, the payout addresses recorded from a real regtest node,
// and the messages for wrong networks, bad checksums and every other refusal.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "node-bridge/address.h"
#include "node-bridge/base58.h"
#include "node-bridge/bech32.h"
#include "test_support.h"

namespace hashrig::node {
namespace {

constexpr Network kAllNetworks[] = {Network::mainnet, Network::testnet, Network::signet,
                                    Network::regtest};

// The message of the ParseError that `fn` throws; fails the test when it throws nothing.
template <class Fn>
std::string parse_error_of(Fn fn) {
  try {
    fn();
  } catch (const core::ParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected core::ParseError";
  return {};
}

std::string address_error(std::string_view text, Network network) {
  return parse_error_of([&] { decode_address(text, network); });
}

// The scriptPubKey a segwit string stands for, straight from the codec (no policy): version
// opcode (OP_0 or OP_1..OP_16), push of the program.
std::string generic_witness_script(std::string_view text) {
  const Bech32String s = bech32_decode(text);
  const core::Bytes program = bech32_data_to_bytes(std::span(s.data).subspan(1));
  core::Bytes script{std::uint8_t(s.data[0] == 0 ? 0x00 : 0x50 + s.data[0]),
                     std::uint8_t(program.size())};
  script.insert(script.end(), program.begin(), program.end());
  return core::to_hex(script);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

// ---- bech32 / bech32m strings (BIP 173, BIP 350 "test vectors") ----

TEST(Bech32, Bip173ValidStringsAreBech32) {
  for (const char* text :
       {"A12UEL5L", "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedc"
        "haractersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
        "qqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"}) {
    SCOPED_TRACE(text);
    const Bech32String s = bech32_decode(text);
    EXPECT_EQ(s.encoding, Bech32Encoding::bech32);
    EXPECT_EQ(bech32_encode(s.encoding, s.hrp, s.data), lower(text));
  }
}

TEST(Bech32, Bip350ValidStringsAreBech32m) {
  for (const char* text :
       {"A1LQFN3A", "a1lqfn3a",
        "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersb"
        "ioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
        "llllllllllllllllllllllllludsr8",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"}) {
    SCOPED_TRACE(text);
    const Bech32String s = bech32_decode(text);
    EXPECT_EQ(s.encoding, Bech32Encoding::bech32m);
    EXPECT_EQ(bech32_encode(s.encoding, s.hrp, s.data), lower(text));
  }
}

TEST(Bech32, Bip173AndBip350InvalidStringsAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // BIP 173
      {std::string("\x20") + "1nwldj5", "invalid character 0x20 at position 0"},
      {std::string("\x7f") + "1axkwrx", "invalid character 0x7f at position 0"},
      {std::string("\x80") + "1eym55h", "invalid character 0x80 at position 0"},
      {"an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569"
       "pvx",
       "too long: 91 characters"},
      {"pzry9x0s0muk", "no separator"},
      {"1pzry9x0s0muk", "empty human-readable part"},
      {"x1b4n0q5v", "invalid character 'b' at position 2"},
      {"li1dgmt3", "checksum too short"},
      {std::string("de1lg7wt") + "\xff", "invalid character 0xff at position 8"},
      {"A1G7SGD8", "bad checksum"},
      {"10a06t8", "empty human-readable part"},
      {"1qzzfhee", "empty human-readable part"},
      // BIP 350
      {std::string("\x20") + "1xj0phk", "invalid character 0x20"},
      {std::string("\x7f") + "1g6xzxy", "invalid character 0x7f"},
      {std::string("\x80") + "1vctc34", "invalid character 0x80"},
      {"an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6"
       "pts4",
       "too long"},
      {"qyrz8wqd2c9m", "no separator"},
      {"1qyrz8wqd2c9m", "empty human-readable part"},
      {"y1b0jsk6g", "invalid character 'b'"},
      {"lt1igcx5c0", "invalid character 'i'"},
      {"in1muywd", "checksum too short"},
      {"mm1crxm3i", "invalid character 'i' at position 8"},
      {"au1s5cgom", "invalid character 'o' at position 7"},
      {"M1VUXWEZ", "bad checksum"},
      {"16plkw9", "empty human-readable part"},
      {"1p2gdwpf", "empty human-readable part"},
  };
  for (const auto& [text, reason] : cases) {
    SCOPED_TRACE(text);
    EXPECT_NE(parse_error_of([&] { bech32_decode(text); }).find(reason), std::string::npos)
        << parse_error_of([&] { bech32_decode(text); });
  }
}

TEST(Bech32, MixedCaseIsRefused) {
  EXPECT_EQ(parse_error_of([] { bech32_decode("A12uEL5L"); }), "mixed upper and lower case");
}

TEST(Bech32, BitRegroupingRoundTripsAndChecksPadding) {
  const core::Bytes bytes = core::from_hex("751e76e8199196d454941c45d1b3a323f1433bd6");
  const std::vector<std::uint8_t> data = bytes_to_bech32_data(bytes);
  EXPECT_EQ(data.size(), 32u);
  EXPECT_EQ(bech32_data_to_bytes(data), bytes);
  EXPECT_EQ(parse_error_of([] {
              bech32_data_to_bytes(std::vector<std::uint8_t>{0, 1});
            }),
            "non-zero padding bits");
  EXPECT_EQ(parse_error_of([] {
              bech32_data_to_bytes(std::vector<std::uint8_t>{0, 0, 0});
            }),
            "more than 4 bits of padding");
}

// ---- segwit addresses: BIP 173 / BIP 350 vectors ----

struct SegwitVector {
  const char* text;
  const char* script_hex;
};

// Every valid address of both BIPs: the codec gives the listed scriptPubKey whatever hashrig's
// policy says about paying to it.
TEST(SegwitAddress, CodecGivesTheBipScriptsOfEveryValidVector) {
  const SegwitVector bip350[] = {
      {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
       "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
       "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
       "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"BC1SW50QGDZ25J", "6002751e"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
      {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
       "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
       "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
       "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
  };
  for (const auto& v : bip350) {
    SCOPED_TRACE(v.text);
    EXPECT_EQ(generic_witness_script(v.text), v.script_hex);
  }
  // BIP 173's v1+ vectors (bech32 checksums, valid before BIP 350) decode the same way.
  const SegwitVector bip173_v1_plus[] = {
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
       "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"BC1SW50QA3JX3S", "6002751e"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj", "5210751e76e8199196d454941c45d1b3a323"},
  };
  for (const auto& v : bip173_v1_plus) {
    SCOPED_TRACE(v.text);
    EXPECT_EQ(bech32_decode(v.text).encoding, Bech32Encoding::bech32);
    EXPECT_EQ(generic_witness_script(v.text), v.script_hex);
  }
}

TEST(SegwitAddress, DecodesTheBipV0AndP2trVectors) {
  struct Expected {
    SegwitVector v;
    AddressType type;
    std::vector<Network> networks;
  };
  const Expected cases[] = {
      {{"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
       AddressType::p2wpkh,
       {Network::mainnet}},
      {{"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
       AddressType::p2wsh,
       {Network::testnet, Network::signet}},
      {{"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
       AddressType::p2wsh,
       {Network::testnet, Network::signet}},
      {{"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
       AddressType::p2tr,
       {Network::testnet, Network::signet}},
      {{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
       AddressType::p2tr,
       {Network::mainnet}},
  };
  for (const auto& c : cases) {
    for (Network n : c.networks) {
      SCOPED_TRACE(std::string(c.v.text) + " on " + std::string(to_string(n)));
      const PayoutAddress a = decode_address(c.v.text, n);
      EXPECT_EQ(a.type, c.type);
      EXPECT_EQ(a.network, n);
      EXPECT_EQ(core::to_hex(a.script_pubkey), c.v.script_hex);
      EXPECT_EQ(a.text, lower(c.v.text));
    }
  }
}

// The valid v1+ vectors that are not P2TR: valid BIP 350 addresses that hashrig refuses to pay.
TEST(SegwitAddress, RefusesWitnessVersionsItCannotCheck) {
  EXPECT_EQ(address_error("BC1SW50QGDZ25J", Network::mainnet),
            "address 'BC1SW50QGDZ25J': witness version 16 is unknown: hashrig never pays to a "
            "script it cannot check");
  EXPECT_EQ(address_error("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", Network::mainnet),
            "address 'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs': witness version 2 is unknown: "
            "hashrig never pays to a script it cannot check");
  const std::string v1_40 =
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y";
  EXPECT_NE(address_error(v1_40, Network::mainnet)
                .find("witness v1 program of 40 bytes is not P2TR (32 bytes)"),
            std::string::npos);
}

TEST(SegwitAddress, RefusesTheBipInvalidVectors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // BIP 173
      {"tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "unknown human-readable part 'tc'"},
      {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bad checksum"},
      {"BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "invalid witness version 17"},
      {"bc1rw5uspcuh", "witness v3 with a bech32 checksum"},
      {"bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
       "witness v15 with a bech32 checksum"},
      {"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "witness v0 program of 16 bytes"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
       "mixed upper and lower case"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "witness v2 with a bech32 checksum"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "non-zero padding bits"},
      {"bc1gmk9yu", "empty data part"},
      // BIP 173's v1+ addresses, bech32 for v1+ since BIP 350
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
       "witness v1 with a bech32 checksum"},
      {"BC1SW50QA3JX3S", "witness v16 with a bech32 checksum"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj", "witness v2 with a bech32 checksum"},
      // BIP 350
      {"tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
       "unknown human-readable part 'tc'"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
       "witness v1 with a bech32 checksum"},
      {"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
       "witness v2 with a bech32 checksum"},
      {"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
       "witness v16 with a bech32 checksum"},
      {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "witness v0 with a bech32m checksum"},
      {"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
       "witness v0 with a bech32m checksum"},
      {"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
       "invalid character 'o' at position 59"},
      {"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
       "invalid witness version 17"},
      {"bc1pw5dgrnzv", "witness program of 1 bytes"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
       "witness program of 41 bytes"},
      {"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
       "mixed upper and lower case"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
       "more than 4 bits of padding"},
      {"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "non-zero padding bits"},
  };
  for (const auto& [text, reason] : cases) {
    for (Network n : kAllNetworks) {
      SCOPED_TRACE(text + " on " + std::string(to_string(n)));
      const std::string message = address_error(text, n);
      EXPECT_EQ(message.rfind("address '" + text + "': ", 0), 0u) << message;
      EXPECT_NE(message.find(reason), std::string::npos) << message;
    }
  }
}

TEST(SegwitAddress, RegtestAddressesAndCanonicalText) {
  const core::Bytes key =
      core::from_hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  std::vector<std::uint8_t> data{1};
  const std::vector<std::uint8_t> program = bytes_to_bech32_data(key);
  data.insert(data.end(), program.begin(), program.end());
  const std::string p2tr = bech32_encode(Bech32Encoding::bech32m, "bcrt", data);
  const PayoutAddress a = decode_address(p2tr, Network::regtest);
  EXPECT_EQ(a.type, AddressType::p2tr);
  EXPECT_EQ(core::to_hex(a.script_pubkey), "5120" + core::to_hex(key));
  EXPECT_EQ(a.text, p2tr);

  data[0] = 0;
  const std::string p2wsh = bech32_encode(Bech32Encoding::bech32, "bcrt", data);
  std::string upper = p2wsh;
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  const PayoutAddress b = decode_address(upper, Network::regtest);
  EXPECT_EQ(b.type, AddressType::p2wsh);
  EXPECT_EQ(core::to_hex(b.script_pubkey), "0020" + core::to_hex(key));
  EXPECT_EQ(b.text, p2wsh);
}

TEST(SegwitAddress, RefusesTooLongAndInvalidCharacters) {
  const std::string long_address = "bc1q" + std::string(120, 'q');
  const std::string message = address_error(long_address, Network::mainnet);
  EXPECT_NE(message.find("too long: 124 characters, bech32 allows at most 90"), std::string::npos)
      << message;
  EXPECT_NE(message.find(std::string(96, 'q') + "...'"), std::string::npos) << message;
  EXPECT_EQ(address_error("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", Network::mainnet),
            "address 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb': invalid character 'b' at "
            "position 41");
  EXPECT_EQ(address_error("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\n", Network::mainnet),
            "address 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\\x0a': invalid character 0x0a "
            "at position 42");
}

// ---- base58check addresses ----

TEST(Base58Address, DecodesWellKnownAddresses) {
  struct Case {
    const char* text;
    AddressType type;
    std::vector<Network> networks;
    const char* script_hex;
  };
  const Case cases[] = {
      // the genesis block's coinbase
      {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
       AddressType::p2pkh,
       {Network::mainnet},
       "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac"},
      {"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
       AddressType::p2pkh,
       {Network::mainnet},
       "76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ac"},
      {"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
       AddressType::p2sh,
       {Network::mainnet},
       "a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87"},
      // all-zero hash: every leading zero byte is a '1'
      {"1111111111111111111114oLvT2",
       AddressType::p2pkh,
       {Network::mainnet},
       "76a914000000000000000000000000000000000000000088ac"},
      {"mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
       AddressType::p2pkh,
       {Network::testnet, Network::signet, Network::regtest},
       "76a914243f1394f44554f4ce3fd68649c19adc483ce92488ac"},
      {"2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc",
       AddressType::p2sh,
       {Network::testnet, Network::signet, Network::regtest},
       "a9144e9f39ca4688ff102128ea4ccda34105324305b087"},
  };
  for (const auto& c : cases) {
    for (Network n : c.networks) {
      SCOPED_TRACE(std::string(c.text) + " on " + std::string(to_string(n)));
      const PayoutAddress a = decode_address(c.text, n);
      EXPECT_EQ(a.type, c.type);
      EXPECT_EQ(a.network, n);
      EXPECT_EQ(core::to_hex(a.script_pubkey), c.script_hex);
      EXPECT_EQ(a.text, c.text);
    }
  }
}

TEST(Base58Address, BadChecksumIsNamed) {
  EXPECT_EQ(address_error("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", Network::mainnet),
            "address '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb': bad checksum");
  EXPECT_EQ(
      address_error("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Network::regtest).find("bad checksum"),
      std::string::npos);
}

TEST(Base58Address, RefusesUnknownVersionsLengthsAndCharacters) {
  core::Bytes payload(21, 0x11);
  payload[0] = 0x30;  // another coin's P2PKH
  const std::string other_coin = base58check_encode(payload);
  EXPECT_EQ(address_error(other_coin, Network::mainnet),
            "address '" + other_coin +
                "': unknown version byte 0x30 (P2PKH is 0x00 or 0x6f, P2SH 0x05 or 0xc4)");

  const std::string short_payload = base58check_encode(core::Bytes(20, 0));
  EXPECT_EQ(address_error(short_payload, Network::mainnet),
            "address '" + short_payload +
                "': payload is 20 bytes, an address has 21 (version byte and 20-byte hash)");

  EXPECT_EQ(address_error("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", Network::mainnet),
            "address '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0': invalid base58 character '0' at "
            "position 33");
  EXPECT_EQ(address_error("", Network::mainnet), "address '': empty");
  EXPECT_NE(address_error("1z", Network::mainnet).find("too short"), std::string::npos);
  EXPECT_NE(address_error(std::string(200, '2'), Network::mainnet).find("too long: 200"),
            std::string::npos);
}

TEST(Base58, RoundTripsWithLeadingZeros) {
  const core::Bytes bytes = core::from_hex("0000000102fffe00");
  const std::string text = base58_encode(bytes);
  EXPECT_EQ(text.substr(0, 3), "111");
  EXPECT_EQ(base58_decode(text), bytes);
  EXPECT_EQ(base58_encode(core::Bytes{}), "");
  EXPECT_EQ(base58_decode(""), core::Bytes{});
}

// ---- networks ----

TEST(PayoutAddress, WrongNetworkIsNamed) {
  EXPECT_EQ(address_error("bcrt1qwfgq7m40xvqkswrkjupv0anfrfr6recs3rrlpe", Network::mainnet),
            "address 'bcrt1qwfgq7m40xvqkswrkjupv0anfrfr6recs3rrlpe' is for regtest, the node is "
            "on mainnet");
  EXPECT_EQ(address_error("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Network::regtest),
            "address '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' is for mainnet, the node is on regtest");
  EXPECT_EQ(address_error("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", Network::mainnet),
            "address 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn' is for testnet, signet or regtest, the "
            "node is on mainnet");
  EXPECT_EQ(address_error("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
                          Network::regtest),
            "address 'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c' is for "
            "testnet or signet, the node is on regtest");
  EXPECT_EQ(address_error("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
                          Network::signet),
            "address 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0' is for "
            "mainnet, the node is on signet");
}

TEST(PayoutAddress, NetworkNames) {
  EXPECT_EQ(network_from_chain("main"), Network::mainnet);
  EXPECT_EQ(network_from_chain("test"), Network::testnet);
  EXPECT_EQ(network_from_chain("testnet4"), Network::testnet);
  EXPECT_EQ(network_from_chain("signet"), Network::signet);
  EXPECT_EQ(network_from_chain("regtest"), Network::regtest);
  EXPECT_EQ(parse_error_of([] { network_from_chain("mainnet"); }),
            "chain 'mainnet' is not one of main, test, testnet4, signet, regtest");
  EXPECT_THROW(network_from_chain(""), core::ParseError);
  EXPECT_EQ(to_string(Network::mainnet), "mainnet");
  EXPECT_EQ(to_string(Network::testnet), "testnet");
  EXPECT_EQ(to_string(Network::signet), "signet");
  EXPECT_EQ(to_string(Network::regtest), "regtest");
  EXPECT_EQ(to_string(AddressType::p2tr), "p2tr");
}

// ---- the payouts recorded from a real regtest node (../shared/fixtures/gbt) ----

TEST(PayoutAddress, DecodesTheRecordedRegtestPayouts) {
  int decoded = 0;
  for (const char* name :
       {"case1-empty-h1.json", "case1b-empty-optrue-h112.json", "case2-mempool-segwit-h114.json",
        "case3-mempool-11tx-h128.json", "neg-bad-cb-amount-h129.json", "neg-bad-merkle-h1.json",
        "neg-bad-witness-commitment-h114.json", "neg-high-hash-h1.json"}) {
    SCOPED_TRACE(name);
    const nlohmann::json fixture = test::load_gbt_fixture(name);
    ASSERT_TRUE(fixture.contains("payout_address"));
    if (fixture["payout_address"].is_null()) continue;  // OP_TRUE: no address
    const std::string text = fixture["payout_address"].get<std::string>();
    const PayoutAddress a = decode_address(text, Network::regtest);
    EXPECT_EQ(a.script_pubkey, core::from_hex(fixture["payout_script_hex"].get<std::string>()));
    EXPECT_EQ(a.text, text);
    EXPECT_NE(address_error(text, Network::mainnet).find("the node is on mainnet"),
              std::string::npos);
    ++decoded;
  }
  EXPECT_EQ(decoded, 7);
}

}  // namespace
}  // namespace hashrig::node
