//! Per-call customization and interceptors, against a loopback server: hooks and their order,
//! a header added before signing (and signed), attempt counting across retries, hook failures,
//! configuration overrides, request mutation, a backoff sleep apart from the timeout sleep, and
//! the raw body of error responses.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use awsjson_runtime::client::{CustomizableOperation, Handle};
use awsjson_runtime::clock::{AsyncSleep, Sleep, TokioSleep};
use awsjson_runtime::config::{Config, ConfigBuilder, ConfigOverride, TimeoutConfig};
use awsjson_runtime::error::{
    BoxError, DisplayErrorContext, RequestId, SdkError, TimeoutKind, MAX_RAW_BODY_SIZE,
};
use awsjson_runtime::interceptor::{
    AfterAttempt, AfterExecution, BeforeSigning, BeforeTransmit, Intercept, InterceptorError,
};
use awsjson_runtime::retry::RetryConfig;
use common::*;
use http::HeaderValue;

const OK: &str = r#"{"arn":"a","count":1}"#;

fn config(server: &FaultServer) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url())
        .sleep(RecordingSleep::default())
        .random_source(ScriptedRandom::new(&[0.0]))
        .timeout_config(TimeoutConfig::disabled())
}

fn ok(request_id: &str) -> Action {
    Action::Respond(200, vec![("x-amzn-RequestId".into(), request_id.into())], OK.into())
}

