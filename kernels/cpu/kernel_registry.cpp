#include "kernels/cpu/kernel_registry.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>

#include "core/bytes.h"
#include "core/header.h"
#include "core/target.h"
#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/raw_kernels.h"

namespace hashrig::kernels::cpu {

std::string_view to_string(SelfTest s) {
  switch (s) {
    case SelfTest::pass:
      return "pass";
    case SelfTest::fail:
      return "fail";
    case SelfTest::unsupported:
      return "unsupported";
  }
  return "unsupported";
}

ScanInput prepare(const core::Work& work) {
  ScanInput in{};
  std::memcpy(in.header, work.header.data(), core::kHeaderSize);
  const core::Sha256State mid =
      core::midstate(std::span<const std::uint8_t, 64>(work.header.data(), 64));
  for (int i = 0; i < 8; ++i)
    in.midstate[i] = mid[i];
  for (int i = 0; i < 3; ++i)
    in.tail[i] = core::read_be32(work.header.data() + 64 + 4 * i);
  for (int i = 0; i < 8; ++i)
    in.target[i] = work.target.word(i);
  return in;
}

std::uint64_t scan(RawScanFn fn, const ScanInput& in, std::uint32_t first, std::uint64_t count,
                   core::HitBuffer& hits) {
  std::uint64_t done = 0;
  while (done < count) {
    const std::uint32_t chunk = std::uint32_t(std::min<std::uint64_t>(count - done, 1u << 31));
    HitSink sink{hits.data(), core::HitBuffer::kCapacity, hits.size()};
    const std::uint32_t n = fn(in, std::uint32_t(first + done), chunk, sink);
    hits.set_size(sink.count);
    done += n;
    if (n < chunk) break;
  }
  return done;
}

namespace {

// Reference: every nonce in [first, first + count) whose sha256d meets the target.
std::vector<std::uint32_t> reference_hits(const core::Work& work, std::uint32_t first,
                                          std::uint32_t count) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    const core::Hash256 h = core::header_hash_with_nonce(work.header, first + i);
    if (core::hash_value(h) <= work.target) out.push_back(first + i);
  }
  return out;
}

// The kernel's hits, or nullopt when it stopped making progress (a broken kernel).
std::optional<std::vector<std::uint32_t>> kernel_hits(RawScanFn fn, const core::Work& work,
                                                      std::uint32_t first, std::uint32_t count) {
  std::vector<std::uint32_t> out;
  const ScanInput in = prepare(work);
  std::uint64_t done = 0;
  while (done < count) {
    core::HitBuffer hits;
    const std::uint64_t n = scan(fn, in, std::uint32_t(first + done), count - done, hits);
    out.insert(out.end(), hits.begin(), hits.end());
    if (n == 0) return std::nullopt;  // no progress with an empty buffer
    done += n;
  }
  return out;
}

constexpr std::string_view kGenesisHeader =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
    "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
constexpr std::uint32_t kGenesisNonce = 2083236893;

}  // namespace

std::string run_selftest(RawScanFn fn) {
  // The genesis block: exactly one hit at its nonce, in a range that is not step-aligned.
  core::Work genesis;
  genesis.header = core::from_hex_exact<80>(kGenesisHeader);
  genesis.target = core::target_from_compact(0x1d00ffff);
  const auto g = kernel_hits(fn, genesis, kGenesisNonce - 101, 203);
  if (!g) return "stopped making progress (scanned nothing into an empty hit buffer)";
  if (*g != std::vector<std::uint32_t>{kGenesisNonce}) return "missed the genesis block's nonce";

  // Random headers against the reference, at targets from "half of all nonces" to 1/4096, and a
  // target equal to one of the hashes (which must be reported: hash <= target).
  std::mt19937_64 rng(0x68617368726967);  // fixed: the self-test is reproducible
  for (int round = 0; round < 6; ++round) {
    core::Work work;
    for (auto& b : work.header)
      b = std::uint8_t(rng());
    const std::uint32_t first = std::uint32_t(rng());
    const std::uint32_t count = 97 + std::uint32_t(rng() % 64);
    if (round < 5) {
      work.target = core::Uint256::max() >> (1 + 2 * round + (round == 4 ? 3 : 0));
    } else {
      work.target = core::hash_value(core::header_hash_with_nonce(work.header, first + 37));
    }
    const auto hits = kernel_hits(fn, work, first, count);
    if (!hits) return "stopped making progress (scanned nothing into an empty hit buffer)";
    if (*hits != reference_hits(work, first, count)) {
      return "disagrees with the reference sha256d at target " + work.target.to_hex();
    }
  }
  return {};
}

