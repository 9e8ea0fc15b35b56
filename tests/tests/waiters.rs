//! The SFN `ExecutionComplete` waiter (added to `DescribeExecution` by the repository's overlay,
//! `model/overlays/sfn-waiters.json`) against a scripted loopback server: RUNNING twice, then
//! SUCCEEDED / FAILED / a throttling error. The waiter's delays run on a fake clock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sfn_client::config::{AsyncSleep, Credentials, RetryConfig, Sleep, TimeSource};
use sfn_client::error::{ProvideErrorMetadata, SdkError};
use sfn_client::types::ExecutionStatus;
use sfn_client::waiters::WaiterError;
use sfn_client::{Client, Config};
use sfn_tests::loopback::{Answer, Server};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:execution:sm:run-1";

/// Time moves only when slept on; every sleep is recorded.
#[derive(Debug, Clone)]
struct FakeClock {
    now: Arc<Mutex<SystemTime>>,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl FakeClock {
    fn new() -> Self {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        FakeClock { now: Arc::new(Mutex::new(now)), sleeps: Arc::default() }
    }
}

impl TimeSource for FakeClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap()
    }
}

impl AsyncSleep for FakeClock {
    fn sleep(&self, duration: Duration) -> Sleep {
        *self.now.lock().unwrap() += duration;
        self.sleeps.lock().unwrap().push(duration);
        Sleep::new(async {})
    }
}

fn execution(status: &str, extra: &str) -> String {
    format!(
        r#"{{"executionArn":"{ARN}","stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm",
            "status":"{status}","startDate":1700000000{extra}}}"#
    )
}

fn ok(body: String) -> Answer {
    (200, vec![("content-type".into(), "application/x-amz-json-1.0".into())], body.into_bytes())
}

const THROTTLED: &str =
    r#"{"__type":"com.amazonaws.sfn#ThrottlingException","message":"Rate exceeded"}"#;

/// A server answering DescribeExecution with `script` in turn (the last repeated).
async fn server(script: Vec<Answer>) -> Server {
    let n = Arc::new(AtomicUsize::new(0));
    Server::start(move |seen| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        let answer = script[i.min(script.len() - 1)].clone();
        async move {
            assert_eq!(seen.header("x-amz-target"), Some("AWSStepFunctions.DescribeExecution"));
            assert_eq!(seen.body, format!(r#"{{"executionArn":"{ARN}"}}"#));
            answer
        }
    })
    .await
}

fn client(server: &Server, clock: &FakeClock, attempts: u32) -> Client {
    Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .endpoint_url(&server.url)
            .time_source(clock.clone())
            .retry_sleep(clock.clone())
            .retry_config(RetryConfig::standard().with_max_attempts(attempts))
            .build(),
    )
}

fn running() -> Answer {
    ok(execution("RUNNING", ""))
}

