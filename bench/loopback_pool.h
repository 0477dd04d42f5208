// LoopbackPool: the smallest Stratum pool that the submit-latency benchmark needs, on 127.0.0.1
// with plain POSIX sockets and one thread: it answers configure (no rolling), subscribe and
// authorize, sends one job, answers every mining.submit with true and stamps (steady clock) the
// moment each submit line has been read off the socket, keyed by its nonce.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace hashrig::bench {

class LoopbackPool {
 public:
  LoopbackPool();  // binds an ephemeral port and starts its thread; throws std::runtime_error
  ~LoopbackPool();
  LoopbackPool(const LoopbackPool&) = delete;
  LoopbackPool& operator=(const LoopbackPool&) = delete;

  std::uint16_t port() const { return m_port; }
  // When the submit carrying `nonce` was read (steady clock ns); waits up to `timeout_ms`.
  std::optional<std::int64_t> wait_submit(std::uint32_t nonce, int timeout_ms);

 private:
  void serve();
  void handle(int fd, const std::string& line);

  int m_listen = -1;
  std::uint16_t m_port = 0;
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::map<std::uint32_t, std::int64_t> m_arrivals;  // guarded by m_mutex
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace hashrig::bench
