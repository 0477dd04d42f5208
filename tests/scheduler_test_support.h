// Shared pieces of the scheduler suites: a sink that collects shares and lets a test wait for
// one, CPU backends with N unpinned workers, the recorded pool jobs as Jobs (through the real
// Stratum notify parser), and fake kernels that record every range they are asked to hash.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/target.h"
#include "host/cpu_backend.h"
#include "host/scheduler.h"
#include "kernels/cpu/kernel_registry.h"
#include "stratum/notify.h"
#include "test_support.h"

namespace hashrig::test {

class ShareCollector : public host::ShareSink {
 public:
  void submit(const host::Share& share) override {
    {
      std::lock_guard lock(m_mutex);
      m_shares.push_back(share);
    }
    m_changed.notify_all();
  }
  // Waits until `pred(shares)` holds; false after `timeout`.
  bool wait_for(const std::function<bool(const std::vector<host::Share>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return pred(m_shares); });
  }
  std::vector<host::Share> shares() const {
    std::lock_guard lock(m_mutex);
    return m_shares;
  }

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<host::Share> m_shares;
};

// A minimal valid job for source "pool": version 0x20000000 (rolling `version_mask`), 4-byte
// extranonce2, mainnet-like nbits, share target `share`.
inline core::Job pool_job(const std::string& id, const core::Uint256& share,
                          std::uint32_t version_mask = 0) {
  core::Job job;
  job.job_id = id;
  job.source_id = "pool";
  job.version = 0x20000000u;
  job.version_mask = version_mask;
  job.coinbase_prefix = {1};
  job.coinbase_suffix = {2};
  job.extranonce2_size = 4;
  job.nbits = 0x1d00ffff;
  job.share_target = share;
  job.network_target = core::target_from_compact(job.nbits);
  return job;
}

inline const kernels::cpu::KernelRegistry& kernel_registry() {
  static const kernels::cpu::KernelRegistry registry = kernels::cpu::KernelRegistry::detect();
  return registry;
}

// A usable real kernel: the scalar one (always usable), so the suites do not depend on the CPU.
inline kernels::cpu::KernelInfo real_kernel() {
  const kernels::cpu::KernelInfo* k = kernel_registry().usable("scalar");
  EXPECT_NE(k, nullptr);
  return *k;
}

inline kernels::cpu::KernelInfo fake_kernel(const char* name, kernels::cpu::RawScanFn fn) {
  kernels::cpu::KernelInfo k;
  k.name = name;
  k.available = true;
  k.selftest = kernels::cpu::SelfTest::pass;
  k.fn = fn;
  return k;
}

inline std::unique_ptr<host::CpuBackend> cpu_backend(
    const kernels::cpu::KernelInfo& kernel, unsigned workers,
    std::chrono::nanoseconds batch_target = std::chrono::milliseconds(1)) {
  host::CpuBackendOptions options;
  for (unsigned i = 0; i < workers; ++i)
    options.placements.push_back({i, i, {}});
  options.batch_target = batch_target;
  options.initial_batch = 4096;
  return std::make_unique<host::CpuBackend>(kernel, std::move(options));
}

// A recorded pool fixture's session (extranonce1, extranonce2 size, difficulty).
inline stratum::SessionParams fixture_session(const nlohmann::json& f) {
  stratum::SessionParams s;
  s.source_id = "ckpool";
  s.extranonce1 = core::from_hex(f.at("extranonce1").get<std::string>());
  s.extranonce2_size = f.value("extranonce2_size", 8u);
  s.difficulty = f.value("difficulty", 0.001);
  return s;
}

// The mining.notify params of `job_id` in a recorded transcript.
inline nlohmann::json recorded_notify(const nlohmann::json& transcript, const std::string& job_id) {
  for (const auto& entry : transcript) {
    if (entry.at("dir") != "recv") continue;
    const auto msg = nlohmann::json::parse(entry.at("line").get<std::string>());
    if (msg.value("method", "") == "mining.notify" && msg.at("params").at(0) == job_id) {
      return msg.at("params");
    }
  }
  ADD_FAILURE() << "no mining.notify for job " << job_id;
  return nlohmann::json::array();
}

// Every range a fake kernel was asked to hash, keyed by the header it was given.
struct RecordedRange {
  std::array<std::uint8_t, 80> header;  // nonce bytes zeroed
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

class RangeRecorder {
 public:
  static RangeRecorder& instance() {
    static RangeRecorder r;
    return r;
  }
  void record(const kernels::cpu::ScanInput& in, std::uint32_t first, std::uint32_t count) {
    RecordedRange r;
    std::memcpy(r.header.data(), in.header, 80);
    std::memset(r.header.data() + 76, 0, 4);
    r.first = first;
    r.count = count;
    std::lock_guard lock(m_mutex);
    m_ranges.push_back(r);
  }
  std::vector<RecordedRange> take() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_ranges, {});
  }

 private:
  std::mutex m_mutex;
  std::vector<RecordedRange> m_ranges;
};

// "Hashes" instantly (after a short spin so ranges stay countable), records the range, and,
// when the target is Uint256::max() (every hash meets it), reports its first nonce as a hit.
inline std::uint32_t recording_kernel(const kernels::cpu::ScanInput& in, std::uint32_t first,
                                      std::uint32_t count, kernels::cpu::HitSink& sink) {
  RangeRecorder::instance().record(in, first, count);
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
  while (std::chrono::steady_clock::now() < until) {
  }
  const bool max_target = std::all_of(std::begin(in.target), std::end(in.target),
                                      [](std::uint32_t w) { return w == 0xffffffffu; });
  if (max_target && sink.count < sink.capacity) sink.nonces[sink.count++] = first;
  return count;
}

// A broken device: reports every 4096th nonce as a hit, whatever its hash.
inline std::uint32_t lying_kernel(const kernels::cpu::ScanInput&, std::uint32_t first,
                                  std::uint32_t count, kernels::cpu::HitSink& sink) {
  std::uint32_t done = 0;
  for (; done < count; ++done) {
    if (((first + done) & 4095u) == 0) {
      if (sink.count == sink.capacity) break;
      sink.nonces[sink.count++] = first + done;
    }
  }
  return done;
}

}  // namespace hashrig::test
