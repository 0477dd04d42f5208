#include "core/target.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.h"

namespace hashrig::core {

Uint256 diff1_target() {
  return Uint256(0xffff) << 208;
}

CompactDecode decode_compact(std::uint32_t nbits) {
  CompactDecode r;
  const unsigned size = nbits >> 24;
  std::uint32_t word = nbits & 0x007fffff;
  if (size <= 3) {
    word >>= 8 * (3 - size);
    r.target = Uint256(word);
  } else {
    r.target = Uint256(word);
    r.target <<= 8 * (size - 3);
  }
  r.negative = word != 0 && (nbits & 0x00800000) != 0;
  r.overflow =
      word != 0 && ((size > 34) || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  if (r.overflow) r.target = Uint256{};
  return r;
}

Uint256 target_from_compact(std::uint32_t nbits) {
  const CompactDecode d = decode_compact(nbits);
  std::ostringstream msg;
  msg << "nBits 0x" << std::hex << nbits;
  if (d.negative) throw ParseError(msg.str() + " is negative");
  if (d.overflow) throw ParseError(msg.str() + " overflows 256 bits");
  if (d.target.is_zero()) throw ParseError(msg.str() + " is a zero target");
  return d.target;
}

std::uint32_t compact_from_target(const Uint256& target) {
  int size = (target.bits() + 7) / 8;
  std::uint32_t compact;
  if (size <= 3) {
    compact = target.word(0) << 8 * (3 - size);
  } else {
    compact = (target >> 8 * (size - 3)).word(0);
  }
  if (compact & 0x00800000) {  // keep the sign bit clear
    compact >>= 8;
    ++size;
  }
  return compact | std::uint32_t(size) << 24;
}

Uint256 target_from_difficulty(double difficulty) {
  if (!std::isfinite(difficulty) || difficulty <= 0) {
    std::ostringstream msg;
    msg << "difficulty " << difficulty << " is not a finite number above 0";
    throw ParseError(msg.str());
  }
  return Uint256::from_long_double(diff1_target().to_long_double() /
                                   static_cast<long double>(difficulty));
}

double difficulty_from_target(const Uint256& value) {
  if (value.is_zero()) return std::numeric_limits<double>::infinity();
  return static_cast<double>(diff1_target().to_long_double() / value.to_long_double());
}

}  // namespace hashrig::core
