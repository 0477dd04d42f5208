#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs hashrig with the given arguments
# (none: the benchmark of every CPU kernel on all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
cmake --preset release >/dev/null
cmake --build --preset release >&2
exec build/release/hashrig "$@"
