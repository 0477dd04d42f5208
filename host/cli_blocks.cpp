// hashrig blocks [--json] [--journal FILE]: the block journal, oldest first: height, hash, when
// it was found, submission attempts, and the node's final answer (or "pending").
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "host/commands.h"
#include "host/usage_error.h"
#include "node-bridge/block_submitter.h"
#include "node-bridge/journal.h"

namespace hashrig::host {
namespace {

std::string utc(std::int64_t unix_ms) {
  const std::time_t t = std::time_t(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string state_of(const node::JournalBlock& b) {
  if (b.pending()) return "pending";
  const nlohmann::json answer = nlohmann::json::parse(*b.answer, nullptr, false);
  return node::describe_answer(answer.is_discarded() ? nlohmann::json(*b.answer) : answer);
}

void print_text(const std::vector<node::JournalBlock>& blocks, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %-64s %-20s %-8s %s\n", "height", "hash", "found (UTC)",
                "attempts", "answer");
  out << line;
  for (const node::JournalBlock& b : blocks) {
    std::snprintf(line, sizeof line, "%-8lld %-64s %-20s %-8d %s\n", (long long)b.height,
                  b.hash.c_str(), utc(b.found_at_ms).c_str(), b.attempts, state_of(b).c_str());
    out << line;
    if (b.pending() && !b.last_error.empty())
      out << "         last error: " << b.last_error << '\n';
  }
}

void print_json(const std::vector<node::JournalBlock>& blocks, std::ostream& out) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const node::JournalBlock& b : blocks) {
    nlohmann::ordered_json j;
    j["height"] = b.height;
    j["hash"] = b.hash;
    j["found_at"] = utc(b.found_at_ms);
    j["found_at_ms"] = b.found_at_ms;
    j["node"] = b.node;
    j["attempts"] = b.attempts;
    j["state"] = b.pending() ? "pending" : b.accepted() ? "accepted" : "answered";
    j["answer"] = b.pending() ? nlohmann::ordered_json() : nlohmann::ordered_json::parse(*b.answer);
    j["answer_text"] = state_of(b);
    j["last_error"] = b.last_error;
    doc.push_back(std::move(j));
  }
  out << doc.dump() << '\n';
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
