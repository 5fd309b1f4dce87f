#!/usr/bin/env bash
# The whole story in one command: builds the three binaries, then runs
# `sightline demo`, which starts a log and three witnesses on 127.0.0.1,
# enrols keys, publishes a release, verifies it as a device, pauses and
# revokes, and prints the auditor's timeline. Every process it starts is
# stopped before it exits. Extra arguments go to `sightline demo`
# (`--dir DIR` keeps everything it made).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked --bins \
    -p sightline-client -p sightline-log-server -p sightline-witness
exec "${CARGO_TARGET_DIR:-target}/release/sightline" demo "$@"
