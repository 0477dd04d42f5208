// Start-up of the CPU kernels for the program: detect the CPU, self-test every kernel it can run,
// log each failure (the kernel is disabled), and an error when no kernel is usable at all.
#pragma once

#include "host/log.h"
#include "kernels/cpu/kernel_registry.h"

namespace hashrig::host {

kernels::cpu::KernelRegistry detect_cpu_kernels(Logger& log);

}  // namespace hashrig::host
