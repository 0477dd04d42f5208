#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   1. the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (GCC; this build also
#      compiles the CUDA kernels when nvcc is present);
#   2. the concurrent suites (scheduler, GPU feeder, device watchdog, pool client, node client)
#      under ThreadSanitizer;
#   3. the libFuzzer targets (clang), each for HASHRIG_FUZZ_SECONDS (default 20) from the seeds
#      recorded in ../shared/fixtures, so a regression in a parser shows up here.
# There is no separate plain build: the sanitized builds run every test the plain one would.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
# The OpenCL suites run on PoCL (installed above): a missing OpenCL device fails them here rather
# than skipping. CUDA suites skip without a GPU.
export HASHRIG_REQUIRE_OPENCL=1
start=$SECONDS
phase() { echo "== $1 ($((SECONDS - start)) s)"; }

phase "asan: configure and build"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
phase "asan: test the whole suite"
ctest --preset asan -j "$jobs"

phase "tsan: configure, build and test the concurrent suites"
tsan_suites=(hashrig_host_tests hashrig_gpu_backend_tests hashrig_stratum_client_tests
             hashrig_node_client_tests hashrig_watchdog_tests)
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs" --target "${tsan_suites[@]}"
ctest --preset tsan -j "$jobs" -L "$(IFS='|'; echo "${tsan_suites[*]}")"

phase "fuzz: build the libFuzzer targets and run each for ${HASHRIG_FUZZ_SECONDS:-20} s"
cmake --preset fuzz -DHASHRIG_FUZZ_SECONDS="${HASHRIG_FUZZ_SECONDS:-20}" >/dev/null
cmake --build --preset fuzz -j "$jobs"
ctest --preset fuzz -j "$jobs"
phase "all tests passed"
