//! Load with faults: 10,000 calls at concurrency 64 through the default hyper connector against
//! a loopback HTTP/1.1 server that mixes successes, throttling errors, 500/503, dropped
//! connections (before answering and in the middle of a response) and slow responses (some longer
//! than the attempt timeout).
//!
//! Every call's outcome is checked against what the server saw for it (keyed by the
//! `amz-sdk-invocation-id` header): the attempts the client counted are the requests the server
//! read, no call makes more than the retry policy's attempts, every attempt of a call carries the
//! same idempotency token (and no two calls share one), the `amz-sdk-request` header counts the
//! attempts, and the outcome is the answer to the last attempt (the success of that call, or a
//! typed error of the right kind). Peak RSS is measured after 1,000 and after 10,000 calls and may
//! not grow by more than 10 %.
//!
//! Only the backoff between retries is faked (it completes at once, after checking the delay is
//! within the policy's bounds); the attempt timeout runs on the tokio timer, against the server's
//! real slow answers. The retry quota is on, as by default; its deterministic behaviour (drain,
//! refill) is tested on a sequence in `fault_server.rs`.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use awsjson_runtime::client::{CustomizableOperation, Handle};
use awsjson_runtime::clock::{AsyncSleep, Sleep, TokioSleep};
use awsjson_runtime::config::{Config, TimeoutConfig};
use awsjson_runtime::error::{BoxError, ProvideErrorMetadata, SdkError, TimeoutKind};
use awsjson_runtime::interceptor::{AfterExecution, BeforeTransmit, Intercept};
use awsjson_runtime::retry::RetryConfig;
use common::{test_credentials, StartThing, ThingError, ThingInput, SERVICE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CALLS: usize = 10_000;
const FIRST_PHASE: usize = 1_000;
const CONCURRENCY: usize = 64;
const MAX_ATTEMPTS: u32 = 3;
/// Long enough that an answer the server gives at once is never cut on a loaded machine (at 1 s,
/// one such call was retried once at a load average above 10); the `TooSlow` attempts wait it out,
/// about 350 of them over 64 tasks.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a slow answer that the attempt timeout cuts would take (the client is gone by then).
const TOO_SLOW: Duration = Duration::from_secs(5);
/// How long a slow answer within the attempt timeout takes.
const SLOW: Duration = Duration::from_millis(40);

/// What the server does with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Fault {
    /// 200 with the call's own output.
    Ok,
    /// 200 after [`SLOW`].
    SlowOk,
    /// 400 `ThrottlingException`.
    Throttle,
    /// 500 `InternalFailure`.
    E500,
    /// 503 `ServiceUnavailable`.
    E503,
    /// 400 `ThingAlreadyExists`, a modeled error that is not retryable.
    NotRetryable,
    /// Reads the request and closes the connection without answering.
    DropBeforeAnswer,
    /// Sends the head and part of the body, then closes.
    CloseMidResponse,
    /// Answers after [`TOO_SLOW`], longer than the attempt timeout.
    TooSlow,
}

impl Fault {
    /// Whether the client may try again after this answer.
    fn retryable(self) -> bool {
        !matches!(self, Fault::Ok | Fault::SlowOk | Fault::NotRetryable)
    }

    /// The outcome a call ended by this answer has (a slow success is a success).
    fn outcome(self) -> Fault {
        match self {
            Fault::SlowOk => Fault::Ok,
            f => f,
        }
    }
}

/// The answers to the attempts of call `i` (the last repeats), spread over the calls by a hash
/// of `i` so that every kind of fault is in flight at once.
fn plan(i: usize) -> &'static [Fault] {
    use Fault::*;
    let mut x = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    match x % 200 {
        0..=135 => &[Ok],
        136..=151 => &[Throttle, Ok],
        152..=159 => &[E500, E503, Ok],
        160..=167 => &[DropBeforeAnswer, Ok],
        168..=175 => &[CloseMidResponse, Ok],
        176..=179 => &[TooSlow, Ok],
        180..=187 => &[SlowOk],
        188..=190 => &[Throttle, Throttle, Throttle],
        191..=193 => &[E503, E500, E503],
        194..=197 => &[NotRetryable],
        198 => &[DropBeforeAnswer, CloseMidResponse, E500],
        _ => &[TooSlow, TooSlow, TooSlow],
    }
}

// ---------------------------------------------------------------------------------------------
// The server

/// What the server saw of one call (one invocation id).
#[derive(Debug)]
struct CallRecord {
    call: usize,
    attempts: u32,
    token: String,
    /// Every attempt had the call's first token.
    same_token: bool,
    /// Every `amz-sdk-request` header said `attempt=<n>; max=3` for the n-th request.
    attempt_headers_ok: bool,
    /// The answer to the last attempt.
    last: Fault,
}

