// getblocktemplate (BIP 22/23/9) result -> BlockTemplate, the value type the rest of the node
// bridge works from. Contents:
//   - TemplateTransaction: one entry of transactions[] (data, txid, wtxid, fee, depends)
//   - BlockTemplate: the fields hashrig mines from, hashes in internal byte order
//   - parse_template(): checks every field's type, encoding and range, and throws
//     core::ParseError("getblocktemplate: <field>: <what was wrong>") on the first bad one
//   - understood_rule(): the BIP 9 rules hashrig knows how to honour
// Pure code: no I/O. The inside of the program never sees the raw JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/bytes.h"
#include "core/sha256.h"
#include "core/uint256.h"

namespace hashrig::node {

// Bitcoin's MAX_MONEY in satoshis: no coinbasevalue or fee may exceed it.
inline constexpr std::int64_t kMaxMoney = 21'000'000LL * 100'000'000LL;

struct TemplateTransaction {
  core::Bytes data;       // full serialization, with witness when the transaction has one
  core::Hash256 txid{};   // internal order; the merkle tree uses these
  core::Hash256 wtxid{};  // internal order ("hash" in the template)
  std::int64_t fee = 0;
  std::vector<std::uint32_t> depends;  // 1-based indexes of earlier entries, as BIP 22 gives them
};

struct BlockTemplate {
  std::uint32_t version = 0;
  core::Hash256 prev_hash{};  // internal (header) order
  std::vector<TemplateTransaction> transactions;
  std::int64_t coinbase_value = 0;  // satoshis, 0..kMaxMoney
  core::Uint256 target;             // equals the target nBits encodes
  std::uint32_t min_time = 0;
  std::uint32_t cur_time = 0;
  std::uint32_t bits = 0;
  std::int64_t height = 0;                                // 1..2^31-1
  std::vector<std::string> mutable_fields;                // "mutable"; empty when absent
  std::optional<core::Bytes> default_witness_commitment;  // the output script, unchanged
  std::map<std::string, core::Bytes> coinbase_aux;        // "coinbaseaux"; empty when absent
  std::vector<std::string> rules;
  std::map<std::string, std::uint32_t> vb_available;  // rule name -> version bit
  std::uint32_t vb_required = 0;
  std::optional<std::string> longpoll_id;
};

// "segwit", "csv", "taproot", "testdummy", with or without the "!" prefix.
bool understood_rule(std::string_view rule);

// Throws core::ParseError naming the field, e.g.
// "getblocktemplate: transactions[3].txid: not 64 hex digits: ...". A rule prefixed "!" that
// hashrig does not understand is refused too (BIP 9: the template cannot be used safely).
BlockTemplate parse_template(const nlohmann::json& result);

}  // namespace hashrig::node
