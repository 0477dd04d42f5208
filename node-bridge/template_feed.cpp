// The template loop and the tip poll.
#include "node-bridge/template_feed.h"

#include <random>

#include "core/backoff.h"
#include "core/bytes.h"
#include "core/error.h"

namespace hashrig::node {

nlohmann::json template_request(const std::optional<std::string>& longpoll_id) {
  nlohmann::json request{{"rules", {"segwit"}},
                         {"capabilities", {"longpoll", "coinbasetxn", "workid", "proposal"}}};
  if (longpoll_id) request["longpollid"] = *longpoll_id;
  return nlohmann::json::array({request});
}

TemplateFeed::TemplateFeed(NodeEndpoint endpoint, RpcCredentials credentials, FeedOptions options,
                           FeedEvents events)
    : m_options(options),
      m_events(std::move(events)),
      m_template_rpc(std::make_unique<RpcClient>(endpoint, credentials)),
      m_tip_rpc(std::make_unique<RpcClient>(endpoint, credentials)) {}

TemplateFeed::~TemplateFeed() {
  stop();
}

void TemplateFeed::start() {
  if (!m_options.zmq_endpoint.empty()) {
    m_zmq = std::make_unique<ZmqTipListener>(m_options.zmq_endpoint, [this](const std::string&) {
      {
        std::lock_guard lock(m_mutex);
        m_poked = true;
      }
      m_wake.notify_all();
    });
  }
  m_template_thread = std::thread([this] { template_loop(); });
  if (m_options.tip_poll.count() > 0 || m_zmq) m_tip_thread = std::thread([this] { tip_loop(); });
}

void TemplateFeed::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_template_rpc->cancel();
  m_tip_rpc->cancel();
  if (m_template_thread.joinable()) m_template_thread.join();
  if (m_tip_thread.joinable()) m_tip_thread.join();
  if (m_zmq) m_zmq->stop();
}

std::shared_ptr<const BlockTemplate> TemplateFeed::current() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

void TemplateFeed::wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(m_mutex);
  m_wake.wait_for(lock, delay, [&] { return m_stopping; });
}

std::shared_ptr<const BlockTemplate> TemplateFeed::offer(const nlohmann::json& result,
                                                         const char* via, bool from_longpoll) {
  auto parsed = std::make_shared<const BlockTemplate>(parse_template(result));
  std::lock_guard offering(m_offer_mutex);
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) return parsed;
    // The tip poll only brings news of a new parent; the longpoll answers only when the work
    // changed (or its wait ran out, which refreshes the transactions and time).
    if (m_current && !from_longpoll && m_current->prev_hash == parsed->prev_hash &&
        m_current->height == parsed->height)
      return parsed;
    if (m_current && m_current->prev_hash == parsed->prev_hash && parsed->longpoll_id &&
        m_current->longpoll_id == parsed->longpoll_id)
      return parsed;  // the same work (the tip poll brought it first)
    m_current = parsed;
  }
  if (m_events.log)
    m_events.log(false, std::string("template for height ") + std::to_string(parsed->height) +
                            " with " + std::to_string(parsed->transactions.size()) +
                            " transactions (" + via + ")");
  if (m_events.updated) m_events.updated(parsed);
  return parsed;
}

void TemplateFeed::template_loop() {
  core::Backoff backoff(m_options.retry_initial, m_options.retry_max, 2.0, 0.2,
                        std::random_device{}());
  std::optional<std::string> longpoll_id;
  while (true) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stopping) return;
    }
    try {
      const bool polling = longpoll_id.has_value();
      const nlohmann::json result =
          m_template_rpc->call("getblocktemplate", template_request(longpoll_id),
                               polling ? m_options.longpoll_deadline : m_options.request_deadline);
      const auto tmpl = offer(result, polling ? "longpoll" : "getblocktemplate", true);
      backoff.reset();
      longpoll_id = tmpl->longpoll_id;
      if (!longpoll_id) wait(m_options.refresh);
    } catch (const RpcCancelled&) {
      return;
    } catch (const std::exception& e) {
      // RpcUnavailable, RpcError and core::ParseError all say what was wrong.
      longpoll_id.reset();
      const auto delay = backoff.next();
      if (m_events.log)
        m_events.log(true, std::string(e.what()) + "; the current work goes on, asking again in " +
                               std::to_string(delay.count()) + " ms");
      wait(delay);
    }
  }
}

void TemplateFeed::wait_for_tip_check() {
  std::unique_lock lock(m_mutex);
  const auto woken = [&] { return m_stopping || m_poked; };
  if (m_options.tip_poll.count() > 0)
    m_wake.wait_for(lock, m_options.tip_poll, woken);
  else
    m_wake.wait(lock, woken);
  m_poked = false;
}

void TemplateFeed::tip_loop() {
  while (true) {
    wait_for_tip_check();
    {
      std::lock_guard lock(m_mutex);
      if (m_stopping) return;
    }
    try {
      const nlohmann::json best =
          m_tip_rpc->call("getbestblockhash", nlohmann::json::array(), m_options.request_deadline);
      if (!best.is_string()) continue;
      const auto current = this->current();
      if (current && core::to_hex_reversed(current->prev_hash) == best.get<std::string>()) continue;
      const nlohmann::json result = m_tip_rpc->call(
          "getblocktemplate", template_request(std::nullopt), m_options.request_deadline);
      offer(result, "tip poll", false);
    } catch (const RpcCancelled&) {
      return;
    } catch (const std::exception&) {
      // The template loop reports the node's troubles; the tip poll just tries again.
    }
  }
}

}  // namespace hashrig::node
