// Bech32 / bech32m (BIP 173, BIP 350): see bech32.h.
#include "node-bridge/bech32.h"

#include <array>
#include <cstddef>

#include "core/error.h"

namespace hashrig::node {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t kChecksumLength = 6;
constexpr std::uint32_t kBech32Constant = 1;
constexpr std::uint32_t kBech32mConstant = 0x2bc830a3;

std::uint32_t constant_of(Bech32Encoding encoding) {
  return encoding == Bech32Encoding::bech32 ? kBech32Constant : kBech32mConstant;
}

// The BCH checksum state over GF(32), generator coefficients from BIP 173.
std::uint32_t polymod(std::span<const std::uint8_t> values) {
  constexpr std::array<std::uint32_t, 5> kGenerator = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                       0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (std::size_t i = 0; i < kGenerator.size(); ++i)
      if ((top >> i) & 1) chk ^= kGenerator[i];
  }
  return chk;
}

// The HRP as the checksum sees it: high bits of each character, 0, low bits of each character.
std::vector<std::uint8_t> expand_hrp(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp)
    out.push_back(std::uint8_t(static_cast<unsigned char>(c) >> 5));
  out.push_back(0);
  for (char c : hrp)
    out.push_back(std::uint8_t(static_cast<unsigned char>(c) & 31));
  return out;
}

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 33 && u <= 126) return std::string("'") + c + "'";
  constexpr std::string_view kHex = "0123456789abcdef";
  return std::string("0x") + kHex[u >> 4] + kHex[u & 15];
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

// Length, character range and case; returns the text in lower case.
std::string checked_lower_case(std::string_view text) {
  if (text.size() > kBech32MaxLength)
    throw core::ParseError("too long: " + std::to_string(text.size()) +
                           " characters, bech32 allows at most " +
                           std::to_string(kBech32MaxLength));
  bool lower = false;
  bool upper = false;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u < 33 || u > 126)
      throw core::ParseError("invalid character " + describe_char(text[i]) + " at position " +
                             std::to_string(i));
    lower = lower || (text[i] >= 'a' && text[i] <= 'z');
    upper = upper || (text[i] >= 'A' && text[i] <= 'Z');
    out.push_back(to_lower(text[i]));
  }
  if (lower && upper) throw core::ParseError("mixed upper and lower case");
  return out;
}

}  // namespace

Bech32String bech32_decode(std::string_view text) {
  const std::string lower = checked_lower_case(text);
  const std::size_t separator = lower.rfind('1');
  if (separator == std::string::npos) throw core::ParseError("no separator '1'");
  if (separator == 0) throw core::ParseError("empty human-readable part");
  if (lower.size() - separator - 1 < kChecksumLength)
    throw core::ParseError("checksum too short: fewer than 6 characters after the separator");

  Bech32String out;
  out.hrp = lower.substr(0, separator);
  std::vector<std::uint8_t> values = expand_hrp(out.hrp);
  for (std::size_t i = separator + 1; i < lower.size(); ++i) {
    const std::size_t v = kCharset.find(lower[i]);
    if (v == std::string_view::npos)
      throw core::ParseError("invalid character " + describe_char(text[i]) + " at position " +
                             std::to_string(i));
    values.push_back(std::uint8_t(v));
  }
  const std::uint32_t check = polymod(values);
  if (check == kBech32Constant) {
    out.encoding = Bech32Encoding::bech32;
  } else if (check == kBech32mConstant) {
    out.encoding = Bech32Encoding::bech32m;
  } else {
    throw core::ParseError("bad checksum");
  }
  const std::size_t data_begin = 2 * out.hrp.size() + 1;  // after the expanded HRP
  out.data.assign(values.begin() + std::ptrdiff_t(data_begin),
                  values.end() - std::ptrdiff_t(kChecksumLength));
  return out;
}

std::string bech32_encode(Bech32Encoding encoding, std::string_view hrp,
                          std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> values = expand_hrp(hrp);
  values.insert(values.end(), data.begin(), data.end());
  values.insert(values.end(), kChecksumLength, 0);
  const std::uint32_t check = polymod(values) ^ constant_of(encoding);
  std::string out(hrp);
  out.push_back('1');
  for (std::uint8_t v : data)
    out.push_back(kCharset[v & 31]);
  for (std::size_t i = 0; i < kChecksumLength; ++i)
    out.push_back(kCharset[(check >> (5 * (kChecksumLength - 1 - i))) & 31]);
  return out;
}

core::Bytes bech32_data_to_bytes(std::span<const std::uint8_t> data) {
  core::Bytes out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t v : data) {
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(std::uint8_t((acc >> bits) & 0xff));
    }
  }
  if (bits >= 5) throw core::ParseError("more than 4 bits of padding");
  if ((acc & ((1u << bits) - 1)) != 0) throw core::ParseError("non-zero padding bits");
  return out;
}

std::vector<std::uint8_t> bytes_to_bech32_data(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(std::uint8_t((acc >> bits) & 31));
    }
  }
  if (bits > 0) out.push_back(std::uint8_t((acc << (5 - bits)) & 31));
  return out;
}

}  // namespace hashrig::node
