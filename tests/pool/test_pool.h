// TestPool: a Stratum v1 pool server for protocol tests, over real sockets on 127.0.0.1.
//
// It runs its own io_context on its own thread, so a test drives a client on its thread (or in
// another process, see test_pool_main.cpp) and steers the pool through the control API below.
// Every share it receives is checked the hard way: the header is rebuilt from the pool's own job
// (core::build_coinbase / job_merkle_root / build_header) and hashed with core::sha256d; only a
// true share is accepted. What happened is kept in PoolStats and a line log, and wait_for()
// blocks until a condition over the stats holds.
//
// What it speaks (one JSON object per '\n'-terminated line; a line over max_line_bytes closes the
// connection): mining.subscribe (optionally resuming a session id it issued), mining.authorize,
// mining.configure (BIP 310 version-rolling), mining.extranonce.subscribe,
// mining.suggest_difficulty, mining.submit (5 params, or 6 with version bits); anything else is
// answered with error [20,"Unknown method",null]. It sends mining.set_difficulty, mining.notify,
// mining.set_extranonce, mining.set_version_mask, client.reconnect, client.show_message, and the
// requests client.get_version and mining.ping, whose answers it records.
//
// Submit verdicts: [24,"Unauthorized worker"] before mining.authorize, [20,"Malformed submit"],
// [21,"Job not found"], [21,"Stale"] (sent before the session's last clean job), [20,"Invalid
// extranonce2 size"], [20,"Ntime out of range"] (outside [ntime, ntime + ntime_roll]),
// [20,"Invalid version bits"] (outside the mask granted to the session), [22,"Duplicate share"]
// (an accepted share sent again), [23,"Low difficulty share"] (hash above the target of the
// difficulty in force when that job was sent), else true.
//
// Thread safety: every public function may be called from any thread except the pool's own;
// start() and stop() must not race each other. Control calls return once the messages are
// queued on every session (in call order); they do nothing while the pool is stopped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/server_thread.h"

namespace hashrig::testpool {

struct TestPoolOptions {
  std::uint16_t port = 0;  // 0: an ephemeral port (kept across stop()/start())
  // Extranonce1 of every session, hex; empty: distinct counter-based values per connection.
  std::string extranonce1_hex;
  std::uint32_t extranonce1_size = 4;  // bytes, when extranonce1_hex is empty (1..8)
  std::uint32_t extranonce2_size = 4;
  double difficulty = 0.0005;                       // about 2.1M hashes per share
  std::uint32_t version_rolling_mask = 0x1fffe000;  // offered in mining.configure; 0 = refuse
  std::uint32_t ntime_roll = 0;                     // seconds a share's ntime may exceed the job's
  std::uint32_t version = 0x20000000;
  std::uint32_t nbits = 0x1d00ffff;     // network target; difficulty 1 makes blocks rare
  std::uint32_t max_merkle_branch = 3;  // each job has 0..max random branch entries
  bool notify_on_authorize = true;      // set_difficulty + a clean job right after authorize
  bool never_answer_submits = false;    // check and record submits but send no answer
  std::uint64_t seed = 0;               // jobs' random bytes; 0 = std::random_device
  std::size_t max_line_bytes = 64 * 1024;
  // TLS: with both PEM files the listener speaks TLS (asio::ssl, server side). With require_tls
  // false it also takes plain TCP clients on the same port (told apart by the first byte).
  std::string tls_cert_pem;
  std::string tls_key_pem;
  bool require_tls = true;
};

// One mining.submit as received, and what the pool made of it.
struct SubmitRecord {
  std::uint64_t connection = 0;  // 1-based connection number
  nlohmann::json params;         // as sent
  bool accepted = false;
  int error_code = 0;     // 0 when accepted
  std::string reason;     // "" when accepted, else the error text, e.g. "Stale"
  std::string hash;       // display hex of the header hash; "" when not computed
  double difficulty = 0;  // the difficulty the job was sent with
  bool block = false;     // hash also met the network target (nbits)
  bool answered = true;   // false under never_answer_submits
};

struct PoolStats {
  std::uint64_t connections = 0;  // accepted since construction (across restarts)
  std::uint64_t open_sessions = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t subscribes = 0;
  std::uint64_t resumed = 0;  // subscribes that resumed a session id this pool issued
  std::uint64_t authorizes = 0;
  std::uint64_t configures = 0;
  std::uint64_t extranonce_subscribes = 0;
  std::uint64_t unknown_methods = 0;
  std::uint64_t malformed_lines = 0;  // not a JSON object
  std::uint64_t oversized_lines = 0;  // connections closed for a line over max_line_bytes
  std::uint64_t tls_handshakes = 0;   // completed
  std::uint64_t notifies_sent = 0;    // mining.notify lines, all sessions
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::map<std::string, std::uint64_t> rejected_by_reason;
  std::vector<SubmitRecord> submits;
  std::string last_user_agent;      // mining.subscribe params[0]
  std::string last_resume_request;  // mining.subscribe params[1], the session id to resume
  std::string last_user;
  std::string last_password;
  double last_suggested_difficulty = 0;             // 0 = none suggested
  nlohmann::json last_configure;                    // the params of the last mining.configure
  std::string last_job_id;                          // of the last job sent
  double difficulty = 0;                            // in force now
  std::vector<nlohmann::json> get_version_answers;  // whole response objects
  std::vector<nlohmann::json> ping_answers;
};

class PoolCore;  // the io-thread side (test_pool_core.h)

class TestPool {
 public:
  explicit TestPool(TestPoolOptions options = {});
  ~TestPool();
  TestPool(const TestPool&) = delete;
  TestPool& operator=(const TestPool&) = delete;

