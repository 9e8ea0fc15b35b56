//! Every type of a public signature of the client, its configuration, errors, paginators and
//! interceptors is reachable through `sfn_client` alone, under the module an `aws-sdk-sfn` user
//! looks in; each is used here (this file names no runtime crate). Calls go to a scripted
//! connector or to a loopback server.
//!
//! The runtime's own surface is deliberate too: every public module of it is either API (what the
//! generated crate re-exports) or `#[doc(hidden)]` (for generated code only), and the lists below
//! say which (`the_runtime_surface_is_deliberate`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use sfn_client::client::customize::CustomizableOperation;
use sfn_client::config::interceptors::{
    AfterAttempt, AfterExecution, BeforeSigning, BeforeTransmit, InterceptorError,
};
use sfn_client::config::retry::RetryConfig;
use sfn_client::config::timeout::TimeoutConfig;
use sfn_client::config::{
    AsyncSleep, Builder, ConfigOverride, ConnectorError, ConnectorErrorKind, Credentials, Env,
    FastRandom, HttpConnector, HttpFuture, HttpRequest, HttpResponse, IdempotencyTokenProvider,
    Intercept, ProvideCredentials, RandomSource, Region, SharedCredentialsProvider,
    SharedHttpConnector, SharedInterceptor, Sleep, StaticTimeSource, SystemTimeSource, TimeSource,
    TokioSleep,
};
use sfn_client::error::{
    BoxError, BuildError, ConstructionFailure, DeserializeError, DispatchFailure,
    DisplayErrorContext, ErrorMetadata, ProvideErrorMetadata, RawResponse, ResponseError, SdkError,
    ServiceError, TimeoutError, TimeoutKind, Unhandled, MAX_RAW_BODY_SIZE,
};
use sfn_client::operation::describe_execution::{
    DescribeExecution, DescribeExecutionError, DescribeExecutionInput,
};
use sfn_client::operation::list_executions::ListExecutions;
use sfn_client::operation::RequestId;
use sfn_client::pagination::{ItemStream, PageStream, RepeatedToken};
use sfn_client::primitives::DateTime;
use sfn_client::types::ExecutionListItem;
use sfn_client::{Client, Config};

const DESCRIBED: &str = r#"{"executionArn":"arn:e","stateMachineArn":"arn:sm","status":"RUNNING","startDate":1700000000}"#;

/// Answers with scripted results in turn (then hangs) and keeps the requests.
#[derive(Debug, Clone, Default)]
struct Scripted {
    replies: Arc<Mutex<VecDeque<Result<HttpResponse, ConnectorError>>>>,
    requests: Arc<Mutex<Vec<HttpRequest>>>,
}

impl Scripted {
    fn reply(self, status: u16, request_id: Option<&str>, body: &str) -> Self {
        let mut b = http::Response::builder().status(status);
        if let Some(id) = request_id {
            b = b.header("x-amzn-RequestId", id);
        }
        self.replies.lock().unwrap().push_back(Ok(b.body(Bytes::from(body.to_string())).unwrap()));
        self
    }

    fn fail(self, e: ConnectorError) -> Self {
        self.replies.lock().unwrap().push_back(Err(e));
        self
    }

    fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl HttpConnector for Scripted {
    fn call(&self, request: HttpRequest, _max_body: usize) -> HttpFuture {
        self.requests.lock().unwrap().push(request);
        match self.replies.lock().unwrap().pop_front() {
            Some(reply) => Box::pin(async move { reply }),
            None => Box::pin(std::future::pending()),
        }
    }
}

/// Records the delays it is asked for and returns at once.
#[derive(Debug, Clone, Default)]
struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

impl AsyncSleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.0.lock().unwrap().push(duration);
        Sleep::new(async {})
    }
}

/// Always 0.5 (the backoff is half its ceiling).
#[derive(Debug)]
struct Half;

impl RandomSource for Half {
    fn next_f64(&self) -> f64 {
        0.5
    }
}

fn credentials() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(Credentials::new(
        "AKIDEXAMPLE",
        "SECRETEXAMPLE",
        None,
        None,
        "test",
    ))
}

