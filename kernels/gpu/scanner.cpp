#include "kernels/gpu/scanner.h"

#include <algorithm>
#include <vector>

namespace hashrig::kernels::gpu {

void check_launch(const std::string& device, bool slot_pending, const GpuWork& work,
                  std::uint32_t count) {
  if (slot_pending) throw GpuError(device + ": slot launched twice without a wait");
  if (work.versions.empty() || work.versions.size() > kMaxVersions) {
    throw GpuError(device + ": work with " + std::to_string(work.versions.size()) + " versions");
  }
  if (count == 0 || count > kMaxLaunchNonces) {
    throw GpuError(device + ": launch of " + std::to_string(count) + " nonces");
  }
}

LaunchResult decode_results(const std::uint32_t* words, std::vector<Hit>& hits) {
  const std::uint32_t reported = words[0];
  const std::uint32_t n = std::min(reported, kHitCapacity);
  hits.clear();
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t* h = words + 1 + 3 * std::size_t(i);
    hits.push_back({h[0], h[1], h[2]});
  }
  return {hits, reported > kHitCapacity};
}

std::vector<Hit> scan_all(GpuScanner& scanner, const GpuWork& work, std::uint32_t first,
                          std::uint64_t count, int slot) {
  std::vector<Hit> out;
  // Pending ranges, scanned in order; an overflowing one is split in two and retried.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pending{{first, count}};
  while (!pending.empty()) {
    auto [start, n] = pending.back();
    pending.pop_back();
    if (n == 0) continue;
    const std::uint64_t take = std::min<std::uint64_t>(n, kMaxLaunchNonces);
    if (take < n) pending.push_back({start + take, n - take});
    scanner.launch(slot, work, std::uint32_t(start), std::uint32_t(take));
    const LaunchResult r = scanner.wait(slot);
    if (!r.overflow) {
      out.insert(out.end(), r.hits.begin(), r.hits.end());
      continue;
    }
    if (take == 1) throw GpuError("gpu: one nonce reported more hits than the buffer holds");
    pending.push_back({start + take / 2, take - take / 2});
    pending.push_back({start, take / 2});
  }
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) {
    return a.version_index != b.version_index ? a.version_index < b.version_index
                                              : a.nonce < b.nonce;
  });
  return out;
}

}  // namespace hashrig::kernels::gpu
