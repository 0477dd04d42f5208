// Pool URLs. Contents:
//   - shown(), shown_url(): text for an error message (unprintables escaped, cut; userinfo masked)
//   - fail(): "pool URL '<url>': <problem>"
//   - valid_ipv4(), valid_ipv6(), check_name(): the three kinds of host
//   - parse_port(): decimal, 1..65535
//   - parse_pool_url(): scheme, then authority split into host and port, each checked
#include "stratum/pool_url.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hashrig::stratum {
namespace {

constexpr std::size_t kShownChars = 200;  // longer URLs are cut in error messages
constexpr std::size_t kMaxHostChars = 253;
constexpr std::size_t kMaxLabelChars = 63;
constexpr std::string_view kSchemeSeparator = "://";

std::string escaped_char(unsigned char c) {
  if (c > 0x20 && c < 0x7f) return std::string(1, char(c));
  char text[8];
  std::snprintf(text, sizeof text, "\\x%02x", unsigned(c));
  return text;
}

// Text for an error message: bytes outside printable ASCII as \xNN, cut after kShownChars.
std::string shown(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kShownChars; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += c == ' ' ? std::string(" ") : escaped_char(c);
  }
  if (text.size() > kShownChars) out += "...";
  return out;
}

// The URL as an error message shows it: "scheme://***@rest" when it carries userinfo (which may
// hold a password).
std::string shown_url(std::string_view url) {
  std::string_view head;
  std::string_view rest = url;
  const std::size_t scheme_end = url.find(kSchemeSeparator);
  if (scheme_end != std::string_view::npos) {
    head = url.substr(0, scheme_end + kSchemeSeparator.size());
    rest = url.substr(head.size());
  }
  const std::size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return shown(url);
  return shown(std::string(head) + "***" + std::string(rest.substr(at)));
}