fn builder(connector: &Scripted) -> Builder {
    let mut b = Config::builder()
        .region(Region::new("us-east-1"))
        .http_connector(SharedHttpConnector::new(connector.clone()))
        .sleep(TokioSleep)
        .random_source(FastRandom)
        .time_source(SystemTimeSource)
        .timeout_config(TimeoutConfig::new().attempt_timeout(Duration::from_secs(5)));
    b.set_credentials_provider(Some(credentials()));
    b
}

fn describe(client: &Client) -> CustomizableOperation<DescribeExecution> {
    client.describe_execution().execution_arn("arn:e").customize()
}

#[tokio::test]
async fn a_fixed_clock_token_and_custom_backoff_sleep_through_sfn_client() {
    let connector = Scripted::default()
        .reply(503, None, r#"{"__type":"ServiceUnavailable"}"#)
        .reply(200, Some("req-redrive"), r#"{"redriveDate":1700000000}"#);
    let backoff = RecordingSleep::default();
    let clock: StaticTimeSource = StaticTimeSource::from_secs(1_700_000_000);
    assert_eq!(clock.now(), std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let config = builder(&connector)
        .time_source(clock)
        .idempotency_token_provider(IdempotencyTokenProvider::fixed("token-1"))
        .retry_sleep(backoff.clone())
        .random_source(Half)
        .build();
    let client = Client::from_conf(config);
    let out = client.redrive_execution().execution_arn("arn:e").send().await.unwrap();
    assert_eq!(out.redrive_date(), DateTime::from_secs(1_700_000_000).unwrap());
    assert_eq!(out.request_id(), Some("req-redrive"));
    // One retry, one backoff of half the first ceiling (1 s by default); timeouts untouched.
    assert_eq!(*backoff.0.lock().unwrap(), vec![Duration::from_millis(500)]);
    let requests = connector.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.headers()["x-amz-date"], "20231114T221320Z");
        let body: serde_json::Value = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(body["clientToken"], "token-1");
    }
}

/// Adds a header before signing and counts attempts and calls.
#[derive(Debug, Default)]
struct Counting {
    attempts: Mutex<u32>,
    calls: Mutex<Vec<(bool, u32)>>,
    transmitted: Mutex<Vec<String>>,
}

impl Intercept for Counting {
    fn name(&self) -> &str {
        "Counting"
    }

    fn modify_before_signing(&self, context: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        let value = format!("attempt-{}", context.attempt());
        context.request_mut().headers_mut().insert("x-trace", value.parse()?);
        Ok(())
    }

    fn read_before_transmit(&self, context: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        let trace = context.request().headers()["x-trace"].to_str()?;
        self.transmitted.lock().unwrap().push(trace.to_string());
        Ok(())
    }

    fn read_after_attempt(&self, context: &AfterAttempt<'_>) -> Result<(), BoxError> {
        assert_eq!(context.operation(), "DescribeExecution");
        *self.attempts.lock().unwrap() += 1;
        Ok(())
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        self.calls.lock().unwrap().push((context.is_success(), context.attempts()));
        Ok(())
    }
}

/// Refuses every request.
#[derive(Debug)]
struct Refuse;

impl Intercept for Refuse {
    fn modify_before_signing(&self, _: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        Err("not allowed".into())
    }
}

#[tokio::test]
async fn customize_overrides_mutates_and_intercepts_one_call() {
    let connector = Scripted::default()
        .reply(500, None, "")
        .reply(200, Some("req-1"), DESCRIBED)
        .reply(500, Some("req-2"), "");
    let counting = Arc::new(Counting::default());
    let shared = SharedInterceptor::new(ArcIntercept(counting.clone()));
    let mut config = builder(&connector).retry_sleep(RecordingSleep::default());
    config.push_interceptor(shared);
    let client = Client::from_conf(config.build());

    let out = describe(&client)
        .mutate_request(|r| {
            r.headers_mut().insert("x-extra", "1".parse().unwrap());
        })
        .send()
        .await
        .unwrap();
    assert_eq!(out.request_id(), Some("req-1"));
    assert_eq!(*counting.transmitted.lock().unwrap(), ["attempt-1", "attempt-2"]);
    let requests = connector.requests();
    let signed = requests[1].headers()["authorization"].to_str().unwrap().to_string();
    assert!(signed.contains("x-extra") && signed.contains("x-trace"), "{signed}");

    // An override of one call: no retries.
    let err = describe(&client)
        .config_override(ConfigOverride::new().retry_config(RetryConfig::disabled()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("req-2"));
    assert_eq!(connector.requests().len(), 3);
    assert_eq!(*counting.attempts.lock().unwrap(), 3);
    assert_eq!(*counting.calls.lock().unwrap(), [(true, 2), (false, 1)]);

    // A hook that fails: the call fails, naming it.
    let err = describe(&client).interceptor(Refuse).send().await.unwrap_err();
    let SdkError::ConstructionFailure(_) = &err else { panic!("{err:?}") };
    let source = std::error::Error::source(&err).unwrap();
    let e: &InterceptorError = source.downcast_ref().unwrap();
    assert_eq!((e.hook(), e.interceptor().ends_with("Refuse")), ("modify_before_signing", true));
    assert_eq!(connector.requests().len(), 3, "nothing sent");
}

/// An `Arc` of an interceptor is an interceptor (to read its counters afterwards).
#[derive(Debug)]
struct ArcIntercept(Arc<Counting>);

impl Intercept for ArcIntercept {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn modify_before_signing(&self, c: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        self.0.modify_before_signing(c)
    }
    fn read_before_transmit(&self, c: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        self.0.read_before_transmit(c)
    }
    fn read_after_attempt(&self, c: &AfterAttempt<'_>) -> Result<(), BoxError> {
        self.0.read_after_attempt(c)
    }
    fn read_after_execution(&self, c: &AfterExecution<'_>) -> Result<(), BoxError> {
        self.0.read_after_execution(c)
    }
}

#[tokio::test]
async fn every_error_type_is_matched_through_sfn_client() {
    let big = format!(
        r#"{{"__type":"ExecutionDoesNotExist","message":"{}"}}"#,
        "m".repeat(MAX_RAW_BODY_SIZE)
    );
    let connector = Scripted::default()
        .fail(ConnectorError::io("connection refused"))
        .reply(200, Some("req-bad"), "{oops")
        .reply(400, Some("req-404"), &big)
        .reply(400, Some("req-odd"), r#"{"__type":"SomethingNew","message":"new"}"#);
    let config = builder(&connector)
        .retry_config(RetryConfig::disabled())
        .timeout_config(TimeoutConfig::disabled().attempt_timeout(Duration::from_millis(200)))
        .build();
    let client = Client::from_conf(config);

    // Invalid input: a construction failure whose source is the BuildError.
    let err = client.describe_execution().send().await.unwrap_err();
    let SdkError::ConstructionFailure(failure) = &err else { panic!("{err:?}") };
    let _: &ConstructionFailure = failure;
    let build: &BuildError = std::error::Error::source(&err).unwrap().downcast_ref().unwrap();
    assert_eq!(build.member(), "executionArn");

    let err = describe(&client).send().await.unwrap_err();
    let SdkError::DispatchFailure(d) = &err else { panic!("{err:?}") };
    let _: &DispatchFailure = d;
    assert_eq!(d.connector_error().kind(), ConnectorErrorKind::Io);
    assert_eq!(
        DisplayErrorContext(&err).to_string(),
        "failed to send request: I/O error: connection refused"
    );

    let err = describe(&client).send().await.unwrap_err();
    let SdkError::ResponseError(r) = &err else { panic!("{err:?}") };
    let r: &ResponseError = r;
    let raw: &RawResponse = r.raw().unwrap();
    assert_eq!((raw.status(), raw.body()), (200, &b""[..]), "a success body is not kept");
    let malformed: &DeserializeError =
        std::error::Error::source(&err).unwrap().downcast_ref().unwrap();
    assert!(!malformed.message().is_empty(), "{malformed}");
    assert_eq!(err.request_id(), Some("req-bad"));

    let err = describe(&client).send().await.unwrap_err();
    let SdkError::ServiceError(s) = &err else { panic!("{err:?}") };
    let s: &ServiceError<DescribeExecutionError> = s;
    assert!(matches!(s.err(), DescribeExecutionError::ExecutionDoesNotExist(_)));
    assert_eq!((s.raw().body().len(), s.raw().body_truncated()), (MAX_RAW_BODY_SIZE, true));
    assert_eq!(err.code(), Some("ExecutionDoesNotExist"));
    assert_eq!(err.request_id(), Some("req-404"));
    let service_error = err.into_service_error();
    assert_eq!(service_error.request_id(), Some("req-404"));
    let any: sfn_client::Error = service_error.into();
    assert_eq!(any.request_id(), Some("req-404"));
    assert!(matches!(any, sfn_client::Error::ExecutionDoesNotExist(_)));

    let err = describe(&client).send().await.unwrap_err();
    let DescribeExecutionError::Unhandled(u) = err.into_service_error() else {
        panic!("expected unhandled")
    };
    let u: &Unhandled = &u;
    let meta: &ErrorMetadata = u.meta();
    assert_eq!((meta.code(), u.request_id()), (Some("SomethingNew"), Some("req-odd")));

    // The connector now hangs: the attempt timeout expires.
    let err = describe(&client).send().await.unwrap_err();
    let SdkError::TimeoutError(t) = &err else { panic!("{err:?}") };
    let t: &TimeoutError = t;
    assert_eq!((t.kind(), t.after()), (TimeoutKind::Attempt, Duration::from_millis(200)));
}

#[tokio::test]
async fn paginators_and_the_environment_through_sfn_client() {
    let page = |token: Option<&str>| {
        let token = token.map(|t| format!(r#","nextToken":"{t}""#)).unwrap_or_default();
        format!(
            r#"{{"executions":[{{"executionArn":"arn:e","stateMachineArn":"arn:sm","name":"n","status":"RUNNING","startDate":1}}]{token}}}"#
        )
    };
    let connector = Scripted::default()
        .reply(200, None, &page(Some("t1")))
        .reply(200, None, &page(None))
        .reply(200, None, &page(Some("t1")))
        .reply(200, None, &page(Some("t1")));
    let home = std::env::temp_dir().join(format!("sfn-public-api-{}", std::process::id()));
    let env = Env::from_vars([
        ("HOME", home.to_string_lossy().into_owned()),
        ("AWS_REGION", "eu-west-1".to_string()),
        ("AWS_ACCESS_KEY_ID", "AKIDENV".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "SECRETENV".to_string()),
    ]);
    let config = Builder::from_env_with(env).http_connector(connector.clone()).build();
    assert_eq!(config.region().map(Region::as_str), Some("eu-west-1"));
    let from_env = config.credentials_provider().unwrap().provide_credentials().await.unwrap();
    assert_eq!(from_env.access_key_id(), "AKIDENV");
    let client = Client::from_conf(config);

    let items: ItemStream<ListExecutions, ExecutionListItem> =
        client.list_executions().state_machine_arn("arn:sm").into_paginator().items().send();
    let all: Vec<ExecutionListItem> = items.try_collect().await.unwrap();
    assert_eq!(all.len(), 2);

    let mut pages: PageStream<ListExecutions> =
        client.list_executions().state_machine_arn("arn:sm").into_paginator().send();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok());
    let err = pages.next().await.unwrap().unwrap_err();
    let repeated: &RepeatedToken = std::error::Error::source(&err).unwrap().downcast_ref().unwrap();
    assert_eq!(repeated.token(), "t1");
}

#[tokio::test]
async fn send_with_over_the_default_connector() {
    let server = sfn_tests::loopback::Server::start(|_| async {
        (
            200,
            vec![("x-amzn-RequestId".to_string(), "req-loopback".to_string())],
            DESCRIBED.as_bytes().to_vec(),
        )
    })
    .await;
    let mut config = Config::builder().region("us-east-1").endpoint_url(&server.url);
    config.set_credentials_provider(Some(credentials()));
    let client = Client::from_conf(config.build());
    let out =
        DescribeExecutionInput::builder().execution_arn("arn:e").send_with(&client).await.unwrap();
    assert_eq!(out.execution_arn(), "arn:e");
    assert_eq!(out.request_id(), Some("req-loopback"));
}

/// Issue 13, point 2: a structure whose `@required` members all have a `@default` builds
/// infallibly (the missing counts are the defaults), so `build()` returns the value itself.
#[test]
fn builders_of_fully_defaulted_structures_cannot_fail() {
    let counts: sfn_client::types::MapRunExecutionCounts =
        sfn_client::types::MapRunExecutionCounts::builder().running(3).build();
    assert_eq!((counts.running(), counts.pending(), counts.total()), (3, 0, 0));
    let items: sfn_client::types::MapRunItemCounts =
        sfn_client::types::MapRunItemCounts::builder().build();
    assert_eq!(items.succeeded(), 0);
}

/// The runtime's modules users reach through the generated crate (documented API).
const RUNTIME_API_MODULES: &[&str] = &[
    "client",
    "clock",
    "config",
    "credentials",
    "endpoint",
    "env",
    "error",
    "http",
    "interceptor",
    "operation",
    "paginator",
    "profile",
    "region",
    "retry",
    "types",
    "test_util",
    "waiter",
];
/// The runtime's modules only generated code and this repository's tests call (`#[doc(hidden)]`).
const RUNTIME_HIDDEN_MODULES: &[&str] =
    &["error_shape", "json", "protocol", "protocol_test", "service", "sign"];

/// The `pub mod`s of a Rust source file, each with whether `#[doc(hidden)]` is among the
/// attributes right above it.
fn pub_mods(source: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut hidden = false;
    for line in source.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("pub mod ").and_then(|r| r.strip_suffix(';')) {
            out.push((name.to_string(), hidden));
        }
        if line.starts_with("#[") {
            hidden |= line == "#[doc(hidden)]";
        } else if !line.starts_with("///") && !line.starts_with("//") {
            hidden = false;
        }
    }
    out
}

#[test]
fn the_runtime_surface_is_deliberate() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let lib = std::fs::read_to_string(root.join("codegen/runtime/src/lib.rs")).unwrap();
    let mods = pub_mods(&lib);
    let names = |hidden: bool| -> Vec<&str> {
        let mut v: Vec<&str> =
            mods.iter().filter(|(_, h)| *h == hidden).map(|(n, _)| n.as_str()).collect();
        v.sort_unstable();
        v
    };
    let sorted = |list: &[&'static str]| -> Vec<&'static str> {
        let mut v = list.to_vec();
        v.sort_unstable();
        v
    };
    assert_eq!(
        names(false),
        sorted(RUNTIME_API_MODULES),
        "a public runtime module is API or #[doc(hidden)]"
    );
    assert_eq!(names(true), sorted(RUNTIME_HIDDEN_MODULES));

    // In `endpoint`, the rules engine is for generated rule sets only, and its library functions
    // are public only with the `fuzzing` feature.
    let endpoint = std::fs::read_to_string(root.join("codegen/runtime/src/endpoint.rs")).unwrap();
    let endpoint_mods = pub_mods(&endpoint);
    assert!(endpoint_mods.iter().all(|(_, hidden)| *hidden), "{endpoint_mods:?}");
    assert!(
        endpoint.contains("#[cfg(not(feature = \"fuzzing\"))]\nmod functions;"),
        "endpoint::functions is private"
    );

    // The generated crate's docs and this file reach the runtime only through `sfn_client`.
    let runtime_crate = ["awsjson", "_runtime"].concat();
    let this = std::fs::read_to_string(root.join("tests/tests/public_api.rs")).unwrap();
    let docs = std::fs::read_to_string(root.join("generated/src/lib.rs")).unwrap();
    let doc_lines = docs
        .lines()
        .filter(|l| l.trim_start().starts_with("//!") || l.trim_start().starts_with("///"));
    for line in this.lines().chain(doc_lines) {
        assert!(!line.contains(&runtime_crate), "names the runtime crate: {line}");
    }
}
