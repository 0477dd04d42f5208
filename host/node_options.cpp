#include "host/node_options.h"

#include "host/number_parse.h"
#include "host/usage_error.h"

namespace hashrig::host {

const char* first_node_only_option(const MineArgs& a) {
  if (a.node_user) return "--node-user";
  if (a.node_pass) return "--node-pass";
  if (a.node_cookie) return "--node-cookie";
  if (a.payout) return "--payout";
  if (a.coinbase_tag) return "--coinbase-tag";
  if (!a.signal.empty()) return "--signal";
  if (a.max_blocks) return "--max-blocks";
  if (a.tip_poll_ms) return "--tip-poll-ms";
  if (a.node_timeout) return "--node-timeout";
  if (a.node_zmq) return "--node-zmq";
  return nullptr;
}

NodeSourceOptions node_options(const MineArgs& a) {
  NodeSourceOptions o;
  try {
    o.endpoint = node::parse_node_url(*a.node);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--node: ") + e.what());
  }
  if (a.node_cookie) {
    if (a.node_user || a.node_pass)
      throw UsageError("--node-cookie and --node-user/--node-pass: choose one way to log in");
    o.credentials.cookie_file = *a.node_cookie;
  } else if (a.node_user && a.node_pass) {
    o.credentials.user = *a.node_user;
    o.credentials.password = *a.node_pass;
  } else if (a.node_user || a.node_pass) {
    throw UsageError(a.node_user ? "--node-user needs --node-pass"
                                 : "--node-pass needs --node-user");
  } else {
    throw UsageError(
        "--node needs credentials: --node-cookie FILE (e.g. ~/.bitcoin/.cookie) or "
        "--node-user U --node-pass P");
  }
  if (!a.payout || a.payout->empty())
    throw UsageError("--node needs --payout ADDRESS: where the blocks found pay");
  o.payout = *a.payout;
  if (a.coinbase_tag) o.coinbase_tag = *a.coinbase_tag;
  o.signal = a.signal;
  if (a.max_blocks) {
    o.max_blocks =
        parse_argument("--max-blocks", [&] { return parse_unsigned(*a.max_blocks, 1, 1'000'000); });
  }
  if (a.tip_poll_ms) {
    o.feed.tip_poll = std::chrono::milliseconds(parse_argument(
        "--tip-poll-ms", [&] { return parse_unsigned(*a.tip_poll_ms, 0, 600'000); }));
  }
  if (a.node_timeout) {
    const std::chrono::seconds timeout(
        parse_argument("--node-timeout", [&] { return parse_unsigned(*a.node_timeout, 1, 600); }));
    o.feed.request_deadline = timeout;
    o.submitter.deadline = timeout;
  }
  if (a.node_zmq) {
    if (!a.node_zmq->starts_with("tcp://") && !a.node_zmq->starts_with("ipc://"))
      throw UsageError("--node-zmq '" + *a.node_zmq +
                       "': expected tcp://HOST:PORT (the node's -zmqpubhashblock)");
    o.feed.zmq_endpoint = *a.node_zmq;
  }
  o.journal = a.journal ? std::filesystem::path(*a.journal) : node::default_journal_path();
  return o;
}

}  // namespace hashrig::host
