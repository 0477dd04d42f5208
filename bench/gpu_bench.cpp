#include "bench/gpu_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench/bench_unit.h"
#include "core/bytes.h"

namespace hashrig::bench {
namespace {

using Clock = std::chrono::steady_clock;
using kernels::gpu::GpuWork;

constexpr std::uint32_t kMaxNonces = kernels::gpu::kMaxLaunchNonces;

GpuWork unit_gpu_work(std::uint64_t unit, std::uint32_t versions) {
  const core::Work base = unit_work(unit);
  std::vector<core::HeaderBytes> headers;
  for (std::uint32_t i = 0; i < versions; ++i) {
    core::HeaderBytes h = base.header;
    core::write_le32(h.data(), 0x20000000u | (i << 13));
    headers.push_back(h);
  }
  return kernels::gpu::make_work(headers, base.target);
}

// Checks the hits of one launch and folds them into `r`.
void account(const GpuWork& work, std::span<const kernels::gpu::Hit> hits, KernelBenchResult& r,
             std::uint64_t& checksum) {
  for (const kernels::gpu::Hit& h : hits) {
    core::Hash256 hash;
    switch (kernels::gpu::check_hit(work, h, &hash)) {
      case kernels::gpu::HitCheck::meets:
        ++r.hits;
        checksum += core::read_le32(hash.data()) | std::uint64_t(core::read_le32(hash.data() + 4))
                                                       << 32;
        break;
      case kernels::gpu::HitCheck::near_miss:
        break;  // the kernel compares only the top word
      case kernels::gpu::HitCheck::wrong_hash:
        ++r.errors;
        break;
    }
  }
}

}  // namespace

GpuBenchResult run_gpu_bench(kernels::gpu::GpuScanner& scanner, double seconds,
                             std::stop_token stop) {
  GpuBenchResult out;
  KernelBenchResult& r = out.result;
  r.kernel = scanner.info().kernel;
  r.threads = 1;
  // Size launches: grow until one takes at least 50 ms (or the largest allowed).
  std::uint32_t versions = 1;
  std::uint64_t nonces = std::max<std::uint64_t>(scanner.granule(), 1024);
  for (;;) {
    const GpuWork work = unit_gpu_work(~std::uint64_t(0), versions);
    const Clock::time_point t0 = Clock::now();
    scanner.launch(0, work, 0, std::uint32_t(nonces));
    scanner.wait(0);
    const double took = std::chrono::duration<double>(Clock::now() - t0).count();
    if (took >= 0.05 || (versions == kernels::gpu::kMaxVersions && nonces >= kMaxNonces / 4)) {
      break;
    }
    const double grow = std::clamp(0.06 / std::max(took, 1e-6), 1.5, 16.0);
    nonces = std::uint64_t(double(nonces) * grow);
    if (versions == 1 && nonces >= (std::uint64_t(64) << 20)) {
      versions = kernels::gpu::kMaxVersions;  // fast device: roll versions in the kernel
      nonces /= versions;
    }
    nonces = std::min<std::uint64_t>(nonces, kMaxNonces);
  }
  out.versions = versions;
  out.nonces_per_launch = std::uint32_t(nonces);

  std::uint64_t checksum = 0;
  std::vector<GpuWork> works(kernels::gpu::GpuScanner::kSlots);
  std::uint64_t next_unit = 0;
  bool active[2] = {false, false};
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto launch = [&](int slot) {
    works[std::size_t(slot)] = unit_gpu_work(next_unit++, versions);
    scanner.launch(slot, works[std::size_t(slot)], 0, std::uint32_t(nonces));
    active[slot] = true;
  };
  launch(0);
  launch(1);
  for (int slot = 0; active[0] || active[1]; slot ^= 1) {
    if (!active[slot]) continue;
    const kernels::gpu::LaunchResult res = scanner.wait(slot);
    active[slot] = false;
    const GpuWork& work = works[std::size_t(slot)];
    if (res.overflow) {
      account(work, kernels::gpu::scan_all(scanner, work, 0, nonces, slot), r, checksum);
    } else {
      account(work, res.hits, r, checksum);
    }
    ++r.units;
    r.hashes += nonces * versions;
    if (Clock::now() < deadline && !stop.stop_requested()) launch(slot);
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.mhps = r.seconds > 0 ? double(r.hashes) / r.seconds / 1e6 : 0;
  r.mhps_per_thread = {r.mhps};
  r.checksum = checksum_hex(checksum);
  return out;
}

}  // namespace hashrig::bench
