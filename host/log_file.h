// LogFile: the log file of --log-file, rotated by size. Lines are appended whole (O_APPEND, mode
// 0640, close-on-exec); when the next line would take the file past `max_size`, the file is
// rotated first: FILE.(keep-1) -> FILE.keep (the oldest is dropped), ..., FILE -> FILE.1, and a
// new FILE is started. A line is never split, so one longer than max_size gets a file of its own.
// Not thread-safe: the Logger writes under its lock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hashrig::host {

struct LogFileOptions {
  std::filesystem::path path;
  std::uint64_t max_size = std::uint64_t(10) << 20;  // bytes; 10 MiB
  unsigned keep = 5;  // rotated files kept (FILE.1 .. FILE.keep); 0: the file is just restarted
};

inline constexpr std::uint64_t kMinLogFileSize = std::uint64_t(64) << 10;  // --log-max-size
inline constexpr unsigned kMaxLogFilesKept = 100;                          // --log-keep

// "1048576", "512K", "10M", "1G" (binary units, k/m/g too) -> bytes; nullopt for anything else,
// including zero and values past 2^63.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

class LogFile {
 public:
  // Opens (creating) the file; throws std::runtime_error "PATH: REASON" when it cannot.
  explicit LogFile(LogFileOptions options);
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  // Appends `line` (which ends with '\n'), rotating first when needed. False on a failure (the
  // write, the rotation or the new file), with what went wrong in `error`; the file is then
  // closed until reopen() succeeds.
  bool write(std::string_view line, std::string& error);
  // Closes and opens the file at its path again: after an external rotation (logrotate), or to
  // retry after a failure. False with `error` when it cannot be opened.
  bool reopen(std::string& error);

  bool is_open() const { return m_fd >= 0; }
  const std::filesystem::path& path() const { return m_options.path; }
  const LogFileOptions& options() const { return m_options; }

 private:
  int open();  // 0, or the errno of the failure
  bool rotate(std::string& error);
  void close();

  LogFileOptions m_options;
  int m_fd = -1;
  std::uint64_t m_size = 0;  // bytes in the current file
};

}  // namespace hashrig::host
