// TLS for pool connections (OpenSSL through asio::ssl). By default the pool's certificate chain is
// verified against the system's trust store and its name against the URL's host (SNI is sent).
// A pinned SHA-256 fingerprint replaces chain verification with an exact match of the leaf
// certificate (for pools with self-signed certificates); `insecure` turns every check off and
// must be asked for explicitly. The URL's scheme alone decides whether TLS is used.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hashrig::stratum {

struct TlsOptions {
  std::optional<std::array<std::uint8_t, 32>> fingerprint;  // SHA-256 of the DER certificate
  std::string ca_file;    // extra trust anchors (PEM), besides the system store
  bool insecure = false;  // no verification at all
};

// Parses a fingerprint: 64 hex digits, optionally in colon-separated pairs ("AB:CD:..").
// Throws core::ParseError naming the problem.
std::array<std::uint8_t, 32> parse_fingerprint(std::string_view text);
std::string fingerprint_text(const std::array<std::uint8_t, 32>& fp);  // "ab:cd:..."

}  // namespace hashrig::stratum
