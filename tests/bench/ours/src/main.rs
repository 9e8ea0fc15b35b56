//! Calls ListActivities `--calls` times (from `--concurrency` tasks) on `--endpoint` with the
//! generated client and prints the rate. The same program as ../official, line for line.

use std::time::Instant;

use sfn_client::config::{Credentials, RetryConfig};
use sfn_client::{Client, Config};

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "bench"))
            .endpoint_url(&args.endpoint)
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .build(),
    );
    let call = |client: Client| async move {
        let out = client.list_activities().max_results(10).send().await.expect("ListActivities");
        assert_eq!(out.activities().len(), 10);
    };
    for _ in 0..args.warmup {
        call(client.clone()).await;
    }
    let started = Instant::now();
    let per_task = args.calls / args.concurrency;
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    call(client.clone()).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let calls = per_task * args.concurrency;
    println!("calls={calls} secs={secs:.3} calls_per_sec={:.0}", calls as f64 / secs);
}

struct Args {
    endpoint: String,
    calls: usize,
    concurrency: usize,
    warmup: usize,
}

impl Args {
    fn parse() -> Args {
        let mut a = Args { endpoint: String::new(), calls: 5000, concurrency: 8, warmup: 200 };
        let mut it = std::env::args().skip(1);
        while let Some(k) = it.next() {
            let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
            match k.as_str() {
                "--endpoint" => a.endpoint = v,
                "--calls" => a.calls = v.parse().expect("--calls"),
                "--concurrency" => a.concurrency = v.parse().expect("--concurrency"),
                "--warmup" => a.warmup = v.parse().expect("--warmup"),
                _ => panic!("unknown argument {k}"),
            }
        }
        assert!(!a.endpoint.is_empty(), "--endpoint URL is required");
        a
    }
}
