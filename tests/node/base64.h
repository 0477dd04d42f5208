// Base64 (RFC 4648, with padding) for HTTP Basic credentials: the node decodes the Authorization
// header with it and test clients encode with it. Header-only, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hashrig::testnode {

inline std::string base64_encode(std::string_view in) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = unsigned(std::uint8_t(in[i])) << 16 |
                       unsigned(std::uint8_t(in[i + 1])) << 8 | unsigned(std::uint8_t(in[i + 2]));
    out += kDigits[v >> 18 & 63];
    out += kDigits[v >> 12 & 63];
    out += kDigits[v >> 6 & 63];
    out += kDigits[v & 63];
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    unsigned v = unsigned(std::uint8_t(in[i])) << 16;
    if (rest == 2) v |= unsigned(std::uint8_t(in[i + 1])) << 8;
    out += kDigits[v >> 18 & 63];
    out += kDigits[v >> 12 & 63];
    out += rest == 2 ? kDigits[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// nullopt when the text is not canonical padded base64.
inline std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
    if (pad == 1 && in[i + 2] == '=') return std::nullopt;
    unsigned v = 0;
    for (int k = 0; k < 4 - pad; ++k) {
      const int d = value(in[i + std::size_t(k)]);
      if (d < 0) return std::nullopt;
      v = v << 6 | unsigned(d);
    }
    v <<= 6 * pad;
    out += char(v >> 16 & 0xff);
    if (pad < 2) out += char(v >> 8 & 0xff);
    if (pad < 1) out += char(v & 0xff);
  }
  return out;
}

}  // namespace hashrig::testnode
