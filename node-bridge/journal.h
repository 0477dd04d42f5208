// BlockJournal: the durable record of every block hashrig finds for a node, in SQLite (WAL mode,
// synchronous=FULL: a commit is on disk when record() returns). A block is written here before
// it is submitted, each submission attempt is counted, and the node's final answer is kept as
// given, so a block survives the node being down, hashrig being killed, or both.
//
// Answers are kept as JSON text: "null" (accepted), a BIP 22 string ("duplicate",
// "inconclusive", "high-hash", "rejected: high-hash", ...), or {"code":C,"message":M} when the
// node answered submitblock with a JSON-RPC error. A block without an answer is pending.
//
// Several processes may open the same file (the miner writes, `hashrig blocks` reads): SQLite's
// locking and a busy timeout handle that. Each method is safe to call from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace hashrig::node {

class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JournalBlock {
  std::int64_t id = 0;
  std::string hash;  // display order hex
  std::int64_t height = 0;
  std::int64_t found_at_ms = 0;  // unix time
  std::string node;              // the node it is for, e.g. "127.0.0.1:18443"
  std::string block_hex;         // empty when listed without it
  int attempts = 0;
  std::optional<std::int64_t> last_attempt_ms;
  std::string last_error;             // of the last attempt that got no answer
  std::optional<std::string> answer;  // JSON text; none while pending
  std::optional<std::int64_t> answered_at_ms;

  bool pending() const { return !answer.has_value(); }
  bool accepted() const { return answer && *answer == "null"; }
};

// ~/.local/state/hashrig/blocks.sqlite3 ($XDG_STATE_HOME when set).
std::filesystem::path default_journal_path();

class BlockJournal {
 public:
  // Opens or creates the file (and its directory). Throws JournalError naming the file.
  explicit BlockJournal(const std::filesystem::path& file);
  ~BlockJournal();
  BlockJournal(const BlockJournal&) = delete;
  BlockJournal& operator=(const BlockJournal&) = delete;

  // Durable when it returns. A hash already in the journal keeps its row; its id is returned.
  std::int64_t record(const std::string& hash, std::int64_t height, const std::string& block_hex,
                      const std::string& node, std::int64_t found_at_ms);
  // A submission that got no answer.
  void record_failed_attempt(std::int64_t id, std::int64_t at_ms, const std::string& error);
  // The node's answer (counts as an attempt too).
  void record_answer(std::int64_t id, std::int64_t at_ms, const std::string& answer_json);

  std::vector<JournalBlock> pending(const std::string& node) const;  // oldest first, with hex
  std::vector<JournalBlock> all(bool with_hex = false) const;        // oldest first
  std::optional<JournalBlock> find(std::int64_t id) const;           // with hex

  const std::filesystem::path& file() const { return m_file; }

 private:
  // One submission attempt: `sql` binds ?1 id, ?2 time, ?3 the error or the node's answer.
  void record_attempt(const char* sql, std::int64_t id, std::int64_t at_ms,
                      const std::string& text);
  std::vector<JournalBlock> query(const std::string& where, bool with_hex,
                                  const std::string& text_arg, std::int64_t int_arg) const;
  void exec(const char* sql) const;

  std::filesystem::path m_file;
  sqlite3* m_db = nullptr;
  mutable std::mutex m_mutex;
};

}  // namespace hashrig::node
