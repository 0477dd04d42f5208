// The CPU kernels: which exist, which this CPU can run, whether each passed its self-test, and
// which is fastest here. Built once at start-up (Bitcoin Core's SHA256AutoDetect idea, without
// a mutable global table): the registry is a value owned by whoever needs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/work.h"
#include "kernels/cpu/scan_input.h"

namespace hashrig::kernels::cpu {

enum class SelfTest { pass, fail, unsupported };
std::string_view to_string(SelfTest s);

struct KernelInfo {
  std::string name;        // "scalar", "avx2", "avx512", "shani"
  bool available = false;  // the CPU and OS support its instruction set
  SelfTest selftest = SelfTest::unsupported;
  std::string selftest_detail;  // why it failed, for the log
  RawScanFn fn = nullptr;
};

// Prepares the kernel input for a work unit (midstate etc.).
ScanInput prepare(const core::Work& work);

// Scans [first, first + count) of `work` with kernel `fn`, appending hits to `hits`.
// Requires first + count <= 2^32 (count is 64-bit so the full space [0, 2^32) is one call).
// Returns how many nonces were scanned: fewer than count only when `hits` filled up; call again
// from first + returned after draining it.
std::uint64_t scan(RawScanFn fn, const ScanInput& in, std::uint32_t first, std::uint64_t count,
                   core::HitBuffer& hits);

// Runs a kernel's self-test: known headers (the genesis block among them) and a random batch
// against the reference sha256d, at several targets. Returns an empty string on success, or
// what disagreed.
std::string run_selftest(RawScanFn fn);

class KernelRegistry {
 public:
  // Detects the CPU, and self-tests every available kernel.
  static KernelRegistry detect();

  const std::vector<KernelInfo>& kernels() const { return m_kernels; }
  // The kernel of that name if it exists, is available and passed its self-test.
  const KernelInfo* usable(std::string_view name) const;
  const KernelInfo* find(std::string_view name) const;
  // The fastest usable kernel, measured by a short single-thread calibration (~20 ms per
  // kernel). Never null: the scalar kernel is always usable unless its self-test failed, in
  // which case this returns nullptr.
  const KernelInfo* fastest() const;
  // Resolves --cpu-kernel: "auto" = fastest(); otherwise the named kernel. Throws
  // std::runtime_error naming the kernel and why when it cannot be used.
  const KernelInfo& select(std::string_view name) const;

  static const std::vector<std::string>& names();  // in order: scalar avx2 avx512 shani

 private:
  std::vector<KernelInfo> m_kernels;
  mutable std::optional<const KernelInfo*> m_fastest;
};

}  // namespace hashrig::kernels::cpu