const std::vector<std::string>& KernelRegistry::names() {
  static const std::vector<std::string> kNames = {"scalar", "avx2", "avx512", "shani"};
  return kNames;
}

KernelRegistry KernelRegistry::detect() {
  const CpuFeatures f = detect_cpu_features();
  KernelRegistry r;
  r.m_kernels = {
      {"scalar", true, SelfTest::unsupported, {}, &scan_scalar},
      {"avx2", f.avx2, SelfTest::unsupported, {}, &scan_avx2},
      {"avx512", f.avx512, SelfTest::unsupported, {}, &scan_avx512},
      {"shani", f.shani, SelfTest::unsupported, {}, &scan_shani},
  };
  for (KernelInfo& k : r.m_kernels) {
    if (!k.available) continue;
    k.selftest_detail = run_selftest(k.fn);
    k.selftest = k.selftest_detail.empty() ? SelfTest::pass : SelfTest::fail;
  }
  return r;
}

const KernelInfo* KernelRegistry::find(std::string_view name) const {
  for (const KernelInfo& k : m_kernels) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const KernelInfo* KernelRegistry::usable(std::string_view name) const {
  const KernelInfo* k = find(name);
  return (k && k->available && k->selftest == SelfTest::pass) ? k : nullptr;
}

const KernelInfo* KernelRegistry::fastest() const {
  if (m_fastest) return *m_fastest;
  core::Work work;
  work.header = core::from_hex_exact<80>(kGenesisHeader);
  work.target = core::target_from_compact(0x1d00ffff);
  const ScanInput in = prepare(work);
  const KernelInfo* best = nullptr;
  double best_rate = 0;
  for (const KernelInfo& k : m_kernels) {
    if (k.selftest != SelfTest::pass) continue;
    // Best of a few short bursts: robust against being descheduled on a busy machine.
    double rate = 0;
    for (int burst = 0; burst < 4; ++burst) {
      core::HitBuffer hits;
      const auto t0 = std::chrono::steady_clock::now();
      std::uint64_t n = 0;
      double elapsed = 0;
      do {
        hits.clear();
        n += scan(k.fn, in, std::uint32_t(n), 1u << 14, hits);
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      } while (elapsed < 0.005);
      rate = std::max(rate, double(n) / elapsed);
    }
    if (rate > best_rate) best = &k, best_rate = rate;
  }
  m_fastest = best;
  return best;
}

const KernelInfo& KernelRegistry::select(std::string_view name) const {
  if (name == "auto") {
    const KernelInfo* k = fastest();
    if (!k) throw std::runtime_error("no CPU kernel passed its self-test");
    return *k;
  }
  const KernelInfo* k = find(name);
  if (!k) {
    throw std::runtime_error("unknown CPU kernel '" + std::string(name) +
                             "' (choose auto, scalar, avx2, avx512 or shani)");
  }
  if (!k->available) {
    throw std::runtime_error("CPU kernel '" + k->name + "' is not supported by this CPU");
  }
  if (k->selftest != SelfTest::pass) {
    throw std::runtime_error("CPU kernel '" + k->name +
                             "' failed its self-test and is disabled: " + k->selftest_detail);
  }
  return *k;
}

}  // namespace hashrig::kernels::cpu
