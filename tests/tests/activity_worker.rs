//! The activity worker (`sfn_client::activity_worker`, hand-written in
//! `codegen/services/sfn/src/activity_worker.rs`) against a loopback server that scripts the
//! `GetActivityTask` / `SendTaskHeartbeat` / `SendTaskSuccess` / `SendTaskFailure` exchanges
//! (moto does not serve `GetActivityTask`). Intervals are a few milliseconds; nothing here
//! asserts how fast anything is, and every run has a guard that fails it instead of hanging.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sfn_client::activity_worker::{
    ActivityTask, ActivityWorker, ActivityWorkerBuilder, TaskError, TaskOutcome, WorkerEvent,
    MAX_CAUSE_CHARS, MAX_ERROR_CHARS, PANIC_ERROR, SHUTDOWN_ERROR,
};
use sfn_client::config::{Credentials, RetryConfig, TimeoutConfig};
use sfn_client::{Client, Config};
use sfn_tests::loopback::{Answer, Server};
use tokio::sync::{Notify, Semaphore};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:activity:test";

fn json(status: u16, body: &str) -> Answer {
    (
        status,
        vec![("content-type".into(), "application/x-amz-json-1.0".into())],
        body.as_bytes().to_vec(),
    )
}

fn task(token: &str, input: &str) -> Answer {
    json(200, &serde_json::json!({ "taskToken": token, "input": input }).to_string())
}

fn error(status: u16, code: &str) -> Answer {
    let body = serde_json::json!({ "__type": format!("com.amazonaws.sfn#{code}"), "message": "x" });
    json(status, &body.to_string())
}

/// What the server answers, by operation; when a script runs out: no task (after a short
/// wait, as a long poll would) or, with `endless`, a new task `t<n>`; `{}` to the rest.
#[derive(Default)]
struct Script {
    polls: VecDeque<Answer>,
    heartbeats: VecDeque<Answer>,
    endless: bool,
    /// How long each poll is held before it is answered.
    poll_delay: Duration,
    made: usize,
}

async fn server(script: Script) -> Server {
    let script = Arc::new(Mutex::new(script));
    Server::start(move |request| {
        let script = script.clone();
        async move {
            let target = request.header("x-amz-target").unwrap_or("").to_string();
            let (answer, delay) = {
                let mut s = script.lock().unwrap();
                match target.trim_start_matches("AWSStepFunctions.") {
                    "GetActivityTask" => match s.polls.pop_front() {
                        Some(answer) => (answer, s.poll_delay),
                        None if s.endless => {
                            s.made += 1;
                            (task(&format!("t{}", s.made), "{}"), s.poll_delay)
                        }
                        None => (json(200, "{}"), s.poll_delay.max(Duration::from_millis(5))),
                    },
                    "SendTaskHeartbeat" => (
                        s.heartbeats.pop_front().unwrap_or_else(|| json(200, "{}")),
                        Duration::ZERO,
                    ),
                    _ => (json(200, "{}"), Duration::ZERO),
                }
            };
            tokio::time::sleep(delay).await;
            answer
        }
    })
    .await
}

/// The bodies of the requests of `operation` the server received, in order.
fn bodies(server: &Server, operation: &str) -> Vec<Value> {
    let target = format!("AWSStepFunctions.{operation}");
    server
        .seen()
        .iter()
        .filter(|s| s.header("x-amz-target") == Some(target.as_str()))
        .map(|s| serde_json::from_str(&s.body).unwrap())
        .collect()
}

/// One attempt per call: a scripted error reaches the worker as it is.
fn client(server: &Server, timeouts: TimeoutConfig) -> Client {
    Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
            .endpoint_url(&server.url)
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .timeout_config(timeouts)
            .build(),
    )
}

/// What the events said, owned.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    PollFailed { code: Option<String>, retry_in: Duration },
    HeartbeatFailed(String),
    Finished { token: String, outcome: &'static str, reported: bool },
}

/// The events of a run, and a notification on each.
#[derive(Clone, Default)]
struct Log {
    events: Arc<Mutex<Vec<Seen>>>,
    changed: Arc<Notify>,
}