fn unavailable() -> Action {
    Action::json(503, r#"{"__type":"ServiceUnavailable","message":"later"}"#)
}

/// Adds a `traceparent` header before signing.
#[derive(Debug)]
struct TraceHeader(&'static str);

impl Intercept for TraceHeader {
    fn name(&self) -> &str {
        "TraceHeader"
    }

    fn modify_before_signing(&self, context: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        context.request_mut().headers_mut().insert("traceparent", HeaderValue::from_static(self.0));
        Ok(())
    }
}

/// One attempt as seen by [`Metrics`]: its number, status and request id.
type AttemptSeen = (u32, Option<u16>, Option<String>);
/// One call as seen by [`Metrics`]: success, attempts and request id.
type CallSeen = (bool, u32, Option<String>);

/// Counts attempts and records the outcome of each call.
#[derive(Debug, Default, Clone)]
struct Metrics {
    attempts: Arc<Mutex<Vec<AttemptSeen>>>,
    calls: Arc<Mutex<Vec<CallSeen>>>,
}

impl Intercept for Metrics {
    fn read_after_attempt(&self, context: &AfterAttempt<'_>) -> Result<(), BoxError> {
        self.attempts.lock().unwrap().push((
            context.attempt(),
            context.status(),
            context.request_id().map(String::from),
        ));
        Ok(())
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        assert_eq!(context.operation(), "StartThing");
        self.calls.lock().unwrap().push((
            context.is_success(),
            context.attempts(),
            context.request_id().map(String::from),
        ));
        Ok(())
    }
}

/// Records every hook it sees as `name:hook:attempt`.
#[derive(Debug, Clone)]
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn push(&self, hook: &str, attempt: u32) {
        self.log.lock().unwrap().push(format!("{}:{hook}:{attempt}", self.name));
    }
}

impl Intercept for Recorder {
    fn modify_before_signing(&self, context: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        assert!(context.request().headers().get("authorization").is_none(), "not signed yet");
        self.push("modify_before_signing", context.attempt());
        Ok(())
    }

    fn read_before_transmit(&self, context: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        assert!(context.request().headers().get("authorization").is_some(), "signed");
        self.push("read_before_transmit", context.attempt());
        Ok(())
    }

    fn read_after_attempt(&self, context: &AfterAttempt<'_>) -> Result<(), BoxError> {
        self.push("read_after_attempt", context.attempt());
        Ok(())
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        self.push("read_after_execution", context.attempts());
        Ok(())
    }
}

/// Fails in `read_after_attempt`.
#[derive(Debug)]
struct Failing;

impl Intercept for Failing {
    fn read_after_attempt(&self, _: &AfterAttempt<'_>) -> Result<(), BoxError> {
        Err("quota exceeded".into())
    }
}

#[tokio::test]
async fn a_header_added_before_signing_arrives_signed() {
    let server = FaultServer::start(vec![ok("r-1")]).await;
    let handle =
        Handle::new(config(&server).interceptor(TraceHeader("00-abc-01")).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.header("traceparent").as_deref(), Some("00-abc-01"));
    let auth = seen.header("authorization").unwrap();
    let signed = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
    assert!(signed.split(';').any(|h| h == "traceparent"), "{auth}");
}

#[tokio::test]
async fn a_metrics_interceptor_counts_attempts_across_retries() {
    let server = FaultServer::start(vec![unavailable(), unavailable(), ok("r-3")]).await;
    let metrics = Metrics::default();
    let handle = Handle::new(config(&server).interceptor(metrics.clone()).build(), &SERVICE);
    let out = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    assert_eq!(out.arn.as_deref(), Some("a"));
    assert_eq!(
        *metrics.attempts.lock().unwrap(),
        vec![(1, Some(503), None), (2, Some(503), None), (3, Some(200), Some("r-3".to_string()))]
    );
    assert_eq!(*metrics.calls.lock().unwrap(), vec![(true, 3, Some("r-3".to_string()))]);

    // A failed call: the outcome says so.
    let server =
        FaultServer::start(vec![Action::json(400, r#"{"__type":"ThingAlreadyExists"}"#)]).await;
    let metrics = Metrics::default();
    let handle = Handle::new(config(&server).interceptor(metrics.clone()).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    assert_eq!(*metrics.calls.lock().unwrap(), vec![(false, 1, None)]);
}

#[tokio::test]
async fn hooks_run_in_order_config_interceptors_first() {
    let server = FaultServer::start(vec![unavailable(), ok("r")]).await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let first = Recorder { name: "a", log: log.clone() };
    let second = Recorder { name: "b", log: log.clone() };
    let per_call = Recorder { name: "c", log: log.clone() };
    let handle =
        Handle::new(config(&server).interceptor(first).interceptor(second).build(), &SERVICE);
    CustomizableOperation::<StartThing>::new(handle, ThingInput::named("n"))
        .interceptor(per_call)
        .send()
        .await
        .unwrap();
    let expected: Vec<String> = [1, 2]
        .iter()
        .flat_map(|n| {
            ["modify_before_signing", "read_before_transmit", "read_after_attempt"]
                .iter()
                .flat_map(move |hook| ["a", "b", "c"].map(|who| format!("{who}:{hook}:{n}")))
        })
        .chain(["a", "b", "c"].map(|who| format!("{who}:read_after_execution:2")))
        .collect();
    assert_eq!(*log.lock().unwrap(), expected);
}

#[tokio::test]
async fn a_failing_hook_fails_the_call_naming_the_interceptor_without_retrying() {
    let server = FaultServer::start(vec![unavailable(), ok("r")]).await;
    let handle = Handle::new(config(&server).interceptor(Failing).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    assert_eq!(server.seen().len(), 1, "not retried");
    let SdkError::ResponseError(e) = &err else { panic!("expected a response error, got {err:?}") };
    assert_eq!(e.raw().map(|r| r.status()), Some(503));
    let source =
        std::error::Error::source(&err).unwrap().downcast_ref::<InterceptorError>().unwrap();
    assert!(source.interceptor().ends_with("Failing"), "{}", source.interceptor());
    assert_eq!(source.hook(), "read_after_attempt");
    let text = DisplayErrorContext(&err).to_string();
    assert!(
        text.contains(
            "interceptor `customize::Failing` failed in `read_after_attempt`: quota exceeded"
        ),
        "{text}"
    );
}

/// Records, for each attempt and for the call, which kind of `SdkError<ThingError>` the hook
/// was shown (`None`: success, or an error of another type).
#[derive(Debug, Default, Clone)]
struct ErrorKinds(Arc<Mutex<Vec<ErrorSeen>>>);

/// A hook (`attempt` or `execution`) and the kind of error it saw.
type ErrorSeen = (&'static str, Option<&'static str>);

impl ErrorKinds {
    fn push(&self, hook: &'static str, error: Option<&(dyn std::error::Error + 'static)>) {
        let kind = error.and_then(|e| e.downcast_ref::<SdkError<ThingError>>()).map(|e| match e {
            SdkError::ConstructionFailure(_) => "construction",
            SdkError::TimeoutError(_) => "timeout",
            SdkError::DispatchFailure(_) => "dispatch",
            SdkError::ResponseError(_) => "response",
            SdkError::ServiceError(_) => "service",
            _ => "other",
        });
        self.0.lock().unwrap().push((hook, kind));
    }
}

impl Intercept for ErrorKinds {
    fn read_after_attempt(&self, context: &AfterAttempt<'_>) -> Result<(), BoxError> {
        self.push("attempt", context.error());
        Ok(())
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        self.push("execution", context.error());
        Ok(())
    }
}

#[tokio::test]
async fn hooks_see_the_error_the_caller_gets_for_every_kind_of_failure() {
    // A service error, then a connection closed without an answer (dispatch failure), then a
    // success: every failure is shown as the operation's own `SdkError<ThingError>`.
    let server = FaultServer::start(vec![unavailable(), Action::Drop, ok("r")]).await;
    let kinds = ErrorKinds::default();
    let handle = Handle::new(config(&server).interceptor(kinds.clone()).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    assert_eq!(
        *kinds.0.lock().unwrap(),
        vec![
            ("attempt", Some("service")),
            ("attempt", Some("dispatch")),
            ("attempt", None),
            ("execution", None)
        ]
    );

    // A call that cannot be built (no region): only the call's hook runs, and sees why.
    let kinds = ErrorKinds::default();
    let no_region = Config::builder()
        .credentials_provider(test_credentials())
        .interceptor(kinds.clone())
        .build();
    let err = Handle::new(no_region, &SERVICE)
        .call::<StartThing>(ThingInput::named("n"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert_eq!(*kinds.0.lock().unwrap(), vec![("execution", Some("construction"))]);

    // An attempt timeout: the attempt's hook and the call's see the timeout.
    let server = FaultServer::start(vec![Action::Hang]).await;
    let kinds = ErrorKinds::default();
    let timing_out = config(&server)
        .interceptor(kinds.clone())
        .sleep(TokioSleep)
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(TimeoutConfig::disabled().attempt_timeout(Duration::from_millis(50)))
        .build();
    let err = Handle::new(timing_out, &SERVICE)
        .call::<StartThing>(ThingInput::named("n"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert_eq!(
        *kinds.0.lock().unwrap(),
        vec![("attempt", Some("timeout")), ("execution", Some("timeout"))]
    );
}

#[tokio::test]
async fn a_config_override_applies_to_one_call_only() {
    let server = FaultServer::start(vec![unavailable()]).await;
    let other = FaultServer::start(vec![ok("from-other")]).await;
    let handle = Handle::new(config(&server).build(), &SERVICE);

    // The override: one attempt only.
    let err = CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
        .config_override(
            ConfigOverride::new().retry_config(RetryConfig::standard().with_max_attempts(1)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ServiceError(_)));
    assert_eq!(server.seen().len(), 1);
    // The client's own configuration (3 attempts) is untouched.
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    assert_eq!(server.seen().len(), 4);

    // Another endpoint for one call, and an extra (signed) header.
    let out = CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
        .config_override(ConfigOverride::new().endpoint_url(other.url()))
        .mutate_request(|r| {
            r.headers_mut().insert("x-extra", HeaderValue::from_static("yes"));
        })
        .send()
        .await
        .unwrap();
    assert_eq!(out.arn.as_deref(), Some("a"));
    assert_eq!(server.seen().len(), 4);
    let seen = &other.seen()[0];
    assert_eq!(seen.header("x-extra").as_deref(), Some("yes"));
    assert!(seen.header("authorization").unwrap().contains("x-extra"));
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    assert_eq!(server.seen().len(), 7, "the next call goes to the client's endpoint again");
    assert!(server.seen().iter().all(|s| s.header("x-extra").is_none()));

    // Another region: the endpoint is resolved again (and signed for it).
    let connector = MockConnector::new().respond(200, &[], OK).respond(200, &[], OK);
    let handle = Handle::new(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .http_connector(connector.clone())
            .build(),
        &SERVICE,
    );
    CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
        .config_override(ConfigOverride::new().region("eu-west-3"))
        .send()
        .await
        .unwrap();
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    let requests = connector.requests();
    let auth = |i: usize| requests[i].headers()["authorization"].to_str().unwrap().to_string();
    assert!(auth(0).contains("/eu-west-3/"), "{}", auth(0));
    assert_eq!(requests[0].uri().to_string(), "https://states.eu-west-3.amazonaws.com/");
    assert!(auth(1).contains("/us-east-1/"), "{}", auth(1));
    assert_eq!(requests[1].uri().to_string(), "https://states.us-east-1.amazonaws.com/");
}

#[tokio::test]
async fn a_config_builder_works_as_an_override_of_what_it_set() {
    let server = FaultServer::start(vec![unavailable()]).await;
    let other = FaultServer::start(vec![ok("from-other")]).await;
    let handle = Handle::new(config(&server).build(), &SERVICE);

    // As with aws-sdk-sfn: a plain builder, only its setters' settings change.
    let err = CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
        .config_override(
            Config::builder().retry_config(RetryConfig::standard().with_max_attempts(1)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ServiceError(_)));
    assert_eq!(server.seen().len(), 1, "one attempt, not the client's three");
    CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
        .config_override(Config::builder().endpoint_url(other.url()))
        .send()
        .await
        .unwrap();
    assert_eq!((server.seen().len(), other.seen().len()), (1, 1));

    // A setting that cannot change per call is an error naming it, not silently ignored.
    let err = CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
        .config_override(Config::builder().use_fips(true).max_response_body_size(10))
        .send()
        .await
        .unwrap_err();
    let text = DisplayErrorContext(&err).to_string();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{text}");
    assert!(text.contains("`max_response_body_size` cannot be changed for one call"), "{text}");
    assert_eq!(server.seen().len(), 1, "nothing was sent");
}

/// Returns at once, whatever the duration.
#[derive(Debug)]
struct Instant;

impl AsyncSleep for Instant {
    fn sleep(&self, _: Duration) -> Sleep {
        Sleep::new(async {})
    }
}

#[tokio::test]
async fn an_instant_backoff_keeps_real_attempt_timeouts() {
    let server = FaultServer::start(vec![unavailable(), ok("r")]).await;
    let timeouts = TimeoutConfig::disabled().attempt_timeout(Duration::from_secs(5));
    let base = || {
        Config::builder()
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .endpoint_url(server.url())
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_secs(30)))
    };
    // Backoff instant, timeouts on tokio's timer: the 30 s backoff is skipped, the attempts
    // complete under their 5 s timeout.
    let started = std::time::Instant::now();
    let handle = Handle::new(base().sleep(TokioSleep).retry_sleep(Instant).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(server.seen().len(), 2);

    // One instant sleep for both: every attempt times out at once.
    let handle = Handle::new(base().sleep(Instant).build(), &SERVICE);
    let err = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    let SdkError::TimeoutError(t) = err else { panic!("expected a timeout, got {err:?}") };
    assert_eq!(t.kind(), TimeoutKind::Attempt);
}

#[tokio::test]
async fn error_responses_keep_a_bounded_body_and_request_id() {
    let body = format!(
        r#"{{"__type":"ThingAlreadyExists","message":"{}"}}"#,
        "x".repeat(MAX_RAW_BODY_SIZE)
    );
    let small = r#"{"__type":"ThingAlreadyExists","message":"exists"}"#;
    let connector = MockConnector::new()
        .respond(400, &[("x-amzn-RequestId", "req-big")], &body)
        .respond(400, &[], small)
        .respond(200, &[("x-amzn-RequestId", "req-ok")], OK);
    let handle = Handle::new(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .http_connector(connector)
            .build(),
        &SERVICE,
    );
    let err = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status(), 400);
    assert_eq!(raw.body().len(), MAX_RAW_BODY_SIZE);
    assert!(raw.body_truncated());
    assert_eq!(raw.body(), &body.as_bytes()[..MAX_RAW_BODY_SIZE]);
    assert_eq!(err.request_id(), Some("req-big"));
    let debug = format!("{raw:?}");
    assert!(debug.contains("<65536 bytes, truncated>") && !debug.contains("xxxx"), "{debug}");

    let err = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    let SdkError::ServiceError(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.raw().body(), small.as_bytes());
    assert!(!e.raw().body_truncated());
    assert_eq!(err.request_id(), None);

    // Success: the body is not in the raw response (decode errors keep status and headers).
    let connector =
        MockConnector::new().respond(200, &[("x-amzn-RequestId", "req-bad")], "{not json");
    let handle = Handle::new(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .http_connector(connector)
            .build(),
        &SERVICE,
    );
    let err = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)));
    assert!(err.raw_response().unwrap().body().is_empty());
    assert_eq!(err.request_id(), Some("req-bad"));
}

/// Checks that the hook contexts' `Debug` shows no signature, token or body.
#[derive(Debug, Default, Clone)]
struct DebugCheck(Arc<Mutex<Vec<String>>>);

impl Intercept for DebugCheck {
    fn modify_before_signing(&self, context: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        self.0.lock().unwrap().push(format!("{context:?}"));
        Ok(())
    }

    fn read_before_transmit(&self, context: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        self.0.lock().unwrap().push(format!("{context:?}"));
        Ok(())
    }
}

#[tokio::test]
async fn hook_contexts_do_not_debug_print_secrets_or_bodies() {
    let server = FaultServer::start(vec![ok("r")]).await;
    let creds = awsjson_runtime::credentials::Credentials::new(
        "AKIDEXAMPLE",
        "SECRETKEY",
        Some("SESSIONTOKEN".into()),
        None,
        "t",
    );
    let check = DebugCheck::default();
    let handle = Handle::new(
        config(&server).credentials_provider(creds).interceptor(check.clone()).build(),
        &SERVICE,
    );
    handle.call::<StartThing>(ThingInput::named("body-secret")).await.unwrap();
    let printed = check.0.lock().unwrap().clone();
    assert_eq!(printed.len(), 2);
    for p in &printed {
        assert!(p.contains("StartThing") && p.contains(&server.url()), "{p}");
        for secret in ["SESSIONTOKEN", "Signature", "body-secret", "AKIDEXAMPLE"] {
            assert!(!p.contains(secret), "{secret} in {p}");
        }
    }
    // The session token was sent (so the check above is meaningful).
    assert_eq!(server.seen()[0].header("x-amz-security-token").as_deref(), Some("SESSIONTOKEN"));
}

/// Fails in `read_after_execution`.
#[derive(Debug)]
struct FailsAfterCall;

impl Intercept for FailsAfterCall {
    fn name(&self) -> &str {
        "FailsAfterCall"
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        assert!(context.is_success() && context.duration() < Duration::from_secs(60));
        Err("could not record the call".into())
    }
}

#[tokio::test]
async fn a_hook_failing_after_a_successful_call_fails_it() {
    let server = FaultServer::start(vec![ok("r")]).await;
    let handle = Handle::new(config(&server).build(), &SERVICE);
    let err = CustomizableOperation::<StartThing>::new(handle, ThingInput::named("n"))
        .interceptor(FailsAfterCall)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
    assert_eq!(
        DisplayErrorContext(&err).to_string(),
        "invalid response: interceptor `FailsAfterCall` failed in `read_after_execution`: could not record the call"
    );
    assert_eq!(server.seen().len(), 1);
}
