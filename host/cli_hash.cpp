// hashrig hash [HEX]: sha256d of the bytes, printed in display order (reversed hex).
#include <cctype>
#include <istream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "core/bytes.h"
#include "core/sha256.h"
#include "host/commands.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

// Hex text from stdin with all whitespace removed.
std::string read_hex_text(std::istream& in) {
  std::string text;
  for (auto it = std::istreambuf_iterator<char>(in); it != std::istreambuf_iterator<char>(); ++it) {
    if (!std::isspace(static_cast<unsigned char>(*it))) text.push_back(*it);
  }
  if (in.bad()) throw std::runtime_error("cannot read standard input");
  return text;
}

}  // namespace

int run_hash(const HashArgs& args, CliContext& ctx) {
  core::Bytes bytes;
  if (args.hex) {
    bytes = parse_argument("HEX", [&] { return core::from_hex(*args.hex); });
  } else {
    const std::string text = read_hex_text(ctx.in());
    bytes = parse_argument("stdin (whitespace ignored)", [&] { return core::from_hex(text); });
  }
  ctx.out() << core::to_hex_reversed(core::sha256d(bytes)) << '\n';
  return 0;
}

}  // namespace hashrig::host
