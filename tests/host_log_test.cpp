// The logger's sinks: the log file rotated by size (whole lines, the count adding up, never more
// than `keep` rotated files, the oldest dropped), no colour in the file, whole lines from
// concurrent writers, set_level at run time, a file that fails (a full device, a removed
// directory) reported once without stopping the logs, reopen; syslog datagrams read from a socket
// of the test's own with their priorities.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "datagram_socket.h"
#include "host/log.h"
#include "host/log_file.h"
#include "host/log_syslog.h"

namespace hashrig {
namespace {

namespace fs = std::filesystem;
using host::LogFile;
using host::LogFileOptions;
using host::Logger;
using host::LogLevel;

// A directory of its own for each test, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : m_path(fs::temp_directory_path() /
               ("hashrig-log-test-" + std::to_string(getpid()) + "-" + name)) {
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }
  fs::path operator/(const std::string& name) const { return m_path / name; }

 private:
  fs::path m_path;
};

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::string text_of(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

fs::path numbered(const fs::path& path, unsigned n) {
  return path.string() + "." + std::to_string(n);
}

// "line 17 xxxx...x": 40 bytes with its newline, so that a 200-byte file holds five.
std::string numbered_line(unsigned i) {
  std::string line = "line " + std::to_string(i) + " ";
  line.append(39 - line.size(), 'x');
  return line + "\n";
}

// The numbers of every "line N xxx" in the files FILE.keep .. FILE.1, FILE (oldest first); fails
// the test on a line that is not whole or a file past `max_size`.
std::vector<unsigned> numbers_in_rotation(const fs::path& file, unsigned keep,
                                          std::uint64_t max_size) {
  std::vector<unsigned> numbers;
  const std::regex whole("line ([0-9]+) x+");
  for (unsigned n = keep + 1; n-- > 0;) {
    const fs::path path = n == 0 ? file : numbered(file, n);
    if (!fs::exists(path)) continue;
    EXPECT_LE(fs::file_size(path), max_size) << path;
    for (const std::string& line : lines_of(path)) {
      std::smatch m;
      EXPECT_TRUE(std::regex_match(line, m, whole) && line.size() == 39) << path << ": " << line;
      if (!m.empty()) numbers.push_back(unsigned(std::stoul(m[1])));
    }
  }
  return numbers;
}

TEST(LogFile, RotatesBeforeTheSizeWouldBePassedAndEveryLineIsKept) {
  TempDir dir("rotate");
  const fs::path file = dir / "hashrig.log";
  LogFile log(LogFileOptions{file, 200, 10});
  std::string error;
  for (unsigned i = 0; i < 23; ++i)
    ASSERT_TRUE(log.write(numbered_line(i), error)) << error;
  // 5 lines a file: FILE.4 (oldest, lines 0-4) .. FILE.1, FILE (lines 20-22).
  for (unsigned n = 1; n <= 4; ++n) {
    EXPECT_TRUE(fs::exists(numbered(file, n))) << n;
    EXPECT_EQ(fs::file_size(numbered(file, n)), 200u) << n;
  }
  EXPECT_FALSE(fs::exists(numbered(file, 5)));
  EXPECT_EQ(lines_of(file).size(), 3u);
  const std::vector<unsigned> numbers = numbers_in_rotation(file, 10, 200);
  ASSERT_EQ(numbers.size(), 23u);
  for (unsigned i = 0; i < numbers.size(); ++i)
    EXPECT_EQ(numbers[i], i);
}

TEST(LogFile, KeepsAtMostKeepRotatedFilesAndDropsTheOldest) {
  TempDir dir("keep");
  const fs::path file = dir / "hashrig.log";
  LogFile log(LogFileOptions{file, 200, 3});
  std::string error;
  for (unsigned i = 0; i < 100; ++i)
    ASSERT_TRUE(log.write(numbered_line(i), error)) << error;
  for (unsigned n = 1; n <= 3; ++n)
    EXPECT_TRUE(fs::exists(numbered(file, n))) << n;
  EXPECT_FALSE(fs::exists(numbered(file, 4)));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 4);
  // What is left is the newest lines, 80..99, in order: the oldest files went.
  const std::vector<unsigned> numbers = numbers_in_rotation(file, 3, 200);
  ASSERT_EQ(numbers.size(), 20u);
  for (unsigned i = 0; i < numbers.size(); ++i)
    EXPECT_EQ(numbers[i], 80 + i);
}

