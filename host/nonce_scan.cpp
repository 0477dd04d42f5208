#include "host/nonce_scan.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/header.h"
#include "kernels/cpu/kernel_registry.h"

namespace hashrig::host {
namespace {

struct Shared {
  kernels::cpu::RawScanFn fn = nullptr;
  const core::Work* work = nullptr;
  kernels::cpu::ScanInput input{};
  std::uint32_t start = 0;
  std::uint64_t count = 0;
  std::uint64_t max_hits = 0;
  std::atomic<std::uint64_t> next{0};  // offset of the next chunk from `start`
  std::atomic<std::uint64_t> hits{0};  // verified hits so far, all threads
  std::atomic<bool> stop{false};
};

struct ThreadPart {
  std::vector<ScanHit> hits;
  std::vector<std::uint32_t> false_positives;
  std::uint64_t hashes = 0;
  bool hit_limit_reached = false;
  bool kernel_stalled = false;
};

// Scans one chunk; returns false when the thread has to stop.
bool scan_chunk(Shared& shared, std::uint32_t first, std::uint64_t count, ThreadPart& part) {
  core::HitBuffer buffer;
  std::uint64_t done = 0;
  while (done < count) {
    buffer.clear();
    const std::uint64_t n = kernels::cpu::scan(shared.fn, shared.input, std::uint32_t(first + done),
                                               count - done, buffer);
    done += n;
    part.hashes += n;
    for (const std::uint32_t nonce : buffer) {
      const core::Hash256 hash = core::header_hash_with_nonce(shared.work->header, nonce);
      if (core::hash_value(hash) <= shared.work->target) {
        part.hits.push_back({nonce, hash});
        if (shared.hits.fetch_add(1, std::memory_order_relaxed) + 1 > shared.max_hits) {
          part.hit_limit_reached = true;
          return false;
        }
      } else {
        part.false_positives.push_back(nonce);
      }
    }
    if (n == 0) {
      part.kernel_stalled = true;
      return false;
    }
  }
  return true;
}

void scan_thread(Shared& shared, ThreadPart& part) {
  while (!shared.stop.load(std::memory_order_relaxed)) {
    const std::uint64_t offset = shared.next.fetch_add(kScanChunk, std::memory_order_relaxed);
    if (offset >= shared.count) return;
    const std::uint64_t n = std::min<std::uint64_t>(kScanChunk, shared.count - offset);
    if (!scan_chunk(shared, std::uint32_t(shared.start + offset), n, part)) {
      shared.stop.store(true, std::memory_order_relaxed);
      return;
    }
  }
}

}  // namespace

RangeScanResult scan_range(kernels::cpu::RawScanFn fn, const core::Work& work, std::uint32_t start,
                           std::uint64_t count, const RangeScanOptions& options) {
  if (std::uint64_t(start) + count > (std::uint64_t(1) << 32)) {
    throw std::invalid_argument("scan_range: range ends past 2^32");
  }
  Shared shared;
  shared.fn = fn;
  shared.work = &work;
  shared.input = kernels::cpu::prepare(work);
  shared.start = start;
  shared.count = count;
  shared.max_hits = options.max_hits;

  const std::uint64_t chunks = (count + kScanChunk - 1) / kScanChunk;
  const unsigned threads =
      unsigned(std::clamp<std::uint64_t>(chunks, 1, std::max(1u, options.threads)));
  std::vector<ThreadPart> parts(threads);
  if (threads == 1) {
    scan_thread(shared, parts[0]);
  } else {
    std::vector<std::jthread> workers;
    workers.reserve(threads);
    try {
      for (ThreadPart& part : parts) {
        workers.emplace_back([&shared, &part] { scan_thread(shared, part); });
      }
    } catch (...) {  // could not start a thread: stop the others, join them, report
      shared.stop.store(true);
      throw;
    }
  }  // joins

  RangeScanResult r;
  r.threads = threads;
  for (ThreadPart& part : parts) {
    r.hits.insert(r.hits.end(), part.hits.begin(), part.hits.end());
    r.false_positives.insert(r.false_positives.end(), part.false_positives.begin(),
                             part.false_positives.end());
    r.hashes += part.hashes;
    r.hit_limit_reached = r.hit_limit_reached || part.hit_limit_reached;
    r.kernel_stalled = r.kernel_stalled || part.kernel_stalled;
  }
  std::sort(r.hits.begin(), r.hits.end(),
            [](const ScanHit& a, const ScanHit& b) { return a.nonce < b.nonce; });
  std::sort(r.false_positives.begin(), r.false_positives.end());
  // A nonce reported twice is still one hit.
  r.hits.erase(std::unique(r.hits.begin(), r.hits.end(),
                           [](const ScanHit& a, const ScanHit& b) { return a.nonce == b.nonce; }),
               r.hits.end());
  r.false_positives.erase(std::unique(r.false_positives.begin(), r.false_positives.end()),
                          r.false_positives.end());
  return r;
}

}  // namespace hashrig::host
