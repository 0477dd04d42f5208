// The submission loop: journal row -> submitblock -> journal answer, retrying what got no answer.
#include "node-bridge/block_submitter.h"

#include <algorithm>
#include <random>

#include "core/backoff.h"

namespace hashrig::node {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string describe_answer(const nlohmann::json& answer) {
  if (answer.is_null()) return "accepted";
  if (answer.is_string()) return answer.get<std::string>();
  if (answer.is_object() && answer.contains("code"))
    return "error " + answer["code"].dump() + ": " +
           (answer.contains("message") && answer["message"].is_string()
                ? answer["message"].get<std::string>()
                : answer.dump());
  return answer.dump();
}

BlockSubmitter::BlockSubmitter(BlockJournal* journal, std::unique_ptr<RpcClient> rpc,
                               std::string node, SubmitterOptions options, SubmitterEvents events)
    : m_journal(journal),
      m_rpc(std::move(rpc)),
      m_node(std::move(node)),
      m_options(options),
      m_events(std::move(events)) {}

BlockSubmitter::~BlockSubmitter() {
  stop(std::chrono::milliseconds(0));
}

void BlockSubmitter::start() {
  const std::vector<JournalBlock> pending =
      m_journal ? m_journal->pending(m_node) : std::vector<JournalBlock>();
  {
    std::lock_guard lock(m_mutex);
    for (const JournalBlock& b : pending)
      m_queue.push_back({b.id, nullptr});
  }
  if (!pending.empty() && m_events.log)
    m_events.log(false, std::to_string(pending.size()) +
                            " block(s) left pending by an earlier run: submitting them again");
  m_thread = std::thread([this] { run(); });
}

void BlockSubmitter::submit(std::int64_t id) {
  {
    std::lock_guard lock(m_mutex);
    if (std::any_of(m_queue.begin(), m_queue.end(), [&](const Entry& e) { return e.id == id; }))
      return;  // queued already
    m_queue.push_back({id, nullptr});
  }
  m_wake.notify_all();
}

void BlockSubmitter::submit_unjournaled(JournalBlock block) {
  block.id = 0;
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back({0, std::make_shared<JournalBlock>(std::move(block))});
  }
  m_wake.notify_all();
}

void BlockSubmitter::note_failure(const Entry& entry, const std::string& failure) {
  if (entry.unjournaled) {
    entry.unjournaled->attempts += 1;
    entry.unjournaled->last_error = failure;
    return;
  }
  try {
    m_journal->record_failed_attempt(entry.id, now_ms(), failure);
  } catch (const JournalError& e) {
    if (m_events.log) m_events.log(true, e.what());
  }
}

void BlockSubmitter::note_answer(const Entry& entry, const std::string& answer) {
  if (entry.unjournaled) return;
  try {
    m_journal->record_answer(entry.id, now_ms(), answer);
  } catch (const JournalError& e) {
    if (m_events.log) m_events.log(true, std::string(e.what()) + "; the answer was " + answer);
  }
}

std::size_t BlockSubmitter::queued() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

std::size_t BlockSubmitter::stop(std::chrono::milliseconds flush) {
  std::unique_lock lock(m_mutex);
  if (!m_thread.joinable()) return m_queue.size();
  m_wake.wait_for(lock, flush, [&] { return m_queue.empty(); });
  m_stopping = true;
  const std::size_t left = m_queue.size();
  const auto unjournaled = std::count_if(m_queue.begin(), m_queue.end(),
                                         [](const Entry& e) { return e.unjournaled != nullptr; });
  lock.unlock();
  m_rpc->cancel();
  m_wake.notify_all();
  m_thread.join();
  if (left > std::size_t(unjournaled) && m_events.log && m_journal)
    m_events.log(true, std::to_string(left - std::size_t(unjournaled)) +
                           " block(s) not answered yet: they stay in the journal " +
                           m_journal->file().string() + " and are submitted at the next start");
  if (unjournaled > 0 && m_events.log)
    m_events.log(true, std::to_string(unjournaled) +
                           " block(s) not journaled and not answered yet are given up: each "
                           "one's hex is in the log ('block HASH is NOT journaled, submitting it "
                           "from memory: HEX') for a submitblock by hand");
  return left;
}

void BlockSubmitter::run() {
  core::Backoff backoff(m_options.retry_initial, m_options.retry_max, 2.0, 0.2,
                        std::random_device{}());
  for (;;) {
    Entry entry;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      entry = m_queue.front();
    }
    const auto pop = [&] {
      std::lock_guard lock(m_mutex);
      m_queue.pop_front();
      m_wake.notify_all();
    };
    const auto retry_later = [&](std::chrono::milliseconds delay) {
      std::unique_lock lock(m_mutex);
      m_wake.wait_for(lock, delay, [&] { return m_stopping; });
    };
    std::optional<JournalBlock> block;
    if (entry.unjournaled) {
      block = *entry.unjournaled;
    } else {
      try {
        block = m_journal->find(entry.id);
      } catch (const JournalError& e) {
        const auto delay = backoff.next();
        if (m_events.log)
          m_events.log(true, std::string(e.what()) + "; reading it again in " +
                                 std::to_string(delay.count()) + " ms");
        retry_later(delay);
        continue;
      }
    }
    if (!block || !block->pending()) {
      pop();
      continue;
    }

    nlohmann::json answer;
    std::string failure;
    try {
      answer =
          m_rpc->call("submitblock", nlohmann::json::array({block->block_hex}), m_options.deadline);
    } catch (const RpcCancelled&) {
      return;
    } catch (const RpcError& e) {
      if (e.code() == kRpcInWarmup) {
        failure = e.what();
      } else {
        answer = nlohmann::json{{"code", e.code()}, {"message", e.rpc_message()}};
      }
    } catch (const RpcUnavailable& e) {
      failure = e.what();
    }

    if (!failure.empty()) {
      note_failure(entry, failure);
      const auto delay = backoff.next();
      if (m_events.log)
        m_events.log(true, "block " + block->hash + " (height " + std::to_string(block->height) +
                               ") not submitted yet, attempt " +
                               std::to_string(block->attempts + 1) + ": " + failure +
                               "; retrying in " + std::to_string(delay.count()) + " ms");
      retry_later(delay);
      continue;
    }

    backoff.reset();
    note_answer(entry, answer.dump());
    if (m_events.answered) {
      JournalBlock answered = *block;
      answered.attempts += 1;
      answered.answer = answer.dump();
      m_events.answered(answered, answer);
    }
    pop();
  }
}

}  // namespace hashrig::node
