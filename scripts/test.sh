#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test: the dev build, the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and the concurrent suites (scheduler, GPU
# feeder, pool client, test pool, node client, test node) under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
# The OpenCL suites run on PoCL (installed above): a missing OpenCL device fails them here rather
# than skipping. CUDA suites skip without a GPU.
export HASHRIG_REQUIRE_OPENCL=1
start=$SECONDS
for preset in dev asan; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs"
done
echo "== tsan: configure, build and test the concurrent suites (scheduler, GPU feeder, device watchdog, pool and node clients, test pool and node)"
tsan_suites=(hashrig_host_tests hashrig_gpu_backend_tests hashrig_stratum_client_tests
             hashrig_pool_tests hashrig_node_client_tests hashrig_test_node_tests
             hashrig_watchdog_tests)
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs" --target "${tsan_suites[@]}"
ctest --preset tsan -j "$jobs" -L "$(IFS='|'; echo "${tsan_suites[*]}")"
echo "== all tests passed in $((SECONDS - start)) s"
