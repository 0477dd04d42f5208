// Submit latency: from a verified share handed to the Stratum source (where the scheduler's
// verifier hands it) to its mining.submit line read off the socket by a loopback pool. One share
// at a time, at random gaps, through the real client: its io thread, session and socket.
#pragma once

#include <vector>

namespace hashrig::bench {

struct SubmitBenchResult {
  std::vector<double> latencies_us;
  double p50_us = 0, p99_us = 0, max_us = 0;
  unsigned lost = 0;  // shares whose submit never arrived (within 2 s each)
};

// Throws std::runtime_error when the loopback pool cannot start or the client gets no job.
SubmitBenchResult run_submit_bench(unsigned shares);

}  // namespace hashrig::bench
