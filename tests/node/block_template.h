// The getblocktemplate result, shaped like Bitcoin Core's on regtest (the fields, names and
// types of ../shared/fixtures/gbt/*.json getblocktemplate_response, Core's set of them):
// capabilities, version, rules, vbavailable, vbrequired, previousblockhash, transactions[]
// {data, txid, hash, depends, fee, sigops, weight}, coinbaseaux, coinbasevalue, longpollid,
// target, mintime, mutable, noncerange, sigoplimit, sizelimit, weightlimit, curtime, bits,
// height, default_witness_commitment.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/node/chain_state.h"

namespace hashrig::testnode {

struct TemplateShape {
  std::vector<std::string> extra_rules;    // appended to csv, !segwit, taproot
  std::map<std::string, int> vbavailable;  // rule -> bit
  bool omit_coinbaseaux = false;
  bool omit_longpollid = false;
};

// The longpoll id of a state: the tip hash (display hex) followed by the mempool sequence.
std::string longpoll_id(const Chain& chain, const Mempool& mempool);

nlohmann::json build_template(const Chain& chain, const Mempool& mempool,
                              const TemplateShape& shape, std::int64_t now);

}  // namespace hashrig::testnode
