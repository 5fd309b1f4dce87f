#!/usr/bin/env bash
# The whole test suite: lints, unit, property, end-to-end and doc tests, and the
# no_std build. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, all features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "no_std build of proofs and client"
if rustup target list --installed 2>/dev/null | grep -q '^thumbv7em-none-eabihf$'; then
  cargo build --locked -p sightline-proofs -p sightline-client --no-default-features --target thumbv7em-none-eabihf
else
  cargo build --locked -p sightline-proofs -p sightline-client --no-default-features
fi

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked

step "doc tests"
cargo test --workspace --doc --all-features --locked

step "tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --all-features --locked --no-fail-fast
else
  cargo test --workspace --all-features --locked --no-fail-fast
fi