TEST(LogFile, KeepZeroRestartsTheFileAndALongLineIsNeverSplit) {
  TempDir dir("keep0");
  const fs::path file = dir / "hashrig.log";
  LogFile log(LogFileOptions{file, 200, 0});
  std::string error;
  for (unsigned i = 0; i < 12; ++i)
    ASSERT_TRUE(log.write(numbered_line(i), error)) << error;
  EXPECT_EQ(numbers_in_rotation(file, 0, 200), (std::vector<unsigned>{10, 11}));
  EXPECT_FALSE(fs::exists(numbered(file, 1)));
  const std::string long_line = std::string(500, 'y') + "\n";
  ASSERT_TRUE(log.write(long_line, error)) << error;
  EXPECT_EQ(text_of(file), long_line);  // a file of its own, whole
}

TEST(LogFile, AppendsToWhatIsThereAndCountsItTowardsTheSize) {
  TempDir dir("append");
  const fs::path file = dir / "hashrig.log";
  std::ofstream(file) << std::string(180, 'z') << '\n';
  LogFile log(LogFileOptions{file, 200, 2});
  std::string error;
  ASSERT_TRUE(log.write(numbered_line(0), error)) << error;  // 181 + 40 > 200: rotated first
  EXPECT_EQ(fs::file_size(numbered(file, 1)), 181u);
  EXPECT_EQ(lines_of(file).size(), 1u);
  EXPECT_EQ(fs::status(file).permissions() & (fs::perms::others_all | fs::perms::group_write |
                                              fs::perms::group_exec | fs::perms::owner_exec),
            fs::perms::none)
      << "a new log file is 0640";
}

TEST(LogFile, OpeningADirectoryOrAMissingFolderThrowsNamingThePath) {
  TempDir dir("open");
  try {
    LogFile log(LogFileOptions{dir.path(), 1 << 20, 5});
    FAIL() << "a directory opened as a log file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string() + ": Is a directory"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(LogFile(LogFileOptions{dir / "missing/hashrig.log", 1 << 20, 5}),
               std::runtime_error);
}

TEST(LogFile, ParsesSizes) {
  EXPECT_EQ(host::parse_byte_size("65536"), 65536u);
  EXPECT_EQ(host::parse_byte_size("512K"), 512u << 10);
  EXPECT_EQ(host::parse_byte_size("10M"), 10u << 20);
  EXPECT_EQ(host::parse_byte_size("10m"), 10u << 20);
  EXPECT_EQ(host::parse_byte_size("2G"), std::uint64_t(2) << 30);
  for (const char* bad : {"", "0", "K", "10Q", "10MB", "-5", "1.5M", " 10M", "99999999999G"})
    EXPECT_FALSE(host::parse_byte_size(bad)) << bad;
}

