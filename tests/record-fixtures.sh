#!/usr/bin/env bash
# Re-records the fixtures under tests/fixtures that come from moto (their `source` starts with
# "recorded from moto"), against a fresh moto server. Hand-written fixtures are left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/moto.sh" cargo run --quiet -p sfn-tests --bin record-fixtures
