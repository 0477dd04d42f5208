// block_codec.h. Contents: Reader (bounds-checked cursor), tx/block parsing, serialization, ids,
// weight and sigops.
#include "tests/node/block_codec.h"

#include <string>

#include "core/error.h"

namespace hashrig::testnode {
namespace {

constexpr std::uint64_t kMaxVectorSize = 0x02000000;  // Core's MAX_SIZE

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}

  const std::uint8_t* take(std::size_t n, const char* what) {
    if (m_bytes.size() - m_pos < n) {
      throw core::ParseError(std::string("truncated ") + what + " at byte " +
                             std::to_string(m_pos));
    }
    const std::uint8_t* p = m_bytes.data() + m_pos;
    m_pos += n;
    return p;
  }
  std::uint8_t u8(const char* what) { return *take(1, what); }
  std::uint32_t u32(const char* what) { return core::read_le32(take(4, what)); }
  std::uint64_t u64(const char* what) {
    const std::uint8_t* p = take(8, what);
    return std::uint64_t(core::read_le32(p)) | std::uint64_t(core::read_le32(p + 4)) << 32;
  }
  std::uint64_t compact_size(const char* what) {
    const std::uint8_t first = u8(what);
    std::uint64_t n = first;
    std::uint64_t min = 0;
    if (first == 0xfd) {
      const std::uint8_t* p = take(2, what);
      n = std::uint64_t(p[0]) | std::uint64_t(p[1]) << 8;
      min = 0xfd;
    } else if (first == 0xfe) {
      n = u32(what);
      min = 0x10000;
    } else if (first == 0xff) {
      n = u64(what);
      min = 0x100000000ULL;
    }
    if (n < min) throw core::ParseError(std::string("non-canonical CompactSize for ") + what);
    if (n > kMaxVectorSize) throw core::ParseError(std::string("oversized ") + what);
    return n;
  }
  core::Bytes var_bytes(const char* what) {
    const std::uint64_t n = compact_size(what);
    const std::uint8_t* p = take(std::size_t(n), what);
    return core::Bytes(p, p + n);
  }
  bool at_end() const { return m_pos == m_bytes.size(); }
  std::size_t pos() const { return m_pos; }

 private:
  std::span<const std::uint8_t> m_bytes;
  std::size_t m_pos = 0;
};

std::vector<TxIn> read_inputs(Reader& r) {
  const std::uint64_t n = r.compact_size("input count");
  std::vector<TxIn> inputs;
  for (std::uint64_t i = 0; i < n; ++i) {
    TxIn in;
    const std::uint8_t* p = r.take(32, "prevout hash");
    std::copy(p, p + 32, in.prev_txid.begin());
    in.prev_index = r.u32("prevout index");
    in.script_sig = r.var_bytes("scriptSig");
    in.sequence = r.u32("sequence");
    inputs.push_back(std::move(in));
  }
  return inputs;
}

std::vector<TxOut> read_outputs(Reader& r) {
  const std::uint64_t n = r.compact_size("output count");
  std::vector<TxOut> outputs;
  for (std::uint64_t i = 0; i < n; ++i) {
    TxOut out;
    out.value = std::int64_t(r.u64("output value"));
    out.script_pubkey = r.var_bytes("scriptPubKey");
    outputs.push_back(std::move(out));
  }
  return outputs;
}

// The way Core's UnserializeTransaction reads, witness allowed.
Tx read_tx(Reader& r) {
  Tx tx;
  tx.version = std::int32_t(r.u32("tx version"));
  std::uint8_t flags = 0;
  tx.inputs = read_inputs(r);
  if (tx.inputs.empty()) {
    flags = r.u8("segwit flag");
    if (flags != 0) {
      tx.inputs = read_inputs(r);
      tx.outputs = read_outputs(r);
    }
  } else {
    tx.outputs = read_outputs(r);
  }
  if ((flags & 1) != 0) {
    flags ^= 1;
    for (TxIn& in : tx.inputs) {
      const std::uint64_t items = r.compact_size("witness item count");
      for (std::uint64_t i = 0; i < items; ++i)
        in.witness.push_back(r.var_bytes("witness item"));
    }
    if (!tx.has_witness()) throw core::ParseError("superfluous witness record");
  }
  if (flags != 0) throw core::ParseError("unknown transaction optional data");
  tx.locktime = r.u32("locktime");
  return tx;
}

void write_u32(core::Bytes& out, std::uint32_t v) {
  std::uint8_t b[4];
  core::write_le32(b, v);
  out.insert(out.end(), b, b + 4);
}

