#include "node-bridge/zmq_tip.h"

#include <zmq.h>

#include <stdexcept>
#include <vector>

#include "core/bytes.h"

namespace hashrig::node {
namespace {

constexpr const char kTopic[] = "hashblock";
constexpr int kPollMs = 100;  // how often the thread looks at the stop flag

}  // namespace

ZmqTipListener::ZmqTipListener(std::string endpoint,
                               std::function<void(const std::string&)> on_block)
    : m_endpoint(std::move(endpoint)), m_on_block(std::move(on_block)) {
  m_context = zmq_ctx_new();
  m_socket = zmq_socket(m_context, ZMQ_SUB);
  const int linger = 0;
  zmq_setsockopt(m_socket, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(m_socket, ZMQ_SUBSCRIBE, kTopic, sizeof kTopic - 1);
  if (zmq_connect(m_socket, m_endpoint.c_str()) != 0) {
    const std::string why = zmq_strerror(zmq_errno());
    zmq_close(m_socket);
    zmq_ctx_term(m_context);
    throw std::invalid_argument("--node-zmq '" + m_endpoint + "': " + why +
                                " (expected tcp://HOST:PORT, the node's zmqpubhashblock)");
  }
  m_thread = std::thread([this] { run(); });
}

ZmqTipListener::~ZmqTipListener() {
  stop();
}

void ZmqTipListener::stop() {
  m_stopping = true;
  if (m_thread.joinable()) m_thread.join();
  if (m_socket) zmq_close(m_socket);
  if (m_context) zmq_ctx_term(m_context);
  m_socket = nullptr;
  m_context = nullptr;
}

void ZmqTipListener::run() {
  while (!m_stopping) {
    zmq_pollitem_t item{m_socket, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, kPollMs) <= 0 || !(item.revents & ZMQ_POLLIN)) continue;
    // One multipart message: read every part, then judge its shape.
    std::vector<std::vector<unsigned char>> parts;
    int more = 1;
    while (more) {
      zmq_msg_t msg;
      zmq_msg_init(&msg);
      if (zmq_msg_recv(&msg, m_socket, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        break;
      }
      const auto* data = static_cast<const unsigned char*>(zmq_msg_data(&msg));
      parts.emplace_back(data, data + zmq_msg_size(&msg));
      more = zmq_msg_more(&msg);
      zmq_msg_close(&msg);
    }
    if (parts.size() < 2 || parts[0].size() != sizeof kTopic - 1 ||
        !std::equal(parts[0].begin(), parts[0].end(), kTopic) || parts[1].size() != 32)
      continue;
    m_on_block(core::to_hex(parts[1]));  // already in display order
  }
}

}  // namespace hashrig::node
