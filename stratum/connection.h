// Connection: one pool connection on Boost.Asio: resolve, TCP connect (keepalive on), TLS
// handshake for stratum+ssl/tls URLs, then the Session's lines in and out, until the pool closes,
// an error, a deadline, a malformed message, client.reconnect or close(). Deadlines: connecting
// (resolve, connect, handshake), each write, and the time without a new job (a session that sends
// no job for that long is dead). Lines longer than max_line end the connection. Runs on one
// executor (strand-free: everything happens on the client's single io thread).
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "stratum/pool_url.h"
#include "stratum/session.h"
#include "stratum/tls.h"

namespace hashrig::stratum {

namespace asio = boost::asio;

struct ConnectionOptions {
  PoolUrl url;
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds job_timeout{120000};  // no job for this long: the session is dead
  // A share unanswered this long: the session is dead (its unanswered shares count stale).
  std::chrono::milliseconds submit_timeout{30000};
};

// What the connection reports, on the io thread.
class ConnectionEvents {
 public:
  virtual ~ConnectionEvents() = default;
  virtual void session_up() = 0;  // authorized and the first job arrived
  virtual void job(core::Job job) = 0;
  virtual void share_result(const ShareOutcome& outcome) = 0;
  virtual void note(SessionEvents::Level level, std::string text) = 0;
};

struct ConnectionEnd {
  bool connected = false;                     // TCP (and TLS) were established
  bool was_up = false;                        // session_up was reported
  std::string reason;                         // why it ended, for the log
  std::optional<ReconnectRequest> reconnect;  // the pool asked for it
};

class Connection : public std::enable_shared_from_this<Connection>, private SessionEvents {
 public:
  Connection(asio::any_io_executor executor, ConnectionOptions options, SessionConfig config,
             ConnectionEvents& events);
  ~Connection() override;

  // Runs the connection to its end; never throws.
  asio::awaitable<ConnectionEnd> run();
  // Sends a share (io thread only). Before the session is up it is queued by the caller.
  void submit(const SubmitRequest& share);
  // Ends run() (io thread only).
  void close(const std::string& reason);
  bool up() const { return m_up; }
  const Session* session() const { return m_session ? &*m_session : nullptr; }

 private:
  using Tcp = asio::ip::tcp;
  using TlsStream = asio::ssl::stream<Tcp::socket>;

  asio::awaitable<void> connect();
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> watchdog();
  void arm(std::chrono::steady_clock::time_point deadline, std::string what);
  void check_pin();

  // SessionEvents
  void send(std::string line) override;
  void job(core::Job job) override;
  void share_result(const ShareOutcome& outcome) override;
  void reconnect(const ReconnectRequest& request) override;
  void note(Level level, std::string text) override;

  asio::any_io_executor m_executor;
  ConnectionOptions m_options;
  SessionConfig m_config;
  ConnectionEvents& m_events;
  asio::ssl::context m_tls_context;
  std::unique_ptr<TlsStream> m_stream;
  bool m_tls = false;
  std::optional<Session> m_session;
  std::string m_in;
  std::deque<std::string> m_out;
  asio::steady_timer m_wake;      // wakes the writer
  asio::steady_timer m_deadline;  // the watchdog's
  std::string m_deadline_what;    // what the deadline guards, for the reason
  std::optional<std::chrono::steady_clock::time_point> m_write_deadline;
  std::chrono::steady_clock::time_point m_job_deadline;
  bool m_open = false;
  bool m_up = false;
  bool m_got_job = false;
  std::string m_end_reason;
  std::optional<ReconnectRequest> m_reconnect;
};

}  // namespace hashrig::stratum
