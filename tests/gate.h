// Gate: holds whatever waits on it until the test releases it; a hung kernel, a driver call
// that never returns.
#pragma once

#include <condition_variable>
#include <mutex>

namespace hashrig::test {

struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;

  void release() {
    std::lock_guard lock(mutex);
    open = true;
    cv.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return open; });
  }
};

}  // namespace hashrig::test
