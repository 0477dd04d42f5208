// getblocktemplate result -> BlockTemplate. Contents:
//   - fail(), shown(): error text "getblocktemplate: <field>: <what>", values cut and escaped
//   - member(), integer_in(), hex_bytes(), display_hash(), string_list(): one typed field each
//   - parse_transaction(), parse_rules(), parse_aux(), parse_vb_available(): the compound fields
//   - parse_template(): every field in BIP 22 order; target must match bits
// No nlohmann exception escapes: every type is checked before the value is read.
#include "node-bridge/template.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/target.h"

namespace hashrig::node {
namespace {

constexpr std::size_t kShownChars = 72;
constexpr std::int64_t kMaxHeight = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  throw core::ParseError("getblocktemplate: " + field + ": " + what);
}

// A value for an error message: printable ASCII, quoted, cut after kShownChars.
std::string shown(const nlohmann::json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kShownChars; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(char(c));
    } else {
      std::array<char, 8> escaped{};
      std::snprintf(escaped.data(), escaped.size(), "\\x%02x", unsigned(c));
      out += escaped.data();
    }
  }
  if (text.size() > kShownChars) out += "...";
  return out + "\"";
}

const nlohmann::json* find(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const nlohmann::json& member(const nlohmann::json& object, const char* key,
                             const std::string& field) {
  const nlohmann::json* value = find(object, key);
  if (value == nullptr) fail(field, "missing");
  return *value;
}

const std::string& as_string(const nlohmann::json& value, const std::string& field) {
  if (!value.is_string()) fail(field, std::string("expected a string, got ") + value.type_name());
  return value.get_ref<const std::string&>();
}

std::int64_t integer_in(const nlohmann::json& value, const std::string& field, std::int64_t min,
                        std::int64_t max) {
  if (!value.is_number_integer()) {
    fail(field, std::string("expected an integer, got ") + value.type_name() + " " + shown(value));
  }
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(max)) {
    fail(field,
         "out of range " + std::to_string(min) + ".." + std::to_string(max) + ": " + shown(value));
  }
  const auto v = value.get<std::int64_t>();
  if (v < min || v > max) {
    fail(field,
         "out of range " + std::to_string(min) + ".." + std::to_string(max) + ": " + shown(value));
  }
  return v;
}

std::uint32_t u32(const nlohmann::json& value, const std::string& field) {
  return std::uint32_t(integer_in(value, field, 0, kMaxU32));
}

core::Bytes hex_bytes(const nlohmann::json& value, const std::string& field) {
  const std::string& hex = as_string(value, field);
  try {
    return core::from_hex(hex);
  } catch (const core::ParseError& e) {
    fail(field, std::string("not hex (") + e.what() + "): " + shown(value));
  }
}

// 64 hex digits in display order -> internal order.
core::Hash256 display_hash(const nlohmann::json& value, const std::string& field) {
  const std::string& hex = as_string(value, field);
  if (hex.size() != 64) fail(field, "not 64 hex digits: " + shown(value));
  const core::Bytes bytes = hex_bytes(value, field);
  core::Hash256 out{};
  std::reverse_copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::vector<std::string> string_list(const nlohmann::json& value, const std::string& field) {
  if (!value.is_array()) fail(field, std::string("expected an array, got ") + value.type_name());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(as_string(value[i], field + "[" + std::to_string(i) + "]"));
  }
  return out;
}

TemplateTransaction parse_transaction(const nlohmann::json& value, std::size_t index) {
  const std::string field = "transactions[" + std::to_string(index) + "]";
  if (!value.is_object()) fail(field, std::string("expected an object, got ") + value.type_name());
  TemplateTransaction tx;
  tx.data = hex_bytes(member(value, "data", field + ".data"), field + ".data");
  if (tx.data.empty()) fail(field + ".data", "empty");
  tx.txid = display_hash(member(value, "txid", field + ".txid"), field + ".txid");
  tx.wtxid = display_hash(member(value, "hash", field + ".hash"), field + ".hash");
  tx.fee = integer_in(member(value, "fee", field + ".fee"), field + ".fee", 0, kMaxMoney);
  if (const nlohmann::json* depends = find(value, "depends")) {
    const std::string dfield = field + ".depends";
    if (!depends->is_array()) {
      fail(dfield, std::string("expected an array, got ") + depends->type_name());
    }
    for (std::size_t i = 0; i < depends->size(); ++i) {
      // 1-based, and only earlier transactions: a block lists parents before children.
      const auto d =
          integer_in((*depends)[i], dfield + "[" + std::to_string(i) + "]", 1, std::int64_t(index));
      tx.depends.push_back(std::uint32_t(d));
    }
  }
  return tx;
}

