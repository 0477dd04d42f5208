// Base58 / Base58Check: see base58.h.
#include "node-bridge/base58.h"

#include <algorithm>
#include <cstddef>

#include "core/error.h"
#include "core/sha256.h"

namespace hashrig::node {
namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::size_t kChecksumLength = 4;

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 33 && u <= 126) return std::string("'") + c + "'";
  constexpr std::string_view kHex = "0123456789abcdef";
  return std::string("0x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

core::Bytes base58_decode(std::string_view text) {
  if (text.size() > kBase58MaxLength)
    throw core::ParseError("too long: " + std::to_string(text.size()) + " characters, at most " +
                           std::to_string(kBase58MaxLength));
  std::size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1')
    ++zeros;
  core::Bytes number;  // little-endian while it is built
  for (std::size_t i = zeros; i < text.size(); ++i) {
    const std::size_t digit = kAlphabet.find(text[i]);
    if (digit == std::string_view::npos)
      throw core::ParseError("invalid base58 character " + describe_char(text[i]) +
                             " at position " + std::to_string(i));
    std::uint32_t carry = std::uint32_t(digit);
    for (std::uint8_t& byte : number) {
      carry += std::uint32_t(byte) * 58;
      byte = std::uint8_t(carry & 0xff);
      carry >>= 8;
    }
    for (; carry != 0; carry >>= 8)
      number.push_back(std::uint8_t(carry & 0xff));
  }
  core::Bytes out(zeros, 0);
  out.insert(out.end(), number.rbegin(), number.rend());
  return out;
}

std::string base58_encode(std::span<const std::uint8_t> bytes) {
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0)
    ++zeros;
  std::string digits;  // base-58 digits, least significant first
  for (std::size_t i = zeros; i < bytes.size(); ++i) {
    std::uint32_t carry = bytes[i];
    for (char& d : digits) {
      carry += std::uint32_t(d) << 8;
      d = char(carry % 58);
      carry /= 58;
    }
    for (; carry != 0; carry /= 58)
      digits.push_back(char(carry % 58));
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it)
    out.push_back(kAlphabet[std::size_t(*it)]);
  return out;
}

core::Bytes base58check_decode(std::string_view text) {
  core::Bytes bytes = base58_decode(text);
  if (bytes.size() < kChecksumLength)
    throw core::ParseError("too short for a base58check checksum");
  const std::span<const std::uint8_t> payload(bytes.data(), bytes.size() - kChecksumLength);
  const core::Hash256 hash = core::sha256d(payload);
  if (!std::equal(hash.begin(), hash.begin() + kChecksumLength,
                  bytes.end() - std::ptrdiff_t(kChecksumLength)))
    throw core::ParseError("bad checksum");
  bytes.resize(payload.size());
  return bytes;
}

std::string base58check_encode(std::span<const std::uint8_t> payload) {
  core::Bytes bytes(payload.begin(), payload.end());
  const core::Hash256 hash = core::sha256d(payload);
  bytes.insert(bytes.end(), hash.begin(), hash.begin() + kChecksumLength);
  return base58_encode(bytes);
}

}  // namespace hashrig::node
