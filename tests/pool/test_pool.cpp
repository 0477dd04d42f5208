// TestPool (test_pool.h): the thread-safe front of PoolCore. start()/stop() own the pool thread;
// every control call is posted to that thread and waited for, so calls take effect in the order
// they were made and their messages are queued when the call returns.
#include "tests/pool/test_pool.h"

#include <stdexcept>

#include "core/bytes.h"
#include "tests/pool/test_pool_core.h"
#include "tests/pool/test_pool_session.h"

namespace hashrig::testpool {
namespace {

constexpr auto kControlTimeout = std::chrono::seconds(30);

}  // namespace

TestPool::TestPool(TestPoolOptions options)
    : m_server(std::make_unique<PoolCore>(std::move(options)), "testpool: the pool thread",
               kControlTimeout) {}

TestPool::~TestPool() = default;

std::uint16_t TestPool::start() {
  return m_server.start();
}

void TestPool::stop() {
  m_server.stop();
}

bool TestPool::running() const {
  return m_server.running();
}

std::uint16_t TestPool::port() const {
  return m_server.port();
}

bool TestPool::run_on_pool(const std::function<void(PoolCore&)>& fn) {
  return m_server.run(fn, false);
}

std::string TestPool::send_job(bool clean) {
  std::string id;
  run_on_pool([&](PoolCore& core) { id = core.send_job(clean); });
  return id;
}

void TestPool::set_difficulty(double difficulty) {
  if (!(difficulty > 0)) throw std::invalid_argument("testpool: difficulty must be > 0");
  run_on_pool([&](PoolCore& core) { core.set_difficulty(difficulty); });
}

void TestPool::set_extranonce(const std::string& extranonce1_hex, std::uint32_t extranonce2_size) {
  const core::Bytes extranonce1 = core::from_hex(extranonce1_hex);
  run_on_pool([&](PoolCore& core) { core.set_extranonce(extranonce1, extranonce2_size); });
}

void TestPool::set_version_mask(std::uint32_t mask) {
  run_on_pool([&](PoolCore& core) { core.set_version_mask(mask); });
}

void TestPool::send_reconnect(const std::string& host, std::uint16_t port, int wait_seconds) {
  const nlohmann::json params = nlohmann::json::array({host, port, wait_seconds});
  run_on_pool([&](PoolCore& core) {
    core.for_each_session([&](Session& s) { s.send_notification("client.reconnect", params); },
                          false);
  });
}

void TestPool::send_show_message(const std::string& text) {
  const nlohmann::json params = nlohmann::json::array({text});
  run_on_pool([&](PoolCore& core) {
    core.for_each_session([&](Session& s) { s.send_notification("client.show_message", params); },
                          false);
  });
}

void TestPool::send_get_version() {
  run_on_pool([](PoolCore& core) {
    core.for_each_session(
        [](Session& s) { s.send_request("client.get_version", nlohmann::json::array()); }, false);
  });
}

void TestPool::send_ping() {
  run_on_pool([](PoolCore& core) {
    core.for_each_session(
        [](Session& s) { s.send_request("mining.ping", nlohmann::json::array()); }, false);
  });
}

void TestPool::send_raw(const std::string& bytes) {
  run_on_pool([&](PoolCore& core) {
    core.for_each_session([&](Session& s) { s.send_raw(bytes); }, false);
  });
}

void TestPool::drop_connections(bool reset) {
  run_on_pool([&](PoolCore& core) { core.drop_connections(reset); });
}

void TestPool::set_never_answer_submits(bool never) {
  m_server.core().set_never_answer_submits(never);
}

PoolStats TestPool::stats() const {
  return m_server.core().recorder().stats();
}

std::vector<std::string> TestPool::log() const {
  return m_server.core().recorder().log_lines();
}

bool TestPool::wait_for(const std::function<bool(const PoolStats&)>& predicate,
                        std::chrono::milliseconds timeout) const {
  return m_server.core().recorder().wait_for(predicate, timeout);
}

}  // namespace hashrig::testpool
