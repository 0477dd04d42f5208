// From a block template to mining work and back to a block. Contents:
//   - NtimeChoice: which of the template's times a job starts from
//   - job_from_template(): a core::Job in the same coinbase prefix / extranonce / suffix + merkle
//     branch shape the Stratum client produces (extranonce1 empty, the coinbase's extranonce field
//     as extranonce2), so core::build_coinbase(job, extranonce) is the non-witness coinbase
//   - block_bytes(), assemble_block(): header, tx count, the coinbase (segwit serialization when
//     the template has a witness commitment), then the template's transactions' data in order
// Pure code: no I/O.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/header.h"
#include "core/job.h"
#include "node-bridge/coinbase.h"
#include "node-bridge/template.h"

namespace hashrig::node {

enum class NtimeChoice { curtime, mintime };

// version, prev_hash, nbits from the template; ntime = curtime or mintime; share and network
// target = the target of bits; clean = true; job_id names the height and template (longpollid
// when given). Throws std::invalid_argument when the spec cannot build a coinbase.
core::Job job_from_template(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                            std::string source_id, NtimeChoice ntime = NtimeChoice::curtime);

// The header version a job mines with: the template's version, every bit of vbrequired, and the
// bit of each deployment in `signal` that the template offers in vbavailable (BIP 9). Names it
// does not offer are appended to `not_offered` (when given) and not signalled.
std::uint32_t signalled_version(const BlockTemplate& tmpl, std::span<const std::string> signal,
                                std::vector<std::string>* not_offered = nullptr);

// How far a job may roll nTime: `roll` seconds when the template lists "time" in "mutable",
// otherwise 0 (BIP 23: without it the time is fixed).
std::uint32_t allowed_ntime_roll(const BlockTemplate& tmpl, std::uint32_t roll);

// The block for a solved header. The header's merkle root is not checked: a caller that wants a
// block to fail (a test) may pass any header.
core::Bytes block_bytes(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                        std::span<const std::uint8_t> extranonce, const core::HeaderBytes& header);
// The same as lower-case hex, as submitblock takes it.
std::string assemble_block(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                           std::span<const std::uint8_t> extranonce,
                           const core::HeaderBytes& header);

}  // namespace hashrig::node
