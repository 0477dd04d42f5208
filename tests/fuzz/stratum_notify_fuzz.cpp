// Fuzz target: the params of a mining.notify (JSON text) -> stratum::job_from_notify -> core::Job,
// in the session the recorded ckpool pool set up (extranonce1 a555026b, extranonce2 of 8 bytes,
// difficulty 0.001, version mask 1fffe000). Properties of a job it accepts: it keeps the
// session's extranonce and mask, the prevhash word swap is its own inverse, and the work built
// from it (coinbase, merkle root, header, its hash) has the sizes the job promises.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/header.h"
#include "core/job.h"
#include "core/job_work.h"
#include "stratum/notify.h"
#include "tests/fuzz/fuzz_check.h"

using namespace hashrig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json params =
      nlohmann::json::parse(fuzz::text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded()) return 0;
  stratum::SessionParams session;
  session.source_id = "ckpool";
  session.extranonce1 = {0xa5, 0x55, 0x02, 0x6b};
  session.extranonce2_size = 8;
  session.difficulty = 0.001;
  session.version_mask = 0x1fffe000;
  core::Job job;
  try {
    job = stratum::job_from_notify(params, session);
  } catch (const std::invalid_argument&) {  // core::ParseError naming the field
    return 0;
  }
  FUZZ_CHECK(job.extranonce1 == session.extranonce1 && job.extranonce2_size == 8);
  FUZZ_CHECK(job.version_mask == session.version_mask && job.source_id == "ckpool");
  FUZZ_CHECK(stratum::swap_prevhash_words(stratum::swap_prevhash_words(job.prev_hash)) ==
             job.prev_hash);
  const core::Bytes extranonce2 = core::extranonce2_for(job, 0x0102030405060708ull);
  const core::Bytes coinbase = core::build_coinbase(job, extranonce2);
  FUZZ_CHECK(coinbase.size() == job.coinbase_prefix.size() + 4 + 8 + job.coinbase_suffix.size());
  const core::Hash256 root = core::job_merkle_root(job, extranonce2);
  const core::HeaderBytes header = core::build_header(
      job, root, core::rolled_version(job.version, job.version_mask, 5), job.ntime);
  (void)core::header_hash_with_nonce(header, 0x12345678);
  return 0;
}
