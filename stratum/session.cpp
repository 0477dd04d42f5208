#include "stratum/session.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace hashrig::stratum {
namespace {

constexpr std::size_t kMaxJobsKept = 64;  // non-clean jobs a pool may keep valid at once

[[noreturn]] void fail(std::string_view method, std::string_view field, const std::string& what) {
  throw core::ParseError(std::string(method) + ": " + std::string(field) + ": " + what);
}

std::string hex8(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", v);
  return text;
}

const nlohmann::json& param(const nlohmann::json& params, std::size_t i, std::string_view method) {
  if (params.size() <= i) {
    fail(method, "params",
         "expected at least " + std::to_string(i + 1) + " entries, got " +
             std::to_string(params.size()));
  }
  return params[i];
}

double positive_number(const nlohmann::json& v, std::string_view method, std::string_view field) {
  if (!v.is_number()) fail(method, field, "expected a number, got " + std::string(v.type_name()));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d <= 0) fail(method, field, v.dump() + " is not a positive number");
  return d;
}

core::Bytes extranonce1_of(const nlohmann::json& v, std::string_view method) {
  if (!v.is_string()) fail(method, "extranonce1", "expected a hex string");
  core::Bytes en1;
  try {
    en1 = core::from_hex(v.get<std::string>());
  } catch (const core::ParseError& e) {
    fail(method, "extranonce1", e.what());
  }
  if (en1.size() > core::kMaxExtranonce1Size) {
    fail(method, "extranonce1",
         std::to_string(en1.size()) + " bytes, more than " +
             std::to_string(core::kMaxExtranonce1Size));
  }
  return en1;
}

std::uint32_t extranonce2_size_of(const nlohmann::json& v, std::string_view method) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
      v.get<std::int64_t>() > std::int64_t(core::kMaxExtranonce2Size)) {
    fail(method, "extranonce2_size",
         v.dump() + " is not a whole number in 1.." + std::to_string(core::kMaxExtranonce2Size));
  }
  return std::uint32_t(v.get<std::int64_t>());
}

std::uint32_t mask_of(const nlohmann::json& v, std::string_view method, std::string_view field) {
  if (!v.is_string()) fail(method, field, "expected 8 hex digits");
  std::uint32_t mask = 0;
  try {
    mask = core::read_be32(core::from_hex_exact<4>(v.get<std::string>()).data());
  } catch (const core::ParseError& e) {
    fail(method, field, e.what());
  }
  if (mask & core::kVersionTopBits) {
    fail(method, field, hex8(mask) + " touches the top three version bits (e0000000)");
  }
  return mask;
}

}  // namespace

std::string_view to_string(ShareOutcome::Result r) {
  switch (r) {
    case ShareOutcome::Result::accepted:
      return "accepted";
    case ShareOutcome::Result::rejected:
      return "rejected";
    case ShareOutcome::Result::stale:
      return "stale";
    case ShareOutcome::Result::duplicate:
      return "duplicate";
  }
  return "?";
}

Session::Session(SessionConfig config, SessionEvents& events)
    : m_config(std::move(config)), m_events(events) {
  m_params.source_id = m_config.source_id;
}

std::size_t Session::pending_submits() const {
  std::size_t n = 0;
  for (const auto& [id, p] : m_pending)
    n += p.what == Request::submit;
  return n;
}

std::optional<Clock::time_point> Session::oldest_unanswered_submit() const {
  std::optional<Clock::time_point> oldest;
  for (const auto& [id, p] : m_pending) {
    if (p.what == Request::submit && (!oldest || p.sent < *oldest)) oldest = p.sent;
  }
  return oldest;
}

void Session::abandon(std::string_view why) {
  for (auto it = m_pending.begin(); it != m_pending.end();) {
    if (it->second.what == Request::submit) {
      m_events.share_result({ShareOutcome::Result::stale, std::string(why), {}, it->second.share});
    }
    it = m_pending.erase(it);
  }
}

std::uint64_t Session::send_request(Request what, std::string_view method,
                                    const nlohmann::json& params, Clock::time_point now) {
  const std::uint64_t id = m_next_id++;
  m_pending[id] = Pending{what, now, {}, m_epoch};
  m_events.send(request_line(id, method, params));
  return id;
}

void Session::start(Clock::time_point now) {
  if (m_config.version_rolling_mask != 0) {
    nlohmann::json options = {{"version-rolling.mask", hex8(m_config.version_rolling_mask)},
                              {"version-rolling.min-bit-count", 2}};
    send_request(Request::configure, "mining.configure",
                 nlohmann::json::array({nlohmann::json::array({"version-rolling"}), options}), now);
  }
  nlohmann::json params = nlohmann::json::array({m_config.user_agent});
  if (m_config.resume_session_id) params.push_back(*m_config.resume_session_id);
  send_request(Request::subscribe, "mining.subscribe", params, now);
}

