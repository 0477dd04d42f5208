// Fuzz target: a getblocktemplate result (JSON text, as a node answers it) -> node::parse_template
// -> node::job_from_template -> core::Job, and back to a block. Properties of a template it
// accepts: the job's merkle root for an extranonce (coinbase prefix, extranonce, suffix folded
// with the job's branch) equals the merkle root computed from scratch over the coinbase's txid
// and the template's txids, and the block begins with the header it was given and holds the
// coinbase and every transaction.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "core/header.h"
#include "core/job_work.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "node-bridge/block.h"
#include "node-bridge/template.h"
#include "tests/fuzz/fuzz_check.h"

using namespace hashrig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json result =
      nlohmann::json::parse(fuzz::text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded()) return 0;
  node::BlockTemplate tmpl;
  try {
    tmpl = node::parse_template(result);
  } catch (const std::invalid_argument&) {  // core::ParseError naming the field
    return 0;
  }
  // The payout of the recorded templates (case1, case2): P2WPKH.
  node::CoinbaseSpec spec;
  spec.payout_script = {0x00, 0x14, 0x72, 0x50, 0x0f, 0x6e, 0xaf, 0x33, 0x01, 0x68, 0x38,
                        0x76, 0x97, 0x02, 0xc7, 0xf6, 0x69, 0x1a, 0x47, 0xa1, 0xe7, 0x10};
  spec.tag = {'/', 'h', 'a', 's', 'h', 'r', 'i', 'g', '/'};
  core::Job job;
  try {
    job = node::job_from_template(tmpl, spec, "node");
  } catch (const std::invalid_argument&) {  // e.g. coinbaseaux too large for the scriptSig
    return 0;
  }
  core::validate(job);
  const core::Bytes extranonce = core::extranonce2_for(job, 0xfeedfacecafebeefull);
  const core::Bytes coinbase = core::build_coinbase(job, extranonce);
  std::vector<core::Hash256> leaves{core::sha256d(coinbase)};
  for (const node::TemplateTransaction& tx : tmpl.transactions)
    leaves.push_back(tx.txid);
  FUZZ_CHECK(core::job_merkle_root(job, extranonce) == core::merkle_root(leaves));

  const std::vector<std::string> signal{"segwit", "taproot", "testdummy"};
  const std::uint32_t version = node::signalled_version(tmpl, signal);
  (void)node::allowed_ntime_roll(tmpl, 60);
  const core::HeaderBytes header =
      core::build_header(job, core::merkle_root(leaves), version, job.ntime);
  const core::Bytes block = node::block_bytes(tmpl, spec, extranonce, header);
  std::size_t body = 0;
  for (const node::TemplateTransaction& tx : tmpl.transactions)
    body += tx.data.size();
  FUZZ_CHECK(block.size() >= header.size() + 1 + coinbase.size() + body);
  FUZZ_CHECK(std::equal(header.begin(), header.end(), block.begin()));
  return 0;
}
