// Runs the hashrig command line in-process (run_cli with string streams) and returns the exit
// status and what it printed on stdout and stderr.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "host/cli.h"

namespace hashrig::test {

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

inline CliRun run_cli(std::vector<std::string> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), "hashrig");
  std::vector<const char*> argv;
  for (const std::string& a : args)
    argv.push_back(a.c_str());
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  const int status = host::run_cli(int(argv.size()), argv.data(), host::CliIo{in, out, err});
  return {status, out.str(), err.str()};
}

}  // namespace hashrig::test
