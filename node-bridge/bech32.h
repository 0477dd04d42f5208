// Bech32 and bech32m strings (BIP 173, BIP 350): the generic format under segwit addresses.
//
// A string is a human-readable part (HRP), the separator '1' (the last '1' in the string), and a
// data part of 5-bit values written in the alphabet "qpzry9x8gf2tvdw0s3jn54khce6mua7l", the last
// six of which are a BCH checksum over the lower-case HRP and the data. Bech32 and bech32m differ
// only in the constant the checksum ends on (1 and 0x2bc830a3); no string is valid as both.
// Strings are at most 90 characters, all lower or all upper case, HRP characters 33..126.
//
// This module knows nothing of witness versions or networks: address.h builds on it. Errors are
// core::ParseError with the bare reason ("bad checksum", "invalid character 'o' at position 12");
// the caller adds which string it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"

namespace hashrig::node {

enum class Bech32Encoding { bech32, bech32m };

inline constexpr std::size_t kBech32MaxLength = 90;

struct Bech32String {
  Bech32Encoding encoding = Bech32Encoding::bech32;
  std::string hrp;                 // lower case
  std::vector<std::uint8_t> data;  // 5-bit values, checksum removed
};

// Decodes and verifies a bech32 or bech32m string; which one it was is in the result.
Bech32String bech32_decode(std::string_view text);

// Encodes 5-bit values under a lower-case HRP (the canonical, lower-case form).
std::string bech32_encode(Bech32Encoding encoding, std::string_view hrp,
                          std::span<const std::uint8_t> data);

// 5-bit groups -> bytes, as segwit programs are packed: at most 4 bits of padding, all zero.
core::Bytes bech32_data_to_bytes(std::span<const std::uint8_t> data);

// Bytes -> 5-bit groups, the last one zero-padded.
std::vector<std::uint8_t> bytes_to_bech32_data(std::span<const std::uint8_t> bytes);

}  // namespace hashrig::node