impl Log {
    fn record(&self, event: &WorkerEvent<'_>) {
        use sfn_client::error::ProvideErrorMetadata;
        let seen = match event {
            WorkerEvent::PollFailed { error, retry_in } => {
                Seen::PollFailed { code: error.code().map(str::to_string), retry_in: *retry_in }
            }
            WorkerEvent::HeartbeatFailed { task_token, .. } => {
                Seen::HeartbeatFailed(task_token.to_string())
            }
            WorkerEvent::TaskFinished(report) => Seen::Finished {
                token: report.task_token.clone(),
                outcome: match report.outcome {
                    TaskOutcome::Succeeded => "succeeded",
                    TaskOutcome::Failed => "failed",
                    TaskOutcome::Panicked => "panicked",
                    TaskOutcome::ShutDown => "shut down",
                    TaskOutcome::Abandoned(_) => "abandoned",
                    _ => "other",
                },
                reported: report.report_error.is_none(),
            },
            _ => return,
        };
        self.events.lock().unwrap().push(seen);
        self.changed.notify_waiters();
    }

    fn events(&self) -> Vec<Seen> {
        self.events.lock().unwrap().clone()
    }

    fn finished(&self) -> Vec<Seen> {
        self.events().into_iter().filter(|e| matches!(e, Seen::Finished { .. })).collect()
    }

    /// Completes once `n` tasks have finished.
    fn until_finished(&self, n: usize) -> impl Future<Output = ()> + Send + 'static {
        let log = self.clone();
        async move {
            loop {
                let changed = log.changed.notified();
                if log.finished().len() >= n {
                    return;
                }
                changed.await;
            }
        }
    }
}

fn worker(client: &Client, log: &Log) -> ActivityWorkerBuilder {
    let log = log.clone();
    ActivityWorker::builder(client, ARN).worker_name("worker-1").on_event(move |e| log.record(e))
}

/// Fails the test instead of hanging.
async fn guarded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f).await.expect("the test did not finish")
}

/// Waits until `f` holds (checked every few milliseconds).
async fn eventually(f: impl Fn() -> bool) {
    while !f() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Sets its flag when dropped: tells that a handler's future was dropped (cancelled).
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn outputs_and_errors_are_reported_with_the_service_limits() {
    let polls = [task("a", "21"), task("b", "not a number"), task("c", "long")];
    let server = server(Script { polls: polls.into(), ..Default::default() }).await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log).build();
    let summary = guarded(worker.run(
        |task: ActivityTask| async move {
            if task.input() == "long" {
                return Err(TaskError::new("é".repeat(300), "ü".repeat(40_000)));
            }
            let n: i64 = task.input().parse()?;
            Ok::<_, TaskError>((2 * n).to_string())
        },
        log.until_finished(3),
    ))
    .await
    .unwrap();
    assert_eq!((summary.succeeded, summary.failed, summary.unreported), (1, 2, 0), "{summary:?}");

    let polls = bodies(&server, "GetActivityTask");
    assert!(polls.len() >= 3);
    assert!(
        polls.iter().all(|p| p["activityArn"] == ARN && p["workerName"] == "worker-1"),
        "{polls:?}"
    );
    assert_eq!(
        bodies(&server, "SendTaskSuccess"),
        [serde_json::json!({ "taskToken": "a", "output": "42" })]
    );
    let failures = bodies(&server, "SendTaskFailure");
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0]["taskToken"], "b");
    assert_eq!(failures[0]["error"], "ParseIntError");
    assert_eq!(failures[0]["cause"], "invalid digit found in string");
    assert_eq!(failures[1]["taskToken"], "c");
    let (error, cause) =
        (failures[1]["error"].as_str().unwrap(), failures[1]["cause"].as_str().unwrap());
    assert_eq!((error.chars().count(), cause.chars().count()), (MAX_ERROR_CHARS, MAX_CAUSE_CHARS));
    assert!(error.chars().all(|c| c == 'é') && cause.chars().all(|c| c == 'ü'));
    assert!(bodies(&server, "SendTaskHeartbeat").is_empty(), "no heartbeats unless asked for");
    let finished = log.finished();
    for (token, outcome) in [("a", "succeeded"), ("b", "failed"), ("c", "failed")] {
        assert!(
            finished.contains(&Seen::Finished { token: token.into(), outcome, reported: true }),
            "{finished:?}"
        );
    }

    // Inputs, errors and causes are @sensitive: Debug does not show them.
    let debug = format!("{:?}", TaskError::new("SECRET-ERROR", "SECRET-CAUSE"));
    assert!(!debug.contains("SECRET"), "{debug}");
}

