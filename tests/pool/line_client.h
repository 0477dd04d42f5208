// A tiny blocking Stratum client for tests of the test pool: one connection (plain TCP, or TLS
// verified against a given CA file and host name), one JSON message per line, every read bounded
// by a timeout (async operations run on a private io_context with run_for). Notifications that
// arrive while waiting for a response are kept and handed out by next_notification().
// Plus mine_share(): a true share for a mining.notify, found by brute force with core/.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/bytes.h"
#include "core/header.h"
#include "core/job.h"
#include "core/job_work.h"
#include "core/sha256.h"

namespace hashrig::testpool {

class LineClient {
 public:
  using json = nlohmann::json;
  static constexpr std::chrono::milliseconds kTimeout{5000};

  explicit LineClient(std::uint16_t port) {
    m_tcp.emplace(m_io);
    connect(*m_tcp, port);
  }
  // TLS, verifying the pool's certificate against ca_file and the name "localhost".
  LineClient(std::uint16_t port, const std::string& ca_file)
      : m_tls_context(boost::asio::ssl::context::tls_client) {
    m_tls_context->load_verify_file(ca_file);
    m_tls.emplace(m_io, *m_tls_context);
    m_tls->set_verify_mode(boost::asio::ssl::verify_peer);
    m_tls->set_verify_callback(boost::asio::ssl::host_name_verification("localhost"));
    connect(m_tls->next_layer(), port);
    boost::system::error_code result = boost::asio::error::would_block;
    m_tls->async_handshake(boost::asio::ssl::stream_base::client,
                           [&](const boost::system::error_code& ec) { result = ec; });
    run(result, kTimeout);
    if (result) throw std::runtime_error("TLS handshake: " + result.message());
  }

  void send_line(const std::string& bytes) {
    with_stream([&](auto& s) { boost::asio::write(s, boost::asio::buffer(bytes)); });
  }
  void send(const json& message) { send_line(message.dump() + "\n"); }
  int send_request(const std::string& method, const json& params) {
    const int id = m_next_id++;
    send({{"id", id}, {"method", method}, {"params", params}});
    return id;
  }

  // The next line, or nullopt on timeout or when the connection ended (see closed()).
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = kTimeout) {
    boost::system::error_code result = boost::asio::error::would_block;
    std::size_t size = 0;
    with_stream([&](auto& s) {
      boost::asio::async_read_until(s, m_buffer, '\n',
                                    [&](const boost::system::error_code& ec, std::size_t n) {
                                      result = ec;
                                      size = n;
                                    });
    });
    run(result, timeout);
    if (result) {
      if (result != boost::asio::error::operation_aborted) m_closed = true;
      return std::nullopt;
    }
    // asio::streambuf keeps its input in one contiguous buffer.
    std::string line(static_cast<const char*>(m_buffer.data().data()), size - 1);
    m_buffer.consume(size);
    return line;
  }
  std::optional<json> read(std::chrono::milliseconds timeout = kTimeout) {
    const std::optional<std::string> line = read_line(timeout);
    if (!line) return std::nullopt;
    return json::parse(*line);
  }

  // Sends a request and returns its response; notifications read meanwhile are kept.
  json call(const std::string& method, const json& params) {
    const int id = send_request(method, params);
    for (;;) {
      const std::optional<json> message = read();
      if (!message) throw std::runtime_error("no response to " + method);
      if (message->contains("method")) {
        m_inbox.push_back(*message);
      } else if (message->value("id", json()) == id) {
        return *message;
      }
    }
  }

  // The next notification or request from the pool with this method (others are skipped).
  std::optional<json> next(const std::string& method,
                           std::chrono::milliseconds timeout = kTimeout) {
    while (!m_inbox.empty()) {
      json message = std::move(m_inbox.front());
      m_inbox.pop_front();
      if (message.value("method", "") == method) return message;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      std::optional<json> message = read(left);
      if (!message) return std::nullopt;
      if (message->value("method", "") == method) return message;
    }
    return std::nullopt;
  }

  // True once the pool has closed the connection (reads until it does, up to the timeout).
  bool wait_closed(std::chrono::milliseconds timeout = kTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!m_closed && std::chrono::steady_clock::now() < deadline) {
      read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
    }
    return m_closed;
  }
  bool closed() const { return m_closed; }

 private:
  template <class F>
  void with_stream(F&& f) {
    if (m_tls) {
      f(*m_tls);
    } else {
      f(*m_tcp);
    }
  }
  void connect(boost::asio::ip::tcp::socket& socket, std::uint16_t port) {
    socket.connect({boost::asio::ip::make_address_v4("127.0.0.1"), port});
  }
  // Runs the io_context until `result` is set or the timeout passes (then cancels and waits).
  void run(boost::system::error_code& result, std::chrono::milliseconds timeout) {
    m_io.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (result == boost::asio::error::would_block &&
           std::chrono::steady_clock::now() < deadline) {
      m_io.run_one_until(deadline);
    }
    if (result == boost::asio::error::would_block) {
      boost::system::error_code ignored;
      (m_tls ? m_tls->next_layer() : *m_tcp).cancel(ignored);
      m_io.restart();
      m_io.run();
    }
  }

  boost::asio::io_context m_io;
  std::optional<boost::asio::ssl::context> m_tls_context;
  std::optional<boost::asio::ip::tcp::socket> m_tcp;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> m_tls;
  boost::asio::streambuf m_buffer{1 << 20};
  std::deque<json> m_inbox;
  int m_next_id = 1;
  bool m_closed = false;
};

// A share for `job`: [user, job_id, extranonce2, ntime, nonce] (plus version bits when
// version_bits is given), the first nonce from `first_nonce` whose header hash meets
// job.share_target. Throws when none is found in `max_tries` nonces.
inline nlohmann::json mine_share(const core::Job& job, std::uint64_t extranonce2_counter,
                                 std::optional<std::uint32_t> version_bits = std::nullopt,
                                 std::uint32_t first_nonce = 0,
                                 std::uint32_t max_tries = 50'000'000) {
  const core::Bytes en2 = core::extranonce2_for(job, extranonce2_counter);
  const std::uint32_t version =
      version_bits ? (job.version & ~job.version_mask) | (*version_bits & job.version_mask)
                   : job.version;
  const core::HeaderBytes header =
      core::build_header(job, core::job_merkle_root(job, en2), version, job.ntime);
  for (std::uint32_t i = 0; i < max_tries; ++i) {
    const std::uint32_t nonce = first_nonce + i;
    if (core::hash_value(core::header_hash_with_nonce(header, nonce)) <= job.share_target) {
      char text[2][16];
      std::snprintf(text[0], sizeof text[0], "%08x", job.ntime);
      std::snprintf(text[1], sizeof text[1], "%08x", nonce);
      nlohmann::json params = {"worker", job.job_id, core::to_hex(en2), text[0], text[1]};
      if (version_bits) {
        std::snprintf(text[0], sizeof text[0], "%08x", *version_bits);
        params.push_back(text[0]);
      }
      return params;
    }
  }
  throw std::runtime_error("mine_share: no share in " + std::to_string(max_tries) + " nonces");
}

}  // namespace hashrig::testpool
