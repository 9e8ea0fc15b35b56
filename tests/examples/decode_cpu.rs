//! Decoding CPU of the two big SFN responses: a 1,000-event `GetExecutionHistory` page of a Map
//! workflow and a 1,000-item `ListExecutions` page (bodies from `sfn_tests::bench_bodies`).
//!
//! `cargo run --release -p sfn-tests --example decode_cpu` prints, per body, the time to decode
//! the 1-element and the 1,000-element body and the time per element,
//! (t(1,000) − t(1)) / 999: the best of several rounds, each the mean of many decodes.
//!
//! `decode_cpu once` decodes each 1,000-element body once and does nothing else: a short run
//! for instruction counts (`valgrind --tool=callgrind`) or a profiler.

use std::hint::black_box;
use std::time::Instant;

use sfn_client::operation::get_execution_history::GetExecutionHistoryOutput;
use sfn_client::operation::list_executions::ListExecutionsOutput;

/// Nanoseconds per call of `f`: the best of `rounds` rounds of `iterations` calls.
fn best_ns(rounds: usize, iterations: usize, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed().as_nanos() as f64 / iterations as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn measure<T>(name: &str, body: impl Fn(usize) -> String, count: impl Fn(&T) -> usize)
where
    T: awsjson_runtime::json::FromJson,
{
    let small = body(1);
    let large = body(1000);
    let decode =
        |b: &str| awsjson_runtime::json::from_slice::<T>(b.as_bytes()).expect("the body decodes");
    assert_eq!(count(&decode(&small)), 1);
    assert_eq!(count(&decode(&large)), 1000);
    let t1 = best_ns(15, 2000, || drop(black_box(decode(black_box(&small)))));
    let t1000 = best_ns(15, 20, || drop(black_box(decode(black_box(&large)))));
    println!(
        "{name}: 1 element {:.1} µs, 1,000 elements ({} KB) {:.1} µs, per element {:.0} ns",
        t1 / 1e3,
        large.len() / 1000,
        t1000 / 1e3,
        (t1000 - t1) / 999.0
    );
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("once") {
        let history = sfn_tests::bench_bodies::execution_history(1000);
        let list = sfn_tests::bench_bodies::execution_list(1000);
        let h = awsjson_runtime::json::from_slice::<GetExecutionHistoryOutput>(history.as_bytes())
            .expect("the body decodes");
        let l = awsjson_runtime::json::from_slice::<ListExecutionsOutput>(list.as_bytes())
            .expect("the body decodes");
        assert_eq!((h.events.len(), l.executions.len()), (1000, 1000));
        return;
    }
    measure::<GetExecutionHistoryOutput>(
        "GetExecutionHistory",
        sfn_tests::bench_bodies::execution_history,
        |o| o.events.len(),
    );
    measure::<ListExecutionsOutput>(
        "ListExecutions",
        sfn_tests::bench_bodies::execution_list,
        |o| o.executions.len(),
    );
}
