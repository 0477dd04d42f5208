// ZmqTipListener: a ZMQ SUB socket on the node's `zmqpubhashblock` endpoint (libzmq). Each
// "hashblock" message (topic, the 32-byte block hash in display order, a 4-byte little-endian
// sequence number) is handed to `on_block` as display hex, on the listener's own thread. A
// message of another shape is ignored; a lost connection is re-made by libzmq itself.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace hashrig::node {

class ZmqTipListener {
 public:
  // Throws std::invalid_argument when libzmq refuses the endpoint (e.g. not tcp://HOST:PORT).
  ZmqTipListener(std::string endpoint, std::function<void(const std::string&)> on_block);
  ~ZmqTipListener();  // stop()
  ZmqTipListener(const ZmqTipListener&) = delete;
  ZmqTipListener& operator=(const ZmqTipListener&) = delete;

  void stop();  // idempotent
  const std::string& endpoint() const { return m_endpoint; }

 private:
  void run();

  std::string m_endpoint;
  std::function<void(const std::string&)> m_on_block;
  void* m_context = nullptr;
  void* m_socket = nullptr;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace hashrig::node
