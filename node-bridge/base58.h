// Base58 and Base58Check: the encoding of legacy (P2PKH, P2SH) addresses.
//
// Base58 writes a big-endian number in the alphabet
// "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz" (no 0, O, I, l), each leading '1'
// standing for one leading zero byte. Base58Check appends to the payload the first 4 bytes of
// sha256d(payload) before encoding, so a mistyped character is caught.
//
// This module knows nothing of version bytes or networks: address.h builds on it. Errors are
// core::ParseError with the bare reason; the caller adds which string it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace hashrig::node {

// Longer input is refused before decoding (decoding is quadratic; addresses are ~34 characters).
inline constexpr std::size_t kBase58MaxLength = 128;

// Throws naming the first character outside the alphabet and its position, or a too-long input.
core::Bytes base58_decode(std::string_view text);
std::string base58_encode(std::span<const std::uint8_t> bytes);

// Decodes and verifies the checksum; returns the payload without it.
core::Bytes base58check_decode(std::string_view text);
std::string base58check_encode(std::span<const std::uint8_t> payload);

}  // namespace hashrig::node
