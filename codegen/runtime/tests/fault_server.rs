//! Retries, backoff, timeouts and body limits against a loopback fault server, through the
//! default hyper connector.

mod common;

use std::time::Duration;

use awsjson_runtime::client::{CustomizableOperation, Handle};
use awsjson_runtime::clock::{IdempotencyTokenProvider, TokioSleep};
use awsjson_runtime::config::{Config, ConfigBuilder, ConfigOverride, TimeoutConfig};
use awsjson_runtime::error::{ProvideErrorMetadata, RequestId, SdkError, TimeoutKind};
use awsjson_runtime::retry::RetryConfig;
use common::*;

const THROTTLING: &str =
    r#"{"__type":"com.amazonaws.sfn#ThrottlingException","message":"Rate exceeded"}"#;
const OK: &str = r#"{"arn":"arn:aws:states:us-east-1:123456789012:execution:sm:run"}"#;

/// A configuration pointed at `server`, with the recording sleep, scripted jitter and no timeouts
/// (timeouts would also go through the recording sleep).
fn config(server: &FaultServer, sleep: &RecordingSleep, random: &[f64]) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url())
        .sleep(sleep.clone())
        .random_source(ScriptedRandom::new(random))
        .timeout_config(TimeoutConfig::disabled())
}

fn client_token(seen: &Seen) -> String {
    let v: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    v["clientToken"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn retries_500_then_succeeds_with_the_same_idempotency_token() {
    let server = FaultServer::start(vec![
        Action::json(500, r#"{"__type":"InternalFailure"}"#),
        Action::json(500, ""),
        Action::json(200, OK),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5, 0.75]).build(), &SERVICE);
    let out = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap();
    assert_eq!(out.arn.as_deref(), Some("arn:aws:states:us-east-1:123456789012:execution:sm:run"));

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    // A random v4 UUID, made once, sent on every attempt.
    let token = client_token(&seen[0]);
    assert_eq!(token.len(), 36);
    assert!(seen.iter().all(|s| client_token(s) == token));
    assert!(seen
        .iter()
        .all(|s| s.header("amz-sdk-invocation-id") == seen[0].header("amz-sdk-invocation-id")));
    let attempts: Vec<_> = seen.iter().map(|s| s.header("amz-sdk-request").unwrap()).collect();
    assert_eq!(attempts, ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]);
    // Full jitter: random * min(1 s * 2^(n-1), 20 s).
    assert_eq!(sleep.delays(), [Duration::from_millis(500), Duration::from_millis(1500)]);
}

#[tokio::test]
async fn explicit_idempotency_token_is_kept_and_provider_is_called_once() {
    let server = FaultServer::start(vec![Action::json(503, ""), Action::json(200, OK)]).await;
    let sleep = RecordingSleep::default();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = IdempotencyTokenProvider::from_fn(move || {
        format!("token-{}", counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
    });
    let handle = Handle::new(
        config(&server, &sleep, &[0.0]).idempotency_token_provider(provider).build(),
        &SERVICE,
    );
    handle.call::<StartThing>(ThingInput::named("a")).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.iter().map(client_token).collect::<Vec<_>>(), ["token-0", "token-0"]);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);

    let input = ThingInput { name: Some("b".into()), client_token: Some("mine".into()) };
    handle.call::<StartThing>(input).await.unwrap();
    assert_eq!(client_token(&server.seen()[2]), "mine");
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn gives_up_after_three_503s() {
    let server =
        FaultServer::start(vec![Action::json(503, "<html>Service Unavailable</html>")]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.999_999]).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(server.seen().len(), 3);
    let SdkError::ServiceError(e) = &err else { panic!("expected a service error, got {err:?}") };
    assert_eq!(e.raw().status(), 503);
    assert!(matches!(e.err(), ThingError::Unhandled(_)));
    assert_eq!(err.meta().status(), Some(503));
    assert!(err.to_string().contains("names no error, and its body is unreadable"), "{err}");
    let delays = sleep.delays();
    assert_eq!(delays.len(), 2);
    assert!(delays[0] < Duration::from_secs(1) && delays[0] > Duration::from_millis(999));
    assert!(delays[1] < Duration::from_secs(2) && delays[1] > Duration::from_millis(1999));
}

#[tokio::test]
async fn retries_a_throttling_error_body() {
    let server =
        FaultServer::start(vec![Action::json(400, THROTTLING), Action::json(200, OK)]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.25]).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("run")).await.unwrap();
    assert_eq!(server.seen().len(), 2);
    assert_eq!(sleep.delays(), [Duration::from_millis(250)]);
}

#[tokio::test]
async fn retries_a_modeled_retryable_error_and_returns_it_when_attempts_run_out() {
    let server = FaultServer::start(vec![Action::json(
        400,
        r#"{"__type":"SlowDownPlease","message":"wait"}"#,
    )])
    .await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(
        config(&server, &sleep, &[0.0])
            .retry_config(RetryConfig::standard().with_max_attempts(4))
            .build(),
        &SERVICE,
    );
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(server.seen().len(), 4);
    assert!(
        matches!(err.into_service_error(), ThingError::SlowDownPlease(e) if e.message.as_deref() == Some("wait"))
    );
}

