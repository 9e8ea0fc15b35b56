//! The minimal program calling SFN with the official `aws-sdk-sfn`, measured by ../run.sh
//! against `bench-server` (../harness). The same program as ../ours, line for line but the
//! imports and the configuration.
//!
//! `--op start|describe|history|list` picks the operation, `--elements K` the `maxResults` of the
//! list operations (the server answers exactly K elements). After `--warmup` calls (which open the
//! `--concurrency` connections), it makes `--calls` calls from `--concurrency` tasks and prints one
//! line: the client's CPU time during those calls (getrusage, user + system, every thread of this
//! process), the wall time, the decoded element count and a checksum of the decoded output (which
//! ../run.sh compares with the other client's).

use std::borrow::Borrow;
use std::time::Instant;

use aws_sdk_sfn::config::retry::RetryConfig;
use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sfn::primitives::DateTime;
use aws_sdk_sfn::types::HistoryEvent;
use aws_sdk_sfn::{Client, Config};

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = Client::from_conf(
        Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "bench"))
            .endpoint_url(&args.endpoint)
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .build(),
    );
    let warmup = run(&client, &args, args.warmup.max(args.concurrency)).await;
    let cpu = cpu_micros();
    let started = Instant::now();
    let tally = run(&client, &args, args.calls).await;
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_micros() - cpu;
    assert!(warmup.calls > 0);
    println!(
        "op={} calls={} concurrency={} elements={} checksum={} secs={secs:.6} cpu_us={cpu} calls_per_sec={:.1}",
        args.op,
        tally.calls,
        args.concurrency,
        tally.elements,
        tally.checksum,
        tally.calls as f64 / secs
    );
}

/// `calls` calls (rounded down to a multiple of the concurrency) from `args.concurrency` tasks.
async fn run(client: &Client, args: &Args, calls: usize) -> Tally {
    let per_task = calls / args.concurrency;
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (client, op, elements) = (client.clone(), args.op.clone(), args.elements);
            tokio::spawn(async move {
                let mut tally = Tally::default();
                for _ in 0..per_task {
                    tally.add(call(&client, &op, elements).await);
                }
                tally
            })
        })
        .collect();
    let mut tally = Tally::default();
    for t in tasks {
        tally.add(t.await.expect("task"));
    }
    tally
}

const STATE_MACHINE_ARN: &str =
    "arn:aws:states:us-east-1:123456789012:stateMachine:order-fulfilment";
const EXECUTION_ARN: &str = "arn:aws:states:us-east-1:123456789012:execution:order-fulfilment:8a3c5e7f-1b2d-4c6e-9f0a-2b4d6f8a0c1e";