#[derive(Default)]
struct ServerState {
    calls: Mutex<HashMap<String, CallRecord>>,
    requests: AtomicUsize,
    connections: AtomicUsize,
    /// Requests that could not be tied to a call (no invocation id, unreadable body).
    strays: AtomicUsize,
}

async fn start_server() -> (String, Arc<ServerState>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::new(ServerState::default());
    let s = state.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            s.connections.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(serve(stream, s.clone()));
        }
    });
    (url, state)
}

/// The value of header `name` in a request head.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Records one request and says how to answer it (`None`: a stray, answered 400).
fn record(state: &ServerState, head: &str, body: &[u8]) -> Option<(usize, Fault)> {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let id = header(head, "amz-sdk-invocation-id")?;
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let call: usize = v["name"].as_str()?.strip_prefix("call-")?.parse().ok()?;
    let token = v["clientToken"].as_str()?;
    let mut calls = state.calls.lock().unwrap();
    let r = calls.entry(id.to_string()).or_insert_with(|| CallRecord {
        call,
        attempts: 0,
        token: token.to_string(),
        same_token: true,
        attempt_headers_ok: true,
        last: Fault::Ok,
    });
    r.attempts += 1;
    r.same_token &= r.token == token && r.call == call;
    r.attempt_headers_ok &= header(head, "amz-sdk-request")
        == Some(&format!("attempt={}; max={MAX_ATTEMPTS}", r.attempts));
    let plan = plan(call);
    let fault = plan[(r.attempts as usize - 1).min(plan.len() - 1)];
    r.last = fault;
    Some((call, fault))
}

