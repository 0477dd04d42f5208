#include "host/cpu_kernels.h"

#include <string>

namespace hashrig::host {

kernels::cpu::KernelRegistry detect_cpu_kernels(Logger& log) {
  using kernels::cpu::SelfTest;
  kernels::cpu::KernelRegistry registry = kernels::cpu::KernelRegistry::detect();
  for (const kernels::cpu::KernelInfo& k : registry.kernels()) {
    if (!k.available) {
      log.debug("cpu", "kernel " + k.name + " is not supported by this CPU");
    } else if (k.selftest == SelfTest::fail) {
      log.warning("cpu", "kernel " + k.name +
                             " failed its self-test and is disabled: " + k.selftest_detail);
    } else {
      log.debug("cpu", "kernel " + k.name + " passed its self-test");
    }
  }
  bool any_usable = false;
  for (const std::string& name : kernels::cpu::KernelRegistry::names()) {
    any_usable = any_usable || registry.usable(name) != nullptr;
  }
  if (!any_usable) {
    log.error("cpu", "no CPU kernel passed its self-test: nothing can hash on this CPU");
  }
  return registry;
}

}  // namespace hashrig::host
