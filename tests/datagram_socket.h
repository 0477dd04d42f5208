// DatagramSocket: a bound AF_UNIX datagram socket, for tests that stand in for a daemon the
// program sends to (syslog's /dev/log, systemd's notify socket).
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace hashrig::test {

class DatagramSocket {
 public:
  // Binds at `path` (a stale file there is removed first).
  explicit DatagramSocket(std::filesystem::path path) : m_path(std::move(path)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = m_path.string();
    if (text.size() >= sizeof address.sun_path)
      throw std::runtime_error("socket path too long: " + text);
    text.copy(address.sun_path, sizeof address.sun_path - 1);
    ::unlink(text.c_str());
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot bind " + text);
  }
  ~DatagramSocket() {
    ::close(m_fd);
    ::unlink(m_path.c_str());
  }
  DatagramSocket(const DatagramSocket&) = delete;
  DatagramSocket& operator=(const DatagramSocket&) = delete;

  const std::filesystem::path& path() const { return m_path; }

  // The next datagram, or nullopt when none comes within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd fd{m_fd, POLLIN, 0};
    if (::poll(&fd, 1, int(timeout.count())) <= 0) return std::nullopt;
    char buffer[65536];
    const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, std::size_t(n));
  }

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
};

}  // namespace hashrig::test
