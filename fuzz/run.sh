#!/usr/bin/env bash
# Runs one fuzz target under libFuzzer for N seconds, then prints what the run did.
#
#   fuzz/run.sh <target> <seconds> [libFuzzer flags...]
#
# Targets: generator, endpoint_rules, output_decoders, json_differential (fuzz/src/*.rs).
# The harness (fuzz/harness) is built on the stable toolchain with SanitizerCoverage passes
# (`-Cpasses=sancov-module`, no nightly flag) and linked with libFuzzer (crate libfuzzer-sys).
# The working corpus grows in fuzz/work/<target>/corpus (git-ignored), seeded from
# fuzz/corpus/<target> and fuzz/regressions/<target>; crashes, timeouts and out-of-memory
# inputs land in fuzz/work/<target>/artifacts. Environment: FUZZ_TARGET_DIR (cargo target
# directory of the harness, default fuzz/harness/target), FUZZ_WORK_DIR (default fuzz/work),
# FUZZ_TIMEOUT (seconds one input may take, default 10), FUZZ_RSS_MB (default 2048),
# FUZZ_EXTRA_SEEDS (more seed directories, space-separated).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
targets="generator endpoint_rules output_decoders json_differential"
usage() {
    echo "usage: fuzz/run.sh <target> <seconds> [libFuzzer flags...]; targets: $targets" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case " $targets " in *" $target "*) ;; *) usage ;; esac
case "$seconds" in '' | *[!0-9]*) usage ;; esac

triple=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$here/harness/target}
# `--target` keeps these flags off build scripts and proc macros (they are not linked with
# libFuzzer); `--cfg fuzzing` is what fuzzed crates conventionally test for.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cforce-frame-pointers=yes"
cargo build --quiet --release --locked --manifest-path "$here/harness/Cargo.toml" --target "$triple" --bin "$target"
bin="$CARGO_TARGET_DIR/$triple/release/$target"

work="${FUZZ_WORK_DIR:-$here/work}/$target"
mkdir -p "$work/corpus" "$work/artifacts"
seeds=("$here/corpus/$target")
[ -d "$here/regressions/$target" ] && seeds+=("$here/regressions/$target")
# The generator also starts from real models: third-party data, never committed, so they are
# copied in here from ../shared/models (SHARED_MODELS) or the pinned model in model/.
if [ "$target" = generator ]; then
    shared_models=${SHARED_MODELS:-$here/../../shared/models}
    mkdir -p "$work/models"
    for m in "$here/../model/sfn-2016-11-23.json" "$shared_models/aws/freetier-2023-09-07.json" \
        "$shared_models/aws/marketplace-entitlement-service-2017-01-11.json" "$shared_models/aws/forecastquery-2018-06-26.json"; do
        if [ -f "$m" ]; then cp "$m" "$work/models/"; else echo "note: seed model $m not found" >&2; fi
    done
    seeds+=("$work/models")
fi
for extra in ${FUZZ_EXTRA_SEEDS:-}; do seeds+=("$extra"); done
dict=()
case "$target" in
    generator) dict=(-dict="$here/dicts/generator.dict") ;;
    output_decoders) dict=(-dict="$here/dicts/output_decoders.dict") ;;
    json_differential) dict=(-dict="$here/dicts/json.dict") ;;
esac

log="$work/run.log"
touch "$work/.started"
echo "fuzz/run.sh $target $seconds: $(date -u +%FT%TZ), $(rustc -V)" | tee "$log"
set +e
"$bin" "$work/corpus" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
set -e

# The summary: libFuzzer's last status line, its final stats, and the corpus and artifacts on disk.
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
field() { sed -n "s/.* $1: \([^ ]*\).*/\1/p" <<<"$last"; }
corpus_files=$(find "$work/corpus" -type f | wc -l)
corpus_bytes=$(find "$work/corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
artifacts=$(find "$work/artifacts" -type f -newer "$work/.started" | wc -l)
artifacts_all=$(find "$work/artifacts" -type f | wc -l)
echo "== $target: $seconds s, exit status $status"
echo "executions:   $(stat number_of_executed_units) ($(stat average_exec_per_sec) exec/s)"
echo "coverage:     $(field cov) edges (cov), $(field ft) features (ft)"
echo "corpus:       $corpus_files files, $corpus_bytes bytes in $work/corpus ($(field corp) in memory)"
echo "peak RSS:     $(stat peak_rss_mb) MB"
echo "artifacts:    $artifacts new, $artifacts_all in all, in $work/artifacts (crashes, timeouts, out-of-memory inputs)"
exit "$status"
