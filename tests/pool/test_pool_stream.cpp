// The byte side of a test pool session: StreamSession<Stream> over a plain TCP socket or an
// asio::ssl::stream (server handshake first, with a deadline). Lines are read with
// async_read_until('\n') into a buffer capped at max_line_bytes + 1: a longer line closes the
// connection. Writes are queued and sent one at a time, each with a deadline; nothing is written
// before the TLS handshake has completed.
#include <boost/asio/buffer.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <type_traits>

#include "tests/pool/test_pool_core.h"
#include "tests/pool/test_pool_session.h"

namespace hashrig::testpool {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;

constexpr auto kHandshakeDeadline = std::chrono::seconds(10);
constexpr auto kWriteDeadline = std::chrono::seconds(10);

template <class Stream>
class StreamSession final : public Session {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... Args>
  StreamSession(PoolCore& pool, std::uint64_t number, Args&&... stream_args)
      : Session(pool, number),
        m_stream(std::forward<Args>(stream_args)...),
        m_buffer(pool.options().max_line_bytes + 1),
        m_timer(m_stream.get_executor()) {}

  void start() override {
    if constexpr (kTls) {
      arm_deadline(kHandshakeDeadline, "TLS handshake timed out");
      m_stream.async_handshake(
          asio::ssl::stream_base::server, [self = self()](const boost::system::error_code& ec) {
            self->disarm_deadline();
            if (ec) {
              self->close(false, "TLS handshake failed: " + ec.message());
              return;
            }
            self->pool().recorder().update([](PoolStats& s) { ++s.tls_handshakes; });
            self->m_ready = true;
            self->write_next();
            self->read_next();
          });
    } else {
      m_ready = true;
      read_next();
    }
  }

  void close(bool reset, const std::string& why) override {
    if (m_closed) return;
    m_closed = true;
    disarm_deadline();
    boost::system::error_code ignored;
    tcp::socket& socket = lowest_layer();
    if (reset) socket.set_option(tcp::socket::linger(true, 0), ignored);
    socket.close(ignored);
    closed(why);
  }

 protected:
  void write_bytes(std::string bytes) override {
    if (m_closed) return;
    m_writes.push_back(std::move(bytes));
    if (!m_writing) write_next();
  }

 private:
  std::shared_ptr<StreamSession> self() {
    return std::static_pointer_cast<StreamSession>(shared_from_this());
  }

  tcp::socket& lowest_layer() {
    if constexpr (kTls) {
      return m_stream.next_layer();
    } else {
      return m_stream;
    }
  }

  void read_next() {
    asio::async_read_until(
        m_stream, m_buffer, '\n',
        [self = self()](const boost::system::error_code& ec, std::size_t size) {
          if (self->m_closed) return;
          if (ec == asio::error::not_found) {
            self->pool().recorder().update([](PoolStats& s) { ++s.oversized_lines; });
            self->close(
                false,
                "line over " + std::to_string(self->pool().options().max_line_bytes) + " bytes");
            return;
          }
          if (ec) {
            self->close(false, ec == asio::error::eof ? "client closed" : ec.message());
            return;
          }
          // asio::streambuf keeps its input in one contiguous buffer.
          std::string line(static_cast<const char*>(self->m_buffer.data().data()), size - 1);
          self->m_buffer.consume(size);
          self->handle_line(line);
          if (!self->m_closed) self->read_next();
        });
  }

  void write_next() {
    if (m_closed || !m_ready || m_writes.empty()) {
      m_writing = false;
      return;
    }
    m_writing = true;
    arm_deadline(kWriteDeadline, "write timed out");
    asio::async_write(m_stream, asio::buffer(m_writes.front()),
                      [self = self()](const boost::system::error_code& ec, std::size_t) {
                        if (self->m_closed) return;
                        self->disarm_deadline();
                        if (ec) {
                          self->close(false, "write failed: " + ec.message());
                          return;
                        }
                        self->m_writes.pop_front();
                        self->write_next();
                      });
  }

  void arm_deadline(std::chrono::seconds after, std::string why) {
    const std::uint64_t generation = ++m_deadline_generation;
    m_timer.expires_after(after);
    m_timer.async_wait(
        [self = self(), generation, why = std::move(why)](const boost::system::error_code& ec) {
          if (ec || generation != self->m_deadline_generation) return;
          self->close(false, why);
        });
  }

  void disarm_deadline() {
    ++m_deadline_generation;
    m_timer.cancel();
  }

  Stream m_stream;
  asio::streambuf m_buffer;
  asio::steady_timer m_timer;
  std::deque<std::string> m_writes;
  std::uint64_t m_deadline_generation = 0;
  bool m_ready = false;
  bool m_writing = false;
  bool m_closed = false;
};

}  // namespace

std::shared_ptr<Session> make_plain_session(PoolCore& pool, std::uint64_t number,
                                            tcp::socket socket) {
  return std::make_shared<StreamSession<tcp::socket>>(pool, number, std::move(socket));
}

std::shared_ptr<Session> make_tls_session(PoolCore& pool, std::uint64_t number, tcp::socket socket,
                                          asio::ssl::context& tls) {
  return std::make_shared<StreamSession<TlsStream>>(pool, number, std::move(socket), tls);
}

}  // namespace hashrig::testpool
