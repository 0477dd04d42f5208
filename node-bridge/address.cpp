// Payout addresses: see address.h. The formats are in base58.h and bech32.h; this file maps
// version bytes, HRPs and witness versions to networks and scripts.
#include "node-bridge/address.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>

#include "core/error.h"
#include "node-bridge/base58.h"
#include "node-bridge/bech32.h"

namespace hashrig::node {
namespace {

// The networks an address can belong to, one bit per Network.
using NetworkSet = unsigned;
constexpr NetworkSet bit(Network n) {
  return 1u << static_cast<unsigned>(n);
}
constexpr NetworkSet kMainnet = bit(Network::mainnet);
constexpr NetworkSet kTestnetSignet = bit(Network::testnet) | bit(Network::signet);
constexpr NetworkSet kRegtest = bit(Network::regtest);
constexpr NetworkSet kAnyTestNetwork = kTestnetSignet | kRegtest;

constexpr std::size_t kHash160Size = 20;
constexpr std::size_t kShownMax = 100;  // characters of a bad address repeated in a message

std::string_view describe(NetworkSet set) {
  switch (set) {
    case kMainnet:
      return "mainnet";
    case kTestnetSignet:
      return "testnet or signet";
    case kRegtest:
      return "regtest";
    default:
      return "testnet, signet or regtest";
  }
}

// The address as a message shows it: quoted, non-printable bytes as \xNN, cut after 100.
std::string shown(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kShownMax; ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 32 && u <= 126 && u != '\\') {
      out.push_back(text[i]);
    } else {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  if (text.size() > kShownMax) out += "...";
  return out + "'";
}

std::string hex_byte(std::uint8_t b) {
  return "0x" + core::to_hex(std::span(&b, 1));
}

struct Decoded {
  AddressType type = AddressType::p2pkh;
  NetworkSet networks = 0;
  core::Bytes script;
  std::string text;
};

core::Bytes script_of(std::initializer_list<std::uint8_t> head, std::span<const std::uint8_t> body,
                      std::initializer_list<std::uint8_t> tail) {
  core::Bytes script(head);
  script.insert(script.end(), body.begin(), body.end());
  script.insert(script.end(), tail);
  return script;
}

Decoded decode_base58_address(std::string_view text) {
  const core::Bytes payload = base58check_decode(text);
  if (payload.size() != 1 + kHash160Size)
    throw core::ParseError("payload is " + std::to_string(payload.size()) +
                           " bytes, an address has 21 (version byte and 20-byte hash)");
  const auto hash = std::span(payload).subspan(1);
  Decoded d;
  d.text = std::string(text);
  switch (payload[0]) {
    case 0x00:
    case 0x6f:
      d.type = AddressType::p2pkh;
      d.script = script_of({0x76, 0xa9, 0x14}, hash, {0x88, 0xac});
      break;
    case 0x05:
    case 0xc4:
      d.type = AddressType::p2sh;
      d.script = script_of({0xa9, 0x14}, hash, {0x87});
      break;
    default:
      throw core::ParseError("unknown version byte " + hex_byte(payload[0]) +
                             " (P2PKH is 0x00 or 0x6f, P2SH 0x05 or 0xc4)");
  }
  d.networks = payload[0] == 0x00 || payload[0] == 0x05 ? kMainnet : kAnyTestNetwork;
  return d;
}

NetworkSet networks_of_hrp(std::string_view hrp) {
  if (hrp == "bc") return kMainnet;
  if (hrp == "tb") return kTestnetSignet;
  if (hrp == "bcrt") return kRegtest;
  return 0;
}

// The witness program as a script, or why hashrig refuses to pay to it.
Decoded segwit_script(unsigned version, const core::Bytes& program) {
  const std::string size = std::to_string(program.size());
  if (program.size() < 2 || program.size() > 40)
    throw core::ParseError("witness program of " + size + " bytes (BIP 141 allows 2..40)");
  Decoded d;
  if (version == 0 && (program.size() == 20 || program.size() == 32)) {
    d.type = program.size() == 20 ? AddressType::p2wpkh : AddressType::p2wsh;
    d.script = script_of({0x00, std::uint8_t(program.size())}, program, {});
  } else if (version == 0) {
    throw core::ParseError("witness v0 program of " + size +
                           " bytes: v0 takes 20 (P2WPKH) or 32 (P2WSH)");
  } else if (version == 1 && program.size() == 32) {
    d.type = AddressType::p2tr;
    d.script = script_of({0x51, 0x20}, program, {});
  } else if (version == 1) {
    throw core::ParseError("witness v1 program of " + size +
                           " bytes is not P2TR (32 bytes): hashrig never pays to a script it "
                           "cannot check");
  } else {
    throw core::ParseError("witness version " + std::to_string(version) +
                           " is unknown: hashrig never pays to a script it cannot check");
  }
  return d;
}

Decoded decode_segwit_address(std::string_view text) {
  const Bech32String s = bech32_decode(text);
  const NetworkSet networks = networks_of_hrp(s.hrp);
  if (networks == 0)
    throw core::ParseError("unknown human-readable part '" + s.hrp +
                           "' (bc: mainnet, tb: testnet and signet, bcrt: regtest)");
  if (s.data.empty()) throw core::ParseError("empty data part: no witness version");
  const unsigned version = s.data[0];
  if (version > 16)
    throw core::ParseError("invalid witness version " + std::to_string(version) + " (0..16)");
  if (version == 0 && s.encoding != Bech32Encoding::bech32)
    throw core::ParseError("witness v0 with a bech32m checksum: v0 uses bech32 (BIP 350)");
  if (version > 0 && s.encoding != Bech32Encoding::bech32m)
    throw core::ParseError("witness v" + std::to_string(version) +
                           " with a bech32 checksum: v1 and later use bech32m (BIP 350)");
  const core::Bytes program = bech32_data_to_bytes(std::span(s.data).subspan(1));
  Decoded d = segwit_script(version, program);
  d.networks = networks;
  d.text = bech32_encode(s.encoding, s.hrp, s.data);
  return d;
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

// Bech32 when it starts with a known HRP and '1', or is any valid bech32 string (then its HRP is
// reported as unknown); base58 otherwise.
bool is_segwit_form(std::string_view text) {
  std::string head;
  for (std::size_t i = 0; i < text.size() && i < 5; ++i)
    head.push_back(to_lower(text[i]));
  const std::string_view h(head);
  if (h.starts_with("bc1") || h.starts_with("tb1") || h.starts_with("bcrt1")) return true;
  try {
    bech32_decode(text);
    return true;
  } catch (const core::ParseError&) {
    return false;
  }
}

}  // namespace

std::string_view to_string(Network network) {
  switch (network) {
    case Network::mainnet:
      return "mainnet";
    case Network::testnet:
      return "testnet";
    case Network::signet:
      return "signet";
    case Network::regtest:
      return "regtest";
  }
  return "unknown";
}

Network network_from_chain(std::string_view chain) {
  if (chain == "main") return Network::mainnet;
  if (chain == "test" || chain == "testnet4") return Network::testnet;
  if (chain == "signet") return Network::signet;
  if (chain == "regtest") return Network::regtest;
  throw core::ParseError("chain " + shown(chain) +
                         " is not one of main, test, testnet4, signet, regtest");
}

std::string_view to_string(AddressType type) {
  switch (type) {
    case AddressType::p2pkh:
      return "p2pkh";
    case AddressType::p2sh:
      return "p2sh";
    case AddressType::p2wpkh:
      return "p2wpkh";
    case AddressType::p2wsh:
      return "p2wsh";
    case AddressType::p2tr:
      return "p2tr";
  }
  return "unknown";
}

PayoutAddress decode_address(std::string_view text, Network network) {
  Decoded d;
  try {
    if (text.empty()) throw core::ParseError("empty");
    d = is_segwit_form(text) ? decode_segwit_address(text) : decode_base58_address(text);
  } catch (const core::ParseError& e) {
    throw core::ParseError("address " + shown(text) + ": " + e.what());
  }
  if ((d.networks & bit(network)) == 0)
    throw core::ParseError("address " + shown(text) + " is for " +
                           std::string(describe(d.networks)) + ", the node is on " +
                           std::string(to_string(network)));
  return PayoutAddress{d.type, network, std::move(d.script), std::move(d.text)};
}

}  // namespace hashrig::node
