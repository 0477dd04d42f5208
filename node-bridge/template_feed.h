// TemplateFeed: keeps a current block template coming from the node. Two threads, each with its
// own connection:
//   - the template loop calls getblocktemplate, then long-polls on the template's longpollid
//     (BIP 22) so the node answers the moment its tip or mempool changes; a node that offers no
//     longpollid is asked again every `refresh`;
//   - the tip poll asks getbestblockhash every `tip_poll` and, when the tip is not the current
//     template's parent, fetches a template at once (for nodes without longpoll, or a longpoll
//     that is slow to return); with `zmq_endpoint` a ZMQ "hashblock" notification makes it look
//     at once as well.
// A call that fails (no answer, a JSON-RPC error, a template that does not parse or carries a
// rule hashrig does not understand) is logged with what was wrong and retried with backoff; the
// previous template stays current meanwhile, so mining goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "node-bridge/rpc_client.h"
#include "node-bridge/template.h"
#include "node-bridge/zmq_tip.h"

namespace hashrig::node {

struct FeedOptions {
  std::chrono::milliseconds tip_poll{250};  // 0: no tip poll
  std::chrono::milliseconds refresh{30'000};
  std::chrono::milliseconds request_deadline{10'000};
  std::chrono::milliseconds longpoll_deadline{600'000};
  std::chrono::milliseconds retry_initial{250};
  std::chrono::milliseconds retry_max{10'000};
  std::string zmq_endpoint;  // the node's zmqpubhashblock, e.g. tcp://127.0.0.1:28332; "" = none
};

// The request every call sends (BIP 22/23 capabilities, the segwit rule).
nlohmann::json template_request(const std::optional<std::string>& longpoll_id);

struct FeedEvents {
  // A template that differs from the previous one (new parent, or the node's longpoll said the
  // work changed). Called on either feed thread, one call at a time.
  std::function<void(std::shared_ptr<const BlockTemplate>)> updated;
  std::function<void(bool warning, const std::string& text)> log;
};

class TemplateFeed {
 public:
  TemplateFeed(NodeEndpoint endpoint, RpcCredentials credentials, FeedOptions options,
               FeedEvents events);
  ~TemplateFeed();  // stop()

  void start();
  void stop();  // cancels the calls in flight and joins; idempotent

  std::shared_ptr<const BlockTemplate> current() const;

 private:
  void template_loop();
  void tip_loop();
  // Parses, then hands the template on if it is news. Returns it (null when refused).
  std::shared_ptr<const BlockTemplate> offer(const nlohmann::json& result, const char* via,
                                             bool from_longpoll);
  void wait(std::chrono::milliseconds delay);
  // Waits for the next tip check: `tip_poll`, or a ZMQ notification, whichever comes first.
  void wait_for_tip_check();

  FeedOptions m_options;
  FeedEvents m_events;
  std::unique_ptr<RpcClient> m_template_rpc;
  std::unique_ptr<RpcClient> m_tip_rpc;

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::shared_ptr<const BlockTemplate> m_current;
  bool m_stopping = false;
  bool m_poked = false;  // ZMQ said there is a new block
  std::unique_ptr<ZmqTipListener> m_zmq;
  std::mutex m_offer_mutex;  // one offer() at a time
  std::thread m_template_thread;
  std::thread m_tip_thread;
};

}  // namespace hashrig::node
