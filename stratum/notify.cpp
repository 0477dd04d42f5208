// mining.notify -> core::Job. Contents:
//   - fail(), shown_value(), type_of(): error text, "mining.notify: <field>: <what was wrong>"
//   - string_field(), bool_field(), branch_field(): a params entry with its JSON type checked
//   - hex_field(), hash_field(), hex32_field(): the three hex encodings Stratum uses
//   - swap_prevhash_words(): Stratum's prevhash word order <-> header order
//   - share_target(), network_target(): targets from the session's difficulty and from nbits
//   - job_from_notify(): the fields in protocol order, then core::validate
// No nlohmann exception escapes: every type is checked before it is read.
#include "stratum/notify.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/target.h"

namespace hashrig::stratum {
namespace {

constexpr std::size_t kNotifyParams = 9;
constexpr std::size_t kShownValueChars = 72;  // longer values are cut in error messages

[[noreturn]] void fail(std::string_view field, const std::string& what) {
  throw core::ParseError("mining.notify: " + std::string(field) + ": " + what);
}

// A value for an error message: quoted, printable ASCII only, cut after kShownValueChars.
std::string shown_value(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size() && i < kShownValueChars; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(char(c));
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", unsigned(c));
      out += escaped;
    }
  }
  if (value.size() > kShownValueChars) out += "...";
  return out + "\"";
}

std::string type_of(const nlohmann::json& value) {
  return value.type_name();
}

std::string field_at(std::string_view field, std::size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

const std::string& as_string(const nlohmann::json& value, std::string_view field) {
  if (!value.is_string()) fail(field, "expected a string, got " + type_of(value));
  return value.get_ref<const std::string&>();
}

const std::string& string_field(const nlohmann::json& params, std::size_t index,
                                std::string_view field) {
  return as_string(params[index], field);
}

bool bool_field(const nlohmann::json& params, std::size_t index, std::string_view field) {
  const nlohmann::json& value = params[index];
  if (!value.is_boolean()) fail(field, "expected a boolean, got " + type_of(value));
  return value.get<bool>();
}

// Decodes hex, turning core::from_hex's complaint into one that names the field and value.
core::Bytes decode_hex(const std::string& hex, std::string_view field, const std::string& expect) {
  try {
    return core::from_hex(hex);
  } catch (const core::ParseError& e) {
    fail(field, expect + e.what() + " in " + shown_value(hex));
  }
}

// Non-empty hex of any even length (coinb1, coinb2).
core::Bytes hex_field(const std::string& hex, std::string_view field) {
  if (hex.empty()) fail(field, "empty");
  return decode_hex(hex, field, "");
}

// Exactly 32 bytes as 64 hex digits, bytes kept in the order given (merkle branches, prevhash).
core::Hash256 hash_field(const std::string& hex, std::string_view field) {
  const std::string expect = "not 64 hex digits: ";
  if (hex.size() != 64) {
    fail(field, expect + "got " + std::to_string(hex.size()) + " in " + shown_value(hex));
  }
  const core::Bytes bytes = decode_hex(hex, field, expect);
  core::Hash256 out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// Exactly 8 hex digits: the big-endian hex of a header uint32 (version, nbits, ntime).
std::uint32_t hex32_field(const std::string& hex, std::string_view field) {
  const std::string expect = "not 8 hex digits: ";
  if (hex.size() != 8) {
    fail(field, expect + "got " + std::to_string(hex.size()) + " in " + shown_value(hex));
  }
  return core::read_be32(decode_hex(hex, field, expect).data());
}

std::vector<core::Hash256> branch_field(const nlohmann::json& params, std::size_t index) {
  constexpr std::string_view field = "merkle_branch";
  const nlohmann::json& branch = params[index];
  if (!branch.is_array()) fail(field, "expected an array, got " + type_of(branch));
  std::vector<core::Hash256> out;
  out.reserve(branch.size());
  for (std::size_t i = 0; i < branch.size(); ++i) {
    const std::string name = field_at(field, i);
    out.push_back(hash_field(as_string(branch[i], name), name));
  }
  return out;
}

std::string hex32_text(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

core::Uint256 network_target(std::uint32_t nbits) {
  const core::CompactDecode d = core::decode_compact(nbits);
  const std::string value = hex32_text(nbits);
  if (d.negative) fail("nbits", value + " is negative (sign bit 00800000 set)");
  if (d.overflow) fail("nbits", value + " overflows 256 bits");
  if (d.target.is_zero()) fail("nbits", value + " is a zero target");
  return d.target;
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

core::Uint256 share_target(double difficulty) {
  if (!std::isfinite(difficulty) || difficulty <= 0) {
    fail("difficulty", number_text(difficulty) + " is not a positive finite number");
  }
  const core::Uint256 target = core::target_from_difficulty(difficulty);
  if (target.is_zero()) {
    fail("difficulty", number_text(difficulty) + " is too high: the share target would be zero");
  }
  return target;
}

void check_shape(const nlohmann::json& params) {
  if (!params.is_array()) fail("params", "expected an array, got " + type_of(params));
  if (params.size() < kNotifyParams) {
    fail("params", "expected an array of " + std::to_string(kNotifyParams) + ", got " +
                       std::to_string(params.size()));
  }
}

void copy_session(const SessionParams& session, core::Job& job) {
  job.source_id = session.source_id;
  job.extranonce1 = session.extranonce1;
  job.extranonce2_size = session.extranonce2_size;
  job.share_target = share_target(session.difficulty);
  job.version_mask = session.version_mask;
  job.ntime_roll = session.ntime_roll;
}

}  // namespace

core::Hash256 swap_prevhash_words(const core::Hash256& in) {
  core::Hash256 out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = in[(i & ~std::size_t(3)) + 3 - (i & 3)];
  return out;
}

core::Job job_from_notify(const nlohmann::json& params, const SessionParams& session) {
  check_shape(params);
  core::Job job;
  job.job_id = string_field(params, 0, "job_id");
  if (job.job_id.empty()) fail("job_id", "empty");
  job.prev_hash = swap_prevhash_words(hash_field(string_field(params, 1, "prevhash"), "prevhash"));
  job.coinbase_prefix = hex_field(string_field(params, 2, "coinb1"), "coinb1");
  job.coinbase_suffix = hex_field(string_field(params, 3, "coinb2"), "coinb2");
  job.merkle_branch = branch_field(params, 4);
  job.version = hex32_field(string_field(params, 5, "version"), "version");
  job.nbits = hex32_field(string_field(params, 6, "nbits"), "nbits");
  job.ntime = hex32_field(string_field(params, 7, "ntime"), "ntime");
  job.clean = bool_field(params, 8, "clean_jobs");
  job.network_target = network_target(job.nbits);
  copy_session(session, job);
  try {
    core::validate(job);
  } catch (const core::ParseError& e) {
    throw core::ParseError(std::string("mining.notify: ") + e.what());
  }
  return job;
}

}  // namespace hashrig::stratum
