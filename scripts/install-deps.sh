#!/usr/bin/env bash
# Installs, with apt-get, the packages hashrig needs to build and test that are
# not already present. Idempotent; meant for root on Debian 12 (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang clang-format libclang-rt-dev
  libgtest-dev libgmock-dev libxml2-dev
  libcli11-dev nlohmann-json3-dev
  libhwloc-dev libboost-dev libssl-dev openssl libsqlite3-dev libzmq3-dev
  ocl-icd-opencl-dev opencl-clhpp-headers opencl-c-headers pocl-opencl-icd
  libsystemd-dev systemd
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
