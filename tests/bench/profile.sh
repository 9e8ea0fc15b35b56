#!/usr/bin/env bash
# Where ours spends its client CPU in one of run.sh's measurements: builds ../ours unstripped with
# frame pointers and line tables (target/profile-ours), runs it under `perf record` (software
# cpu-clock events: no hardware counters needed) against bench-server, and prints the functions
# with the most self time, then the runtime's and its dependencies' with callees included.
#
#   tests/bench/profile.sh OP [ELEMENTS] [CONCURRENCY] [CALLS]
#   tests/bench/profile.sh history 1000 1 300      # GetExecutionHistory, 1,000 events
#   tests/bench/profile.sh describe 1 64 20000     # DescribeExecution, 64 tasks
#
# Needs perf (Debian: linux-perf). The whole process is sampled (start-up and warm-up too, which
# are small next to the calls).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${BENCH_DIR:-$here/target}"
op="${1:?usage: profile.sh OP [ELEMENTS] [CONCURRENCY] [CALLS]}" elements="${2:-1}" concurrency="${3:-1}" calls="${4:-5000}"
(cd "$here/ours" && CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
    RUSTFLAGS="-C force-frame-pointers=yes" CARGO_TARGET_DIR="$work/profile-ours" cargo build -q --release)
data="$work/perf-$op-$elements-$concurrency.data"
# shellcheck source=server.sh
. "$here/server.sh"
start_bench_server
perf record -q -e cpu-clock -F 4000 -g -o "$data" -- "$work/profile-ours/release/sfn-bench-ours" \
    --endpoint "$endpoint" --op "$op" --elements "$elements" --concurrency "$concurrency" --calls "$calls" --warmup "$concurrency"
echo "## self time (% of the client's samples)"
perf report -i "$data" --no-children --percent-limit 1 --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
echo "## with callees: the runtime, the generated crate, hyper, serde_json, ring, the kernel's syscalls"
perf report -i "$data" --children --percent-limit 2 --stdio -g none 2>/dev/null \
    | grep -E 'awsjson_runtime|sfn_client|hyper::|serde_json|ring_core|do_syscall_64' | head -40