std::vector<std::string> parse_rules(const nlohmann::json& value) {
  std::vector<std::string> rules = string_list(value, "rules");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string& rule = rules[i];
    if (rule.starts_with('!') && !understood_rule(rule)) {
      fail("rules[" + std::to_string(i) + "]",
           "required rule " + shown(rule) + " is not understood by hashrig (BIP 9)");
    }
  }
  return rules;
}

std::map<std::string, core::Bytes> parse_aux(const nlohmann::json& value) {
  if (!value.is_object()) {
    fail("coinbaseaux", std::string("expected an object, got ") + value.type_name());
  }
  std::map<std::string, core::Bytes> aux;
  for (const auto& [key, item] : value.items())
    aux[key] = hex_bytes(item, "coinbaseaux." + key);
  return aux;
}

std::map<std::string, std::uint32_t> parse_vb_available(const nlohmann::json& value) {
  if (!value.is_object()) {
    fail("vbavailable", std::string("expected an object, got ") + value.type_name());
  }
  std::map<std::string, std::uint32_t> out;
  for (const auto& [key, bit] : value.items()) {
    out[key] = std::uint32_t(integer_in(bit, "vbavailable." + key, 0, 28));
  }
  return out;
}

}  // namespace

bool understood_rule(std::string_view rule) {
  if (rule.starts_with('!')) rule.remove_prefix(1);
  return rule == "segwit" || rule == "csv" || rule == "taproot" || rule == "testdummy";
}

BlockTemplate parse_template(const nlohmann::json& result) {
  if (!result.is_object()) {
    fail("result", std::string("expected an object, got ") + result.type_name());
  }
  BlockTemplate t;
  // Rules first: a template with a rule hashrig cannot honour is refused whatever else it holds.
  t.rules = parse_rules(member(result, "rules", "rules"));
  t.version = u32(member(result, "version", "version"), "version");
  t.prev_hash =
      display_hash(member(result, "previousblockhash", "previousblockhash"), "previousblockhash");
  const nlohmann::json& txs = member(result, "transactions", "transactions");
  if (!txs.is_array()) {
    fail("transactions", std::string("expected an array, got ") + txs.type_name());
  }
  for (std::size_t i = 0; i < txs.size(); ++i)
    t.transactions.push_back(parse_transaction(txs[i], i));
  t.coinbase_value =
      integer_in(member(result, "coinbasevalue", "coinbasevalue"), "coinbasevalue", 0, kMaxMoney);

  const nlohmann::json& bits = member(result, "bits", "bits");
  const std::string& bits_hex = as_string(bits, "bits");
  if (bits_hex.size() != 8) fail("bits", "not 8 hex digits: " + shown(bits));
  const core::Bytes bits_bytes = hex_bytes(bits, "bits");
  t.bits = core::read_be32(bits_bytes.data());
  core::Uint256 from_bits;
  try {
    from_bits = core::target_from_compact(t.bits);
  } catch (const core::ParseError& e) {
    fail("bits", std::string(e.what()) + ": " + shown(bits));
  }
  const nlohmann::json& target = member(result, "target", "target");
  if (as_string(target, "target").size() != 64)
    fail("target", "not 64 hex digits: " + shown(target));
  try {
    t.target = core::Uint256::from_hex(target.get_ref<const std::string&>());
  } catch (const core::ParseError& e) {
    fail("target", std::string("not hex (") + e.what() + "): " + shown(target));
  }
  if (t.target != from_bits) {
    fail("target", shown(target) + " is not the target of bits " + bits_hex + " (" +
                       from_bits.to_hex() + ")");
  }

  t.min_time = u32(member(result, "mintime", "mintime"), "mintime");
  t.cur_time = u32(member(result, "curtime", "curtime"), "curtime");
  t.height = integer_in(member(result, "height", "height"), "height", 1, kMaxHeight);
  if (const nlohmann::json* m = find(result, "mutable"))
    t.mutable_fields = string_list(*m, "mutable");
  if (const nlohmann::json* c = find(result, "default_witness_commitment")) {
    t.default_witness_commitment = hex_bytes(*c, "default_witness_commitment");
    if (t.default_witness_commitment->empty()) fail("default_witness_commitment", "empty");
  }
  if (const nlohmann::json* aux = find(result, "coinbaseaux")) t.coinbase_aux = parse_aux(*aux);
  t.vb_available = parse_vb_available(member(result, "vbavailable", "vbavailable"));
  t.vb_required = u32(member(result, "vbrequired", "vbrequired"), "vbrequired");
  if (const nlohmann::json* id = find(result, "longpollid"))
    t.longpoll_id = as_string(*id, "longpollid");
  return t;
}

}  // namespace hashrig::node