#[tokio::test]
async fn does_not_retry_a_client_error() {
    let server = FaultServer::start(vec![Action::Respond(
        400,
        vec![("x-amzn-RequestId".into(), "req-123".into())],
        r#"{"__type":"ThingAlreadyExists","message":"it exists"}"#.into(),
    )])
    .await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(server.seen().len(), 1);
    assert!(sleep.delays().is_empty());
    assert_eq!(err.request_id(), Some("req-123"));
    assert_eq!(
        err.to_string(),
        "service error: ThingAlreadyExists: it exists (HTTP 400, request id req-123)"
    );
}

#[tokio::test]
async fn retries_a_dropped_connection() {
    let server = FaultServer::start(vec![Action::Drop, Action::json(200, OK)]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("run")).await.unwrap();
    assert_eq!(server.seen().len(), 2);
    assert_eq!(sleep.delays().len(), 1);

    let server = FaultServer::start(vec![Action::Drop]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(server.seen().len(), 3);
    let SdkError::DispatchFailure(d) = &err else {
        panic!("expected a dispatch failure, got {err:?}")
    };
    assert!(d.is_io(), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn retries_a_refused_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let sleep = RecordingSleep::default();
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(url)
        .sleep(sleep.clone())
        .random_source(ScriptedRandom::new(&[0.5]))
        .timeout_config(TimeoutConfig::disabled())
        .build();
    let err = Handle::new(config, &SERVICE)
        .call::<StartThing>(ThingInput::named("run"))
        .await
        .unwrap_err();
    assert!(matches!(&err, SdkError::DispatchFailure(d) if d.is_io()), "{err:?}");
    assert!(err.to_string().starts_with("failed to send request: I/O error"), "{err}");
    assert_eq!(sleep.delays().len(), 2);
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = FaultServer::start(vec![Action::json(500, ""), Action::json(200, OK)]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(
        config(&server, &sleep, &[0.5]).retry_config(RetryConfig::disabled()).build(),
        &SERVICE,
    );
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(err.meta().status(), Some(500));
    assert_eq!(server.seen().len(), 1);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn backoff_stays_within_bounds_with_real_randomness() {
    let server = FaultServer::start(vec![Action::json(503, "")]).await;
    let sleep = RecordingSleep::default();
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url())
        .sleep(sleep.clone())
        .timeout_config(TimeoutConfig::disabled())
        .retry_config(RetryConfig::standard().with_max_attempts(8))
        .build();
    Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(server.seen().len(), 8);
    let delays = sleep.delays();
    assert_eq!(delays.len(), 7);
    for (i, d) in delays.iter().enumerate() {
        let ceiling = Duration::from_secs(1 << i).min(Duration::from_secs(20));
        assert!(*d < ceiling, "retry {}: {d:?} not below {ceiling:?}", i + 1);
    }
}

#[tokio::test]
async fn truncated_body_is_a_response_error_after_retries() {
    let server = FaultServer::start(vec![Action::Truncate { declared: 100, sent: 10 }]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    let SdkError::ResponseError(e) = &err else { panic!("expected a response error, got {err:?}") };
    assert_eq!(e.raw().map(|r| r.status()), Some(200));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn malformed_body_is_a_response_error_without_retry() {
    let server = FaultServer::start(vec![Action::json(200, r#"{"arn": 42}"#)]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)));
    assert_eq!(
        err.to_string(),
        "invalid response (HTTP 200): at `ThingOutput.arn`: expected a string, found a number"
    );
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.downcast_ref::<awsjson_runtime::json::DeserializeError>().is_some());
    assert_eq!(server.seen().len(), 1);

    let server = FaultServer::start(vec![Action::json(200, r#"{"arn": "x""#)]).await;
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert!(err.to_string().contains("invalid JSON"), "{err}");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = format!(r#"{{"arn":"{}"}}"#, "a".repeat(5000));
    for action in [Action::json(200, &big), Action::Chunked(5000)] {
        let server = FaultServer::start(vec![action]).await;
        let sleep = RecordingSleep::default();
        let handle = Handle::new(
            config(&server, &sleep, &[0.5]).max_response_body_size(4096).build(),
            &SERVICE,
        );
        let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
        assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
        assert!(err.to_string().contains("larger than the limit of 4096 bytes"), "{err}");
        assert_eq!(server.seen().len(), 1);
    }
}

#[tokio::test]
async fn attempt_timeout_is_retried_then_reported() {
    let server = FaultServer::start(vec![Action::Hang]).await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url())
        .sleep(TokioSleep)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .timeout_config(TimeoutConfig::new().attempt_timeout(Duration::from_millis(100)))
        .build();
    let err = Handle::new(config, &SERVICE)
        .call::<StartThing>(ThingInput::named("run"))
        .await
        .unwrap_err();
    let SdkError::TimeoutError(t) = &err else { panic!("expected a timeout, got {err:?}") };
    assert_eq!(t.kind(), TimeoutKind::Attempt);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn operation_timeout_bounds_the_whole_call() {
    let server = FaultServer::start(vec![Action::Hang]).await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url())
        .timeout_config(TimeoutConfig::disabled().operation_timeout(Duration::from_millis(100)))
        .build();
    let err = Handle::new(config, &SERVICE)
        .call::<StartThing>(ThingInput::named("run"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::TimeoutError(t) if t.kind() == TimeoutKind::Operation),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "request timed out: operation timeout of 100ms expired");
}

/// Counts the attempts of the calls it is added to.
#[derive(Debug, Clone, Default)]
struct AttemptCounter(std::sync::Arc<std::sync::atomic::AtomicU32>);

impl awsjson_runtime::interceptor::Intercept for AttemptCounter {
    fn read_before_transmit(
        &self,
        _: &awsjson_runtime::interceptor::BeforeTransmit<'_>,
    ) -> Result<(), awsjson_runtime::error::BoxError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// One call of `StartThing` through `handle` (with `config_override`, if any): its attempts and
/// whether it succeeded.
async fn attempts(handle: &Handle, config_override: Option<ConfigOverride>) -> (u32, bool) {
    let counter = AttemptCounter::default();
    let mut call =
        CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("run"))
            .interceptor(counter.clone());
    if let Some(o) = config_override {
        call = call.config_override(o);
    }
    let ok = call.send().await.is_ok();
    (counter.0.load(std::sync::atomic::Ordering::SeqCst), ok)
}

/// AWS standard mode: a client's quota holds 500 tokens; a retry takes 5 (10 after a timeout);
/// a call that succeeds gives back what its last retry took, or 1 when it was not retried; no
/// tokens, no retry (the call ends with the failure of its last attempt).
#[tokio::test]
async fn retry_quota_drains_under_sustained_failures_and_refills_on_success() {
    let fail = || Action::json(500, r#"{"__type":"InternalFailure"}"#);
    let ok = || Action::json(200, OK);
    let mut script = Vec::new();
    script.extend((0..150).map(|_| fail())); // 50 calls, 3 attempts each: 500 -> 0 tokens
    script.push(fail()); // no retry
    script.extend((0..5).map(|_| ok())); // 0 -> 5
    script.extend([fail(), ok()]); // one retry: 5 -> 0 -> 5
    script.extend([fail(), fail()]); // one retry, then none left: 5 -> 0
    script.push(fail()); // no retry
    script.extend((0..10).map(|_| ok())); // 0 -> 10; then a timeout retry takes the 10
    script.extend((0..5).map(|_| ok())); // 0 -> 5: too few for a timeout retry ...
    script.extend([fail(), ok()]); // ... enough for another retry: 5 -> 0 -> 5
                                   // The server repeats its last action: one no call reaches (the request count says so).
    script.push(Action::json(599, ""));
    let server = FaultServer::start(script).await;
    let hang = FaultServer::start(vec![Action::Hang]).await;
    let sleep = RecordingSleep::default();
    let handle = Handle::new(config(&server, &sleep, &[0.5]).build(), &SERVICE);
    // Calls to the server that never answers, with an attempt timeout.
    let timing_out = || {
        ConfigOverride::new()
            .endpoint_url(hang.url())
            .sleep(TokioSleep)
            .retry_sleep(sleep.clone())
            .timeout_config(TimeoutConfig::disabled().attempt_timeout(Duration::from_millis(100)))
    };

    for call in 0..50 {
        assert_eq!(attempts(&handle, None).await, (3, false), "call {call}");
    }
    assert_eq!(attempts(&handle, None).await, (1, false), "the quota is empty: no retry");
    for _ in 0..5 {
        assert_eq!(attempts(&handle, None).await, (1, true));
    }
    assert_eq!(
        attempts(&handle, None).await,
        (2, true),
        "5 tokens: one retry, given back on success"
    );
    assert_eq!(attempts(&handle, None).await, (2, false), "5 tokens: one retry, not given back");
    assert_eq!(attempts(&handle, None).await, (1, false));
    for _ in 0..10 {
        assert_eq!(attempts(&handle, None).await, (1, true));
    }
    assert_eq!(
        attempts(&handle, Some(timing_out())).await,
        (2, false),
        "10 tokens: one timeout retry"
    );
    for _ in 0..5 {
        assert_eq!(attempts(&handle, None).await, (1, true));
    }
    assert_eq!(
        attempts(&handle, Some(timing_out())).await,
        (1, false),
        "5 tokens: no timeout retry"
    );
    assert_eq!(attempts(&handle, None).await, (2, true), "5 tokens: one retry");
    assert_eq!(server.seen().len(), 150 + 1 + 5 + 2 + 2 + 1 + 10 + 5 + 2);
    assert_eq!(hang.seen().len(), 3);
}
