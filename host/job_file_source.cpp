#include "host/job_file_source.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/error.h"
#include "host/usage_error.h"
#include "stratum/notify.h"

namespace hashrig::host {
namespace {

const nlohmann::json& field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) throw core::ParseError(std::string(name) + ": missing");
  return j.at(name);
}

std::string string_field(const nlohmann::json& j, const char* name) {
  const nlohmann::json& v = field(j, name);
  if (!v.is_string()) throw core::ParseError(std::string(name) + ": expected a string");
  return v.get<std::string>();
}

std::uint64_t unsigned_field(const nlohmann::json& j, const char* name, std::uint64_t max) {
  const nlohmann::json& v = field(j, name);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
    throw core::ParseError(std::string(name) + ": expected a whole number from 0 to " +
                           std::to_string(max) + ", got " + v.dump());
  }
  return v.get<std::uint64_t>();
}

stratum::SessionParams session_of(const nlohmann::json& j, std::optional<double> difficulty) {
  if (!j.is_object()) throw core::ParseError("expected a JSON object");
  stratum::SessionParams s;
  s.source_id = j.contains("source") ? string_field(j, "source") : "job-file";
  try {
    s.extranonce1 = core::from_hex(string_field(j, "extranonce1"));
  } catch (const core::ParseError& e) {
    throw core::ParseError(std::string("extranonce1: ") + e.what());
  }
  s.extranonce2_size = std::uint32_t(unsigned_field(j, "extranonce2_size", 0xffffffffu));
  if (difficulty) {
    s.difficulty = *difficulty;
  } else {
    const nlohmann::json& d = field(j, "difficulty");
    if (!d.is_number()) throw core::ParseError("difficulty: expected a number, got " + d.dump());
    s.difficulty = d.get<double>();
  }
  if (j.contains("version_mask")) {
    const std::string mask = string_field(j, "version_mask");
    try {
      s.version_mask = core::read_be32(core::from_hex_exact<4>(mask).data());
    } catch (const core::ParseError& e) {
      throw core::ParseError("version_mask: " + std::string(e.what()));
    }
  }
  if (j.contains("ntime_roll")) {
    s.ntime_roll = std::uint32_t(unsigned_field(j, "ntime_roll", 7200));
  }
  return s;
}

}  // namespace

core::Job load_job_file(const std::string& path, std::optional<double> difficulty) {
  std::ifstream in(path);
  if (!in) throw UsageError("--job-file: cannot open " + path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("--job-file " + path + ": not valid JSON: " + e.what());
  }
  try {
    const stratum::SessionParams session = session_of(j, difficulty);
    return stratum::job_from_notify(field(j, "job"), session);
  } catch (const core::ParseError& e) {
    throw UsageError("--job-file " + path + ": " + e.what());
  }
}

void OfflineShareLog::submit(const Share& share) {
  if (share.stale) m_totals.stale.fetch_add(1, std::memory_order_relaxed);
  char text[160];
  std::snprintf(text, sizeof text, "\"%08x\", \"%08x\"", share.ntime, share.nonce);
  std::string params =
      "[\"" + share.job_id + "\", \"" + core::to_hex(share.extranonce2) + "\", " + text;
  if (share.job && share.job->version_mask != 0) {
    std::snprintf(text, sizeof text, ", \"%08x\"", share.version_bits);
    params += text;
  }
  params += "]";
  std::snprintf(text, sizeof text, "%.6g", share.difficulty);
  m_log.debug(share.source_id, std::string(share.stale ? "stale " : "") +
                                   (share.block_candidate ? "block" : "share") + " (diff " + text +
                                   "), offline: mining.submit params would be " + params);
  if (m_recent) {
    ShareRecord r;
    r.source = share.source_id;
    r.job_id = share.job_id;
    r.extranonce2 = core::to_hex(share.extranonce2);
    r.ntime = share.ntime;
    r.nonce = share.nonce;
    r.version_bits = share.version_bits;
    r.difficulty = share.difficulty;
    r.result = share.stale ? "stale" : "logged";
    r.block = share.block_candidate;
    m_recent->record(std::move(r));
  }
}

}  // namespace hashrig::host
