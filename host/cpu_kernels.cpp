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
  if (const kernels::cpu::KernelInfo* best = registry.fastest()) {
    log.info("cpu", "auto picked kernel " + best->name + " (fastest usable on this CPU)");
  } else {
    log.error("cpu", "no CPU kernel passed its self-test: nothing can hash on this CPU");
  }
  return registry;
}

}  // namespace hashrig::host
