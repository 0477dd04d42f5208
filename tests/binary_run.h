// Runs the real hashrig binary to its end and returns its exit status and everything it wrote
// (stdout and stderr together), for tests of what a user sees at the command line.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "server_process.h"

namespace hashrig::test {

struct BinaryRun {
  int status = -1;  // 128 + N when killed by signal N; -1 when it did not end in time
  std::string output;
};

inline BinaryRun run_binary(std::vector<std::string> args,
                            std::chrono::seconds timeout = std::chrono::seconds(60)) {
  ServerProcess p(HASHRIG_BINARY, std::move(args), timeout, ServerProcess::Stderr::merged);
  BinaryRun r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!p.at_end() && std::chrono::steady_clock::now() < deadline) {
    const std::string line = p.read_line(std::chrono::milliseconds(200));
    if (!line.empty() || !p.at_end()) r.output += line.empty() ? "" : line + "\n";
  }
  r.status = p.wait(std::chrono::seconds(5));
  return r;
}

}  // namespace hashrig::test
