// The block journal as JSON, shared by `hashrig blocks --json` and the API's /api/v1/blocks:
// oldest first, each block's height, hash, when it was found, attempts, and the node's answer.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "node-bridge/journal.h"

namespace hashrig::host {

// "2026-11-23T18:30:47Z"
std::string utc_text_of_ms(std::int64_t unix_ms);
// "pending", or the node's answer in words ("accepted", "rejected: bad-txnmrklroot", ...).
std::string block_state_text(const node::JournalBlock& b);
nlohmann::ordered_json journal_json(const std::vector<node::JournalBlock>& blocks);

}  // namespace hashrig::host