void Session::receive(std::string_view line, Clock::time_point now) {
  if (line.size() > m_config.max_line) {
    throw core::ParseError("a line of " + std::to_string(line.size()) + " bytes, more than the " +
                           std::to_string(m_config.max_line) + " bytes allowed");
  }
  const Message m = parse_message(line);
  if (m.kind == Message::Kind::request) {
    on_request(m);
  } else {
    on_response(m, now);
  }
}

void Session::on_request(const Message& m) {
  const std::string& method = m.method;
  if (method == "mining.notify") {
    on_notify(m.params);
  } else if (method == "mining.set_difficulty") {
    m_params.difficulty = positive_number(param(m.params, 0, method), method, "difficulty");
    m_events.note(SessionEvents::Level::debug,
                  "difficulty " + param(m.params, 0, method).dump() + " from the next job");
  } else if (method == "mining.set_extranonce") {
    m_next_extranonce.emplace(extranonce1_of(param(m.params, 0, method), method),
                              extranonce2_size_of(param(m.params, 1, method), method));
  } else if (method == "mining.set_version_mask") {
    m_next_mask = mask_of(param(m.params, 0, method), method, "mask");
  } else if (method == "client.reconnect") {
    ReconnectRequest r;
    if (m.params.size() > 0 && m.params[0].is_string() && !m.params[0].get<std::string>().empty()) {
      r.host = m.params[0].get<std::string>();
    }
    if (m.params.size() > 1 && !m.params[1].is_null()) {
      const nlohmann::json& p = m.params[1];
      long port = -1;
      if (p.is_number_integer()) port = long(p.get<std::int64_t>());
      if (p.is_string()) port = std::strtol(p.get<std::string>().c_str(), nullptr, 10);
      if (port < 1 || port > 65535) fail(method, "port", p.dump() + " is not a port");
      r.port = std::uint16_t(port);
    }
    if (m.params.size() > 2 && m.params[2].is_number()) {
      const double wait = m.params[2].get<double>();
      if (!std::isfinite(wait) || wait < 0 || wait > 3600) fail(method, "wait", m.params[2].dump());
      r.wait = std::chrono::seconds(std::int64_t(wait));
    }
    m_events.reconnect(r);
  } else if (method == "client.show_message") {
    const nlohmann::json& text = param(m.params, 0, method);
    m_events.note(SessionEvents::Level::info,
                  "the pool says: " + (text.is_string() ? text.get<std::string>() : text.dump()));
  } else if (method == "client.get_version") {
    if (!m.id.is_null()) m_events.send(result_line(m.id, m_config.user_agent));
  } else if (method == "mining.ping") {
    if (!m.id.is_null()) m_events.send(result_line(m.id, "pong"));
  } else {
    m_events.note(SessionEvents::Level::debug, "ignoring unknown method " + method);
  }
}

void Session::on_notify(const nlohmann::json& params) {
  if (!m_subscribed) throw core::ParseError("mining.notify: before mining.subscribe's answer");
  if (m_next_extranonce) {
    m_params.extranonce1 = m_next_extranonce->first;
    m_params.extranonce2_size = m_next_extranonce->second;
    m_next_extranonce.reset();
  }
  if (m_next_mask) {
    m_params.version_mask = *m_next_mask & m_config.version_rolling_mask;
    m_next_mask.reset();
  }
  core::Job job = job_from_notify(params, m_params);
  job.source_session = m_config.session_number;
  if (job.clean) {
    ++m_epoch;
    m_sent.clear();
  }
  remember_job(job.job_id, job.version_mask);
  m_events.job(std::move(job));
}

void Session::remember_job(const std::string& id, std::uint32_t mask) {
  if (m_jobs.insert_or_assign(id, JobInfo{m_epoch, mask}).second) m_job_order.push_back(id);
  while (m_job_order.size() > kMaxJobsKept) {
    m_jobs.erase(m_job_order.front());
    m_job_order.pop_front();
  }
}

void Session::on_response(const Message& m, Clock::time_point now) {
  if (!m.id.is_number_unsigned()) {
    m_events.note(SessionEvents::Level::debug, "ignoring a response with id " + m.id.dump());
    return;
  }
  const auto it = m_pending.find(m.id.get<std::uint64_t>());
  if (it == m_pending.end()) {
    m_events.note(SessionEvents::Level::debug, "ignoring a response to unknown id " + m.id.dump());
    return;
  }
  const Pending p = it->second;
  m_pending.erase(it);
  switch (p.what) {
    case Request::configure:
      on_configured(m);
      break;
    case Request::subscribe:
      if (!m.error.is_null()) {
        throw core::ParseError("mining.subscribe: refused: " + error_text(m.error));
      }
      on_subscribed(m.result, now);
      break;
    case Request::authorize:
      on_authorized(m, now);
      break;
    case Request::extranonce:
    case Request::suggest:
      if (!m.error.is_null() || m.result == false) {
        m_events.note(SessionEvents::Level::debug,
                      std::string(p.what == Request::extranonce ? "mining.extranonce.subscribe"
                                                                : "mining.suggest_difficulty") +
                          " not supported: " + error_text(m.error));
      }
      break;
    case Request::submit:
      on_submitted(p, m, now);
      break;
  }
}

