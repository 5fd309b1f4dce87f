#!/usr/bin/env bash
# Installs what the build needs from the system, only when it is missing.
# Sourced by scripts/run.sh and scripts/test.sh; safe to run any number of times.
set -euo pipefail

# RocksDB's bindings are generated with bindgen, which loads libclang at build time.
need_pkgs=()
dpkg -s libclang-dev >/dev/null 2>&1 || need_pkgs+=(libclang-dev)
dpkg -s clang >/dev/null 2>&1 || need_pkgs+=(clang)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# Linters the test command runs.
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^${component}" ||
    rustup component add "$component" >/dev/null
done

# The embedded target proves that proofs and client build without std.
# Optional: a toolchain mirror may be unreachable, in which case the test
# command says so and checks the no_std build on the host instead.
if ! rustup target list --installed 2>/dev/null | grep -q '^thumbv7em-none-eabihf$'; then
  rustup target add thumbv7em-none-eabihf >/dev/null 2>&1 ||
    echo "setup: thumbv7em-none-eabihf unavailable; the no_std build is checked on the host" >&2
fi
