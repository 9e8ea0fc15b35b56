#!/usr/bin/env bash
# Runs the end-to-end tests of the generated SFN client (package `sfn-tests`):
#  - creates tests/.venv and installs moto (server) and botocore, pinned;
#  - starts `moto_server` on 127.0.0.1 (a free port, or $MOTO_PORT) and waits until it answers,
#    and a second one on a free port whose Step Functions backend runs state machines;
#  - runs the command given as arguments (default: `cargo test -p sfn-tests`) with
#    every AWS_* and proxy variable of the machine dropped, then MOTO_ENDPOINT,
#    MOTO_SFN_EXECUTING_ENDPOINT (the second server),
#    AWS_ENDPOINT_URL_SFN, test credentials, AWS_EC2_METADATA_DISABLED=true, nonexistent shared
#    files and BOTOCORE_PYTHON set (so no test reaches a real metadata or container address);
#  - stops the servers on exit, whatever happens.
set -euo pipefail

MOTO_VERSION=5.2.5
BOTOCORE_VERSION=1.44.8

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" - "$MOTO_VERSION" "$BOTOCORE_VERSION" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    ok = version("moto") == sys.argv[1] and version("botocore") == sys.argv[2] and version("flask")
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
PY
then
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" "botocore==$BOTOCORE_VERSION"
fi

free_port() {
    "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
answers() {
    "$venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$1" 2>/dev/null
}
# Two servers, started together: the one every test shares, and one whose Step Functions backend
# runs the state machines (moto's `execute_state_machine` setting), for the tests of waiting on
# an execution to finish. The setting is process-wide and swaps the whole Step Functions
# backend (state machines created before it are not seen after it; executions stop staying
# RUNNING), so it must not be set on the shared server, whose tests expect RUNNING executions.
pids=()
logs=()
endpoints=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -f "${logs[@]}"
}
trap cleanup EXIT
for port in "${MOTO_PORT:-$(free_port)}" "$(free_port)"; do
    log="$(mktemp -t moto-server.XXXXXX.log)"
    logs+=("$log")
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    pids+=($!)
    endpoints+=("http://127.0.0.1:$port")
done
for i in 0 1; do
    for _ in $(seq 1 100); do
        if answers "${endpoints[$i]}"; then
            break
        fi
        if ! kill -0 "${pids[$i]}" 2>/dev/null; then
            echo "moto_server exited early:" >&2
            cat "${logs[$i]}" >&2
            exit 1
        fi
        sleep 0.2
    done
    if ! answers "${endpoints[$i]}"; then
        echo "moto_server did not answer on ${endpoints[$i]}" >&2
        cat "${logs[$i]}" >&2
        exit 1
    fi
done
endpoint="${endpoints[0]}"
"$venv/bin/python" -c "
import sys, urllib.request
body = b'{\"stepfunctions\": {\"execute_state_machine\": true}}'
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/moto-api/config', data=body), timeout=5)
" "${endpoints[1]}"

# Isolation from the machine's AWS settings: no test may reach a real metadata or container
# credentials address, read the user's profiles or keys, or go through the machine's proxy or CA
# bundle (tests use fake environments and loopback fakes). Every AWS_* and proxy variable is
# dropped, then only what the tests need is set.
# AWS_MODELS_DIR is this repository's own setting (where the shared AWS models are), not an SDK's.
for var in $(compgen -e | grep -E '^AWS_|^(HTTPS?|ALL|NO)_PROXY$|^(https?|all|no)_proxy$' | grep -vx AWS_MODELS_DIR || true); do
    unset "$var"
done
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/nonexistent/aws-tests/config
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-tests/credentials
export MOTO_ENDPOINT="$endpoint"
# The server that runs state machines (above).
export MOTO_SFN_EXECUTING_ENDPOINT="${endpoints[1]}"
# For tests that configure the client from the environment (the generated smoke tests): the
# endpoint is moto's, and any credentials do (moto does not check them).
export AWS_ENDPOINT_URL_SFN="$endpoint"
export AWS_ACCESS_KEY_ID=moto-testing
export AWS_SECRET_ACCESS_KEY=moto-testing
export BOTOCORE_PYTHON="$venv/bin/python"
cd "$root"
if [ $# -gt 0 ]; then
    "$@"
else
    cargo test -p sfn-tests
fi