void Session::on_subscribed(const nlohmann::json& result, Clock::time_point now) {
  const char* method = "mining.subscribe";
  if (!result.is_array() || result.size() < 3) {
    fail(method, "result",
         "expected [subscriptions, extranonce1, extranonce2_size], got " +
             result.dump().substr(0, 200));
  }
  // Subscriptions: [["mining.notify", id], ...] or a single pair. The mining.notify subscription's
  // id is the session id a reconnect resumes (the first id when none is for mining.notify).
  const nlohmann::json& subs = result[0];
  std::optional<std::string> first, of_notify;
  const auto take = [&](const nlohmann::json& pair) {
    if (!pair.is_array() || pair.size() < 2 || !pair[1].is_string()) return;
    if (!first) first = pair[1].get<std::string>();
    if (pair[0] == "mining.notify" && !of_notify) of_notify = pair[1].get<std::string>();
  };
  if (subs.is_array() && !subs.empty() && subs[0].is_string()) {
    take(subs);
  } else if (subs.is_array()) {
    for (const nlohmann::json& pair : subs)
      take(pair);
  }
  m_session_id = of_notify ? of_notify : first;
  m_params.extranonce1 = extranonce1_of(result[1], method);
  m_params.extranonce2_size = extranonce2_size_of(result[2], method);
  m_subscribed = true;
  send_request(Request::authorize, "mining.authorize",
               nlohmann::json::array({m_config.user, m_config.pass}), now);
  if (m_config.extranonce_subscribe) {
    send_request(Request::extranonce, "mining.extranonce.subscribe", nlohmann::json::array(), now);
  }
}

void Session::on_authorized(const Message& m, Clock::time_point now) {
  if (m.result != true) {
    const std::string why = !m.error.is_null()         ? error_text(m.error)
                            : !m.reject_reason.empty() ? m.reject_reason
                                                       : "result " + m.result.dump();
    throw core::ParseError("mining.authorize: the pool refused worker '" + m_config.user +
                           "': " + why);
  }
  m_authorized = true;
  if (m_config.suggest_difficulty) {
    send_request(Request::suggest, "mining.suggest_difficulty",
                 nlohmann::json::array({*m_config.suggest_difficulty}), now);
  }
}

void Session::on_configured(const Message& m) {
  const nlohmann::json& r = m.result;
  if (m.error.is_null() && r.is_object() && r.value("version-rolling", false) == true &&
      r.contains("version-rolling.mask")) {
    const std::uint32_t granted =
        mask_of(r["version-rolling.mask"], "mining.configure", "version-rolling.mask");
    m_params.version_mask = granted & m_config.version_rolling_mask;
    m_events.note(SessionEvents::Level::info,
                  "version rolling on, mask " + hex8(m_params.version_mask));
  } else {
    m_params.version_mask = 0;
    m_events.note(SessionEvents::Level::info, "the pool does not allow version rolling");
  }
}

void Session::submit(const SubmitRequest& share, Clock::time_point now) {
  if (share.session != m_config.session_number) {  // pools reuse job ids across connections
    m_events.share_result({ShareOutcome::Result::stale,
                           "job " + share.job_id + " came from an earlier connection to the pool",
                           {},
                           share});
    return;
  }
  const auto job = m_jobs.find(share.job_id);
  if (job == m_jobs.end() || job->second.epoch != m_epoch) {
    m_events.share_result({ShareOutcome::Result::stale,
                           "job " + share.job_id + " was replaced by a clean job",
                           {},
                           share});
    return;
  }
  const std::string key = share.job_id + '/' + core::to_hex(share.extranonce2) + '/' +
                          hex8(share.ntime) + '/' + hex8(share.nonce) + '/' +
                          hex8(share.version_bits);
  if (!m_sent.insert(key).second) {
    m_events.share_result({ShareOutcome::Result::duplicate, "already submitted", {}, share});
    return;
  }
  nlohmann::json params = {m_config.user, share.job_id, core::to_hex(share.extranonce2),
                           hex8(share.ntime), hex8(share.nonce)};
  if (job->second.version_mask != 0) params.push_back(hex8(share.version_bits));
  const std::uint64_t id = send_request(Request::submit, "mining.submit", params, now);
  m_pending[id].share = share;
}

void Session::on_submitted(const Pending& p, const Message& m, Clock::time_point now) {
  ShareOutcome out;
  out.share = p.share;
  out.latency = std::chrono::duration_cast<std::chrono::microseconds>(now - p.sent);
  if (m.result == true && m.error.is_null()) {
    out.result = ShareOutcome::Result::accepted;
  } else {
    out.reason = !m.reject_reason.empty() ? m.reject_reason
                 : !m.error.is_null()     ? error_text(m.error)
                                          : "result " + m.result.dump();
    out.result = p.epoch != m_epoch ? ShareOutcome::Result::stale : ShareOutcome::Result::rejected;
  }
  m_events.share_result(out);
}

}  // namespace hashrig::stratum