/// One call, and what it decoded: every element is read so that nothing is optimised away.
async fn call(client: &Client, op: &str, elements: i32) -> Tally {
    let mut t = Tally { calls: 1, ..Tally::default() };
    match op {
        "start" => {
            let out = client
                .start_execution()
                .state_machine_arn(STATE_MACHINE_ARN)
                .name("8a3c5e7f-1b2d-4c6e-9f0a-2b4d6f8a0c1e")
                .input(r#"{"orderId":"ord-000001","items":[{"sku":"SKU-0001-A","qty":2}]}"#)
                .send()
                .await
                .expect("StartExecution");
            t.elements = 1;
            t.checksum = len(out.execution_arn()) + stamp(out.start_date());
        }
        "describe" => {
            let out = client
                .describe_execution()
                .execution_arn(EXECUTION_ARN)
                .send()
                .await
                .expect("DescribeExecution");
            t.elements = 1;
            t.checksum = len(out.execution_arn())
                + len(out.state_machine_arn())
                + len(out.status().as_str())
                + out.input().map_or(0, len)
                + out.output().map_or(0, len)
                + stamp(out.start_date())
                + out.stop_date().map_or(0, stamp);
        }
        "history" => {
            let out = client
                .get_execution_history()
                .execution_arn(EXECUTION_ARN)
                .max_results(elements)
                .send()
                .await
                .expect("GetExecutionHistory");
            for e in out.events() {
                t.elements += 1;
                t.checksum += event_digest(e);
            }
        }
        "list" => {
            let out = client
                .list_executions()
                .state_machine_arn(STATE_MACHINE_ARN)
                .max_results(elements)
                .send()
                .await
                .expect("ListExecutions");
            for e in out.executions() {
                t.elements += 1;
                t.checksum += len(e.execution_arn())
                    + len(e.state_machine_arn())
                    + len(e.name())
                    + len(e.status().as_str())
                    + stamp(e.start_date())
                    + e.stop_date().map_or(0, stamp)
                    + e.map_run_arn().map_or(0, len)
                    + e.item_count().unwrap_or(0) as u64
                    + e.redrive_count().unwrap_or(0) as u64;
            }
        }
        other => panic!("unknown --op {other}"),
    }
    t
}

fn event_digest(e: &HistoryEvent) -> u64 {
    let mut d = e.id() as u64
        + e.previous_event_id() as u64
        + len(e.r#type().as_str())
        + stamp(e.timestamp());
    if let Some(x) = e.execution_started_event_details() {
        d += x.input().map_or(0, len) + x.role_arn().map_or(0, len);
    }
    if let Some(x) = e.state_entered_event_details() {
        d += len(x.name()) + x.input().map_or(0, len);
    }
    if let Some(x) = e.state_exited_event_details() {
        d += len(x.name())
            + x.output().map_or(0, len)
            + x.assigned_variables().map_or(0, |v| v.values().map(|v| len(v)).sum());
    }
    if let Some(x) = e.map_state_started_event_details() {
        d += x.length() as u64;
    }
    if let Some(x) = e.map_run_started_event_details() {
        d += x.map_run_arn().map_or(0, len);
    }
    if let Some(x) = e.map_iteration_started_event_details() {
        d += x.index() as u64 + x.name().map_or(0, len);
    }
    if let Some(x) = e.map_iteration_succeeded_event_details() {
        d += x.index() as u64;
    }
    if let Some(x) = e.task_scheduled_event_details() {
        d += len(x.resource()) + len(x.parameters()) + x.timeout_in_seconds().unwrap_or(0) as u64;
    }
    if let Some(x) = e.task_started_event_details() {
        d += len(x.resource_type());
    }
    if let Some(x) = e.task_succeeded_event_details() {
        d += x.output().map_or(0, len);
    }
    if let Some(x) = e.lambda_function_scheduled_event_details() {
        d += len(x.resource()) + x.input().map_or(0, len);
    }
    if let Some(x) = e.lambda_function_succeeded_event_details() {
        d += x.output().map_or(0, len);
    }
    d
}

fn len(s: &str) -> u64 {
    s.len() as u64
}

/// A timestamp as milliseconds since the epoch (rounded: both clients must agree to the
/// millisecond on the service's `1.700000000123E9` form).
fn stamp(t: impl Borrow<DateTime>) -> u64 {
    let t = t.borrow();
    t.secs() as u64 * 1000 + (u64::from(t.subsec_nanos()) + 500_000) / 1_000_000
}

#[derive(Default)]
struct Tally {
    calls: u64,
    elements: u64,
    checksum: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.calls += other.calls;
        self.elements += other.elements;
        self.checksum = self.checksum.wrapping_add(other.checksum);
    }
}

/// User + system CPU time of this process so far (every thread), in microseconds.
fn cpu_micros() -> u64 {
    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }
    /// `struct rusage` of Linux (64-bit): two timevals, then 14 longs.
    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        rest: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_SELF: i32 = 0;
    let mut u = Rusage {
        utime: Timeval { sec: 0, usec: 0 },
        stime: Timeval { sec: 0, usec: 0 },
        rest: [0; 14],
    };
    // SAFETY: `u` is a valid, writable `struct rusage`; getrusage only writes into it.
    let rc = unsafe { getrusage(RUSAGE_SELF, &mut u) };
    assert_eq!(rc, 0, "getrusage failed");
    let micros = |t: &Timeval| t.sec as u64 * 1_000_000 + t.usec as u64;
    micros(&u.utime) + micros(&u.stime)
}

struct Args {
    endpoint: String,
    op: String,
    elements: i32,
    calls: usize,
    concurrency: usize,
    warmup: usize,
}

impl Args {
    fn parse() -> Args {
        let mut a = Args {
            endpoint: String::new(),
            op: "describe".into(),
            elements: 1,
            calls: 5000,
            concurrency: 1,
            warmup: 200,
        };
        let mut it = std::env::args().skip(1);
        while let Some(k) = it.next() {
            let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
            match k.as_str() {
                "--endpoint" => a.endpoint = v,
                "--op" => a.op = v,
                "--elements" => a.elements = v.parse().expect("--elements"),
                "--calls" => a.calls = v.parse().expect("--calls"),
                "--concurrency" => a.concurrency = v.parse().expect("--concurrency"),
                "--warmup" => a.warmup = v.parse().expect("--warmup"),
                _ => panic!("unknown argument {k}"),
            }
        }
        assert!(!a.endpoint.is_empty(), "--endpoint URL is required");
        assert!(
            a.concurrency > 0 && a.calls >= a.concurrency,
            "--calls must be at least --concurrency"
        );
        a
    }
}
