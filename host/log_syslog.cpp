#include "host/log_syslog.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace hashrig::host {
namespace {

constexpr std::chrono::seconds kRetryEvery{5};

// RFC 3164's "Mmm dd hh:mm:ss", local time, as glibc's syslog() writes it.
std::string syslog_time() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%b %e %H:%M:%S", &local);
  return std::string(text, n);
}

}  // namespace

std::string default_syslog_socket() {
  const char* path = std::getenv("HASHRIG_SYSLOG_SOCKET");
  return path && *path ? path : "/dev/log";
}

SyslogSink::SyslogSink(std::string socket_path, std::string ident)
    : m_path(std::move(socket_path)), m_ident(std::move(ident)) {}

SyslogSink::~SyslogSink() {
  if (m_fd >= 0) ::close(m_fd);
}

bool SyslogSink::connect(std::string& error) {
  m_next_try = std::chrono::steady_clock::now() + kRetryEvery;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_path.size() >= sizeof address.sun_path) {
    error = "syslog socket " + m_path + ": path too long";
    return false;
  }
  std::memcpy(address.sun_path, m_path.data(), m_path.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("syslog socket: ") + std::strerror(errno);
    return false;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    error = "syslog socket " + m_path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  m_fd = fd;
  return true;
}

bool SyslogSink::send(int severity, std::string_view message, std::string& error) {
  if (m_fd < 0) {
    if (std::chrono::steady_clock::now() < m_next_try) return true;  // already reported
    if (!connect(error)) return false;
  }
  std::string datagram = "<" + std::to_string(LOG_DAEMON | severity) + ">" + syslog_time() + " " +
                         m_ident + "[" + std::to_string(::getpid()) + "]: ";
  datagram += message;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::send(m_fd, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
      return true;
    const int e = errno;
    if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == EINTR || e == EMSGSIZE)
      return true;  // dropped, quietly
    // The daemon went away (restarted): connect again once, at once.
    ::close(m_fd);
    m_fd = -1;
    if (attempt == 0 && !connect(error)) return false;
    if (attempt == 1) error = "syslog socket " + m_path + ": " + std::strerror(e);
  }
  return false;
}

}  // namespace hashrig::host
