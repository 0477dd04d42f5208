// The block journal over the SQLite C API. One table; prepared statements per call (the journal
// sees a handful of writes per found block, so simplicity wins over statement caching).
#include "node-bridge/journal.h"

#include <sqlite3.h>

#include <cstdlib>
#include <system_error>

namespace hashrig::node {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS blocks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  hash            TEXT    NOT NULL UNIQUE,
  height          INTEGER NOT NULL,
  found_at_ms     INTEGER NOT NULL,
  node            TEXT    NOT NULL,
  block_hex       TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_attempt_ms INTEGER,
  last_error      TEXT    NOT NULL DEFAULT '',
  answer          TEXT,
  answered_at_ms  INTEGER
);
CREATE INDEX IF NOT EXISTS blocks_pending ON blocks (node) WHERE answer IS NULL;
)sql";

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::filesystem::path& file) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &m_stmt, nullptr) != SQLITE_OK)
      throw JournalError("block journal " + file.string() + ": " + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const std::string& text) {
    sqlite3_bind_text(m_stmt, index, text.c_str(), int(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int index, std::int64_t value) { sqlite3_bind_int64(m_stmt, index, value); }
  // SQLITE_ROW or SQLITE_DONE; anything else throws.
  int step(const std::filesystem::path& file) {
    const int rc = sqlite3_step(m_stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      throw JournalError("block journal " + file.string() + ": " + sqlite3_errmsg(m_db));
    return rc;
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
  bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  }

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

}  // namespace

std::filesystem::path default_journal_path() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::filesystem::path(state) / "hashrig" / "blocks.sqlite3";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".local" / "state" / "hashrig" /
         "blocks.sqlite3";
}

BlockJournal::BlockJournal(const std::filesystem::path& file) : m_file(file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    throw JournalError("block journal " + file.string() +
                       ": cannot create its directory: " + ec.message());
  if (sqlite3_open_v2(file.c_str(), &m_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    throw JournalError("block journal " + file.string() + ": cannot open: " + why);
  }
  try {
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec(kSchema);
  } catch (...) {
    sqlite3_close(m_db);
    throw;
  }
}

BlockJournal::~BlockJournal() {
  sqlite3_close(m_db);
}

void BlockJournal::exec(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : sqlite3_errmsg(m_db);
    sqlite3_free(error);
    throw JournalError("block journal " + m_file.string() + ": " + why);
  }
}

std::int64_t BlockJournal::record(const std::string& hash, std::int64_t height,
                                  const std::string& block_hex, const std::string& node,
                                  std::int64_t found_at_ms) {
  std::lock_guard lock(m_mutex);
  Statement insert(m_db,
                   "INSERT INTO blocks (hash, height, found_at_ms, node, block_hex) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO NOTHING",
                   m_file);
  insert.bind(1, hash);
  insert.bind(2, height);
  insert.bind(3, found_at_ms);
  insert.bind(4, node);
  insert.bind(5, block_hex);
  insert.step(m_file);
  Statement select(m_db, "SELECT id FROM blocks WHERE hash = ?1", m_file);
  select.bind(1, hash);
  if (select.step(m_file) != SQLITE_ROW)
    throw JournalError("block journal " + m_file.string() + ": block " + hash +
                       " is missing right after it was written");
  return select.integer(0);
}

void BlockJournal::record_failed_attempt(std::int64_t id, std::int64_t at_ms,
                                         const std::string& error) {
  record_attempt(
      "UPDATE blocks SET attempts = attempts + 1, last_attempt_ms = ?2, "
      "last_error = ?3 WHERE id = ?1",
      id, at_ms, error);
}

void BlockJournal::record_answer(std::int64_t id, std::int64_t at_ms,
                                 const std::string& answer_json) {
  record_attempt(
      "UPDATE blocks SET attempts = attempts + 1, last_attempt_ms = ?2, "
      "answer = ?3, answered_at_ms = ?2 WHERE id = ?1",
      id, at_ms, answer_json);
}

void BlockJournal::record_attempt(const char* sql, std::int64_t id, std::int64_t at_ms,
                                  const std::string& text) {
  std::lock_guard lock(m_mutex);
  Statement update(m_db, sql, m_file);
  update.bind(1, id);
  update.bind(2, at_ms);
  update.bind(3, text);
  update.step(m_file);
}

std::vector<JournalBlock> BlockJournal::query(const std::string& where, bool with_hex,
                                              const std::string& text_arg,
                                              std::int64_t int_arg) const {
  std::lock_guard lock(m_mutex);
  Statement select(m_db,
                   std::string("SELECT id, hash, height, found_at_ms, node, ") +
                       (with_hex ? "block_hex" : "''") +
                       ", attempts, last_attempt_ms, last_error, answer, answered_at_ms "
                       "FROM blocks " +
                       where + " ORDER BY id",
                   m_file);
  if (where.find("?1") != std::string::npos) select.bind(1, text_arg);
  if (where.find("?2") != std::string::npos) select.bind(2, int_arg);
  std::vector<JournalBlock> rows;
  while (select.step(m_file) == SQLITE_ROW) {
    JournalBlock b;
    b.id = select.integer(0);
    b.hash = select.text(1);
    b.height = select.integer(2);
    b.found_at_ms = select.integer(3);
    b.node = select.text(4);
    b.block_hex = select.text(5);
    b.attempts = int(select.integer(6));
    if (!select.is_null(7)) b.last_attempt_ms = select.integer(7);
    b.last_error = select.text(8);
    if (!select.is_null(9)) b.answer = select.text(9);
    if (!select.is_null(10)) b.answered_at_ms = select.integer(10);
    rows.push_back(std::move(b));
  }
  return rows;
}

std::vector<JournalBlock> BlockJournal::pending(const std::string& node) const {
  return query("WHERE answer IS NULL AND node = ?1", true, node, 0);
}

std::vector<JournalBlock> BlockJournal::all(bool with_hex) const {
  return query("", with_hex, "", 0);
}

std::optional<JournalBlock> BlockJournal::find(std::int64_t id) const {
  auto rows = query("WHERE id = ?2", true, "", id);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

}  // namespace hashrig::node
