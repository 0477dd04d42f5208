// What every subcommand runs with: its streams (results on `out`, logs on `err`), the logger,
// and the CPU kernels, detected and self-tested on first use.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string_view>

#include "host/log.h"
#include "host/log_file.h"
#include "kernels/cpu/kernel_registry.h"

namespace hashrig::host {

struct CliIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  // colour the logs
};

// Where the logs go besides `err` (the global --log-* options and --syslog).
struct LogSettings {
  LogLevel level = LogLevel::info;
  std::optional<LogFileOptions> file;  // --log-file, --log-max-size, --log-keep
  bool syslog = false;                 // --syslog
};

class CliContext {
 public:
  CliContext(const CliIo& io, LogLevel level);
  // Opens the log file and syslog as `log` says; throws UsageError naming --log-file and the
  // reason when the file cannot be opened.
  CliContext(const CliIo& io, const LogSettings& log);

  std::istream& in() { return m_io.in; }
  std::ostream& out() { return m_io.out; }
  Logger& log() { return m_log; }

  // Detected on first call (self-tests run, failures logged).
  const kernels::cpu::KernelRegistry& kernels();

  // Resolves a --kernel value: "auto" (the fastest usable kernel, calibrated and logged here) or
  // a kernel's name. Throws UsageError naming `argument` when the name is unknown, or the kernel
  // is unsupported here or failed its self-test; std::runtime_error when "auto" finds no usable
  // kernel.
  const kernels::cpu::KernelInfo& select_kernel(std::string_view argument, std::string_view name);

 private:
  CliIo m_io;
  Logger m_log;
  std::optional<kernels::cpu::KernelRegistry> m_kernels;
};

// Throws UsageError naming `argument` unless `name` is "auto" or a kernel's name.
void check_kernel_name(std::string_view argument, std::string_view name);

}  // namespace hashrig::host
