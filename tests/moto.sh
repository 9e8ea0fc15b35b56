#!/usr/bin/env bash
# Runs the end-to-end tests of the generated SFN client (package `sfn-tests`):
#  - creates tests/.venv and installs moto (server) and botocore, pinned;
#  - starts `moto_server` on 127.0.0.1 (a free port, or $MOTO_PORT) and waits until it answers;
#  - runs the command given as arguments (default: `cargo test -p sfn-tests`) with
#    every AWS_* and proxy variable of the machine dropped, then MOTO_ENDPOINT,
#    AWS_ENDPOINT_URL_SFN, test credentials, AWS_EC2_METADATA_DISABLED=true, nonexistent shared
#    files and BOTOCORE_PYTHON set (so no test reaches a real metadata or container address);
#  - stops the server on exit, whatever happens.
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

port="${MOTO_PORT:-$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
log="$(mktemp -t moto-server.XXXXXX.log)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
cleanup() {
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT

endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    if "$venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$moto_pid" 2>/dev/null; then
        echo "moto_server exited early:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.2
done
if ! "$venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" 2>/dev/null; then
    echo "moto_server did not answer on $endpoint" >&2
    cat "$log" >&2
    exit 1
fi

# Isolation from the machine's AWS settings: no test may reach a real metadata or container
# credentials address, read the user's profiles or keys, or go through the machine's proxy or CA
# bundle (tests use fake environments and loopback fakes). Every AWS_* and proxy variable is
# dropped, then only what the tests need is set.
for var in $(compgen -e | grep -E '^AWS_|^(HTTPS?|ALL|NO)_PROXY$|^(https?|all|no)_proxy$' || true); do
    unset "$var"
done
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/nonexistent/aws-tests/config
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-tests/credentials
export MOTO_ENDPOINT="$endpoint"
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
