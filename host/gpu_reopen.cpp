#include "host/gpu_reopen.h"

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace hashrig::host {

void keep_forever(std::unique_ptr<kernels::gpu::GpuScanner> scanner) {
  static std::mutex mutex;
  static auto* kept = new std::vector<std::unique_ptr<kernels::gpu::GpuScanner>>;
  std::lock_guard lock(mutex);
  kept->push_back(std::move(scanner));
}

std::unique_ptr<kernels::gpu::GpuScanner> open_within(
    const std::function<std::unique_ptr<kernels::gpu::GpuScanner>(std::size_t)>& open,
    std::size_t index, std::chrono::nanoseconds limit, std::string& error) {
  struct Opening {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    std::unique_ptr<kernels::gpu::GpuScanner> scanner;
    std::string error;
  };
  auto opening = std::make_shared<Opening>();
  try {
    std::thread([opening, open, index] {
      std::unique_ptr<kernels::gpu::GpuScanner> scanner;
      std::string why;
      try {
        scanner = open(index);
      } catch (const std::exception& e) {
        why = e.what();
      }
      std::lock_guard lock(opening->mutex);
      opening->scanner = std::move(scanner);
      opening->error = std::move(why);
      opening->done = true;
      opening->done_cv.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    error = std::string("no thread to open it again: ") + e.what();
    return nullptr;
  }
  std::unique_lock lock(opening->mutex);
  if (!opening->done_cv.wait_for(lock, limit, [&] { return opening->done; })) {
    char text[64];
    std::snprintf(text, sizeof text, "opening it again took more than %.3g s",
                  std::chrono::duration<double>(limit).count());
    error = text;
    return nullptr;
  }
  error = opening->error;
  return std::move(opening->scanner);
}

}  // namespace hashrig::host
