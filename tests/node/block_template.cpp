// block_template.h.
#include "tests/node/block_template.h"

#include <algorithm>

#include "core/merkle.h"
#include "core/target.h"
#include "tests/node/block_check.h"

namespace hashrig::testnode {

std::string longpoll_id(const Chain& chain, const Mempool& mempool) {
  return core::to_hex_reversed(chain.tip().hash) + std::to_string(mempool.sequence());
}

nlohmann::json build_template(const Chain& chain, const Mempool& mempool,
                              const TemplateShape& shape, std::int64_t now) {
  using nlohmann::json;
  const std::int64_t height = chain.height() + 1;
  const std::vector<const MempoolTx*> txs = mempool.ordered();

  json transactions = json::array();
  std::map<core::Hash256, std::size_t> index;  // txid -> 1-based template index
  std::int64_t fees = 0;
  std::vector<core::Hash256> wtxids{core::Hash256{}};
  for (const MempoolTx* tx : txs) {
    json depends = json::array();
    for (const core::Hash256& parent : mempool.parents_of(*tx))
      depends.push_back(index.at(parent));
    index[tx->txid] = transactions.size() + 1;
    transactions.push_back({{"data", tx->hex},
                            {"txid", core::to_hex_reversed(tx->txid)},
                            {"hash", core::to_hex_reversed(tx->wtxid)},
                            {"depends", depends},
                            {"fee", tx->fee},
                            {"sigops", tx->sigops},
                            {"weight", tx->weight}});
    fees += tx->fee;
    wtxids.push_back(tx->wtxid);
  }

  json rules = json::array({"csv", "!segwit", "taproot"});
  for (const std::string& r : shape.extra_rules)
    rules.push_back(r);
  json vbavailable = json::object();
  for (const auto& [name, bit] : shape.vbavailable)
    vbavailable[name] = bit;

  const std::uint32_t mintime = chain.median_time_past(chain.height()) + 1;
  const core::Bytes commitment =
      witness_commitment_script(core::merkle_root(wtxids), core::Hash256{});

  json t = {
      {"capabilities", json::array({"proposal"})},
      {"version", 0x20000000},
      {"rules", rules},
      {"vbavailable", vbavailable},
      {"vbrequired", 0},
      {"previousblockhash", core::to_hex_reversed(chain.tip().hash)},
      {"transactions", transactions},
      {"coinbasevalue", block_subsidy(height) + fees},
      {"target", core::target_from_compact(kRegtestBits).to_hex()},
      {"mintime", mintime},
      {"mutable", json::array({"time", "transactions", "prevblock"})},
      {"noncerange", "00000000ffffffff"},
      {"sigoplimit", kMaxBlockSigopsCost},
      {"sizelimit", kMaxBlockWeight},
      {"weightlimit", kMaxBlockWeight},
      {"curtime", std::max<std::int64_t>(now, mintime)},
      {"bits", "207fffff"},
      {"height", height},
      {"default_witness_commitment", core::to_hex(commitment)},
  };
  if (!shape.omit_coinbaseaux) t["coinbaseaux"] = json::object();
  if (!shape.omit_longpollid) t["longpollid"] = longpoll_id(chain, mempool);
  return t;
}

}  // namespace hashrig::testnode
