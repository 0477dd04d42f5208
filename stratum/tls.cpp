#include "stratum/tls.h"

#include <cctype>

#include "core/bytes.h"
#include "core/error.h"

namespace hashrig::stratum {

std::array<std::uint8_t, 32> parse_fingerprint(std::string_view text) {
  std::string hex;
  for (const char c : text) {
    if (c != ':') hex.push_back(c);
  }
  try {
    return core::from_hex_exact<32>(hex);
  } catch (const core::ParseError& e) {
    throw core::ParseError("TLS fingerprint '" + std::string(text) +
                           "': expected the SHA-256 of the certificate, 64 hex digits (" +
                           e.what() + ")");
  }
}

std::string fingerprint_text(const std::array<std::uint8_t, 32>& fp) {
  const std::string hex = core::to_hex(fp);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (!out.empty()) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

}  // namespace hashrig::stratum
