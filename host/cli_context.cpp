#include "host/cli_context.h"

#include <stdexcept>
#include <string>

#include "host/cpu_kernels.h"
#include "host/log_syslog.h"
#include "host/usage_error.h"

namespace hashrig::host {

CliContext::CliContext(const CliIo& io, LogLevel level)
    : m_io(io), m_log(io.err, level, io.err_is_terminal) {}

CliContext::CliContext(const CliIo& io, const LogSettings& log) : CliContext(io, log.level) {
  if (log.file) {
    try {
      m_log.add_file(std::make_unique<LogFile>(*log.file));
    } catch (const std::runtime_error& e) {
      throw UsageError(std::string("--log-file: cannot open ") + e.what());
    }
  }
  if (log.syslog) m_log.add_syslog(std::make_unique<SyslogSink>());
}

const kernels::cpu::KernelRegistry& CliContext::kernels() {
  if (!m_kernels) m_kernels.emplace(detect_cpu_kernels(m_log));
  return *m_kernels;
}

void check_kernel_name(std::string_view argument, std::string_view name) {
  if (name == "auto") return;
  for (const std::string& known : kernels::cpu::KernelRegistry::names()) {
    if (name == known) return;
  }
  throw UsageError(std::string(argument) + ": unknown kernel '" + std::string(name) +
                   "' (choose auto, scalar, avx2, avx512 or shani)");
}

const kernels::cpu::KernelInfo& CliContext::select_kernel(std::string_view argument,
                                                          std::string_view name) {
  check_kernel_name(argument, name);
  const kernels::cpu::KernelRegistry& registry = kernels();
  if (name == "auto") {  // the calibration runs here, only when auto is asked for
    const kernels::cpu::KernelInfo& best = registry.select(name);  // runtime_error: none usable
    m_log.info("cpu", "auto picked kernel " + best.name + " (fastest usable on this CPU)");
    return best;
  }
  try {
    return registry.select(name);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string(argument) + ": " + e.what());
  }
}

}  // namespace hashrig::host
