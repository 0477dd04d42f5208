// PoolCore (test_pool_core.h). Contents:
//   - PoolCore::open/run/shutdown/close: listener and io_context lifecycle
//   - accept_next/on_accept: new connections, TLS told from plain TCP by the first byte when
//     both are allowed (a TLS ClientHello starts with 0x16)
//   - subscribe(): extranonce1 allocation and resumable subscription ids
//   - send_job/set_difficulty/set_extranonce/set_version_mask/drop_connections: control
#include "tests/pool/test_pool_core.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <stdexcept>

#include "tests/pool/test_pool_session.h"

namespace hashrig::testpool {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::uint8_t kTlsHandshakeRecord = 0x16;

}  // namespace

// --- lifecycle ------------------------------------------------------------------------------

PoolCore::PoolCore(TestPoolOptions options)
    : m_options(std::move(options)),
      m_never_answer(m_options.never_answer_submits),
      m_rng(m_options.seed != 0 ? m_options.seed : std::random_device{}()),
      m_difficulty(m_options.difficulty),
      m_offered_mask(m_options.version_rolling_mask),
      m_extranonce2_size(m_options.extranonce2_size) {
  m_extranonce1_base = std::uint32_t(m_rng());
  m_job_prefix = std::uint32_t(m_rng() & 0xffff);
  m_recorder.update([&](PoolStats& s) { s.difficulty = m_difficulty; });
}

PoolCore::~PoolCore() = default;

std::uint16_t PoolCore::open(std::uint16_t port) {
  m_io = std::make_unique<asio::io_context>();
  if (!m_options.tls_cert_pem.empty() || !m_options.tls_key_pem.empty()) {
    m_tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    m_tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    m_tls->use_certificate_chain_file(m_options.tls_cert_pem, ec);
    if (ec)
      throw std::runtime_error("testpool: TLS certificate " + m_options.tls_cert_pem + ": " +
                               ec.message());
    m_tls->use_private_key_file(m_options.tls_key_pem, asio::ssl::context::pem, ec);
    if (ec)
      throw std::runtime_error("testpool: TLS key " + m_options.tls_key_pem + ": " + ec.message());
  }
  m_acceptor = std::make_unique<tcp::acceptor>(*m_io);
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  boost::system::error_code ec;
  m_acceptor->open(endpoint.protocol(), ec);
  if (!ec) m_acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m_acceptor->bind(endpoint, ec);
  if (!ec) m_acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    close();
    throw std::runtime_error("testpool: cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             ec.message());
  }
  const std::uint16_t bound = m_acceptor->local_endpoint().port();
  m_recorder.log("listening on 127.0.0.1:" + std::to_string(bound) + (m_tls ? " (TLS)" : ""));
  accept_next();
  return bound;
}

void PoolCore::run() {
  for (;;) {
    try {
      m_io->run();
      return;
    } catch (const std::exception& e) {
      m_recorder.log(std::string("pool thread: exception: ") + e.what());
    }
  }
}

void PoolCore::post(std::function<void()> fn) {
  asio::post(*m_io, std::move(fn));
}

void PoolCore::shutdown() {
  boost::system::error_code ignored;
  if (m_acceptor) m_acceptor->close(ignored);
  drop_connections(false);
  m_io->stop();
}

void PoolCore::close() {
  m_sessions.clear();
  m_acceptor.reset();
  m_io.reset();  // destroys what handlers still hold (sessions, sockets being told apart)
  m_tls.reset();
}

// --- connections ----------------------------------------------------------------------------

void PoolCore::accept_next() {
  m_acceptor->async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !m_acceptor->is_open()) return;
    if (!ec) on_accept(std::move(socket));
    accept_next();
  });
}

void PoolCore::on_accept(tcp::socket socket) {
  const std::uint64_t number = ++m_connections;
  m_recorder.update([](PoolStats& s) { ++s.connections; });
  if (!m_tls) {
    start_session(make_plain_session(*this, number, std::move(socket)));
    return;
  }
  if (m_options.require_tls) {
    start_session(make_tls_session(*this, number, std::move(socket), *m_tls));
    return;
  }
  // Both allowed: wait for the client's first byte and peek at it.
  auto pending = std::make_shared<tcp::socket>(std::move(socket));
  pending->async_wait(
      tcp::socket::wait_read, [this, pending, number](const boost::system::error_code& ec) {
        if (ec) return;
        std::uint8_t first = 0;
        boost::system::error_code peek_ec;
        pending->receive(asio::buffer(&first, 1), tcp::socket::message_peek, peek_ec);
        if (peek_ec) return;
        if (first == kTlsHandshakeRecord) {
          start_session(make_tls_session(*this, number, std::move(*pending), *m_tls));
        } else {
          start_session(make_plain_session(*this, number, std::move(*pending)));
        }
      });
}

