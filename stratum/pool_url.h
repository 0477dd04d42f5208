// Pool URLs: "stratum+tcp://host:port", "stratum+ssl://host:port" (alias "stratum+tls://"),
// parsed and checked at the edge so the client never sees a half-valid address.
//
// Rules (nothing is guessed):
//   - the scheme decides the transport: stratum+tcp -> tcp; stratum+ssl and stratum+tls -> tls.
//     Schemes compare case-insensitively (RFC 3986). No scheme, "stratum://", "http://" or any
//     other scheme is an error;
//   - the host is a DNS name (letters, digits, '-', '_', dot-separated labels of 1..63 characters
//     that neither start nor end with '-', 253 characters at most), an IPv4 address in dotted
//     decimal (four numbers 0..255, no leading zeros), or an IPv6 address in brackets
//     ("[2001:db8::1]"). The host is stored in lower case, without the brackets;
//   - the port is required: decimal, 1..65535;
//   - no userinfo ("user@", "user:pass@"), path (even "/"), query or fragment, and no whitespace
//     or control characters anywhere.
// Errors are core::ParseError: "pool URL '<url>': <what is wrong>", e.g.
//   pool URL 'stratum+tcp://pool:99999': port 99999 is outside 1..65535
// A rejected userinfo is shown as "***@" so that a password never reaches a log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hashrig::stratum {

enum class Transport { tcp, tls };

struct PoolUrl {
  Transport transport = Transport::tcp;
  std::string host;  // lower case; an IPv6 address without its brackets
  std::uint16_t port = 0;
  std::string text;  // the URL as given
};

// Throws core::ParseError naming the URL and the problem.
PoolUrl parse_pool_url(std::string_view url);

// Canonical form: "stratum+tcp://host:port" or "stratum+ssl://host:port" (tls is written as ssl,
// the common spelling), IPv6 hosts in brackets. parse_pool_url(to_string(u)) gives u back, but
// for `text`.
std::string to_string(const PoolUrl& url);

// "tcp" or "tls", for logs.
std::string_view to_string(Transport transport);

}  // namespace hashrig::stratum
