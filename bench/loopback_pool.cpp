#include "bench/loopback_pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace hashrig::bench {
namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void send_line(int fd, const nlohmann::json& j) {
  const std::string text = j.dump() + '\n';
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += std::size_t(n);
  }
}

// A job with a 4-byte extranonce1 and an empty merkle branch; mainnet-like bits.
nlohmann::json job_notify() {
  return {{"id", nullptr},
          {"method", "mining.notify"},
          {"params",
           {"bench1", std::string(64, '0'),
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0c",
            "ffffffff0100f2052a010000000000000000", nlohmann::json::array(), "20000000", "1703a30c",
            "6553f100", true}}};
}

}  // namespace

LoopbackPool::LoopbackPool() {
  m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
  if (m_listen < 0) throw std::runtime_error("loopback pool: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(m_listen, 4) != 0 ||
      ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(m_listen);
    throw std::runtime_error("loopback pool: cannot listen on 127.0.0.1");
  }
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { serve(); });
}

LoopbackPool::~LoopbackPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  if (m_thread.joinable()) m_thread.join();
  ::close(m_listen);
}

std::optional<std::int64_t> LoopbackPool::wait_submit(std::uint32_t nonce, int timeout_ms) {
  std::unique_lock lock(m_mutex);
  if (!m_arrived.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                          [&] { return m_arrivals.count(nonce) > 0; })) {
    return std::nullopt;
  }
  return m_arrivals[nonce];
}

void LoopbackPool::serve() {
  int fd = -1;
  std::string buffer;
  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stop) break;
    }
    pollfd p{fd < 0 ? m_listen : fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    if (fd < 0) {
      fd = ::accept(m_listen, nullptr, nullptr);
      const int one = 1;
      if (fd >= 0) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      continue;
    }
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
      ::close(fd);
      fd = -1;
      continue;
    }
    buffer.append(chunk, std::size_t(n));
    for (std::size_t end; (end = buffer.find('\n')) != std::string::npos;) {
      handle(fd, buffer.substr(0, end));
      buffer.erase(0, end + 1);
    }
  }
  if (fd >= 0) ::close(fd);
}

void LoopbackPool::handle(int fd, const std::string& line) {
  const std::int64_t read_at = steady_ns();
  const nlohmann::json m = nlohmann::json::parse(line, nullptr, false);
  if (!m.is_object() || !m.contains("method")) return;
  const std::string method = m.value("method", "");
  const nlohmann::json id = m.value("id", nlohmann::json());
  if (method == "mining.submit") {
    const auto nonce = std::uint32_t(std::stoul(m["params"][4].get<std::string>(), nullptr, 16));
    {
      std::lock_guard lock(m_mutex);
      m_arrivals[nonce] = read_at;
    }
    m_arrived.notify_all();
    send_line(fd, {{"id", id}, {"result", true}, {"error", nullptr}});
  } else if (method == "mining.subscribe") {
    send_line(fd, {{"id", id},
                   {"result", {nlohmann::json::array({{"mining.notify", "b1"}}), "a5a5a5a5", 4}},
                   {"error", nullptr}});
  } else if (method == "mining.authorize") {
    send_line(fd, {{"id", id}, {"result", true}, {"error", nullptr}});
    send_line(fd, {{"id", nullptr}, {"method", "mining.set_difficulty"}, {"params", {1}}});
    send_line(fd, job_notify());
  } else if (!id.is_null()) {
    send_line(fd, {{"id", id}, {"result", false}, {"error", nullptr}});
  }
}

}  // namespace hashrig::bench