#[tokio::test]
async fn running_twice_then_succeeded() {
    let s =
        server(vec![running(), running(), ok(execution("SUCCEEDED", r#","output":"{\"n\":1}""#))])
            .await;
    let clock = FakeClock::new();
    let done = client(&s, &clock, 1)
        .wait_until_execution_complete()
        .execution_arn(ARN)
        .wait(Duration::from_secs(600))
        .await
        .unwrap();
    let out = done.output().unwrap();
    assert_eq!(out.status(), &ExecutionStatus::Succeeded);
    assert_eq!(out.output(), Some(r#"{"n":1}"#));
    assert_eq!(done.attempts(), 3);
    assert_eq!(s.seen().len(), 3);
    // Two delays, each within the overlay's [2 s, 30 s] and the first exactly minDelay.
    let sleeps = clock.sleeps.lock().unwrap().clone();
    assert_eq!(sleeps.len(), 2);
    assert_eq!(sleeps[0], Duration::from_secs(2));
    assert!(
        sleeps[1] >= Duration::from_secs(2) && sleeps[1] <= Duration::from_secs(4),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn running_twice_then_failed_is_the_failure_state_with_error_and_cause() {
    let failed = ok(execution("FAILED", r#","error":"States.TaskFailed","cause":"boom""#));
    let s = server(vec![running(), running(), failed]).await;
    let clock = FakeClock::new();
    let err = client(&s, &clock, 1)
        .wait_until_execution_complete()
        .execution_arn(ARN)
        .wait(Duration::from_secs(600))
        .await
        .unwrap_err();
    let poll =
        err.failure_state().unwrap_or_else(|| panic!("expected the failure state, got {err:?}"));
    let out = poll.output().unwrap();
    assert_eq!(out.status(), &ExecutionStatus::Failed);
    assert_eq!((out.error(), out.cause()), (Some("States.TaskFailed"), Some("boom")));
    assert_eq!(poll.attempts(), 3);
}

#[tokio::test]
async fn timed_out_and_aborted_are_failure_states_and_pending_redrive_is_retried() {
    for status in ["TIMED_OUT", "ABORTED"] {
        let s = server(vec![ok(execution("PENDING_REDRIVE", "")), ok(execution(status, ""))]).await;
        let clock = FakeClock::new();
        let err = client(&s, &clock, 1)
            .wait_until_execution_complete()
            .execution_arn(ARN)
            .wait(Duration::from_secs(600))
            .await
            .unwrap_err();
        assert_eq!(err.failure_state().expect(status).attempts(), 2, "{status}");
    }
}

#[tokio::test]
async fn a_throttling_error_the_client_retries_does_not_end_the_wait() {
    let throttled: Answer = (400, vec![], THROTTLED.as_bytes().to_vec());
    let s = server(vec![running(), running(), throttled, ok(execution("SUCCEEDED", ""))]).await;
    let clock = FakeClock::new();
    let done = client(&s, &clock, 3)
        .wait_until_execution_complete()
        .execution_arn(ARN)
        .wait(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(done.attempts(), 3, "the throttled request was retried inside the third attempt");
    assert_eq!(s.seen().len(), 4);
}

#[tokio::test]
async fn a_throttling_error_left_after_retries_fails_the_operation() {
    let throttled: Answer = (400, vec![], THROTTLED.as_bytes().to_vec());
    let s = server(vec![running(), running(), throttled]).await;
    let clock = FakeClock::new();
    let err = client(&s, &clock, 1)
        .wait_until_execution_complete()
        .execution_arn(ARN)
        .wait(Duration::from_secs(600))
        .await
        .unwrap_err();
    match &err {
        WaiterError::OperationFailed(e @ SdkError::ServiceError(_)) => {
            assert_eq!(e.as_service_error().unwrap().code(), Some("ThrottlingException"));
        }
        other => panic!("expected OperationFailed, got {other:?}"),
    }
    assert_eq!(s.seen().len(), 3);
}

#[tokio::test]
async fn a_running_execution_times_out_at_the_deadline() {
    let s = server(vec![running()]).await;
    let clock = FakeClock::new();
    let err = client(&s, &clock, 1)
        .wait_until_execution_complete()
        .execution_arn(ARN)
        .wait(Duration::from_secs(60))
        .await
        .unwrap_err();
    let WaiterError::TimedOut(t) = &err else { panic!("expected TimedOut, got {err:?}") };
    let sleeps = clock.sleeps.lock().unwrap().clone();
    assert_eq!(sleeps.iter().sum::<Duration>(), Duration::from_secs(60), "{sleeps:?}");
    assert_eq!(t.attempts() as usize, sleeps.len() + 1);
    assert!(sleeps.iter().all(|d| *d <= Duration::from_secs(30)), "{sleeps:?}");
}

/// A server answering StartExecution with the execution's ARN, then DescribeExecution with
/// `describe` in turn (the last repeated).
async fn start_and_describe(describe: Vec<Answer>) -> Server {
    let n = Arc::new(AtomicUsize::new(0));
    Server::start(move |seen| {
        let answer = match seen.header("x-amz-target") {
            Some("AWSStepFunctions.StartExecution") => {
                let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
                assert_eq!(body["input"], r#"{"order":42}"#);
                ok(format!(r#"{{"executionArn":"{ARN}","startDate":1700000000}}"#))
            }
            Some("AWSStepFunctions.DescribeExecution") => {
                describe[n.fetch_add(1, Ordering::SeqCst).min(describe.len() - 1)].clone()
            }
            other => panic!("unexpected operation {other:?}"),
        };
        async move { answer }
    })
    .await
}

const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";

#[tokio::test]
async fn send_and_wait_returns_the_output_of_a_succeeded_execution() {
    use sfn_client::run_execution::RunExecutionError;
    let s = start_and_describe(vec![
        running(),
        ok(execution("SUCCEEDED", r#","output":"{\"total\":7}""#)),
    ])
    .await;
    let clock = FakeClock::new();
    let client = client(&s, &clock, 1);
    let done = client
        .start_execution()
        .state_machine_arn(SM)
        .input(r#"{"order":42}"#)
        .send_and_wait(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(done.output(), Some(r#"{"total":7}"#));
    assert_eq!(done.execution_arn(), ARN);
    assert_eq!(s.seen().len(), 3);

    // A failed execution: its error and cause.
    let failed = ok(execution("FAILED", r#","error":"OrderRejected","cause":"out of stock""#));
    let s = start_and_describe(vec![running(), failed]).await;
    let err = client_for(&s)
        .start_execution()
        .state_machine_arn(SM)
        .input(r#"{"order":42}"#)
        .send_and_wait(Duration::from_secs(600))
        .await
        .unwrap_err();
    let RunExecutionError::Failed(f) = &err else { panic!("expected Failed, got {err:?}") };
    assert_eq!(
        (f.status(), f.error(), f.cause()),
        (&ExecutionStatus::Failed, Some("OrderRejected"), Some("out of stock"))
    );
    assert_eq!(
        err.to_string(),
        format!("execution {ARN} ended FAILED: OrderRejected: out of stock")
    );

    // Still running at the deadline.
    let s = start_and_describe(vec![running()]).await;
    let err = client_for(&s)
        .start_execution()
        .state_machine_arn(SM)
        .input(r#"{"order":42}"#)
        .send_and_wait(Duration::from_secs(20))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RunExecutionError::StillRunning { execution_arn, .. } if execution_arn == ARN),
        "{err:?}"
    );
}

#[tokio::test]
async fn send_and_wait_reports_a_start_failure_and_a_describe_failure() {
    use sfn_client::run_execution::RunExecutionError;
    let s = Server::start(|_| async {
        (
            400,
            vec![],
            br#"{"__type":"StateMachineDoesNotExist","message":"no such machine"}"#.to_vec(),
        )
    })
    .await;
    let err = client_for(&s)
        .start_execution()
        .state_machine_arn(SM)
        .send_and_wait(Duration::from_secs(60))
        .await
        .unwrap_err();
    let RunExecutionError::Start(e) = &err else { panic!("expected Start, got {err:?}") };
    assert!(e.as_service_error().unwrap().is_state_machine_does_not_exist());
    assert_eq!(s.seen().len(), 1, "nothing is described when nothing started");

    let throttled: Answer = (400, vec![], THROTTLED.as_bytes().to_vec());
    let s = start_and_describe(vec![running(), throttled]).await;
    let err = client_for(&s)
        .start_execution()
        .state_machine_arn(SM)
        .input(r#"{"order":42}"#)
        .send_and_wait(Duration::from_secs(60))
        .await
        .unwrap_err();
    let RunExecutionError::Describe(e) = &err else { panic!("expected Describe, got {err:?}") };
    assert_eq!(e.as_service_error().unwrap().code(), Some("ThrottlingException"));
}

fn client_for(s: &Server) -> Client {
    client(s, &FakeClock::new(), 1)
}
