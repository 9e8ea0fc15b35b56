# Sourced by count.sh and profile.sh: builds bench-server as run.sh does (into $work/harness),
# starts it, sets `endpoint` to its URL, and stops it and removes the files named in `cleanup`
# when the script exits. Needs `here` (tests/bench) and `work` (the build directory) set.
start_bench_server() {
    CARGO_TARGET_DIR="$work/harness" cargo build -q --release --manifest-path "$here/harness/Cargo.toml"
    server_log="$(mktemp)"
    "$work/harness/release/bench-server" >"$server_log" &
    server_pid=$!
    trap 'kill $server_pid 2>/dev/null || true; rm -rf "$server_log" ${cleanup:-}' EXIT
    for _ in $(seq 1 50); do grep -q listening "$server_log" && break; sleep 0.1; done
    endpoint="$(sed -n 's/^listening on //p' "$server_log")"
}
