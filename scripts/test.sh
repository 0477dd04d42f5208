#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test: the dev build, the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and the concurrent host tests under
# ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
start=$SECONDS
for preset in dev asan; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs"
done
echo "== tsan: configure, build and test the host (concurrency) suites"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs" --target hashrig_host_tests
ctest --preset tsan -j "$jobs" -L hashrig_host_tests
echo "== all tests passed in $((SECONDS - start)) s"
