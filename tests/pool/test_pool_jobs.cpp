// Job building and the share check of the test pool. Contents:
//   - random_hash(), next_template(): job templates
//   - coinbase_parts(): coinb1 / coinb2 of a one-input, one-output coinbase whose scriptSig is
//     <height> <extranonce1 + extranonce2> <tag>, split right before the extranonce
//   - session_job(), notify_params(): the job a session mines and its mining.notify encoding
//   - parse_submit(), check_submit_fields(), check_submit_hash(): the share check
#include "tests/pool/test_pool_jobs.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "core/error.h"
#include "core/header.h"
#include "core/job_work.h"
#include "core/target.h"
#include "stratum/notify.h"
#include "tests/pool/test_pool.h"

namespace hashrig::testpool {
namespace {

constexpr std::string_view kCoinbaseTag = "/hashrig-test-pool/";
constexpr std::uint64_t kCoinbaseValue = 312500000;  // satoshis
constexpr std::size_t kSubmitParams = 5;

core::Hash256 random_hash(std::mt19937_64& rng) {
  core::Hash256 out{};
  for (std::size_t i = 0; i < out.size(); i += 8) {
    const std::uint64_t word = rng();
    for (std::size_t j = 0; j < 8; ++j)
      out[i + j] = std::uint8_t(word >> (8 * j));
  }
  return out;
}

void append_le(core::Bytes& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    out.push_back(std::uint8_t(value >> (8 * i)));
}

void append(core::Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

struct CoinbaseParts {
  core::Bytes coinb1;
  core::Bytes coinb2;
};

CoinbaseParts coinbase_parts(std::uint32_t height, std::size_t extranonce_size) {
  if (extranonce_size > 75) throw std::invalid_argument("extranonce: more than 75 bytes");
  CoinbaseParts parts;
  core::Bytes& b1 = parts.coinb1;
  append_le(b1, 1, 4);           // tx version
  b1.push_back(1);               // one input
  b1.insert(b1.end(), 32, 0);    // null prevout hash
  append_le(b1, 0xffffffff, 4);  // prevout index
  const std::size_t script_size = 4 + 1 + extranonce_size + 1 + kCoinbaseTag.size();
  b1.push_back(std::uint8_t(script_size));
  b1.push_back(3);  // push 3 bytes: the height
  append_le(b1, height, 3);
  b1.push_back(std::uint8_t(extranonce_size));  // push: extranonce1 + extranonce2 follow

  core::Bytes& b2 = parts.coinb2;
  b2.push_back(std::uint8_t(kCoinbaseTag.size()));
  append(b2, kCoinbaseTag);
  append_le(b2, 0xffffffff, 4);  // sequence
  b2.push_back(1);               // one output
  append_le(b2, kCoinbaseValue, 8);
  b2.push_back(1);      // script size
  b2.push_back(0x51);   // OP_TRUE
  append_le(b2, 0, 4);  // lock time
  return parts;
}

bool is_hex32(const nlohmann::json& value) {
  return value.is_string() && value.get_ref<const std::string&>().size() == 8;
}

}  // namespace

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

JobTemplate next_template(const JobTemplate* previous, bool new_block, std::string job_id,
                          const TestPoolOptions& options, std::mt19937_64& rng) {
  JobTemplate tpl;
  tpl.job_id = std::move(job_id);
  if (previous == nullptr || new_block) {
    tpl.prev_hash = random_hash(rng);
    tpl.height =
        previous == nullptr ? 100000 + std::uint32_t(rng() % 100000) : previous->height + 1;
  } else {
    tpl.prev_hash = previous->prev_hash;
    tpl.height = previous->height;
  }
  const std::uint64_t branch = rng() % (std::uint64_t(options.max_merkle_branch) + 1);
  for (std::uint64_t i = 0; i < branch; ++i)
    tpl.merkle_branch.push_back(random_hash(rng));
  tpl.version = options.version;
  tpl.nbits = options.nbits;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  tpl.ntime = std::uint32_t(std::chrono::duration_cast<std::chrono::seconds>(now).count());
  return tpl;
}

core::Job session_job(const JobTemplate& tpl, const SessionTerms& terms, bool clean) {
  CoinbaseParts parts =
      coinbase_parts(tpl.height, terms.extranonce1.size() + terms.extranonce2_size);
  core::Job job;
  job.job_id = tpl.job_id;
  job.source_id = "testpool";
  job.version = tpl.version;
  job.version_mask = terms.version_mask;
  job.prev_hash = tpl.prev_hash;
  job.coinbase_prefix = std::move(parts.coinb1);
  job.extranonce1 = terms.extranonce1;
  job.extranonce2_size = terms.extranonce2_size;
  job.coinbase_suffix = std::move(parts.coinb2);
  job.merkle_branch = tpl.merkle_branch;
  job.nbits = tpl.nbits;
  job.ntime = tpl.ntime;
  job.ntime_roll = terms.ntime_roll;
  job.share_target = core::target_from_difficulty(terms.difficulty);
  job.network_target = core::target_from_compact(tpl.nbits);
  job.clean = clean;
  return job;
}

nlohmann::json notify_params(const core::Job& job) {
  nlohmann::json branch = nlohmann::json::array();
  for (const core::Hash256& h : job.merkle_branch)
    branch.push_back(core::to_hex(h));
  return nlohmann::json::array(
      {job.job_id, core::to_hex(stratum::swap_prevhash_words(job.prev_hash)),
       core::to_hex(job.coinbase_prefix), core::to_hex(job.coinbase_suffix), branch,
       hex32(job.version), hex32(job.nbits), hex32(job.ntime), job.clean});
}

std::string Submission::key() const {
  return job_id + "/" + core::to_hex(extranonce2) + "/" + hex32(ntime) + "/" + hex32(nonce) + "/" +
         (version_bits ? hex32(*version_bits) : std::string("-"));
}

std::optional<Submission> parse_submit(const nlohmann::json& params, Verdict& verdict) {
  verdict = Verdict{20, "Malformed submit", "", false};
  if (!params.is_array() || params.size() < kSubmitParams || params.size() > kSubmitParams + 1) {
    return std::nullopt;
  }
  for (const auto& p : params) {
    if (!p.is_string()) return std::nullopt;
  }
  if (!is_hex32(params[3]) || !is_hex32(params[4])) return std::nullopt;
  if (params.size() > kSubmitParams && !is_hex32(params[5])) return std::nullopt;
  Submission share;
  try {
    share.user = params[0].get<std::string>();
    share.job_id = params[1].get<std::string>();
    share.extranonce2 = core::from_hex(params[2].get<std::string>());
    share.ntime = core::read_be32(core::from_hex(params[3].get<std::string>()).data());
    share.nonce = core::read_be32(core::from_hex(params[4].get<std::string>()).data());
    if (params.size() > kSubmitParams) {
      share.version_bits = core::read_be32(core::from_hex(params[5].get<std::string>()).data());
    }
  } catch (const core::ParseError&) {
    return std::nullopt;
  }
  verdict = Verdict{};
  return share;
}

Verdict check_submit_fields(const core::Job& job, const Submission& share,
                            std::uint32_t version_mask) {
  if (share.extranonce2.size() != job.extranonce2_size) {
    return {20, "Invalid extranonce2 size", "", false};
  }
  if (share.ntime < job.ntime ||
      std::uint64_t(share.ntime) > std::uint64_t(job.ntime) + job.ntime_roll) {
    return {20, "Ntime out of range", "", false};
  }
  if (share.version_bits && (*share.version_bits & ~version_mask) != 0) {
    return {20, "Invalid version bits", "", false};
  }
  return {};
}

Verdict check_submit_hash(const core::Job& job, const Submission& share,
                          std::uint32_t version_mask) {
  const std::uint32_t bits = share.version_bits.value_or(0) & version_mask;
  const std::uint32_t version =
      share.version_bits ? (job.version & ~version_mask) | bits : job.version;
  core::HeaderBytes header =
      core::build_header(job, core::job_merkle_root(job, share.extranonce2), version, share.ntime);
  core::write_le32(header.data() + core::kNonceOffset, share.nonce);
  const core::Hash256 hash = core::sha256d(header);
  const core::Uint256 value = core::hash_value(hash);
  Verdict verdict;
  verdict.hash = core::to_hex_reversed(hash);
  verdict.block = value <= job.network_target;
  if (value > job.share_target) {
    verdict.code = 23;
    verdict.reason = "Low difficulty share";
  }
  return verdict;
}

}  // namespace hashrig::testpool