TEST(Logger, TheFileHasNoColourWhenTheTerminalHas) {
  TempDir dir("colour");
  const fs::path file = dir / "hashrig.log";
  std::ostringstream terminal;
  Logger log(terminal, LogLevel::info, true);
  log.add_file(std::make_unique<LogFile>(LogFileOptions{file, 1 << 20, 5}));
  log.error("cuda#0", "STOPPED: too many hardware errors");
  log.info("stratum pool1", "share accepted");
  EXPECT_NE(terminal.str().find("\033["), std::string::npos) << terminal.str();
  const std::string text = text_of(file);
  EXPECT_EQ(text.find('\033'), std::string::npos) << text;
  const std::vector<std::string> lines = lines_of(file);
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_TRUE(std::regex_match(
      lines[0],
      std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} error   \[cuda#0\] STOPPED: .*)")))
      << lines[0];
  EXPECT_NE(lines[1].find(" info    [stratum pool1] share accepted"), std::string::npos)
      << lines[1];
}

TEST(Logger, LinesFromFourThreadsStayWholeInTheStreamAndTheRotatedFile) {
  TempDir dir("threads");
  const fs::path file = dir / "hashrig.log";
  std::ostringstream stream;
  Logger log(stream, LogLevel::info, false);
  constexpr unsigned kThreads = 4, kLines = 500;
  log.add_file(std::make_unique<LogFile>(LogFileOptions{file, 16 << 10, 50}));
  {
    std::vector<std::jthread> threads;
    for (unsigned t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (unsigned i = 0; i < kLines; ++i)
          log.info("cpu#" + std::to_string(t),
                   "line " + std::to_string(i) + " " + std::string(40 + (i * 7 + t) % 60, 'a' + t));
      });
    }
  }
  const std::regex whole(R"(\S+ \S+ info    \[cpu#([0-3])\] line (\d+) ([a-d])+)");
  auto check = [&](const std::vector<std::string>& lines, std::vector<unsigned>& next) {
    for (const std::string& line : lines) {
      std::smatch m;
      ASSERT_TRUE(std::regex_match(line, m, whole)) << line;
      const unsigned t = unsigned(std::stoul(m[1]));
      EXPECT_EQ(m[3].str()[0], char('a' + t)) << line;
      EXPECT_EQ(std::stoul(m[2]), next[t]++) << line;  // each thread's lines in its order
    }
  };
  std::istringstream in(stream.str());
  std::vector<std::string> stream_lines;
  for (std::string line; std::getline(in, line);)
    stream_lines.push_back(line);
  std::vector<unsigned> next(kThreads, 0);
  check(stream_lines, next);
  EXPECT_EQ(next, std::vector<unsigned>(kThreads, kLines));
  std::vector<std::string> file_lines;
  for (unsigned n = 51; n-- > 0;) {
    const fs::path path = n == 0 ? file : numbered(file, n);
    if (!fs::exists(path)) continue;
    EXPECT_LE(fs::file_size(path), 16u << 10);
    for (const std::string& line : lines_of(path))
      file_lines.push_back(line);
  }
  EXPECT_TRUE(fs::exists(numbered(file, 1))) << "rotated while the threads wrote";
  std::fill(next.begin(), next.end(), 0);
  check(file_lines, next);
  EXPECT_EQ(next, std::vector<unsigned>(kThreads, kLines));
}

TEST(Logger, SetLevelTakesEffectForTheNextLine) {
  std::ostringstream stream;
  Logger log(stream, LogLevel::warning, false);
  log.info("main", "hidden");
  EXPECT_FALSE(log.enabled(LogLevel::info));
  log.set_level(LogLevel::debug);
  EXPECT_EQ(log.level(), LogLevel::debug);
  EXPECT_TRUE(log.enabled(LogLevel::debug));
  log.debug("main", "shown");
  log.set_level(LogLevel::error);
  log.warning("main", "hidden too");
  log.error("main", "an error");
  EXPECT_EQ(stream.str().find("hidden"), std::string::npos) << stream.str();
  EXPECT_NE(stream.str().find("debug   [main] shown"), std::string::npos) << stream.str();
  EXPECT_NE(stream.str().find("error   [main] an error"), std::string::npos) << stream.str();
}

TEST(Logger, AFullDeviceIsReportedOnceAndTheLinesGoOnToTheStream) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  std::ostringstream stream;
  Logger log(stream, LogLevel::info, false);
  log.add_file(std::make_unique<LogFile>(LogFileOptions{"/dev/full", 1 << 20, 5}));
  for (int i = 0; i < 5; ++i)
    EXPECT_NO_THROW(log.info("main", "line " + std::to_string(i)));
  const std::string text = stream.str();
  EXPECT_EQ(count_of(text, "[log] log file /dev/full: No space left on device"), 1u) << text;
  for (int i = 0; i < 5; ++i)
    EXPECT_NE(text.find("[main] line " + std::to_string(i)), std::string::npos) << text;
}

