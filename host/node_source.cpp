#include "host/node_source.h"

#include <algorithm>
#include <random>

#include "core/backoff.h"
#include "core/bytes.h"
#include "core/error.h"
#include "core/merkle.h"
#include "host/usage_error.h"
#include "node-bridge/block.h"

namespace hashrig::host {
namespace {

constexpr std::size_t kKeptTemplates = 32;
constexpr const char* kTag = "node";

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

NodeSource::NodeSource(Scheduler& scheduler, Logger& log, NodeSourceOptions options)
    : m_scheduler(scheduler),
      m_log(log),
      m_options(std::move(options)),
      m_node(m_options.endpoint.host + ":" + std::to_string(m_options.endpoint.port)) {
  if (m_options.coinbase_tag.size() > kMaxCoinbaseTag)
    throw UsageError("--coinbase-tag: " + std::to_string(m_options.coinbase_tag.size()) +
                     " bytes; at most " + std::to_string(kMaxCoinbaseTag) +
                     " fit in the coinbase scriptSig");
  m_spec.tag.assign(m_options.coinbase_tag.begin(), m_options.coinbase_tag.end());
}

NodeSource::~NodeSource() {
  stop(std::chrono::milliseconds(0));
}

bool NodeSource::start(const std::function<bool(std::chrono::milliseconds)>& wait) {
  // The node's chain decides which payout addresses are valid.
  node::RpcClient rpc(m_options.endpoint, m_options.credentials);
  core::Backoff backoff(m_options.feed.retry_initial, m_options.feed.retry_max, 2.0, 0.2,
                        std::random_device{}());
  nlohmann::json info;
  for (;;) {
    try {
      info =
          rpc.call("getblockchaininfo", nlohmann::json::array(), m_options.feed.request_deadline);
      if (!info.is_object() || !info.contains("chain") || !info["chain"].is_string())
        throw node::RpcUnavailable("getblockchaininfo: the answer has no \"chain\" string");
      break;
    } catch (const std::runtime_error& e) {
      const auto delay = backoff.next();
      m_log.warning(kTag, std::string(e.what()) + "; asking again in " +
                              std::to_string(delay.count()) + " ms");
      if (wait(delay)) return false;
    }
  }
  node::Network network{};
  try {
    network = node::network_from_chain(info["chain"].get<std::string>());
  } catch (const core::ParseError& e) {
    throw std::runtime_error(std::string("the node's chain: ") + e.what());
  }
  node::PayoutAddress payout;
  try {
    payout = node::decode_address(m_options.payout, network);
  } catch (const core::ParseError& e) {
    throw UsageError(std::string("--payout: ") + e.what());
  }
  m_spec.payout_script = payout.script_pubkey;
  m_log.info(kTag, "node " + m_node + " is on " + std::string(node::to_string(network)) +
                       " at height " + (info.contains("blocks") ? info["blocks"].dump() : "?") +
                       "; paying to " + payout.text + " (" +
                       std::string(node::to_string(payout.type)) + ")");

  node::FeedEvents feed_events;
  feed_events.updated = [this](std::shared_ptr<const node::BlockTemplate> t) { on_template(t); };
  feed_events.log = [this](bool warning, const std::string& text) {
    if (warning)
      m_log.warning(kTag, text);
    else
      m_log.debug(kTag, text);
  };
  m_feed = std::make_unique<node::TemplateFeed>(m_options.endpoint, m_options.credentials,
                                                m_options.feed, std::move(feed_events));
  m_scheduler.set_sink(kNodeSourceId, this);
  m_started = true;
  if (!m_options.submit_blocks) {
    m_log.info(kTag, "blocks found are NOT submitted (benchmark)");
    m_feed->start();
    return true;
  }

  try {
    m_journal = std::make_unique<node::BlockJournal>(m_options.journal);
    m_log.info(kTag, "block journal " + m_journal->file().string());
  } catch (const node::JournalError& e) {
    // Mining goes on: a block found is still submitted, from memory, and retried until the node
    // answers; only a restart before that answer would lose it.
    m_log.error(kTag, std::string(e.what()) +
                          "; mining WITHOUT a block journal: blocks found are submitted from "
                          "memory only and do not survive a restart (fix --journal or its "
                          "directory's permissions)");
  }

  const auto log = [this](bool warning, const std::string& text) {
    if (warning)
      m_log.warning(kTag, text);
    else
      m_log.info(kTag, text);
  };
  node::SubmitterEvents submitter_events;
  submitter_events.answered = [this](const node::JournalBlock& block, const nlohmann::json& a) {
    on_answer(block, a);
  };
  submitter_events.log = log;
  m_submitter = std::make_unique<node::BlockSubmitter>(
      m_journal.get(), std::make_unique<node::RpcClient>(m_options.endpoint, m_options.credentials),
      m_node, m_options.submitter, std::move(submitter_events));
  m_submitter->start();
  m_feed->start();
  return true;
}

void NodeSource::stop(std::chrono::milliseconds flush) {
  if (!m_started) return;
  m_started = false;
  m_feed->stop();
  if (m_submitter) m_submitter->stop(flush);
  m_scheduler.set_sink(kNodeSourceId, nullptr);
}

bool NodeSource::max_blocks_reached() const {
  return m_options.max_blocks && m_accepted.load() >= *m_options.max_blocks;
}

std::uint32_t NodeSource::job_version(const node::BlockTemplate& tmpl) {
  std::vector<std::string> not_offered;
  const std::uint32_t version = node::signalled_version(tmpl, m_options.signal, &not_offered);
  for (const std::string& name : not_offered) {
    if (std::find(m_warned_signals.begin(), m_warned_signals.end(), name) != m_warned_signals.end())
      continue;
    m_warned_signals.push_back(name);
    m_log.warning(kTag, "--signal " + name +
                            ": the node does not offer this deployment in vbavailable; not "
                            "signalled");
  }
  return version;
}

void NodeSource::on_template(const std::shared_ptr<const node::BlockTemplate>& tmpl) {
  try {
    std::lock_guard lock(m_mutex);
    core::Job job = node::job_from_template(*tmpl, m_spec, kNodeSourceId);
    job.job_id += ":" + std::to_string(++m_job_seq);  // unique even for same-parent refreshes
    job.version = job_version(*tmpl);
    const bool time_mutable = std::find(tmpl->mutable_fields.begin(), tmpl->mutable_fields.end(),
                                        "time") != tmpl->mutable_fields.end();
    job.ntime_roll = time_mutable ? kNodeNtimeRoll : 0;
    job.clean = !m_last_parent || *m_last_parent != tmpl->prev_hash;
    if (m_options.bench_target) job.share_target = job.network_target = *m_options.bench_target;
    m_last_parent = tmpl->prev_hash;
    m_published.push_back({job.job_id, tmpl});
    while (m_published.size() > kKeptTemplates)
      m_published.pop_front();
    const std::string what = "height " + std::to_string(tmpl->height) + ", " +
                             std::to_string(tmpl->transactions.size()) + " transactions, " +
                             std::to_string(tmpl->coinbase_value) + " sat";
    m_scheduler.publish(std::move(job));
    m_last_template_ns.store(std::chrono::steady_clock::now().time_since_epoch().count());
    m_log.info(kTag, "new work: " + what);
  } catch (const std::exception& e) {
    m_log.error(
        kTag, std::string("cannot mine the template: ") + e.what() + "; the previous work goes on");
  }
}

void NodeSource::submit(const Share& share) {
  if (!share.block_candidate) return;  // the share target is the network target
  if (!m_options.submit_blocks) return;
  std::shared_ptr<const node::BlockTemplate> tmpl;
  {
    std::lock_guard lock(m_mutex);
    for (const Published& p : m_published)
      if (p.job_id == share.job_id) tmpl = p.tmpl;
    if (tmpl && std::find(m_solved_parents.begin(), m_solved_parents.end(), tmpl->prev_hash) !=
                    m_solved_parents.end()) {
      m_log.debug(kTag, "another block on parent " + core::to_hex_reversed(tmpl->prev_hash) +
                            " not submitted: ours is already in");
      return;
    }
    if (tmpl) {
      m_solved_parents.push_back(tmpl->prev_hash);
      while (m_solved_parents.size() > kKeptTemplates)
        m_solved_parents.pop_front();
    }
  }
  const std::string hash = core::to_hex_reversed(share.hash);
  if (!tmpl) {
    m_log.error(kTag, "block " + hash + " belongs to job " + share.job_id +
                          ", which is no longer kept: cannot assemble it");
    return;
  }
  std::string hex;
  try {
    // The block's own coinbase must give the header's merkle root: checked before it is kept.
    const node::CoinbaseTx coinbase = node::build_coinbase_tx(*tmpl, m_spec, share.extranonce2);
    std::vector<core::Hash256> leaves{coinbase.txid()};
    for (const node::TemplateTransaction& t : tmpl->transactions)
      leaves.push_back(t.txid);
    const core::Hash256 root = core::merkle_root(leaves);
    if (!std::equal(root.begin(), root.end(), share.header.begin() + 36))
      m_log.error(kTag, "block " + hash + ": its coinbase does not give the header's merkle root");
    hex = node::assemble_block(*tmpl, m_spec, share.extranonce2, share.header);
  } catch (const std::exception& e) {
    m_log.error(kTag, "block " + hash + " cannot be assembled: " + e.what());
    return;
  }
  m_log.info(kTag, "BLOCK FOUND at height " + std::to_string(tmpl->height) + ": " + hash);
  std::int64_t id = 0;
  std::string not_journaled = m_journal ? "" : "no block journal";
  if (m_journal) {
    try {
      id = m_journal->record(hash, tmpl->height, hex, m_node, unix_ms());
    } catch (const node::JournalError& e) {
      not_journaled = e.what();
    }
  }
  if (!not_journaled.empty()) {
    // Not durable: submitted from memory all the same, and the whole block goes to the log so
    // it can be submitted by hand if hashrig stops before the node answers.
    m_log.error(kTag, not_journaled + "; block " + hash +
                          " is NOT journaled, submitting it from memory: " + hex);
    node::JournalBlock block;
    block.hash = hash;
    block.height = tmpl->height;
    block.found_at_ms = unix_ms();
    block.node = m_node;
    block.block_hex = std::move(hex);
    m_submitter->submit_unjournaled(std::move(block));
    return;
  }
  m_submitter->submit(id);
}

std::optional<double> NodeSource::template_age_s() const {
  const std::int64_t last = m_last_template_ns.load();
  if (last == 0) return std::nullopt;
  const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  return double(now - last) / 1e9;
}

void NodeSource::on_answer(const node::JournalBlock& block, const nlohmann::json& answer) {
  Totals& totals = m_scheduler.stats().totals();
  ShareRecord record;
  record.source = "node";
  record.job_id = block.hash;
  record.block = true;
  if (answer.is_null()) {
    record.result = "accepted";
  } else {
    record.reason = node::describe_answer(answer);
    const bool neutral = record.reason == "duplicate" || record.reason == "inconclusive";
    record.result = neutral ? record.reason : "rejected";
  }
  m_scheduler.stats().recent_shares().record(std::move(record));
  const std::string what = "block " + block.hash + " (height " + std::to_string(block.height) +
                           ", " + std::to_string(block.attempts) + " attempt" +
                           (block.attempts == 1 ? "" : "s") + "): ";
  if (answer.is_null()) {
    totals.accepted.fetch_add(1);
    totals.blocks_accepted.fetch_add(1);
    m_accepted.fetch_add(1);
    m_log.info(kTag, what + "ACCEPTED by the node");
    return;
  }
  const std::string text = node::describe_answer(answer);
  if (text == "duplicate" || text == "inconclusive") {
    m_log.info(kTag, what + text);
    return;
  }
  totals.rejected.fetch_add(1);
  m_log.error(kTag, what + "REJECTED: " + text);
  // Blocks on that parent may be submitted again: forget the parents of the rejected block's
  // height (all of ours there, which is at most one).
  std::lock_guard lock(m_mutex);
  std::erase_if(m_solved_parents, [&](const core::Hash256& parent) {
    for (const Published& p : m_published)
      if (p.tmpl->prev_hash == parent && p.tmpl->height == block.height) return true;
    return false;
  });
}

}  // namespace hashrig::host
