// hashrig blocks [--json] [--journal FILE]: the block journal, oldest first: height, hash, when
// it was found, submission attempts, and the node's final answer (or "pending").
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "host/commands.h"
#include "host/journal_json.h"
#include "host/usage_error.h"
#include "node-bridge/journal.h"

namespace hashrig::host {
namespace {

void print_text(const std::vector<node::JournalBlock>& blocks, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %-64s %-20s %-8s %s\n", "height", "hash", "found (UTC)",
                "attempts", "answer");
  out << line;
  for (const node::JournalBlock& b : blocks) {
    std::snprintf(line, sizeof line, "%-8lld %-64s %-20s %-8d %s\n", (long long)b.height,
                  b.hash.c_str(), utc_text_of_ms(b.found_at_ms).c_str(), b.attempts,
                  block_state_text(b).c_str());
    out << line;
    if (b.pending() && !b.last_error.empty())
      out << "         last error: " << b.last_error << '\n';
  }
}

void print_json(const std::vector<node::JournalBlock>& blocks, std::ostream& out) {
  out << journal_json(blocks).dump() << '\n';
}

}  // namespace

int run_blocks(const BlocksArgs& args, CliContext& ctx) {
  const std::filesystem::path file =
      args.journal ? std::filesystem::path(*args.journal) : node::default_journal_path();
  std::vector<node::JournalBlock> blocks;
  if (std::filesystem::exists(file)) {
    node::BlockJournal journal(file);
    blocks = journal.all();
  } else if (args.journal) {
    throw UsageError("--journal: " + file.string() + " does not exist");
  } else {
    ctx.log().info("blocks", "no journal at " + file.string() + " yet: no block found");
  }
  if (args.json)
    print_json(blocks, ctx.out());
  else
    print_text(blocks, ctx.out());
  return 0;
}

}  // namespace hashrig::host