#[tokio::test]
async fn a_handler_that_panics_is_reported_and_the_worker_goes_on() {
    let server =
        server(Script { polls: [task("p", "boom"), task("q", "1")].into(), ..Default::default() })
            .await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log).build();
    let summary = guarded(worker.run(
        |task: ActivityTask| async move {
            if task.input() == "boom" {
                panic!("the handler broke on {}", task.task_token());
            }
            Ok::<_, TaskError>(task.into_input())
        },
        log.until_finished(2),
    ))
    .await
    .unwrap();
    assert_eq!((summary.panicked, summary.succeeded), (1, 1), "{summary:?}");
    let failures = bodies(&server, "SendTaskFailure");
    assert_eq!(
        failures,
        [serde_json::json!({
            "taskToken": "p", "error": PANIC_ERROR, "cause": "the handler broke on p"
        })]
    );
    assert_eq!(
        bodies(&server, "SendTaskSuccess"),
        [serde_json::json!({ "taskToken": "q", "output": "1" })]
    );
}

#[tokio::test]
async fn a_heartbeat_answered_task_timed_out_cancels_the_handler_and_reports_nothing() {
    let script = Script {
        polls: [task("hb", "{}")].into(),
        // A server error (the task goes on), a success, then the task has timed out.
        heartbeats: [error(500, "ServiceUnavailable"), json(200, "{}"), error(400, "TaskTimedOut")]
            .into(),
        ..Default::default()
    };
    let server = server(script).await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log)
        .heartbeat_interval(Duration::from_millis(5))
        .build();
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let summary = guarded(worker.run(
        move |_task: ActivityTask| {
            let guard = DropFlag(flag.clone());
            async move {
                let _guard = guard;
                std::future::pending::<Result<String, TaskError>>().await
            }
        },
        log.until_finished(1),
    ))
    .await
    .unwrap();
    assert_eq!((summary.abandoned, summary.unreported), (1, 0), "{summary:?}");
    let beats = bodies(&server, "SendTaskHeartbeat");
    assert_eq!(beats, vec![serde_json::json!({ "taskToken": "hb" }); 3]);
    assert!(
        bodies(&server, "SendTaskSuccess").is_empty()
            && bodies(&server, "SendTaskFailure").is_empty()
    );
    let events = log.events();
    assert_eq!(
        events,
        [
            Seen::HeartbeatFailed("hb".into()),
            Seen::Finished { token: "hb".into(), outcome: "abandoned", reported: true }
        ],
        "{events:?}"
    );
    guarded(eventually(|| dropped.load(Ordering::SeqCst))).await;
}

#[tokio::test]
async fn throttled_and_failed_polls_back_off_then_polling_resumes() {
    let polls = [
        error(400, "ThrottlingException"),
        error(400, "ActivityWorkerLimitExceeded"),
        error(500, "InternalFailure"),
        task("t", "{}"),
    ];
    let server = server(Script { polls: polls.into(), ..Default::default() }).await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log)
        .poll_backoff(Duration::from_millis(2), Duration::from_millis(6))
        .build();
    let summary = guarded(worker.run(|_| async { Ok("{}".to_string()) }, log.until_finished(1)))
        .await
        .unwrap();
    assert_eq!(summary.succeeded, 1);
    let events = log.events();
    let failed: Vec<(Option<String>, Duration)> = events
        .iter()
        .filter_map(|e| match e {
            Seen::PollFailed { code, retry_in } => Some((code.clone(), *retry_in)),
            _ => None,
        })
        .collect();
    let codes: Vec<_> = failed.iter().map(|(c, _)| c.as_deref()).collect();
    assert_eq!(
        codes,
        [Some("ThrottlingException"), Some("ActivityWorkerLimitExceeded"), Some("InternalFailure")]
    );
    // The backoff doubles (2, 4, then the 6 ms maximum), each wait between half and all of it.
    for ((_, waited), backoff) in failed.iter().zip([2u64, 4, 6]) {
        let backoff = Duration::from_millis(backoff);
        assert!(
            *waited >= backoff / 2 && *waited <= backoff,
            "{waited:?} for a backoff of {backoff:?}"
        );
    }
    assert_eq!(bodies(&server, "SendTaskSuccess").len(), 1);
}

#[tokio::test]
async fn polls_have_their_own_timeout_above_the_clients() {
    // The client gives an attempt 50 ms; the polls are answered after 300 ms, as a long poll may
    // be. The worker's polls (70 s by default) still get their task.
    let script = Script {
        polls: [task("slow", "{}")].into(),
        poll_delay: Duration::from_millis(300),
        ..Default::default()
    };
    let server = server(script).await;
    let client = client(&server, TimeoutConfig::new().attempt_timeout(Duration::from_millis(50)));
    let log = Log::default();
    let worker = worker(&client, &log).build();
    let summary = guarded(worker.run(|_| async { Ok("{}".to_string()) }, log.until_finished(1)))
        .await
        .unwrap();
    assert_eq!(summary.succeeded, 1);
    assert!(
        !log.events().iter().any(|e| matches!(e, Seen::PollFailed { .. })),
        "{:?}",
        log.events()
    );
}

