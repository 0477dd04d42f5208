#include "core/sha256.h"

#include <cstring>

#include "core/bytes.h"

namespace hashrig::core {

namespace {

constexpr std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

}  // namespace

void sha256_compress(Sha256State& state, const std::uint8_t* block) {
  std::uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = read_be32(block + 4 * i);
  for (int i = 16; i < 64; ++i) {
    const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; ++i) {
    const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                             kSha256RoundK[i] + w[i];
    const std::uint32_t t2 =
        (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

Sha256& Sha256::update(std::span<const std::uint8_t> data) {
  if (data.empty()) return *this;  // an empty span may carry a null pointer: no memcpy from it
  m_length += data.size();
  std::size_t pos = 0;
  if (m_buffered > 0) {
    const std::size_t take = std::min(data.size(), 64 - m_buffered);
    std::memcpy(m_buffer.data() + m_buffered, data.data(), take);
    m_buffered += take;
    pos = take;
    if (m_buffered < 64) return *this;
    sha256_compress(m_state, m_buffer.data());
    m_buffered = 0;
  }
  for (; pos + 64 <= data.size(); pos += 64)
    sha256_compress(m_state, data.data() + pos);
  if (pos < data.size()) {
    m_buffered = data.size() - pos;
    std::memcpy(m_buffer.data(), data.data() + pos, m_buffered);
  }
  return *this;
}

Hash256 Sha256::finish() {
  const std::uint64_t bits = m_length * 8;
  std::uint8_t pad[72] = {0x80};
  const std::size_t pad_len = (m_buffered < 56 ? 56 : 120) - m_buffered;
  for (int i = 0; i < 8; ++i)
    pad[pad_len + i] = std::uint8_t(bits >> (56 - 8 * i));
  update(std::span(pad, pad_len + 8));
  Hash256 out{};
  for (int i = 0; i < 8; ++i)
    write_be32(out.data() + 4 * i, m_state[i]);
  *this = Sha256{};
  return out;
}

Hash256 sha256(std::span<const std::uint8_t> data) {
  return Sha256{}.update(data).finish();
}

Hash256 sha256d(std::span<const std::uint8_t> data) {
  const Hash256 first = sha256(data);
  return sha256(first);
}

Sha256State midstate(std::span<const std::uint8_t, 64> first_block) {
  Sha256State state = kSha256Iv;
  sha256_compress(state, first_block.data());
  return state;
}

}  // namespace hashrig::core
