// The subcommands of the hashrig program, one file each (cli_<name>.cpp). cli.cpp parses the
// command line into these argument structs; a command returns the exit status (0 success,
// 1 runtime failure), throws UsageError for bad input (status 2), and writes results to
// ctx.out() and logs to ctx.log().
#pragma once

#include <optional>
#include <string>

#include "host/cli_context.h"

namespace hashrig::host {

// hashrig hash [HEX]
struct HashArgs {
  std::optional<std::string> hex;  // absent: read hex text from stdin
};
int run_hash(const HashArgs& args, CliContext& ctx);

// hashrig scan --header HEX80 --start N --count M --target HEX64 [--kernel K] [--json]
struct ScanArgs {
  std::string header;
  std::string start;
  std::string count;
  std::string target;
  std::string kernel = "auto";
  std::string kernel_option = "--kernel";  // where `kernel` came from, for error messages
  bool json = false;
};
int run_scan(const ScanArgs& args, CliContext& ctx);

// hashrig bench [--kernel K] [--threads N] [--seconds S] [--json]; also plain `hashrig`.
struct BenchArgs {
  std::optional<std::string> kernel;       // absent: every usable kernel in turn
  std::string kernel_option = "--kernel";  // where `kernel` came from, for error messages
  std::optional<std::string> threads;      // absent: every hardware thread
  std::optional<std::string> seconds;      // absent: 3
  bool json = false;
};
int run_bench(const BenchArgs& args, CliContext& ctx);

// hashrig kernels [--json]
struct KernelsArgs {
  bool json = false;
};
int run_kernels(const KernelsArgs& args, CliContext& ctx);

}  // namespace hashrig::host
