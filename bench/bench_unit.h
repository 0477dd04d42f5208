// The fixed work units a kernel benchmark hashes. Unit u is 2^20 nonces of a deterministic header
// (a fixed base header whose merkle root is sha256 of u's 8-byte little-endian encoding) at the
// target 2^240 - 1 (about 16 hits per unit). Hashing a unit yields its verified hits, folded
// into an order-independent checksum, and the hits that fail the reference check (errors).
#pragma once

#include <cstdint>

#include "core/work.h"
#include "kernels/cpu/scan_input.h"

namespace hashrig::bench {

inline constexpr std::uint32_t kUnitNonces = 1u << 20;

// The work of unit `unit`: its header and the benchmark target.
core::Work unit_work(std::uint64_t unit);

struct UnitResult {
  std::uint64_t hashes = 0;    // nonces scanned
  std::uint64_t hits = 0;      // hits the reference confirmed
  std::uint64_t errors = 0;    // hits the kernel reported that do not meet the target
  std::uint64_t checksum = 0;  // sum mod 2^64 of the first 8 bytes (LE) of every verified hash
};

// Scans every nonce of `unit` with `fn` and checks each reported hit with the reference sha256d.
// A kernel that stops advancing (scans nothing into an empty hit buffer) counts one error and the
// rest of the unit is skipped.
UnitResult run_unit(kernels::cpu::RawScanFn fn, std::uint64_t unit);

// Adds `b` into `a` (checksums sum mod 2^64).
void accumulate(UnitResult& a, const UnitResult& b);

}  // namespace hashrig::bench
