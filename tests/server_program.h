// What the test server programs (hashrig-test-pool, hashrig-test-node) share: stop signals taken
// with sigtimedwait, and a loop that serves one command per stdin line until a signal or the end
// of stdin.
#pragma once

#include <signal.h>

#include <functional>
#include <string>

namespace hashrig::test {

// Blocks SIGINT and SIGTERM (call before any thread starts, so every thread inherits the mask)
// and ignores SIGPIPE. Returns the set to wait for.
sigset_t block_stop_signals();

struct CommandLoop {
  const char* program;  // "hashrig-test-pool", prefixed to what it prints on stderr
  bool read_stdin = true;
  // One command line; false: unknown or malformed (reported). What it throws is reported too.
  std::function<bool(const std::string&)> command;
  std::function<void()> tick;  // every ~20 ms; may be empty
};

// Serves until one of `signals` arrives or stdin ends.
void serve_commands(const CommandLoop& loop, const sigset_t& signals);

}  // namespace hashrig::test
