// What a GPU restart needs around its driver calls, which may never return: opening a device
// again with a time limit, and a home for the scanner of a feeder abandoned inside it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "kernels/gpu/scanner.h"

namespace hashrig::host {

// A scanner whose feeder was abandoned inside it: its thread may wake in it any time, so it lives
// as long as the process (reachable from here, so leak checkers do not count it).
void keep_forever(std::unique_ptr<kernels::gpu::GpuScanner> scanner);

// Calls `open(index)` on a thread of its own and waits up to `limit` for it. Returns the scanner,
// or nullptr with `error` set (the driver's error, or that it took too long: the thread is then
// left to finish on its own, and what it opens, if ever, is closed there).
std::unique_ptr<kernels::gpu::GpuScanner> open_within(
    const std::function<std::unique_ptr<kernels::gpu::GpuScanner>(std::size_t)>& open,
    std::size_t index, std::chrono::nanoseconds limit, std::string& error);

}  // namespace hashrig::host