fn response(status: u16, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: rid\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

async fn serve(mut stream: TcpStream, state: Arc<ServerState>) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let len: usize = header(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let decided = record(&state, &head, &buf[head_end..head_end + len]);
        buf.drain(..head_end + len);
        let Some((call, fault)) = decided else {
            state.strays.fetch_add(1, Ordering::Relaxed);
            let _ = stream.write_all(response(400, r#"{"__type":"Stray"}"#).as_bytes()).await;
            return;
        };
        let ok = || {
            response(
                200,
                &format!(
                    r#"{{"arn":"arn:aws:states:us-east-1:123456789012:execution:sm:call-{call}","count":{call}}}"#
                ),
            )
        };
        let out = match fault {
            Fault::Ok => ok(),
            Fault::SlowOk => {
                tokio::time::sleep(SLOW).await;
                ok()
            }
            Fault::TooSlow => {
                // Answers late, or gives up when the client closes the connection (after its
                // attempt timeout): a server task does not outlive the attempt it answers.
                let mut probe = [0u8; 1];
                tokio::select! {
                    _ = tokio::time::sleep(TOO_SLOW) => ok(),
                    _ = stream.read(&mut probe) => return,
                }
            }
            Fault::Throttle => response(
                400,
                r#"{"__type":"com.amazonaws.sfn#ThrottlingException","message":"Rate exceeded"}"#,
            ),
            Fault::E500 => response(500, r#"{"__type":"InternalFailure"}"#),
            Fault::E503 => response(503, r#"{"__type":"ServiceUnavailable"}"#),
            Fault::NotRetryable => {
                response(400, r#"{"__type":"ThingAlreadyExists","message":"exists"}"#)
            }
            Fault::DropBeforeAnswer => return,
            Fault::CloseMidResponse => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 200\r\n\r\n{\"arn\":\"arn:aws:sta")
                    .await;
                return;
            }
        };
        if stream.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The client side

/// Learns a call's invocation id and attempt count (one per call).
#[derive(Debug, Default)]
struct Probe {
    invocation_id: Mutex<Option<String>>,
    transmitted: AtomicU32,
    attempts: AtomicU32,
}

#[derive(Debug, Clone)]
struct ProbeInterceptor(Arc<Probe>);

impl Intercept for ProbeInterceptor {
    fn read_before_transmit(&self, context: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        let id =
            context.request().headers().get("amz-sdk-invocation-id").and_then(|v| v.to_str().ok());
        let mut seen = self.0.invocation_id.lock().unwrap();
        match (&*seen, id) {
            (None, Some(id)) => *seen = Some(id.to_string()),
            (Some(first), Some(id)) if first == id => {}
            _ => return Err("the invocation id changed between attempts, or is missing".into()),
        }
        self.0.transmitted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        self.0.attempts.store(context.attempts(), Ordering::Relaxed);
        Ok(())
    }
}

/// The retry backoff: checks the delay is within the policy's bounds and completes at once.
#[derive(Debug, Default, Clone)]
struct InstantBackoff {
    retries: Arc<AtomicUsize>,
    out_of_bounds: Arc<AtomicUsize>,
}

impl AsyncSleep for InstantBackoff {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.retries.fetch_add(1, Ordering::Relaxed);
        // Full jitter on 1 s * 2^(n-1): at most 2 s before the third attempt.
        if duration > Duration::from_secs(2) {
            self.out_of_bounds.fetch_add(1, Ordering::Relaxed);
        }
        Sleep::new(async {})
    }
}

/// How a call ended, as the client reports it: the fault whose answer it is.
fn outcome(
    call: usize,
    result: &Result<common::ThingOutput, SdkError<ThingError>>,
) -> Result<Fault, String> {
    match result {
        Ok(out) => {
            let expected =
                format!("arn:aws:states:us-east-1:123456789012:execution:sm:call-{call}");
            if out.arn.as_deref() != Some(expected.as_str()) || out.count != Some(call as i32) {
                return Err(format!("call {call} got another call's output: {out:?}"));
            }
            Ok(Fault::Ok)
        }
        Err(SdkError::ServiceError(e)) => match (e.raw().status(), e.err()) {
            (400, ThingError::ThingAlreadyExists(_)) => Ok(Fault::NotRetryable),
            (400, ThingError::Unhandled(u)) if u.code() == Some("ThrottlingException") => {
                Ok(Fault::Throttle)
            }
            (500, ThingError::Unhandled(u)) if u.code() == Some("InternalFailure") => {
                Ok(Fault::E500)
            }
            (503, ThingError::Unhandled(u)) if u.code() == Some("ServiceUnavailable") => {
                Ok(Fault::E503)
            }
            (status, err) => Err(format!("call {call}: unexpected service error {status} {err:?}")),
        },
        Err(SdkError::TimeoutError(t)) if t.kind() == TimeoutKind::Attempt => Ok(Fault::TooSlow),
        Err(SdkError::DispatchFailure(d)) if d.is_io() => Ok(Fault::DropBeforeAnswer),
        Err(SdkError::ResponseError(_)) => Ok(Fault::CloseMidResponse),
        Err(e) => Err(format!("call {call}: unexpected error {e:?}")),
    }
}

/// What the checks of the finished calls add up to.
#[derive(Debug, Default)]
struct Tally {
    calls: usize,
    attempts: usize,
    /// Outcomes by the fault they answer (successes: `Ok`).
    outcomes: HashMap<Fault, usize>,
    /// Calls that stopped on a retryable failure before their last attempt (retry quota empty).
    stopped_by_quota: usize,
    failures: Vec<String>,
    /// The idempotency tokens of the calls (UUIDs, as numbers), made room for up front so the
    /// test's own bookkeeping does not grow the memory measured.
    tokens: std::collections::HashSet<u128>,
}

impl Tally {
    /// Checks call `i`, finished with `result`, against what the server saw of it.
    fn check(
        &mut self,
        i: usize,
        result: &Result<common::ThingOutput, SdkError<ThingError>>,
        probe: &Probe,
        server: &ServerState,
    ) {
        self.calls += 1;
        let mut fail = |msg: String| {
            if self.failures.len() < 20 {
                self.failures.push(msg);
            }
        };
        let got = match outcome(i, result) {
            Ok(f) => f,
            Err(msg) => return fail(msg),
        };
        let Some(id) = probe.invocation_id.lock().unwrap().clone() else {
            return fail(format!("call {i} sent no request"));
        };
        // Removed as soon as the call is checked: the server's memory stays flat too.
        let Some(seen) = server.calls.lock().unwrap().remove(&id) else {
            return fail(format!("call {i}: the server saw none of its requests"));
        };
        let attempts = probe.attempts.load(Ordering::Relaxed);
        self.attempts += attempts as usize;
        *self.outcomes.entry(got).or_default() += 1;
        if seen.call != i || !seen.same_token {
            fail(format!(
                "call {i}: attempts carried different calls or idempotency tokens: {seen:?}"
            ));
        }
        let Ok(token) = u128::from_str_radix(&seen.token.replace('-', ""), 16) else {
            return fail(format!("call {i}: the idempotency token {} is not a UUID", seen.token));
        };
        if !self.tokens.insert(token) {
            fail(format!("call {i}: idempotency token {} was used by another call", seen.token));
        }
        if !seen.attempt_headers_ok {
            fail(format!("call {i}: amz-sdk-request did not count the attempts"));
        }
        if attempts != seen.attempts || probe.transmitted.load(Ordering::Relaxed) != seen.attempts {
            fail(format!(
                "call {i}: the client counted {attempts} attempts, the server saw {}",
                seen.attempts
            ));
        }
        if !(1..=MAX_ATTEMPTS).contains(&attempts) {
            fail(format!("call {i}: {attempts} attempts (max {MAX_ATTEMPTS})"));
        }
        let plan = plan(i);
        let answered = |n: u32| plan[(n as usize - 1).min(plan.len() - 1)];
        if got != seen.last.outcome() || got != answered(attempts).outcome() {
            fail(format!("call {i}: ended as {got:?}, but the server answered its attempt {attempts} with {:?}", seen.last));
        }
        // The client retried only what may be retried, and stopped only when it had to.
        if let Some(n) = (1..attempts).find(|&n| !answered(n).retryable()) {
            fail(format!("call {i}: retried after attempt {n}, answered {:?}", answered(n)));
        }
        if got.retryable() && attempts < MAX_ATTEMPTS {
            self.stopped_by_quota += 1;
        }
    }
}

/// Peak resident set size of this process, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

/// Runs calls `range` with `CONCURRENCY` workers, checking each as it finishes.
async fn run(
    handle: &Handle,
    range: std::ops::Range<usize>,
    server: &Arc<ServerState>,
    tally: &Arc<Mutex<Tally>>,
) {
    let next = Arc::new(AtomicUsize::new(range.start));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (handle, next, server, tally) =
            (handle.clone(), next.clone(), server.clone(), tally.clone());
        let end = range.end;
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= end {
                    return;
                }
                let probe = Arc::new(Probe::default());
                let input = ThingInput::named(&format!("call-{i}"));
                let result = CustomizableOperation::<StartThing>::new(handle.clone(), input)
                    .interceptor(ProbeInterceptor(probe.clone()))
                    .send()
                    .await;
                tally.lock().unwrap().check(i, &result, &probe, &server);
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
}

#[tokio::test]
async fn ten_thousand_calls_with_faults_are_all_accounted_for() {
    let (url, server) = start_server().await;
    let backoff = InstantBackoff::default();
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(url)
        .sleep(TokioSleep)
        .retry_sleep(backoff.clone())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(TimeoutConfig::disabled().attempt_timeout(ATTEMPT_TIMEOUT))
        .build();
    let handle = Handle::new(config, &SERVICE);
    let tally = Arc::new(Mutex::new(Tally {
        tokens: std::collections::HashSet::with_capacity(CALLS),
        ..Tally::default()
    }));

    let start = Instant::now();
    run(&handle, 0..FIRST_PHASE, &server, &tally).await;
    let rss_first = peak_rss_kib();
    let first_elapsed = start.elapsed();
    run(&handle, FIRST_PHASE..CALLS, &server, &tally).await;
    let rss_all = peak_rss_kib();
    let elapsed = start.elapsed();

    let tally = tally.lock().unwrap();
    let requests = server.requests.load(Ordering::Relaxed);
    let mut outcomes: Vec<_> = tally.outcomes.iter().collect();
    outcomes.sort();
    println!(
        "{CALLS} calls in {elapsed:.1?} ({FIRST_PHASE} in {first_elapsed:.1?}): {} attempts, {requests} requests seen \
         on {} connections, {} backoffs, {} calls stopped by the retry quota; outcomes {outcomes:?}",
        tally.attempts,
        server.connections.load(Ordering::Relaxed),
        backoff.retries.load(Ordering::Relaxed),
        tally.stopped_by_quota,
    );
    println!(
        "peak RSS: {rss_first} KiB after {FIRST_PHASE} calls, {rss_all} KiB after {CALLS} calls ({:+.1} %)",
        (rss_all as f64 / rss_first as f64 - 1.0) * 100.0
    );

    assert!(tally.failures.is_empty(), "calls not accounted for:\n{}", tally.failures.join("\n"));
    assert_eq!(tally.calls, CALLS);
    assert_eq!(tally.outcomes.values().sum::<usize>(), CALLS);
    assert_eq!(tally.tokens.len(), CALLS);
    // Every request the server read belongs to a call, and is one of its attempts.
    assert_eq!(server.strays.load(Ordering::Relaxed), 0);
    assert_eq!(requests, tally.attempts);
    assert!(
        server.calls.lock().unwrap().is_empty(),
        "the server saw calls the client did not make"
    );
    // One backoff before every retry, each within the policy's bounds.
    assert_eq!(backoff.retries.load(Ordering::Relaxed), tally.attempts - CALLS);
    assert_eq!(backoff.out_of_bounds.load(Ordering::Relaxed), 0);
    // Every kind of answer ended some calls (the mix is what the test is about).
    for f in
        [Fault::Ok, Fault::Throttle, Fault::E500, Fault::E503, Fault::NotRetryable, Fault::TooSlow]
    {
        assert!(
            tally.outcomes.get(&f).copied().unwrap_or(0) > 0,
            "no call ended as {f:?}: {outcomes:?}"
        );
    }
    assert!(
        rss_all <= rss_first + rss_first / 10,
        "peak RSS grew from {rss_first} KiB after {FIRST_PHASE} calls to {rss_all} KiB after {CALLS}"
    );
}
