// The test pool's jobs and its share check, free of sockets:
//   - JobTemplate / next_template(): what every session's job shares (prevhash, branch, height);
//   - session_job(): the core::Job one session mines, with a real-looking coinbase around that
//     session's extranonce1 + extranonce2, and its difficulty and version mask;
//   - notify_params(): that job in Stratum's mining.notify encodings (DESIGN.md, byte order);
//   - parse_submit(), check_submit_fields(), check_submit_hash(): a mining.submit checked against
//     the job by rebuilding the header with core/ and hashing it with core::sha256d.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/job.h"
#include "core/sha256.h"

namespace hashrig::testpool {

struct TestPoolOptions;

struct JobTemplate {
  std::string job_id;
  core::Hash256 prev_hash{};  // internal order
  std::vector<core::Hash256> merkle_branch;
  std::uint32_t height = 0;  // pushed at the start of the coinbase scriptSig (BIP 34)
  std::uint32_t version = 0;
  std::uint32_t nbits = 0;
  std::uint32_t ntime = 0;
};

// The next job: with new_block (or no previous job) a random prevhash and the next height,
// otherwise the previous block with a fresh random branch. ntime is the wall clock.
JobTemplate next_template(const JobTemplate* previous, bool new_block, std::string job_id,
                          const TestPoolOptions& options, std::mt19937_64& rng);

// What one session has agreed on when a job is sent to it.
struct SessionTerms {
  core::Bytes extranonce1;
  std::uint32_t extranonce2_size = 0;
  double difficulty = 1;
  std::uint32_t version_mask = 0;
  std::uint32_t ntime_roll = 0;
};

core::Job session_job(const JobTemplate& tpl, const SessionTerms& terms, bool clean);
// [job_id, prevhash, coinb1, coinb2, merkle_branch, version, nbits, ntime, clean_jobs]
nlohmann::json notify_params(const core::Job& job);

std::string hex32(std::uint32_t value);  // 8 lower-case hex digits, big-endian

// A mining.submit's params, decoded: [user, job_id, extranonce2, ntime, nonce(, version_bits)].
struct Submission {
  std::string user;
  std::string job_id;
  core::Bytes extranonce2;
  std::uint32_t ntime = 0;
  std::uint32_t nonce = 0;
  std::optional<std::uint32_t> version_bits;
  std::string key() const;  // identifies the share for duplicate detection
};

struct Verdict {
  int code = 0;        // 0 = accepted
  std::string reason;  // error text
  std::string hash;    // display hex, when the header was hashed
  bool block = false;  // the hash also meets the network target
  bool accepted() const { return code == 0; }
};

// Decodes the params, or fills `verdict` with [20,"Malformed submit"] and returns nullopt.
std::optional<Submission> parse_submit(const nlohmann::json& params, Verdict& verdict);
// extranonce2 size, ntime window, version bits inside `version_mask`; code 0 when all hold.
Verdict check_submit_fields(const core::Job& job, const Submission& share,
                            std::uint32_t version_mask);
// Rebuilds the header and hashes it: accepted when the hash <= job.share_target.
Verdict check_submit_hash(const core::Job& job, const Submission& share,
                          std::uint32_t version_mask);

}  // namespace hashrig::testpool
