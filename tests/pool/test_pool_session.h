// One client connection of the test pool: the Stratum protocol side (Session, in
// test_pool_session.cpp) over a byte stream (plain TCP or TLS, test_pool_stream.cpp). The
// session keeps what it agreed with its client (extranonce, difficulty, version mask), every job
// it was sent (each with the difficulty in force then), the last clean job, and the shares it
// accepted. Pool thread only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/job.h"
#include "tests/pool/test_pool_jobs.h"

namespace hashrig::testpool {

class PoolCore;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(PoolCore& pool, std::uint64_t number);
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  virtual void start() = 0;
  // Closes the connection at once (reset: RST instead of FIN); idempotent.
  virtual void close(bool reset, const std::string& why) = 0;

  std::uint64_t number() const { return m_number; }
  bool subscribed() const { return m_subscribed; }
  bool version_rolling() const { return m_version_rolling; }

  // Control, from PoolCore.
  void send_job(const JobTemplate& tpl, bool clean);
  void send_difficulty(double difficulty);
  void set_extranonce(const core::Bytes& extranonce1, std::uint32_t extranonce2_size);
  void set_version_mask(std::uint32_t mask);
  void send_request(const std::string& method, const nlohmann::json& params);
  void send_notification(const std::string& method, const nlohmann::json& params);
  void send_raw(std::string bytes);

 protected:
  // From the stream: one line without its '\n' (a trailing '\r' is dropped here).
  void handle_line(std::string_view line);
  // The connection is gone: records it and tells the pool. Called once by close().
  void closed(const std::string& why);
  virtual void write_bytes(std::string bytes) = 0;
  PoolCore& pool() { return m_pool; }

 private:
  struct SentJob {
    core::Job job;
    double difficulty = 0;
    std::uint64_t sequence = 0;
  };

  void send_json(const nlohmann::json& message);
  void reply(const nlohmann::json& id, const nlohmann::json& result);
  void reply_error(const nlohmann::json& id, int code, const std::string& message);
  void handle_request(const nlohmann::json& message);
  void handle_response(const nlohmann::json& message);
  void on_subscribe(const nlohmann::json& id, const nlohmann::json& params);
  void on_authorize(const nlohmann::json& id, const nlohmann::json& params);
  void on_configure(const nlohmann::json& id, const nlohmann::json& params);
  void on_suggest_difficulty(const nlohmann::json& id, const nlohmann::json& params);
  void on_submit(const nlohmann::json& id, const nlohmann::json& params);
  Verdict judge(const Submission& share, const SentJob*& sent);
  void maybe_send_first_job();

  PoolCore& m_pool;
  std::uint64_t m_number;
  bool m_subscribed = false;
  bool m_authorized = false;
  bool m_first_job_sent = false;
  bool m_version_rolling = false;
  SessionTerms m_terms;
  std::map<std::string, SentJob> m_jobs;  // by job id
  std::uint64_t m_job_sequence = 0;
  std::uint64_t m_last_clean = 0;  // sequence of the last clean job sent
  std::set<std::string> m_accepted;
  std::map<int, std::string> m_pending;  // request id -> method, for requests we sent
};

std::shared_ptr<Session> make_plain_session(PoolCore& pool, std::uint64_t number,
                                            boost::asio::ip::tcp::socket socket);
std::shared_ptr<Session> make_tls_session(PoolCore& pool, std::uint64_t number,
                                          boost::asio::ip::tcp::socket socket,
                                          boost::asio::ssl::context& tls);

}  // namespace hashrig::testpool
