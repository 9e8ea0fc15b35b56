#!/usr/bin/env bash
# Load-independent per-call cost of the small calls (StartExecution, DescribeExecution):
# callgrind instructions per call and syscalls per call, each as (2,000 calls - 1,000 calls) / 1,000
# so that start-up, the warm-up and connecting cancel out.
#   tests/bench/percall.sh BINARY OP [CONCURRENCY]      OP = start | describe
#   tests/bench/percall.sh "$CARGO_TARGET_DIR/release/sfn-bench-ours" start 64
# Works with ../official's binary too (compare the two). SHOW=1 also prints strace's table.
# Callgrind runs without the CPU's SHA extensions, so *ring* takes its AVX SHA-256 there: the
# signer's share of the instructions is several times larger than on a CPU with SHA-NI (perf it).
# Needs valgrind, strace, bc and bench-server (BENCH_SERVER, default: count.sh's shared build).
set -euo pipefail
bin="$1" op="$2" conc="${3:-1}"
server="${BENCH_SERVER:-/work/bench-target/harness/release/bench-server}"
log="$(mktemp)" out="$(mktemp -d)"
"$server" >"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$log" "$out"' EXIT
for _ in $(seq 1 50); do grep -q listening "$log" && break; sleep 0.1; done
endpoint="$(sed -n 's/^listening on //p' "$log")"
args() { echo --endpoint "$endpoint" --op "$op" --concurrency "$conc" --calls "$1" --warmup "$conc"; }
instructions() {
  # shellcheck disable=SC2046
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1" "$bin" $(args "$1") >/dev/null 2>"$out/vg.$1"
  grep -m1 '^summary:' "$out/cg.$1" | awk '{print $2}'
}
syscalls() {
  # shellcheck disable=SC2046
  strace -f -c -o "$out/st.$1" "$bin" $(args "$1") >/dev/null
  awk '$NF == "total" {print $4}' "$out/st.$1"
}
a=$(instructions 2000) b=$(instructions 1000)
echo "$op, $conc task(s): $(( (a - b) / 1000 )) instructions per call"
a=$(syscalls 2000) b=$(syscalls 1000)
echo "$op, $conc task(s): $(echo "scale=2; ($a - $b) / 1000" | bc) syscalls per call"
if [ -n "${SHOW:-}" ]; then cat "$out/st.2000"; fi
