#include "host/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace hashrig::host {
namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

std::string numbered(const std::filesystem::path& path, unsigned n) {
  return path.string() + "." + std::to_string(n);
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::size_t digits = 0;
  std::uint64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (value > (std::uint64_t(1) << 63) / 10) return std::nullopt;
    value = value * 10 + std::uint64_t(text[digits] - '0');
    ++digits;
  }
  if (digits == 0 || value == 0) return std::nullopt;
  const std::string_view suffix = text.substr(digits);
  unsigned shift = 0;
  if (suffix == "K" || suffix == "k") {
    shift = 10;
  } else if (suffix == "M" || suffix == "m") {
    shift = 20;
  } else if (suffix == "G" || suffix == "g") {
    shift = 30;
  } else if (!suffix.empty()) {
    return std::nullopt;
  }
  if (value > (std::uint64_t(1) << (63 - shift))) return std::nullopt;
  return value << shift;
}

LogFile::LogFile(LogFileOptions options) : m_options(std::move(options)) {
  if (const int error = open())
    throw std::runtime_error(m_options.path.string() + ": " + errno_text(error));
}

LogFile::~LogFile() {
  close();
}

void LogFile::close() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

int LogFile::open() {
  close();
  const int fd = ::open(m_options.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return errno;
  struct stat st {};
  m_size = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? std::uint64_t(st.st_size) : 0;
  m_fd = fd;
  return 0;
}

bool LogFile::reopen(std::string& error) {
  const int e = open();
  if (e) error = m_options.path.string() + ": " + errno_text(e);
  return e == 0;
}

bool LogFile::rotate(std::string& error) {
  const std::string path = m_options.path.string();
  if (m_options.keep == 0) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      error = path + ": rotating: removing it: " + errno_text(errno);
      close();
      return false;
    }
  } else {
    // FILE.(keep-1) replaces FILE.keep, the oldest; a number that is missing is skipped.
    for (unsigned n = m_options.keep - 1; n >= 1; --n) {
      if (std::rename(numbered(path, n).c_str(), numbered(path, n + 1).c_str()) != 0 &&
          errno != ENOENT) {
        error = path + ": rotating: " + numbered(path, n) + " -> " + numbered(path, n + 1) + ": " +
                errno_text(errno);
        close();
        return false;
      }
    }
    if (std::rename(path.c_str(), numbered(path, 1).c_str()) != 0 && errno != ENOENT) {
      error = path + ": rotating: -> " + numbered(path, 1) + ": " + errno_text(errno);
      close();
      return false;
    }
  }
  if (const int e = open()) {
    error = path + ": rotating: the new file: " + errno_text(e);
    return false;
  }
  return true;
}

bool LogFile::write(std::string_view line, std::string& error) {
  if (m_fd < 0) {
    error = m_options.path.string() + ": not open";
    return false;
  }
  if (m_size > 0 && m_size + line.size() > m_options.max_size && !rotate(error)) return false;
  while (!line.empty()) {
    const ssize_t n = ::write(m_fd, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = m_options.path.string() + ": " + (n < 0 ? errno_text(errno) : "wrote nothing");
      close();
      return false;
    }
    m_size += std::uint64_t(n);
    line.remove_prefix(std::size_t(n));
  }
  return true;
}

}  // namespace hashrig::host
