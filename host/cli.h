// The hashrig command line: parses argv (CLI11), runs the subcommand, returns the exit status:
// 0 success, 2 bad usage or bad input (a message names the argument), 1 runtime failure.
// Never throws for bad input; results go to io.out, logs and errors to io.err.
#pragma once

#include "host/cli_context.h"

namespace hashrig::host {

int run_cli(int argc, const char* const* argv, const CliIo& io);

}  // namespace hashrig::host
