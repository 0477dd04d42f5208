// The Stratum side of a test pool session. Contents:
//   - send_*(): what the pool sends (notifications, requests, jobs), each line logged
//   - handle_line(): one received line -> a request from the client or a response to ours
//   - on_subscribe/authorize/configure/suggest_difficulty(): the set-up methods
//   - on_submit(), judge(): the share check in the order the verdicts are documented in
//     test_pool.h, each recorded in PoolStats with the params as sent
#include "tests/pool/test_pool_session.h"

#include <utility>

#include "core/target.h"
#include "tests/pool/test_pool_core.h"

namespace hashrig::testpool {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxJobsKept = 4096;  // older jobs are forgotten: "Job not found"

std::string string_param(const json& params, std::size_t index) {
  if (!params.is_array() || params.size() <= index || !params[index].is_string()) return {};
  return params[index].get<std::string>();
}

}  // namespace

Session::Session(PoolCore& pool, std::uint64_t number) : m_pool(pool), m_number(number) {}

// --- sending --------------------------------------------------------------------------------

void Session::send_json(const json& message) {
  std::string line = message.dump();
  m_pool.recorder().log("#" + std::to_string(m_number) + " -> " + line);
  line.push_back('\n');
  write_bytes(std::move(line));
}

void Session::reply(const json& id, const json& result) {
  send_json({{"id", id}, {"result", result}, {"error", nullptr}});
}

void Session::reply_error(const json& id, int code, const std::string& message) {
  send_json({{"id", id}, {"result", nullptr}, {"error", json::array({code, message, nullptr})}});
}

void Session::send_notification(const std::string& method, const json& params) {
  send_json({{"id", nullptr}, {"method", method}, {"params", params}});
}

void Session::send_request(const std::string& method, const json& params) {
  const int id = m_pool.next_request_id();
  m_pending[id] = method;
  send_json({{"id", id}, {"method", method}, {"params", params}});
}

void Session::send_raw(std::string bytes) {
  m_pool.recorder().log("#" + std::to_string(m_number) + " -> (raw) " + bytes);
  write_bytes(std::move(bytes));
}

void Session::send_difficulty(double difficulty) {
  m_terms.difficulty = difficulty;
  send_notification("mining.set_difficulty", json::array({difficulty}));
}

void Session::send_job(const JobTemplate& tpl, bool clean) {
  SentJob sent{session_job(tpl, m_terms, clean), m_terms.difficulty, ++m_job_sequence};
  if (clean) m_last_clean = sent.sequence;
  if (m_jobs.size() >= kMaxJobsKept) {
    auto oldest = m_jobs.begin();
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
      if (it->second.sequence < oldest->second.sequence) oldest = it;
    }
    m_jobs.erase(oldest);
  }
  const json params = notify_params(sent.job);
  m_jobs[tpl.job_id] = std::move(sent);
  m_first_job_sent = true;
  m_pool.recorder().update([](PoolStats& s) { ++s.notifies_sent; });
  send_notification("mining.notify", params);
}

void Session::set_extranonce(const core::Bytes& extranonce1, std::uint32_t extranonce2_size) {
  m_terms.extranonce1 = extranonce1;
  m_terms.extranonce2_size = extranonce2_size;
  send_notification("mining.set_extranonce",
                    json::array({core::to_hex(extranonce1), extranonce2_size}));
}

void Session::set_version_mask(std::uint32_t mask) {
  m_terms.version_mask = mask;
  send_notification("mining.set_version_mask", json::array({hex32(mask)}));
}

// --- receiving ------------------------------------------------------------------------------

void Session::closed(const std::string& why) {
  m_pool.recorder().log("#" + std::to_string(m_number) + " closed: " + why);
  m_pool.recorder().update([](PoolStats& s) {
    ++s.disconnects;
    --s.open_sessions;
  });
  m_pool.forget(m_number);
}

void Session::handle_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  m_pool.recorder().log("#" + std::to_string(m_number) + " <- " + std::string(line));
  json message = json::parse(line, nullptr, false);
  if (message.is_discarded() || !message.is_object()) {
    m_pool.recorder().update([](PoolStats& s) { ++s.malformed_lines; });
    reply_error(nullptr, 20, "Parse error");
    return;
  }
  if (message.contains("method") && message["method"].is_string()) {
    handle_request(message);
  } else if (message.contains("id") && (message.contains("result") || message.contains("error"))) {
    handle_response(message);
  } else {
    m_pool.recorder().update([](PoolStats& s) { ++s.malformed_lines; });
    reply_error(message.value("id", json()), 20, "Not a request");
  }
}

void Session::handle_request(const json& message) {
  const std::string method = message["method"].get<std::string>();
  const json id = message.value("id", json());
  const json params = message.value("params", json::array());
  if (method == "mining.subscribe") {
    on_subscribe(id, params);
  } else if (method == "mining.authorize") {
    on_authorize(id, params);
  } else if (method == "mining.configure") {
    on_configure(id, params);
  } else if (method == "mining.extranonce.subscribe") {
    m_pool.recorder().update([](PoolStats& s) { ++s.extranonce_subscribes; });
    reply(id, true);
  } else if (method == "mining.suggest_difficulty") {
    on_suggest_difficulty(id, params);
  } else if (method == "mining.submit") {
    on_submit(id, params);
  } else {
    m_pool.recorder().update([](PoolStats& s) { ++s.unknown_methods; });
    reply_error(id, 20, "Unknown method");
  }
}

