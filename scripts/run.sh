#!/usr/bin/env bash
# Runs the log server with its embedded RocksDB store in ./sightline-data.
# Extra arguments go to `sightline-log serve` (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
exec cargo run --release --locked -p sightline-log-server --bin sightline-log -- serve "$@"
