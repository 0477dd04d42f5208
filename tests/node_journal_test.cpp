// The block journal on a real SQLite file: WAL mode, what a write leaves for a second opener (as
// after a crash and restart), pending blocks per node, attempts and answers, a hash journaled
// twice, and errors that name the file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "node-bridge/journal.h"

namespace hashrig::node {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("hashrig-journal-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::filesystem::path file() const { return m_dir / "sub" / "blocks.sqlite3"; }

  std::filesystem::path m_dir;
};

std::string pragma(const std::filesystem::path& file, const char* name) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  std::string value;
  sqlite3_exec(
      db, (std::string("PRAGMA ") + name).c_str(),
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) = values[0] ? values[0] : "";
        return 0;
      },
      &value, nullptr);
  sqlite3_close(db);
  return value;
}

TEST_F(JournalTest, CreatesItsDirectoryAndUsesWriteAheadLogging) {
  BlockJournal journal(file());
  EXPECT_TRUE(std::filesystem::exists(file()));
  EXPECT_EQ(pragma(file(), "journal_mode"), "wal");
}

TEST_F(JournalTest, ARecordedBlockIsThereForTheNextOpenerAndPendingUntilAnswered) {
  std::int64_t id = 0;
  {
    BlockJournal journal(file());
    id = journal.record("00ab", 7, "deadbeef", "127.0.0.1:18443", 1'700'000'000'123);
    journal.record_failed_attempt(id, 1'700'000'001'000, "connection refused");
  }  // as if the process died here
  BlockJournal reopened(file());
  const auto pending = reopened.pending("127.0.0.1:18443");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, id);
  EXPECT_EQ(pending[0].hash, "00ab");
  EXPECT_EQ(pending[0].height, 7);
  EXPECT_EQ(pending[0].block_hex, "deadbeef");
  EXPECT_EQ(pending[0].found_at_ms, 1'700'000'000'123);
  EXPECT_EQ(pending[0].attempts, 1);
  EXPECT_EQ(pending[0].last_error, "connection refused");
  EXPECT_TRUE(pending[0].pending());
  EXPECT_TRUE(reopened.pending("127.0.0.1:8332").empty()) << "pending blocks are per node";

  reopened.record_answer(id, 1'700'000'002'000, "null");
  EXPECT_TRUE(reopened.pending("127.0.0.1:18443").empty());
  const auto all = reopened.all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].accepted());
  EXPECT_EQ(all[0].attempts, 2);
  EXPECT_EQ(all[0].answered_at_ms, 1'700'000'002'000);
  EXPECT_TRUE(all[0].block_hex.empty()) << "all() lists without the block unless asked";
  EXPECT_EQ(reopened.all(true)[0].block_hex, "deadbeef");
}

TEST_F(JournalTest, AnswersAreKeptAsGiven) {
  BlockJournal journal(file());
  const auto a = journal.record("01", 1, "aa", "n", 1);
  const auto b = journal.record("02", 2, "bb", "n", 2);
  const auto c = journal.record("03", 3, "cc", "n", 3);
  journal.record_answer(a, 10, R"("rejected: high-hash")");
  journal.record_answer(b, 11, R"("inconclusive")");
  journal.record_answer(c, 12, R"({"code":-22,"message":"Block decode failed"})");
  const auto all = journal.all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0].answer, R"("rejected: high-hash")");
  EXPECT_FALSE(all[0].accepted());
  EXPECT_EQ(*all[1].answer, R"("inconclusive")");
  EXPECT_EQ(*all[2].answer, R"({"code":-22,"message":"Block decode failed"})");
  EXPECT_EQ(journal.find(b)->hash, "02");
  EXPECT_FALSE(journal.find(999).has_value());
}

TEST_F(JournalTest, TheSameBlockRecordedTwiceKeepsOneRowAndItsHistory) {
  BlockJournal journal(file());
  const auto first = journal.record("00ff", 5, "abcd", "n", 100);
  journal.record_failed_attempt(first, 101, "timeout");
  const auto second = journal.record("00ff", 5, "abcd", "n", 200);
  EXPECT_EQ(first, second);
  const auto all = journal.all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].found_at_ms, 100);
  EXPECT_EQ(all[0].attempts, 1);
}

TEST_F(JournalTest, TwoOpenersSeeEachOthersWrites) {
  BlockJournal miner(file());
  BlockJournal lister(file());
  const auto id = miner.record("0a", 9, "00", "n", 1);
  ASSERT_EQ(lister.all().size(), 1u);
  lister.record_answer(id, 2, "null");
  EXPECT_TRUE(miner.find(id)->accepted());
}

TEST_F(JournalTest, AFileThatIsNotADatabaseIsNamedInTheError) {
  std::filesystem::create_directories(file().parent_path());
  std::ofstream(file()) << "this is not an SQLite database, just some text long enough to tell";
  try {
    BlockJournal journal(file());
    FAIL() << "opened a file that is not a database";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find(file().string()), std::string::npos) << e.what();
  }
}

TEST(JournalPath, FollowsXdgStateHome) {
  const char* old = std::getenv("XDG_STATE_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_STATE_HOME", "/var/tmp/state", 1);
  EXPECT_EQ(default_journal_path(), std::filesystem::path("/var/tmp/state/hashrig/blocks.sqlite3"));
  ::unsetenv("XDG_STATE_HOME");
  EXPECT_EQ(default_journal_path().filename(), "blocks.sqlite3");
  EXPECT_NE(default_journal_path().string().find(".local/state/hashrig"), std::string::npos);
  if (old) ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
}

}  // namespace
}  // namespace hashrig::node
