#!/usr/bin/env bash
# Runs every test of the workspace. It sets up what the tests need itself: the pinned model files
# (from ../shared when present, else `cargo xtask fetch-model`), and a local moto server in a
# Python venv for the end-to-end tests (tests/moto.sh). No test is skipped.
set -euo pipefail
cd "$(dirname "$0")"

shared="${SHARED_DIR:-../shared}"
if [ ! -f model/sfn-2016-11-23.json ] || [ ! -f model/partitions.json ] || [ ! -f model/smithy-aws-protocol-tests.json ]; then
  if [ -d "$shared/models" ]; then
    cp "$shared/models/sfn/sfn-2016-11-23.2025-11-19.json" model/sfn-2016-11-23.json
    cp "$shared/models/partitions.json" model/partitions.json
    cp "$shared/models/protocol-tests/smithy-aws-protocol-tests.json" model/smithy-aws-protocol-tests.json
  else
    cargo xtask fetch-model
  fi
fi
if [ -z "${SFN_MODELS_DIR:-}" ] && [ -d "$shared/models/sfn" ]; then
  export SFN_MODELS_DIR="$(cd "$shared/models/sfn" && pwd)"
fi
# The AWS models whose waiters codegen/tests/waiters.rs generates.
if [ -z "${AWS_MODELS_DIR:-}" ] && [ -d "$shared/models/aws" ]; then
  export AWS_MODELS_DIR="$(cd "$shared/models/aws" && pwd)"
fi
# The AWS SigV4 test suite (codegen/runtime/tests/sigv4_suite.rs), when ../shared is elsewhere.
if [ -z "${SIGV4_TEST_SUITE:-}" ] && [ -d "$shared/sigv4-test-suite/v4" ]; then
  export SIGV4_TEST_SUITE="$(cd "$shared/sigv4-test-suite/v4" && pwd)"
fi

# tests/moto.sh drops the machine's AWS_* and proxy settings before running the tests: no test
# reaches a real metadata or container address, profile, proxy or CA bundle.
tests/moto.sh cargo test --workspace

# Clients of other AWS services generated from their models (../shared/models/aws, or
# $AWS_MODELS_DIR), never committed: generated into tests/aws-e2e/gen/, then tested against moto
# (tests/aws-e2e/tests/moto.rs) in their own workspace, with this workspace's Cargo.lock and target
# directory so that the dependencies already built are reused.
if [ -z "${AWS_MODELS_DIR:-}" ] && [ -d "$shared/models/aws" ]; then
  export AWS_MODELS_DIR="$(cd "$shared/models/aws" && pwd)"
fi
cargo xtask aws-e2e-clients
cp Cargo.lock tests/aws-e2e/Cargo.lock
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
tests/moto.sh cargo test --manifest-path tests/aws-e2e/Cargo.toml -p aws-e2e --test moto
# DynamoDB's endpoint tests, the `operationInputs` cases included (context parameters bound from
# the operation's input), except the cases tests/aws-e2e/endpoint-test-exceptions.txt lists (why:
# in that file).
skips=()
while read -r name; do
  case "$name" in ''|'#'*) ;; *) skips+=(--skip "$name") ;; esac
done < tests/aws-e2e/endpoint-test-exceptions.txt
echo "DynamoDB endpoint test cases not run (tests/aws-e2e/endpoint-test-exceptions.txt): $((${#skips[@]} / 2))"
cargo test --manifest-path tests/aws-e2e/Cargo.toml -p dynamodb-client --test endpoint_tests -- --exact "${skips[@]}"
