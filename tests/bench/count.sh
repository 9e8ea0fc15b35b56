#!/usr/bin/env bash
# Load-independent counts for one of run.sh's measurements, for ours or aws-sdk-sfn's program:
# callgrind instructions (user space only) and strace syscalls, as differences that cancel
# start-up, the warm-up and connecting.
#
#   tests/bench/count.sh BINARY start|describe [CONCURRENCY]   per call: (2,000 calls - 1,000) / 1,000
#   tests/bench/count.sh BINARY history|list [CALLS]          per element: (CALLS calls of 1,000
#                                                              elements - CALLS of 1) / 999 / CALLS (11)
#
# BINARY: `sfn-bench-ours` or `sfn-bench-official` from a release build of ../ours or ../official
# (`cd tests/bench/ours && cargo build --release`). Builds bench-server as run.sh does. Needs
# valgrind, strace and bc. SHOW=1 also prints strace's table. Callgrind runs without the CPU's SHA
# extensions, so *ring* takes its AVX SHA-256 there: the signer's share of the instructions is
# several times larger than on a CPU with SHA-NI (use profile.sh / perf for shares of time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${BENCH_DIR:-$here/target}"
bin="${1:?usage: count.sh BINARY OP [N]}" op="${2:?usage: count.sh BINARY OP [N]}"
out="$(mktemp -d)" cleanup="$out"
# shellcheck source=server.sh
. "$here/server.sh"
start_bench_server
instructions() { # calls elements concurrency
  valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" --endpoint "$endpoint" --op "$op" \
    --calls "$1" --elements "$2" --concurrency "$3" --warmup "$3" >/dev/null 2>"$out/vg"
  grep -m1 '^summary:' "$out/cg" | awk '{print $2}'
}
syscalls() { # calls elements concurrency
  strace -f -c -o "$out/st.$1.$2" "$bin" --endpoint "$endpoint" --op "$op" \
    --calls "$1" --elements "$2" --concurrency "$3" --warmup "$3" >/dev/null
  awk '$NF == "total" {print $4}' "$out/st.$1.$2"
}
case "$op" in
  start|describe)
    conc="${3:-1}"
    a=$(instructions 2000 1 "$conc") b=$(instructions 1000 1 "$conc")
    echo "$op, $conc task(s): $(( (a - b) / 1000 )) instructions per call"
    a=$(syscalls 2000 1 "$conc") b=$(syscalls 1000 1 "$conc")
    echo "$op, $conc task(s): $(echo "scale=2; ($a - $b) / 1000" | bc) syscalls per call"
    [ -z "${SHOW:-}" ] || cat "$out/st.2000.1" ;;
  history|list)
    calls="${3:-11}"
    a=$(instructions "$calls" 1000 1) b=$(instructions "$calls" 1 1)
    echo "$op: $(( (a - b) / 999 / calls )) instructions per element ($a - $b over $calls calls)"
    a=$(syscalls "$calls" 1000 1) b=$(syscalls "$calls" 1 1)
    echo "$op: $(echo "scale=2; ($a - $b) / $calls" | bc) more syscalls per 1,000-element call than per 1-element call"
    [ -z "${SHOW:-}" ] || cat "$out/st.$calls.1000" ;;
  *) echo "count.sh: unknown operation $op (start, describe, history, list)" >&2; exit 2 ;;
esac
