#!/usr/bin/env bash
# Compares the generated `sfn-client` with the official `aws-sdk-sfn` 1.125, side by side, in one
# run on this machine: dependency count, clean debug build time of the same minimal program (and of
# the SFN crate alone), stripped release binary size, and calls per second against a loopback
# server. Ratios are what to read: absolute figures move with the machine's load.
#
#   tests/bench/compare.sh [--rounds N] [--calls N] [--concurrency N] [--skip-builds]
#
# --skip-builds reuses the previous builds (no build times). Needs network access to crates.io
# the first time (aws-sdk-sfn and its dependencies).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${BENCH_DIR:-$here/target}"
rounds=5 calls=20000 concurrency=8 skip_builds=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --calls) calls="$2"; shift 2 ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        --skip-builds) skip_builds=1; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$work"
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$work/last-build.log" 2>&1 || { echo "failed: $* (see $work/last-build.log)" >&2; return 1; }
    t1=$(date +%s.%N)
    echo "scale=1; ($t1 - $t0) / 1" | bc
}
deps() { (cd "$here/$1" && cargo tree -q -e normal,build --prefix none | sed -E 's/ \((\*|proc-macro)\)//g; s/ \(.*\)$//' | sort -u | wc -l); }

echo "## sfn-client (generated) vs aws-sdk-sfn 1.125.0"
echo
for p in ours official; do (cd "$here/$p" && cargo fetch -q); done
echo "| | ours | official | ratio |"
echo "|---|---:|---:|---:|"
d_ours=$(deps ours); d_off=$(deps official)
echo "| crates in the dependency tree (with the program) | $d_ours | $d_off | $(echo "scale=2; $d_ours / $d_off" | bc) |"

if [ "$skip_builds" = 0 ]; then
    for p in ours official; do rm -rf "$work/debug-$p" "$work/release-$p"; done
    b_ours=$(cd "$here/ours" && CARGO_TARGET_DIR="$work/debug-ours" seconds cargo build)
    b_off=$(cd "$here/official" && CARGO_TARGET_DIR="$work/debug-official" seconds cargo build)
    echo "| clean debug build of the program (s) | $b_ours | $b_off | $(echo "scale=2; $b_ours / $b_off" | bc) |"
    c_ours=$(cd "$here/ours" && CARGO_TARGET_DIR="$work/debug-ours" cargo clean -q -p sfn-client && CARGO_TARGET_DIR="$work/debug-ours" seconds cargo build)
    c_off=$(cd "$here/official" && CARGO_TARGET_DIR="$work/debug-official" cargo clean -q -p aws-sdk-sfn && CARGO_TARGET_DIR="$work/debug-official" seconds cargo build)
    echo "| debug rebuild of the SFN crate and the program (s) | $c_ours | $c_off | $(echo "scale=2; $c_ours / $c_off" | bc) |"
    (cd "$here/ours" && CARGO_TARGET_DIR="$work/release-ours" cargo build -q --release)
    (cd "$here/official" && CARGO_TARGET_DIR="$work/release-official" cargo build -q --release)
fi
s_ours=$(stat -c %s "$work/release-ours/release/sfn-bench-ours")
s_off=$(stat -c %s "$work/release-official/release/sfn-bench-official")
echo "| stripped release binary (MB) | $(echo "scale=2; $s_ours / 1000000" | bc) | $(echo "scale=2; $s_off / 1000000" | bc) | $(echo "scale=2; $s_ours / $s_off" | bc) |"

# Calls per second: both clients against the same loopback server, alternating, $rounds rounds.
log="$(mktemp)"
"$work/release-ours/release/bench-server" >"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 50); do grep -q listening "$log" && break; sleep 0.1; done
endpoint="$(sed -n 's/^listening on //p' "$log")"
r_ours=() r_off=()
for _ in $(seq 1 "$rounds"); do
    r_ours+=("$("$work/release-ours/release/sfn-bench-ours" --endpoint "$endpoint" --calls "$calls" --concurrency "$concurrency" | sed -n 's/.*calls_per_sec=//p')")
    r_off+=("$("$work/release-official/release/sfn-bench-official" --endpoint "$endpoint" --calls "$calls" --concurrency "$concurrency" | sed -n 's/.*calls_per_sec=//p')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_ours=$(median "${r_ours[@]}"); m_off=$(median "${r_off[@]}")
echo "| ListActivities calls per second (median of $rounds, $calls calls, $concurrency tasks) | $m_ours | $m_off | $(echo "scale=2; $m_ours / $m_off" | bc) |"
echo
echo "rounds: ours ${r_ours[*]}; official ${r_off[*]}"