void write_var_bytes(core::Bytes& out, const core::Bytes& bytes) {
  write_compact_size(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void write_tx(core::Bytes& out, const Tx& tx, bool with_witness) {
  const bool witness = with_witness && tx.has_witness();
  write_u32(out, std::uint32_t(tx.version));
  if (witness) {
    out.push_back(0x00);
    out.push_back(0x01);
  }
  write_compact_size(out, tx.inputs.size());
  for (const TxIn& in : tx.inputs) {
    out.insert(out.end(), in.prev_txid.begin(), in.prev_txid.end());
    write_u32(out, in.prev_index);
    write_var_bytes(out, in.script_sig);
    write_u32(out, in.sequence);
  }
  write_compact_size(out, tx.outputs.size());
  for (const TxOut& o : tx.outputs) {
    write_u32(out, std::uint32_t(std::uint64_t(o.value)));
    write_u32(out, std::uint32_t(std::uint64_t(o.value) >> 32));
    write_var_bytes(out, o.script_pubkey);
  }
  if (witness) {
    for (const TxIn& in : tx.inputs) {
      write_compact_size(out, in.witness.size());
      for (const core::Bytes& item : in.witness)
        write_var_bytes(out, item);
    }
  }
  write_u32(out, tx.locktime);
}

// Legacy sigops of one script, Core's GetSigOpCount(fAccurate = false).
int script_sigops(const core::Bytes& script) {
  int count = 0;
  for (std::size_t i = 0; i < script.size();) {
    const std::uint8_t op = script[i++];
    std::size_t push = 0;
    if (op >= 0x01 && op <= 0x4b) {
      push = op;
    } else if (op == 0x4c && i + 1 <= script.size()) {
      push = script[i];
      i += 1;
    } else if (op == 0x4d && i + 2 <= script.size()) {
      push = std::size_t(script[i]) | std::size_t(script[i + 1]) << 8;
      i += 2;
    } else if (op == 0x4e && i + 4 <= script.size()) {
      push = core::read_le32(&script[i]);
      i += 4;
    } else if (op == 0xac || op == 0xad) {
      count += 1;
    } else if (op == 0xae || op == 0xaf) {
      count += 20;
    }
    if (push > script.size() - i) break;  // malformed push: stop like Core's GetOp failure
    i += push;
  }
  return count;
}

}  // namespace

bool Tx::has_witness() const {
  for (const TxIn& in : inputs) {
    if (!in.witness.empty()) return true;
  }
  return false;
}

bool Tx::is_coinbase() const {
  if (inputs.size() != 1 || inputs[0].prev_index != 0xffffffff) return false;
  for (std::uint8_t b : inputs[0].prev_txid) {
    if (b != 0) return false;
  }
  return true;
}

void write_compact_size(core::Bytes& out, std::uint64_t n) {
  if (n < 0xfd) {
    out.push_back(std::uint8_t(n));
  } else if (n <= 0xffff) {
    out.push_back(0xfd);
    out.push_back(std::uint8_t(n));
    out.push_back(std::uint8_t(n >> 8));
  } else if (n <= 0xffffffffULL) {
    out.push_back(0xfe);
    write_u32(out, std::uint32_t(n));
  } else {
    out.push_back(0xff);
    write_u32(out, std::uint32_t(n));
    write_u32(out, std::uint32_t(n >> 32));
  }
}

core::Bytes serialize_tx(const Tx& tx, bool with_witness) {
  core::Bytes out;
  write_tx(out, tx, with_witness);
  return out;
}

core::Bytes serialize_block(const Block& block) {
  const core::HeaderBytes header = block.header.encode();
  core::Bytes out(header.begin(), header.end());
  write_compact_size(out, block.txs.size());
  for (const Tx& tx : block.txs)
    write_tx(out, tx, true);
  return out;
}

Tx parse_tx(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  Tx tx = read_tx(r);
  if (!r.at_end()) throw core::ParseError("trailing bytes after the transaction");
  return tx;
}

Block parse_block(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  Block block;
  block.header = core::BlockHeader::decode(std::span<const std::uint8_t, core::kHeaderSize>(
      r.take(core::kHeaderSize, "block header"), core::kHeaderSize));
  const std::uint64_t count = r.compact_size("transaction count");
  for (std::uint64_t i = 0; i < count; ++i)
    block.txs.push_back(read_tx(r));
  if (!r.at_end()) {
    throw core::ParseError("trailing bytes after the block at byte " + std::to_string(r.pos()));
  }
  return block;
}

core::Hash256 txid(const Tx& tx) {
  return core::sha256d(serialize_tx(tx, false));
}

core::Hash256 wtxid(const Tx& tx) {
  return core::sha256d(serialize_tx(tx, true));
}

std::size_t tx_weight(const Tx& tx) {
  return serialize_tx(tx, false).size() * 3 + serialize_tx(tx, true).size();
}

std::size_t stripped_block_size(const Block& block) {
  core::Bytes count;
  write_compact_size(count, block.txs.size());
  std::size_t size = core::kHeaderSize + count.size();
  for (const Tx& tx : block.txs)
    size += serialize_tx(tx, false).size();
  return size;
}

std::size_t block_weight(const Block& block) {
  return stripped_block_size(block) * 3 + serialize_block(block).size();
}

int tx_sigop_cost(const Tx& tx) {
  int legacy = 0;
  for (const TxIn& in : tx.inputs)
    legacy += script_sigops(in.script_sig);
  for (const TxOut& out : tx.outputs)
    legacy += script_sigops(out.script_pubkey);
  int witness = 0;
  for (const TxIn& in : tx.inputs) {
    if (in.script_sig.empty() && in.witness.size() == 2 && in.witness[1].size() == 33) ++witness;
  }
  return legacy * 4 + witness;
}

}  // namespace hashrig::testnode
