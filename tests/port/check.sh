#!/usr/bin/env bash
# Builds the aws-sdk-sfn original of `sfn-run` (tests/port/aws-sdk-sfn, aws-sdk-sfn 1.125 and
# aws-config, lockfile committed; not a workspace member, not in CI: it builds the AWS SDK) and
# its sfn-client port (tests/examples/sfn_run.rs, built by `cargo test -p sfn-tests` in CI), then
# prints the difference between the two sources after the crate rename: the porting edits left.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
(cd "$here/aws-sdk-sfn" && cargo build --quiet --locked)
(cd "$root" && cargo build --quiet -p sfn-tests --example sfn_run)
echo "== edits beyond renaming aws_sdk_sfn to sfn_client (original < port >)"
diff <(sed -e 's/aws_sdk_sfn/sfn_client/g' -e '/^\/\/!/d' "$here/aws-sdk-sfn/src/main.rs") \
     <(sed -e '/^\/\/!/d' "$root/tests/examples/sfn_run.rs") || true