  // Binds 127.0.0.1 (reuse_address) on options.port, or the port of an earlier start(), or an
  // ephemeral one; starts the pool thread; returns the port. Throws std::runtime_error when the
  // port cannot be bound or the TLS files cannot be loaded. No-op when running.
  std::uint16_t start();
  // Closes every connection and the listener and joins the pool thread. Stats are kept.
  void stop();
  bool running() const;
  std::uint16_t port() const;

  // --- control: to every open session ---
  // A new job (clean: also a new prevhash) to every subscribed session; returns its id.
  std::string send_job(bool clean);
  // mining.set_difficulty to every subscribed session; jobs sent afterwards carry it.
  void set_difficulty(double difficulty);
  // mining.set_extranonce to every subscribed session (whether or not it sent
  // mining.extranonce.subscribe); the new values apply to jobs sent afterwards. Sessions that
  // subscribe later still get their own extranonce1 and options.extranonce2_size.
  void set_extranonce(const std::string& extranonce1_hex, std::uint32_t extranonce2_size);
  // mining.set_version_mask to sessions that negotiated version rolling; their granted mask
  // becomes `mask` at once, and later mining.configure requests are offered it.
  void set_version_mask(std::uint32_t mask);
  void send_reconnect(const std::string& host, std::uint16_t port, int wait_seconds);
  void send_show_message(const std::string& text);
  void send_get_version();  // client.get_version, answers in PoolStats::get_version_answers
  void send_ping();         // mining.ping, answers in PoolStats::ping_answers
  // Bytes exactly as given (no '\n' added), to every open session, subscribed or not.
  void send_raw(const std::string& bytes);
  // Closes every connection at once: FIN, or RST with reset = true.
  void drop_connections(bool reset = false);
  void set_never_answer_submits(bool never);

  // --- observation ---
  PoolStats stats() const;
  std::vector<std::string> log() const;  // "#3 <- {...}", "#3 -> {...}", "#3 closed: ..."
  // Blocks until predicate(stats) holds (true) or the timeout passes (false).
  bool wait_for(const std::function<bool(const PoolStats&)>& predicate,
                std::chrono::milliseconds timeout) const;

 private:
  // Runs fn on the pool thread and waits for it; false when the pool is not running.
  bool run_on_pool(const std::function<void(PoolCore&)>& fn);

  test::ServerThread<PoolCore> m_server;
};

}  // namespace hashrig::testpool
