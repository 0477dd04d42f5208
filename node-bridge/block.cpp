// Template -> Job, and the block for a solved header. Contents:
//   - job_from_template(): the coinbase built once with a zero extranonce and cut around it;
//     the merkle branch of the first leaf over [coinbase placeholder, txids...]
//   - block_bytes(), assemble_block()
#include "node-bridge/block.h"

#include <utility>
#include <vector>

#include "core/merkle.h"
#include "core/target.h"

namespace hashrig::node {

core::Job job_from_template(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                            std::string source_id, NtimeChoice ntime) {
  const core::Bytes placeholder(spec.extranonce_size, 0x00);
  const CoinbaseTx tx = build_coinbase_tx(tmpl, spec, placeholder);

  core::Job job;
  job.job_id = "gbt:" + std::to_string(tmpl.height) + ":" +
               tmpl.longpoll_id.value_or(core::to_hex_reversed(tmpl.prev_hash));
  job.source_id = std::move(source_id);
  job.version = tmpl.version;
  job.prev_hash = tmpl.prev_hash;
  const auto offset = std::ptrdiff_t(tx.extranonce_offset);
  job.coinbase_prefix.assign(tx.stripped.begin(), tx.stripped.begin() + offset);
  job.extranonce2_size = spec.extranonce_size;
  job.coinbase_suffix.assign(tx.stripped.begin() + offset + std::ptrdiff_t(spec.extranonce_size),
                             tx.stripped.end());

  // The branch of leaf 0 does not depend on leaf 0 itself: any placeholder will do.
  std::vector<core::Hash256> leaves;
  leaves.reserve(tmpl.transactions.size() + 1);
  leaves.push_back(core::Hash256{});
  for (const TemplateTransaction& t : tmpl.transactions)
    leaves.push_back(t.txid);
  job.merkle_branch = core::merkle_branch_of_first(leaves);

  job.nbits = tmpl.bits;
  job.ntime = ntime == NtimeChoice::curtime ? tmpl.cur_time : tmpl.min_time;
  job.network_target = core::target_from_compact(tmpl.bits);
  job.share_target = job.network_target;
  job.clean = true;
  core::validate(job);
  return job;
}

std::uint32_t signalled_version(const BlockTemplate& tmpl, std::span<const std::string> signal,
                                std::vector<std::string>* not_offered) {
  std::uint32_t version = tmpl.version | tmpl.vb_required;
  for (const std::string& name : signal) {
    const auto bit = tmpl.vb_available.find(name);
    if (bit != tmpl.vb_available.end()) {
      version |= 1u << bit->second;
    } else if (not_offered) {
      not_offered->push_back(name);
    }
  }
  return version;
}

std::uint32_t allowed_ntime_roll(const BlockTemplate& tmpl, std::uint32_t roll) {
  for (const std::string& field : tmpl.mutable_fields)
    if (field == "time") return roll;
  return 0;
}

core::Bytes block_bytes(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                        std::span<const std::uint8_t> extranonce, const core::HeaderBytes& header) {
  const CoinbaseTx coinbase = build_coinbase_tx(tmpl, spec, extranonce);
  std::size_t size = header.size() + 9 + coinbase.full.size();
  for (const TemplateTransaction& t : tmpl.transactions)
    size += t.data.size();

  core::Bytes block;
  block.reserve(size);
  block.insert(block.end(), header.begin(), header.end());
  append_compact_size(block, tmpl.transactions.size() + 1);
  block.insert(block.end(), coinbase.full.begin(), coinbase.full.end());
  for (const TemplateTransaction& t : tmpl.transactions) {
    block.insert(block.end(), t.data.begin(), t.data.end());
  }
  return block;
}

std::string assemble_block(const BlockTemplate& tmpl, const CoinbaseSpec& spec,
                           std::span<const std::uint8_t> extranonce,
                           const core::HeaderBytes& header) {
  return core::to_hex(block_bytes(tmpl, spec, extranonce, header));
}

}  // namespace hashrig::node
