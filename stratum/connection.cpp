#include "stratum/connection.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sstream>

#include "core/error.h"

namespace hashrig::stratum {
namespace {

using Clock = std::chrono::steady_clock;
using asio::use_awaitable;
constexpr auto kWatchdogTick = std::chrono::milliseconds(50);

template <typename Stream>
asio::awaitable<std::size_t> read_line(Stream& s, std::string& buffer, std::size_t max_line) {
  co_return co_await asio::async_read_until(s, asio::dynamic_buffer(buffer, max_line + 1), '\n',
                                            use_awaitable);
}

template <typename Stream>
asio::awaitable<void> write_all(Stream& s, const std::string& text) {
  co_await asio::async_write(s, asio::buffer(text), use_awaitable);
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// "120 s", "0.5 s".
std::string seconds_text(std::chrono::milliseconds ms) {
  std::ostringstream out;
  out << double(ms.count()) / 1000 << " s";
  return out.str();
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, ConnectionOptions options,
                       SessionConfig config, ConnectionEvents& events)
    : m_executor(executor),
      m_options(std::move(options)),
      m_config(std::move(config)),
      m_events(events),
      m_tls_context(asio::ssl::context::tls_client),
      m_wake(executor),
      m_deadline(executor) {
  m_tls = m_options.url.transport == Transport::tls;
  if (m_tls) {
    SSL_CTX_set_min_proto_version(m_tls_context.native_handle(), TLS1_2_VERSION);
    m_tls_context.set_default_verify_paths();
    if (!m_options.tls.ca_file.empty()) m_tls_context.load_verify_file(m_options.tls.ca_file);
  }
  m_stream = std::make_unique<TlsStream>(executor, m_tls_context);
}

Connection::~Connection() = default;

void Connection::close(const std::string& reason) {
  if (m_end_reason.empty()) m_end_reason = reason;
  m_open = false;
  boost::system::error_code ignored;
  m_stream->next_layer().cancel(ignored);
  m_stream->next_layer().close(ignored);
  m_wake.cancel();
  m_deadline.cancel();
}

asio::awaitable<ConnectionEnd> Connection::run() {
  auto self = shared_from_this();
  ConnectionEnd end;
  m_open = true;
  m_deadline_what = "connecting";
  m_job_deadline = Clock::now() + m_options.connect_timeout;
  asio::co_spawn(
      m_executor, [self]() -> asio::awaitable<void> { co_await self->watchdog(); }, asio::detached);
  try {
    co_await connect();
    end.connected = m_open;
    m_deadline_what = "waiting for a job";
    m_job_deadline = Clock::now() + m_options.job_timeout;
    m_session.emplace(m_config, static_cast<SessionEvents&>(*this));
    m_session->start(Clock::now());
    asio::co_spawn(
        m_executor, [self]() -> asio::awaitable<void> { co_await self->write_loop(); },
        asio::detached);
    co_await read_loop();
  } catch (const core::ParseError& e) {
    if (m_end_reason.empty()) m_end_reason = std::string("bad message from the pool: ") + e.what();
  } catch (const boost::system::system_error& e) {
    if (m_end_reason.empty()) {
      m_end_reason =
          e.code() == asio::error::eof ? "the pool closed the connection"
          : e.code() == asio::error::not_found
              ? "a line longer than the " + std::to_string(m_config.max_line) + " bytes allowed"
              : e.code().message();
    }
  } catch (const std::exception& e) {
    if (m_end_reason.empty()) m_end_reason = e.what();
  }
  close(m_end_reason.empty() ? "closed" : m_end_reason);
  if (m_session)
    m_session->abandon("the connection ended before the pool answered (" + m_end_reason + ")");
  end.was_up = m_up;
  end.reason = m_end_reason;
  end.reconnect = m_reconnect;
  co_return end;
}

asio::awaitable<void> Connection::connect() {
  Tcp::resolver resolver(m_executor);
  const auto endpoints = co_await resolver.async_resolve(
      m_options.url.host, std::to_string(m_options.url.port), use_awaitable);
  co_await asio::async_connect(m_stream->next_layer(), endpoints, use_awaitable);
  Tcp::socket& socket = m_stream->next_layer();
  socket.set_option(Tcp::socket::keep_alive(true));
  socket.set_option(Tcp::no_delay(true));
  if (!m_tls) co_return;
  const std::string& host = m_options.url.host;
  if (!is_ip_address(host) && !SSL_set_tlsext_host_name(m_stream->native_handle(), host.c_str())) {
    throw std::runtime_error("TLS: could not set the server name (SNI) " + host);
  }
  if (m_options.tls.insecure || m_options.tls.fingerprint) {
    m_stream->set_verify_mode(asio::ssl::verify_none);
  } else {
    m_stream->set_verify_mode(asio::ssl::verify_peer);
    m_stream->set_verify_callback(asio::ssl::host_name_verification(host));
  }
  try {
    co_await m_stream->async_handshake(asio::ssl::stream_base::client, use_awaitable);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("TLS handshake with " + host + " failed: " + e.code().message());
  }
  if (m_options.tls.fingerprint) check_pin();
}

void Connection::check_pin() {
  X509* cert = SSL_get1_peer_certificate(m_stream->native_handle());
  if (!cert) throw std::runtime_error("TLS: the pool sent no certificate to check the pin against");
  std::array<std::uint8_t, 32> digest{};
  unsigned length = 0;
  const int ok = X509_digest(cert, EVP_sha256(), digest.data(), &length);
  X509_free(cert);
  if (!ok || length != digest.size())
    throw std::runtime_error("TLS: could not hash the certificate");
  if (digest != *m_options.tls.fingerprint) {
    throw std::runtime_error("TLS: the pool's certificate fingerprint " + fingerprint_text(digest) +
                             " is not the pinned " + fingerprint_text(*m_options.tls.fingerprint));
  }
}

asio::awaitable<void> Connection::read_loop() {
  while (m_open) {
    const std::size_t n = m_tls
                              ? co_await read_line(*m_stream, m_in, m_config.max_line)
                              : co_await read_line(m_stream->next_layer(), m_in, m_config.max_line);
    std::string line = m_in.substr(0, n - 1);
    m_in.erase(0, n);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    m_session->receive(line, Clock::now());
    if (!m_up && m_got_job && m_session->authorized()) {  // pools send both in either order
      m_up = true;
      m_events.session_up();
    }
  }
}

asio::awaitable<void> Connection::write_loop() {
  auto self = shared_from_this();
  try {
    while (m_open) {
      if (m_out.empty()) {
        boost::system::error_code ec;
        m_wake.expires_at(Clock::time_point::max());
        co_await m_wake.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      m_write_deadline = Clock::now() + m_options.write_timeout;
      if (m_tls) {
        co_await write_all(*m_stream, m_out.front());
      } else {
        co_await write_all(m_stream->next_layer(), m_out.front());
      }
      m_write_deadline.reset();
      m_out.pop_front();
    }
  } catch (const boost::system::system_error& e) {
    close("write failed: " + e.code().message());
  }
}

asio::awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (m_open) {
    boost::system::error_code ec;
    m_deadline.expires_after(kWatchdogTick);
    co_await m_deadline.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!m_open) break;
    const auto now = Clock::now();
    if (m_write_deadline && now > *m_write_deadline) {
      close("a write took longer than " + seconds_text(m_options.write_timeout));
    } else if (now > m_job_deadline) {
      close(m_deadline_what == "connecting"
                ? "connecting took longer than " + seconds_text(m_options.connect_timeout)
                : "no job from the pool for " + seconds_text(m_options.job_timeout));
    } else if (const auto oldest = m_session ? m_session->oldest_unanswered_submit() : std::nullopt;
               oldest && now - *oldest > m_options.submit_timeout) {
      close("no answer to a share for " + seconds_text(m_options.submit_timeout));
    }
  }
}

void Connection::submit(const SubmitRequest& share) {
  if (m_session) m_session->submit(share, Clock::now());
}

void Connection::send(std::string line) {
  m_out.push_back(std::move(line));
  m_wake.cancel();
}

void Connection::job(core::Job job) {
  m_job_deadline = Clock::now() + m_options.job_timeout;
  m_deadline_what = "waiting for a job";
  m_got_job = true;
  m_events.job(std::move(job));
}

void Connection::share_result(const ShareOutcome& outcome) {
  m_events.share_result(outcome);
}

void Connection::reconnect(const ReconnectRequest& request) {
  m_reconnect = request;
  close("the pool asked to reconnect" + (request.host ? " to " + *request.host : std::string()) +
        (request.port ? ":" + std::to_string(*request.port) : std::string()) +
        (request.wait.count() ? " in " + std::to_string(request.wait.count()) + " s" : ""));
}

void Connection::note(Level level, std::string text) {
  m_events.note(level, std::move(text));
}

}  // namespace hashrig::stratum
