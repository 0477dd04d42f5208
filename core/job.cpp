#include "core/job.h"

#include <cstdio>

#include "core/error.h"

namespace hashrig::core {
namespace {

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", v);
  return text;
}

}  // namespace

void validate(const Job& job) {
  if (job.job_id.empty()) throw ParseError("job_id: empty");
  if (job.extranonce2_size < 1 || job.extranonce2_size > kMaxExtranonce2Size) {
    throw ParseError("extranonce2_size: " + std::to_string(job.extranonce2_size) +
                     " is outside 1.." + std::to_string(kMaxExtranonce2Size));
  }
  if (job.extranonce1.size() > kMaxExtranonce1Size) {
    throw ParseError("extranonce1: " + std::to_string(job.extranonce1.size()) +
                     " bytes, more than " + std::to_string(kMaxExtranonce1Size));
  }
  if ((job.version_mask & kVersionTopBits) != 0) {
    throw ParseError("version_mask: " + hex32(job.version_mask) +
                     " touches the top three version bits (e0000000)");
  }
  if (job.coinbase_prefix.empty()) throw ParseError("coinbase_prefix: empty");
  if (job.coinbase_suffix.empty()) throw ParseError("coinbase_suffix: empty");
  if (job.share_target.is_zero()) throw ParseError("share_target: zero");
  if (job.network_target.is_zero()) throw ParseError("network_target: zero");
}

}  // namespace hashrig::core