#[tokio::test]
async fn at_most_concurrency_tasks_run_and_a_poll_waits_for_a_free_slot() {
    let server = server(Script { endless: true, ..Default::default() }).await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log).concurrency(2).build();
    let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let gate = Arc::new(Semaphore::new(0));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handler = {
        let (running, most, gate) = (running.clone(), most.clone(), gate.clone());
        move |_task: ActivityTask| {
            let (running, most, gate) = (running.clone(), most.clone(), gate.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                gate.acquire().await.unwrap().forget();
                running.fetch_sub(1, Ordering::SeqCst);
                Ok::<_, TaskError>("{}".to_string())
            }
        }
    };
    let run = tokio::spawn(async move {
        worker
            .run(handler, async move {
                let _ = stopped.await;
            })
            .await
    });
    let polls = || bodies(&server, "GetActivityTask").len();
    guarded(eventually(|| running.load(Ordering::SeqCst) == 2)).await;
    // Both slots are taken: no third poll, however long we look.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(polls(), 2);
    // A task ends: its slot is used for the next poll, and a third task runs.
    gate.add_permits(1);
    guarded(eventually(|| polls() == 3 && running.load(Ordering::SeqCst) == 2)).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(polls(), 3);
    stop.send(()).unwrap();
    gate.add_permits(2);
    let summary = guarded(run).await.unwrap().unwrap();
    assert_eq!(summary.succeeded, 3, "{summary:?}");
    assert_eq!(most.load(Ordering::SeqCst), 2);
    assert_eq!(polls(), 3, "no poll after shutdown");
    assert_eq!(bodies(&server, "SendTaskSuccess").len(), 3);
}

#[tokio::test]
async fn shutdown_stops_polling_finishes_tasks_in_flight_and_fails_those_past_the_deadline() {
    let server = server(Script {
        polls: [task("quick", "quick"), task("stuck", "stuck")].into(),
        ..Default::default()
    })
    .await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log)
        .concurrency(2)
        .shutdown_timeout(Duration::from_millis(500))
        .build();
    let started = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(0));
    let stuck_dropped = Arc::new(AtomicBool::new(false));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handler = {
        let (started, gate, flag) = (started.clone(), gate.clone(), stuck_dropped.clone());
        move |task: ActivityTask| {
            let (started, gate, flag) = (started.clone(), gate.clone(), flag.clone());
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                if task.input() == "stuck" {
                    let _guard = DropFlag(flag);
                    std::future::pending::<()>().await;
                }
                let _ = gate.acquire().await.unwrap();
                Ok::<_, TaskError>("\"done\"".to_string())
            }
        }
    };
    let run = tokio::spawn(async move {
        worker
            .run(handler, async move {
                let _ = stopped.await;
            })
            .await
    });
    guarded(eventually(|| started.load(Ordering::SeqCst) == 2)).await;
    stop.send(()).unwrap();
    // The quick task can finish once shutdown has been asked for; the stuck one never does.
    gate.add_permits(1);
    let summary = guarded(run).await.unwrap().unwrap();
    assert_eq!(
        (summary.succeeded, summary.shut_down, summary.unreported),
        (1, 1, 0),
        "{summary:?}"
    );
    assert_eq!(bodies(&server, "GetActivityTask").len(), 2, "no poll after shutdown");
    assert_eq!(
        bodies(&server, "SendTaskSuccess"),
        [serde_json::json!({ "taskToken": "quick", "output": "\"done\"" })]
    );
    let failures = bodies(&server, "SendTaskFailure");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(
        (&failures[0]["taskToken"], &failures[0]["error"]),
        (&"stuck".into(), &SHUTDOWN_ERROR.into())
    );
    guarded(eventually(|| stuck_dropped.load(Ordering::SeqCst))).await;
}

#[tokio::test]
async fn a_poll_error_that_retrying_cannot_fix_stops_the_worker() {
    let server =
        server(Script { polls: [error(400, "ActivityDoesNotExist")].into(), ..Default::default() })
            .await;
    let log = Log::default();
    let worker = worker(&client(&server, TimeoutConfig::new()), &log).build();
    let err = guarded(worker.run(|_| async { Ok("{}".to_string()) }, std::future::pending()))
        .await
        .unwrap_err();
    assert!(
        err.error().as_service_error().is_some_and(|e| e.is_activity_does_not_exist()),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("the activity worker stopped: GetActivityTask failed"),
        "{err}"
    );
    assert_eq!(err.summary().succeeded, 0);
    assert_eq!(bodies(&server, "GetActivityTask").len(), 1);
}
