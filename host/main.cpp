// hashrig: the program. All the work is in run_cli (host/cli.h); this only wires the real
// streams in and turns anything unexpected into exit status 1.
#include <unistd.h>

#include <exception>
#include <iostream>

#include "host/cli.h"

int main(int argc, char** argv) {
  try {
    const hashrig::host::CliIo io{std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) != 0};
    return hashrig::host::run_cli(argc, argv, io);
  } catch (const std::exception& e) {
    std::cerr << "hashrig: fatal: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "hashrig: fatal: unknown exception\n";
  }
  return 1;
}
