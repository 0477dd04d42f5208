#include "host/device_thread.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include <pthread.h>

namespace hashrig::host {

struct DeviceThread::Shared {
  std::stop_source stop;
  std::atomic<bool> abandoned{false};
  mutable std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;  // guarded by mutex
};

DeviceThread::DeviceThread(std::string name, Body body) : m_shared(std::make_shared<Shared>()) {
  // The thread owns a reference to the shared state: an abandoned thread still finds its flags.
  m_thread = std::thread([shared = m_shared, body = std::move(body)] {
    struct MarkFinished {
      Shared& s;
      ~MarkFinished() {
        std::lock_guard lock(s.mutex);
        s.finished = true;
        s.finished_cv.notify_all();
      }
    } mark{*shared};
    body(shared->stop.get_token(), shared->abandoned);
  });
  // Named here, not by the thread itself, so that the name is there once this returns.
  pthread_setname_np(m_thread.native_handle(), name.substr(0, 15).c_str());  // Linux: 15 bytes
}

DeviceThread::~DeviceThread() {
  if (!m_thread.joinable()) return;
  request_stop();
  m_thread.join();
}

void DeviceThread::request_stop() {
  m_shared->stop.request_stop();
}

bool DeviceThread::stop_within(std::chrono::nanoseconds grace) {
  if (!m_thread.joinable()) return !m_shared->abandoned.load();
  request_stop();
  std::unique_lock lock(m_shared->mutex);
  if (m_shared->finished_cv.wait_for(lock, grace, [&] { return m_shared->finished; })) {
    lock.unlock();
    m_thread.join();
    return true;
  }
  m_shared->abandoned.store(true);
  lock.unlock();
  m_thread.detach();
  return false;
}

bool DeviceThread::finished() const {
  std::lock_guard lock(m_shared->mutex);
  return m_shared->finished;
}

std::chrono::nanoseconds stop_grace(std::int64_t usual_batch_ns) {
  return std::max<std::chrono::nanoseconds>(kDeviceStopGrace,
                                            std::chrono::nanoseconds(10 * usual_batch_ns));
}

std::vector<std::size_t> stop_all(
    std::span<std::unique_ptr<DeviceThread>> threads,
    const std::function<std::chrono::nanoseconds(std::size_t)>& grace) {
  for (const auto& t : threads) {
    if (t) t->request_stop();  // all at once: they wind down together
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::size_t> abandoned;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    if (!threads[i]) continue;
    const auto left = std::max(start + grace(i) - std::chrono::steady_clock::now(),
                               std::chrono::steady_clock::duration::zero());
    if (!threads[i]->stop_within(left)) abandoned.push_back(i);
    threads[i].reset();
  }
  return abandoned;
}

}  // namespace hashrig::host
