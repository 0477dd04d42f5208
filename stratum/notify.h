// mining.notify -> core::Job: the one place Stratum's job encodings are decoded (DESIGN.md,
// "Byte-order facts"). Every field is checked; an error names the method, the field and what
// was wrong, e.g. "mining.notify: merkle_branch[2]: not 64 hex digits".
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/bytes.h"
#include "core/job.h"

namespace hashrig::stratum {

// What the session set up before the notify arrived (subscribe, set_difficulty, configure).
struct SessionParams {
  std::string source_id;    // the pool's name, copied into Job::source_id
  core::Bytes extranonce1;  // from mining.subscribe / mining.set_extranonce
  std::uint32_t extranonce2_size = 0;
  double difficulty = 1.0;         // the last mining.set_difficulty
  std::uint32_t version_mask = 0;  // granted by mining.configure (BIP 310); 0 = no rolling
  std::uint32_t ntime_roll = 0;    // seconds the pool lets the miner add to ntime
};

// Decodes the params array of mining.notify:
//   [job_id, prevhash, coinb1, coinb2, merkle_branch[], version, nbits, ntime, clean_jobs]
// and validates the result (core::validate). Throws core::ParseError naming the field.
core::Job job_from_notify(const nlohmann::json& params, const SessionParams& session);

// Stratum's prevhash order <-> header (internal) order: each 4-byte word byte-reversed,
// out[i] = in[(i & ~3) + 3 - (i & 3)]. The swap is its own inverse.
core::Hash256 swap_prevhash_words(const core::Hash256& in);

}  // namespace hashrig::stratum
