#include "host/journal_json.h"

#include <ctime>

#include "node-bridge/block_submitter.h"

namespace hashrig::host {

std::string utc_text_of_ms(std::int64_t unix_ms) {
  const std::time_t t = std::time_t(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string block_state_text(const node::JournalBlock& b) {
  if (b.pending()) return "pending";
  const nlohmann::json answer = nlohmann::json::parse(*b.answer, nullptr, false);
  return node::describe_answer(answer.is_discarded() ? nlohmann::json(*b.answer) : answer);
}

nlohmann::ordered_json journal_json(const std::vector<node::JournalBlock>& blocks) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const node::JournalBlock& b : blocks) {
    nlohmann::ordered_json j;
    j["height"] = b.height;
    j["hash"] = b.hash;
    j["found_at"] = utc_text_of_ms(b.found_at_ms);
    j["found_at_ms"] = b.found_at_ms;
    j["node"] = b.node;
    j["attempts"] = b.attempts;
    j["state"] = b.pending() ? "pending" : b.accepted() ? "accepted" : "answered";
    const nlohmann::ordered_json answer =
        b.pending() ? nlohmann::ordered_json()
                    : nlohmann::ordered_json::parse(*b.answer, nullptr, false);
    j["answer"] = answer.is_discarded() ? nlohmann::ordered_json(*b.answer) : answer;
    j["answer_text"] = block_state_text(b);
    j["last_error"] = b.last_error;
    doc.push_back(std::move(j));
  }
  return doc;
}

}  // namespace hashrig::host