void PoolCore::start_session(std::shared_ptr<Session> session) {
  m_recorder.log("#" + std::to_string(session->number()) + " open");
  m_recorder.update([](PoolStats& s) { ++s.open_sessions; });
  m_sessions[session->number()] = session;
  session->start();
}

void PoolCore::forget(std::uint64_t session) {
  m_sessions.erase(session);
}

PoolCore::Subscription PoolCore::subscribe(const std::string& resume) {
  if (!resume.empty()) {
    const auto it = m_resumable.find(resume);
    if (it != m_resumable.end()) return {it->first, it->second, true};
  }
  Subscription sub;
  if (!m_options.extranonce1_hex.empty()) {
    sub.extranonce1 = core::from_hex(m_options.extranonce1_hex);
  } else {
    const std::uint64_t value = m_extranonce1_base + (++m_extranonce1_counter);
    const std::uint32_t size =
        std::min<std::uint32_t>(std::max<std::uint32_t>(m_options.extranonce1_size, 1), 8);
    for (std::uint32_t i = 0; i < size; ++i) {
      sub.extranonce1.push_back(std::uint8_t(value >> (8 * (size - 1 - i))));
    }
  }
  char id[32];
  std::snprintf(id, sizeof id, "%08x%08x", std::uint32_t(m_rng()), std::uint32_t(m_rng()));
  sub.id = id;
  m_resumable[sub.id] = sub.extranonce1;
  return sub;
}

// --- control --------------------------------------------------------------------------------

std::string PoolCore::next_job_id() {
  char id[32];
  std::snprintf(id, sizeof id, "%04x%04llx", m_job_prefix,
                static_cast<unsigned long long>(++m_job_counter));
  return id;
}

const JobTemplate& PoolCore::current_template() {
  if (!m_template) {
    m_template = next_template(nullptr, true, next_job_id(), m_options, m_rng);
    m_recorder.update([&](PoolStats& s) { s.last_job_id = m_template->job_id; });
  }
  return *m_template;
}

std::string PoolCore::send_job(bool clean) {
  m_template =
      next_template(m_template ? &*m_template : nullptr, clean, next_job_id(), m_options, m_rng);
  m_recorder.update([&](PoolStats& s) { s.last_job_id = m_template->job_id; });
  for_each_session([&](Session& s) { s.send_job(*m_template, clean); }, true);
  return m_template->job_id;
}

void PoolCore::set_difficulty(double difficulty) {
  m_difficulty = difficulty;
  m_recorder.update([&](PoolStats& s) { s.difficulty = difficulty; });
  for_each_session([&](Session& s) { s.send_difficulty(difficulty); }, true);
}

void PoolCore::set_extranonce(const core::Bytes& extranonce1, std::uint32_t extranonce2_size) {
  for_each_session([&](Session& s) { s.set_extranonce(extranonce1, extranonce2_size); }, true);
}

void PoolCore::set_version_mask(std::uint32_t mask) {
  m_offered_mask = mask;
  for_each_session(
      [&](Session& s) {
        if (s.version_rolling()) s.set_version_mask(mask);
      },
      true);
}

void PoolCore::for_each_session(const std::function<void(Session&)>& fn, bool subscribed_only) {
  std::vector<std::shared_ptr<Session>> sessions;  // fn may close one, which forgets it
  for (const auto& [number, session] : m_sessions)
    sessions.push_back(session);
  for (const auto& session : sessions) {
    if (!subscribed_only || session->subscribed()) fn(*session);
  }
}

void PoolCore::drop_connections(bool reset) {
  for_each_session([&](Session& s) { s.close(reset, reset ? "dropped (reset)" : "dropped"); },
                   false);
}

}  // namespace hashrig::testpool
