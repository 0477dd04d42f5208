// Share: a verified result, routed to the source (pool or node) whose job it solves.
// ShareSink: what a source implements to receive them. The scheduler calls submit() on its
// verification thread: a sink queues the share for its own network thread and returns at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/bytes.h"
#include "core/header.h"
#include "core/job.h"

namespace hashrig::host {

struct Share {
  std::shared_ptr<const core::Job> job;  // the snapshot it was found under (ids, targets, parts)
  std::string job_id;
  std::string source_id;
  core::Bytes extranonce2;  // job.extranonce2_size bytes, as mining.submit sends them
  std::uint32_t ntime = 0;
  std::uint32_t nonce = 0;
  std::uint32_t version = 0;       // the header's full version
  std::uint32_t version_bits = 0;  // version & job.version_mask: BIP 310's submit parameter
  core::HeaderBytes header{};      // with the nonce in place
  core::Hash256 hash{};            // internal order
  double difficulty = 0;           // achieved: diff1 / hash
  bool block_candidate = false;    // meets the network target too
  bool stale = false;              // a clean job replaced its job before it was verified
  std::uint64_t generation = 0;
  std::size_t device = 0;
};

class ShareSink {
 public:
  virtual ~ShareSink() = default;
  virtual void submit(const Share& share) = 0;
};

}  // namespace hashrig::host
