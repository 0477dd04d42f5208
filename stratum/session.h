// Session: the Stratum v1 protocol of one pool connection, without any I/O (sans-IO). The
// transport feeds it each line the pool sends and the shares to submit; the session answers
// through SessionEvents: lines to write, jobs to mine, share results, reconnect requests, log
// text. Being free of sockets and clocks (time is passed in), it is what the recorded-pool replay
// and the protocol tests drive directly.
//
// What it speaks: mining.configure (BIP 310 version rolling; the mask granted is honoured, and
// later mining.set_version_mask), mining.subscribe (user agent, session id resumed),
// mining.extranonce.subscribe, mining.authorize, mining.suggest_difficulty, mining.notify,
// mining.set_difficulty (for the jobs that follow it: each job keeps its own),
// mining.set_extranonce (from the next job), mining.submit (5 params, the 6th with version
// rolling), client.reconnect, client.show_message, client.get_version and mining.ping (answered);
// other methods are ignored.
//
// Shares: a share for a job that a clean job has replaced is not sent (stale); the same share
// twice is not sent (duplicate); otherwise it is sent and its answer matched by id: accepted, or
// rejected with the pool's reason, or stale when a clean job replaced its job before a rejection.
//
// receive() throws core::ParseError naming the method and field for anything malformed (and for
// a refused authorization); the transport logs it, drops the connection and reconnects.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/job.h"
#include "stratum/json_rpc.h"
#include "stratum/notify.h"

namespace hashrig::stratum {

using Clock = std::chrono::steady_clock;

struct SessionConfig {
  std::string source_id;             // the pool's name; Job::source_id and log context
  std::uint64_t session_number = 0;  // Job::source_session of this session's jobs
  std::string user, pass;
  std::string user_agent = "hashrig";
  std::optional<std::string> resume_session_id;  // from the previous session to this pool
  bool extranonce_subscribe = true;
  std::uint32_t version_rolling_mask = 0x1fffe000u;  // requested; 0 = no mining.configure
  std::optional<double> suggest_difficulty;
  std::size_t max_line = 64 * 1024;
};

// A verified share, as the pool wants it.
struct SubmitRequest {
  std::string job_id;
  core::Bytes extranonce2;
  std::uint32_t ntime = 0;
  std::uint32_t nonce = 0;
  std::uint32_t version_bits = 0;  // version & mask; sent when the job rolls versions
  bool block_candidate = false;
  std::uint64_t session = 0;  // Job::source_session of its job
  std::uint64_t tag = 0;      // the caller's, handed back in the outcome
};

struct ShareOutcome {
  enum class Result { accepted, rejected, stale, duplicate };
  Result result = Result::rejected;
  std::string reason;                    // the pool's, or why it was not sent
  std::chrono::microseconds latency{0};  // submit -> answer; 0 when not sent
  SubmitRequest share;
};
std::string_view to_string(ShareOutcome::Result r);

struct ReconnectRequest {
  std::optional<std::string> host;  // absent: the same host
  std::optional<std::uint16_t> port;
  std::chrono::seconds wait{0};
};

class SessionEvents {
 public:
  enum class Level { debug, info, warning };
  virtual ~SessionEvents() = default;
  virtual void send(std::string line) = 0;  // ends in '\n'
  virtual void job(core::Job job) = 0;      // validated; publish it
  virtual void share_result(const ShareOutcome& outcome) = 0;
  virtual void reconnect(const ReconnectRequest& request) = 0;
  virtual void note(Level level, std::string text) = 0;
};

class Session {
 public:
  Session(SessionConfig config, SessionEvents& events);

  // Sends the opening requests (configure when rolling is asked for, subscribe).
  void start(Clock::time_point now);
  // Handles one line from the pool (without its '\n'). Throws core::ParseError.
  void receive(std::string_view line, Clock::time_point now);
  // Sends a share, or reports it stale / duplicate without sending.
  void submit(const SubmitRequest& share, Clock::time_point now);

  bool authorized() const { return m_authorized; }
  const std::optional<std::string>& session_id() const { return m_session_id; }
  std::uint32_t version_mask() const { return m_params.version_mask; }
  double difficulty() const { return m_params.difficulty; }
  std::size_t pending_submits() const;
  // When the oldest share still waiting for its answer was sent; nullopt when none waits.
  std::optional<Clock::time_point> oldest_unanswered_submit() const;
  // The connection ended: every share still waiting for an answer is reported stale, so each
  // share sent gets exactly one outcome.
  void abandon(std::string_view why);

 private:
  enum class Request { configure, subscribe, authorize, extranonce, suggest, submit };
  struct Pending {
    Request what;
    Clock::time_point sent;
    SubmitRequest share;
    std::uint64_t epoch = 0;  // of the share's job
  };
  struct JobInfo {
    std::uint64_t epoch = 0;  // clean jobs seen before it
    std::uint32_t version_mask = 0;
  };

  std::uint64_t send_request(Request what, std::string_view method, const nlohmann::json& params,
                             Clock::time_point now);
  void on_request(const Message& m);
  void on_response(const Message& m, Clock::time_point now);
  void on_notify(const nlohmann::json& params);
  void on_subscribed(const nlohmann::json& result, Clock::time_point now);
  void on_authorized(const Message& m, Clock::time_point now);
  void on_configured(const Message& m);
  void on_submitted(const Pending& p, const Message& m, Clock::time_point now);
  void remember_job(const std::string& id, std::uint32_t mask);

  SessionConfig m_config;
  SessionEvents& m_events;
  std::uint64_t m_next_id = 1;
  std::map<std::uint64_t, Pending> m_pending;
  bool m_subscribed = false;
  bool m_authorized = false;
  std::optional<std::string> m_session_id;
  SessionParams m_params;  // what the next job is built with
  std::optional<std::pair<core::Bytes, std::uint32_t>> m_next_extranonce;
  std::optional<std::uint32_t> m_next_mask;
  std::uint64_t m_epoch = 0;  // clean jobs seen
  std::map<std::string, JobInfo> m_jobs;
  std::deque<std::string> m_job_order;  // oldest first, to bound m_jobs
  std::set<std::string> m_sent;         // shares sent in this epoch, for duplicates
};

}  // namespace hashrig::stratum