void Session::handle_response(const json& message) {
  const json& id = message["id"];
  if (!id.is_number_integer()) return;
  const auto it = m_pending.find(id.get<int>());
  if (it == m_pending.end()) return;
  const std::string method = it->second;
  m_pending.erase(it);
  m_pool.recorder().update([&](PoolStats& s) {
    if (method == "client.get_version") s.get_version_answers.push_back(message);
    if (method == "mining.ping") s.ping_answers.push_back(message);
  });
}

void Session::on_subscribe(const json& id, const json& params) {
  const std::string agent = string_param(params, 0);
  const std::string resume = string_param(params, 1);
  const PoolCore::Subscription sub = m_pool.subscribe(resume);
  m_subscribed = true;
  m_terms.extranonce1 = sub.extranonce1;
  m_terms.extranonce2_size = m_pool.extranonce2_size();
  m_terms.difficulty = m_pool.difficulty();
  m_terms.ntime_roll = m_pool.options().ntime_roll;
  m_pool.recorder().update([&](PoolStats& s) {
    ++s.subscribes;
    if (sub.resumed) ++s.resumed;
    s.last_user_agent = agent;
    s.last_resume_request = resume;
  });
  const json subscriptions = json::array(
      {json::array({"mining.set_difficulty", sub.id}), json::array({"mining.notify", sub.id})});
  reply(id, json::array({subscriptions, core::to_hex(sub.extranonce1), m_terms.extranonce2_size}));
  maybe_send_first_job();
}

void Session::on_authorize(const json& id, const json& params) {
  const std::string user = string_param(params, 0);
  const std::string password = string_param(params, 1);
  m_authorized = true;
  m_pool.recorder().update([&](PoolStats& s) {
    ++s.authorizes;
    s.last_user = user;
    s.last_password = password;
  });
  reply(id, true);
  maybe_send_first_job();
}

void Session::maybe_send_first_job() {
  if (!m_pool.options().notify_on_authorize || !m_subscribed || !m_authorized) return;
  if (m_first_job_sent) return;
  send_difficulty(m_pool.difficulty());
  send_job(m_pool.current_template(), true);
}

void Session::on_configure(const json& id, const json& params) {
  m_pool.recorder().update([&](PoolStats& s) {
    ++s.configures;
    s.last_configure = params;
  });
  if (!params.is_array() || params.empty() || !params[0].is_array()) {
    reply_error(id, 20, "Malformed configure");
    return;
  }
  const json options = params.size() > 1 && params[1].is_object() ? params[1] : json::object();
  json result = json::object();
  for (const json& extension : params[0]) {
    if (!extension.is_string()) continue;
    const std::string name = extension.get<std::string>();
    if (name != "version-rolling") {
      result[name] = false;
      continue;
    }
    std::uint32_t requested = 0xffffffff;
    const json mask = options.value("version-rolling.mask", json());
    if (mask.is_string()) {
      try {
        const core::Bytes bytes = core::from_hex(mask.get<std::string>());
        if (bytes.size() == 4) requested = core::read_be32(bytes.data());
      } catch (const std::exception&) {
        // an unreadable mask asks for everything the pool offers
      }
    }
    const std::uint32_t offered = m_pool.offered_version_mask();
    if (offered == 0) {
      result["version-rolling"] = false;
      continue;
    }
    m_version_rolling = true;
    m_terms.version_mask = requested & offered;
    result["version-rolling"] = true;
    result["version-rolling.mask"] = hex32(m_terms.version_mask);
  }
  reply(id, result);
}

void Session::on_suggest_difficulty(const json& id, const json& params) {
  double value = 0;
  if (params.is_array() && !params.empty() && params[0].is_number())
    value = params[0].get<double>();
  m_pool.recorder().update([&](PoolStats& s) { s.last_suggested_difficulty = value; });
  reply(id, true);
}

// --- shares ---------------------------------------------------------------------------------

Verdict Session::judge(const Submission& share, const SentJob*& sent) {
  if (!m_authorized) return {24, "Unauthorized worker", "", false};
  const auto it = m_jobs.find(share.job_id);
  if (it == m_jobs.end()) return {21, "Job not found", "", false};
  sent = &it->second;
  if (sent->sequence < m_last_clean) return {21, "Stale", "", false};
  Verdict verdict = check_submit_fields(sent->job, share, m_terms.version_mask);
  if (!verdict.accepted()) return verdict;
  if (m_accepted.contains(share.key())) return {22, "Duplicate share", "", false};
  verdict = check_submit_hash(sent->job, share, m_terms.version_mask);
  if (verdict.accepted()) m_accepted.insert(share.key());
  return verdict;
}

void Session::on_submit(const json& id, const json& params) {
  Verdict verdict;
  const SentJob* sent = nullptr;
  if (const std::optional<Submission> share = parse_submit(params, verdict)) {
    verdict = judge(*share, sent);
  }
  const bool answer = !m_pool.never_answer_submits();
  SubmitRecord record;
  record.connection = m_number;
  record.params = params;
  record.accepted = verdict.accepted();
  record.error_code = verdict.code;
  record.reason = verdict.reason;
  record.hash = verdict.hash;
  record.difficulty = sent != nullptr ? sent->difficulty : 0;
  record.block = verdict.block;
  record.answered = answer;
  m_pool.recorder().update([&](PoolStats& s) {
    if (record.accepted) {
      ++s.accepted;
    } else {
      ++s.rejected;
      ++s.rejected_by_reason[record.reason];
    }
    s.submits.push_back(std::move(record));
  });
  if (!answer) return;
  if (verdict.accepted()) {
    reply(id, true);
  } else {
    reply_error(id, verdict.code, verdict.reason);
  }
}

}  // namespace hashrig::testpool