TEST(Logger, ARemovedDirectoryIsReportedOnceAndReopenResumesTheFile) {
  TempDir dir("removed");
  const fs::path folder = dir / "logs";
  fs::create_directory(folder);
  const fs::path file = folder / "hashrig.log";
  std::ostringstream stream;
  Logger log(stream, LogLevel::info, false);
  log.add_file(std::make_unique<LogFile>(LogFileOptions{file, 200, 2}));
  log.info("main", "before");
  fs::remove_all(folder);  // the next rotation finds no folder to make the new file in
  for (int i = 0; i < 10; ++i)
    EXPECT_NO_THROW(log.info("main", "after " + std::to_string(i)));
  const std::string text = stream.str();
  EXPECT_EQ(count_of(text, "[log] log file "), 1u) << text;
  EXPECT_NE(text.find("[log] log file " + file.string() +
                      ": rotating: the new file: No such file or directory; logging on stderr "
                      "only until the file is reopened"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("[main] after 9"), std::string::npos) << text;

  fs::create_directory(folder);
  EXPECT_TRUE(log.reopen());
  log.info("main", "back");
  EXPECT_NE(text_of(file).find("[main] back"), std::string::npos);
  fs::remove_all(folder);
  EXPECT_FALSE(log.reopen());
  EXPECT_EQ(count_of(stream.str(), "[log] log file "), 2u) << stream.str();
}

TEST(Logger, ReopenFollowsAnExternalRotation) {
  TempDir dir("reopen");
  const fs::path file = dir / "hashrig.log";
  std::ostringstream stream;
  Logger log(stream, LogLevel::info, false);
  log.add_file(std::make_unique<LogFile>(LogFileOptions{file, 1 << 20, 5}));
  log.info("main", "first");
  fs::rename(file, dir / "hashrig.log.moved");  // what logrotate does before its SIGHUP
  log.info("main", "second");
  ASSERT_TRUE(log.reopen());
  log.info("main", "third");
  const std::string moved = text_of(dir / "hashrig.log.moved");
  EXPECT_NE(moved.find("first"), std::string::npos);
  EXPECT_NE(moved.find("second"), std::string::npos);
  EXPECT_EQ(lines_of(file).size(), 1u);
  EXPECT_NE(text_of(file).find("[main] third"), std::string::npos);
}

// An AF_UNIX datagram socket standing in for /dev/log.
class SyslogReceiver {
 public:
  explicit SyslogReceiver(fs::path path) : m_socket(std::move(path)) {}
  // The next datagram; empty after 5 s without one.
  std::string receive() { return m_socket.receive(std::chrono::seconds(5)).value_or(""); }
  const fs::path& path() const { return m_socket.path(); }

 private:
  test::DatagramSocket m_socket;
};

TEST(Logger, SyslogGetsTheTagAndMessageWithTheLevelAsPriority) {
  TempDir dir("syslog");
  SyslogReceiver daemon(dir / "log");
  std::ostringstream stream;
  Logger log(stream, LogLevel::debug, false);
  log.add_syslog(std::make_unique<host::SyslogSink>(daemon.path().string()));
  log.error("cuda#0", "STOPPED");
  log.warning("stratum pool1", "share REJECTED");
  log.info("node", "new work");
  log.debug("cpu", "detail");
  const std::string pid = std::to_string(getpid());
  // LOG_DAEMON (3 << 3) | severity: err 3, warning 4, info 6, debug 7.
  const std::regex header(R"(<(\d+)>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d hashrig\[(\d+)\]: (.*))");
  const struct {
    const char* priority;
    const char* message;
  } expected[] = {{"27", "[cuda#0] STOPPED"},
                  {"28", "[stratum pool1] share REJECTED"},
                  {"30", "[node] new work"},
                  {"31", "[cpu] detail"}};
  for (const auto& e : expected) {
    const std::string datagram = daemon.receive();
    std::smatch m;
    ASSERT_TRUE(std::regex_match(datagram, m, header)) << datagram;
    EXPECT_EQ(m[1], e.priority) << datagram;
    EXPECT_EQ(m[2], pid) << datagram;
    EXPECT_EQ(m[3], e.message) << datagram;  // no timestamp of ours, no newline
  }
  EXPECT_EQ(stream.str().find("[log]"), std::string::npos) << stream.str();
}

TEST(Logger, AMissingSyslogDaemonIsReportedOnce) {
  TempDir dir("nosyslog");
  std::ostringstream stream;
  Logger log(stream, LogLevel::info, false);
  log.add_syslog(std::make_unique<host::SyslogSink>((dir / "absent").string()));
  for (int i = 0; i < 3; ++i)
    EXPECT_NO_THROW(log.info("main", "line " + std::to_string(i)));
  EXPECT_EQ(count_of(stream.str(), "[log] syslog socket " + (dir / "absent").string() +
                                       ": No such file or directory"),
            1u)
      << stream.str();
  EXPECT_EQ(count_of(stream.str(), "[main] line "), 3u) << stream.str();
}

}  // namespace
}  // namespace hashrig
