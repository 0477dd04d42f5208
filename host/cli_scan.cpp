// hashrig scan --header HEX80 --start N --count M --target HEX64 [--kernel K] [--json]:
// every nonce in [N, N + M) whose sha256d meets the target, each re-verified with the reference.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "core/bytes.h"
#include "core/uint256.h"
#include "host/commands.h"
#include "host/nonce_scan.h"
#include "host/number_parse.h"
#include "host/usage_error.h"

namespace hashrig::host {
namespace {

constexpr std::uint64_t kNonceSpace = std::uint64_t(1) << 32;
constexpr std::size_t kMaxLoggedFalsePositives = 10;

struct ScanRequest {
  core::Work work;
  std::uint32_t start = 0;
  std::uint64_t count = 0;
};

ScanRequest parse_request(const ScanArgs& args) {
  ScanRequest r;
  r.work.header = parse_argument("--header", [&] { return core::from_hex_exact<80>(args.header); });
  r.work.target = parse_argument("--target", [&] { return core::Uint256::from_hex(args.target); });
  r.start = std::uint32_t(
      parse_argument("--start", [&] { return parse_unsigned(args.start, 0, kNonceSpace - 1); }));
  r.count = parse_argument("--count", [&] { return parse_unsigned(args.count, 1, kNonceSpace); });
  if (r.start + r.count > kNonceSpace) {
    throw UsageError("--start + --count: range ends past 2^32 (start " + std::to_string(r.start) +
                     " + count " + std::to_string(r.count) + ")");
  }
  return r;
}

void log_false_positives(const RangeScanResult& result, const ScanRequest& request,
                         const std::string& kernel, Logger& log) {
  const auto& bad = result.false_positives;
  for (std::size_t i = 0; i < std::min(bad.size(), kMaxLoggedFalsePositives); ++i) {
    const core::Hash256 hash = core::header_hash_with_nonce(request.work.header, bad[i]);
    log.warning("scan", "kernel " + kernel + " reported nonce " + std::to_string(bad[i]) +
                            " whose hash " + core::to_hex_reversed(hash) +
                            " does not meet the target; dropped");
  }
  if (bad.size() > kMaxLoggedFalsePositives) {
    log.warning("scan", "kernel " + kernel + " reported " + std::to_string(bad.size()) +
                            " nonces in all that do not meet the target; all dropped");
  }
}

void print_text(const RangeScanResult& result, const ScanRequest& request,
                const std::string& kernel, std::ostream& out) {
  for (const ScanHit& hit : result.hits) {
    out << "nonce " << hit.nonce << " hash " << core::to_hex_reversed(hit.hash) << '\n';
  }
  out << "scanned " << result.hashes << (result.hashes == 1 ? " nonce" : " nonces") << " from "
      << request.start << " with kernel " << kernel << " on " << result.threads
      << (result.threads == 1 ? " thread: " : " threads: ") << result.hits.size()
      << (result.hits.size() == 1 ? " hit" : " hits");
  if (!result.false_positives.empty()) {
    out << ", " << result.false_positives.size() << " false positives dropped";
  }
  out << '\n';
}

void print_json(const RangeScanResult& result, std::ostream& out) {
  nlohmann::ordered_json hits = nlohmann::ordered_json::array();
  for (const ScanHit& hit : result.hits) {
    hits.push_back({{"nonce", hit.nonce}, {"hash", core::to_hex_reversed(hit.hash)}});
  }
  nlohmann::ordered_json doc;
  doc["hits"] = std::move(hits);
  doc["hashes"] = result.hashes;
  out << doc.dump() << '\n';
}

}  // namespace

int run_scan(const ScanArgs& args, CliContext& ctx) {
  check_kernel_name(args.kernel_option, args.kernel);
  const ScanRequest request = parse_request(args);
  const kernels::cpu::KernelInfo& kernel = ctx.select_kernel(args.kernel_option, args.kernel);

  RangeScanOptions options;
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  ctx.log().info("scan", "scanning " + std::to_string(request.count) +
                             (request.count == 1 ? " nonce from " : " nonces from ") +
                             std::to_string(request.start) + " with kernel " + kernel.name);
  const RangeScanResult result =
      scan_range(kernel.fn, request.work, request.start, request.count, options);

  log_false_positives(result, request, kernel.name, ctx.log());
  if (result.kernel_stalled) {
    ctx.log().error("scan", "kernel " + kernel.name + " stopped advancing; scan abandoned");
    return 1;
  }
  if (result.hit_limit_reached) {
    ctx.log().error("scan", "more than " + std::to_string(options.max_hits) +
                                " hits; scan abandoned: use a lower --target or a smaller --count");
    return 1;
  }
  if (args.json) {
    print_json(result, ctx.out());
  } else {
    print_text(result, request, kernel.name, ctx.out());
  }
  return 0;
}

}  // namespace hashrig::host