[[noreturn]] void fail(std::string_view url, const std::string& problem) {
  throw core::ParseError("pool URL '" + shown_url(url) + "': " + problem);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

// Dotted decimal, exactly four numbers 0..255, no leading zeros (which some resolvers read as
// octal).
bool valid_ipv4(std::string_view text) {
  int parts = 0;
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), is_digit)) {
      return false;
    }
    if (part.size() > 1 && part[0] == '0') return false;
    if (std::stoi(std::string(part)) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

// Counts the 16-bit groups of one side of an IPv6 address ("1:2:3"); a dotted IPv4 address as
// the last group counts two when `ipv4_last` allows it. False for anything malformed.
bool count_ipv6_groups(std::string_view text, bool ipv4_last, int& groups) {
  groups = 0;
  if (text.empty()) return true;
  while (true) {
    const std::size_t colon = text.find(':');
    const std::string_view group = text.substr(0, colon);
    if (colon == std::string_view::npos && ipv4_last && group.find('.') != std::string_view::npos) {
      if (!valid_ipv4(group)) return false;
      groups += 2;
      return true;
    }
    if (group.empty() || group.size() > 4 ||
        !std::all_of(group.begin(), group.end(), is_hex_digit)) {
      return false;
    }
    ++groups;
    if (colon == std::string_view::npos) return true;
    text.remove_prefix(colon + 1);
  }
}

// RFC 4291 text form: eight groups of 1..4 hex digits, at most one "::" standing for one or more
// zero groups, optionally ending in a dotted IPv4 address. No zone ids.
bool valid_ipv6(std::string_view text) {
  const std::size_t gap = text.find("::");
  int head = 0;
  int tail = 0;
  if (gap == std::string_view::npos) {
    return count_ipv6_groups(text, true, head) && head == 8;
  }
  if (text.find("::", gap + 1) != std::string_view::npos) return false;
  return count_ipv6_groups(text.substr(0, gap), false, head) &&
         count_ipv6_groups(text.substr(gap + 2), true, tail) && head + tail <= 7;
}

// A DNS name, or an IPv4 address when it is made of digits and dots only.
void check_host(std::string_view url, std::string_view host) {
  const std::string quoted = "host '" + shown(host) + "'";
  if (std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; })) {
    if (!valid_ipv4(host)) fail(url, quoted + " is not a valid IPv4 address");
    return;
  }
  if (host.size() > kMaxHostChars) {
    fail(url, "host is longer than " + std::to_string(kMaxHostChars) + " characters");
  }
  for (const char c : host) {
    const bool allowed =
        is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') || c == '-' || c == '_' || c == '.';
    if (!allowed) {
      fail(url, quoted + " has '" + escaped_char(static_cast<unsigned char>(c)) +
                    "', which is not allowed in a host name");
    }
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label = host.substr(start, dot - start);
    if (label.empty()) fail(url, quoted + " has an empty label");
    if (label.size() > kMaxLabelChars) {
      fail(url,
           quoted + " has a label longer than " + std::to_string(kMaxLabelChars) + " characters");
    }
    if (label.front() == '-' || label.back() == '-') {
      fail(url, quoted + " has a label that starts or ends with '-'");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

std::uint16_t parse_port(std::string_view url, std::string_view port) {
  if (port.empty()) fail(url, "the port after ':' is empty");
  if (!std::all_of(port.begin(), port.end(), is_digit)) {
    fail(url, "port '" + shown(port) + "' is not a decimal number");
  }
  const std::size_t first = std::min(port.find_first_not_of('0'), port.size());
  const std::string_view digits = port.substr(first);
  if (digits.empty() || digits.size() > 5 || std::stoul(std::string(digits)) > 65535) {
    fail(url, "port " + shown(port) + " is outside 1..65535");
  }
  return static_cast<std::uint16_t>(std::stoul(std::string(digits)));
}

Transport transport_of(std::string_view url, std::string_view scheme) {
  const std::string name = lowered(scheme);
  if (name == "stratum+tcp") return Transport::tcp;
  if (name == "stratum+ssl" || name == "stratum+tls") return Transport::tls;
  fail(url, "scheme '" + shown(scheme) +
                "' is not supported (use stratum+tcp, stratum+ssl or stratum+tls)");
}

}  // namespace

PoolUrl parse_pool_url(std::string_view url) {
  for (std::size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7f) {
      fail(url, (c == ' ' ? std::string("a space") : "'" + escaped_char(c) + "'") + " at offset " +
                    std::to_string(i) + " is not allowed");
    }
  }
  const std::size_t scheme_end = url.find(kSchemeSeparator);
  if (scheme_end == std::string_view::npos) {
    fail(url, "no scheme (expected stratum+tcp://, stratum+ssl:// or stratum+tls://)");
  }
  PoolUrl out;
  out.text = std::string(url);
  out.transport = transport_of(url, url.substr(0, scheme_end));

  std::string_view authority = url.substr(scheme_end + kSchemeSeparator.size());
  if (authority.find('@') != std::string_view::npos) {
    fail(url, "user info before '@' is not allowed (the user and password are set separately)");
  }
  const std::size_t extra = authority.find_first_of("/?#");
  if (extra != std::string_view::npos) {
    const char* what = authority[extra] == '/'   ? "a path"
                       : authority[extra] == '?' ? "a query"
                                                 : "a fragment";
    fail(url, std::string(what) + " ('" + shown(authority.substr(extra)) +
                  "') is not allowed, only host:port");
  }
  if (authority.empty()) fail(url, "no host");

  std::string_view host;
  std::string_view rest;  // ":port", or what follows the host
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(url, "'[' without a closing ']'");
    host = authority.substr(1, close - 1);
    if (!valid_ipv6(host)) fail(url, "'[" + shown(host) + "]' is not a valid IPv6 address");
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      fail(url, "'" + shown(rest) + "' after the IPv6 address; expected ':port'");
    }
  } else {
    const std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) != std::string_view::npos) {
      fail(url, "more than one ':'; an IPv6 address must be in brackets, e.g. [::1]:3333");
    }
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    if (host.empty()) fail(url, "no host before ':'");
    check_host(url, host);
  }
  if (rest.empty()) fail(url, "no port (expected host:port)");
  out.port = parse_port(url, rest.substr(1));
  out.host = lowered(host);
  return out;
}

std::string to_string(const PoolUrl& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return std::string(url.transport == Transport::tls ? "stratum+ssl://" : "stratum+tcp://") +
         (ipv6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

std::string_view to_string(Transport transport) {
  return transport == Transport::tls ? "tls" : "tcp";
}

}  // namespace hashrig::stratum
