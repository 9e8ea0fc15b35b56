#!/usr/bin/env bash
# The one benchmark command: measures the generated `sfn-client` and aws-sdk-sfn 1.125.0 side by
# side on this machine and writes tests/bench/RESULTS.md and README.md's comparison section.
#
#   tests/bench/run.sh [--quick] [--rounds N]
#
# What it measures and how: tests/bench/README.md. Not run by CI (it builds aws-sdk-sfn); needs
# crates.io the first time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${BENCH_DIR:-$here/target}"
CARGO_TARGET_DIR="$work/harness" cargo build -q --release --manifest-path "$here/harness/Cargo.toml"
exec "$work/harness/release/bench" "$@"
