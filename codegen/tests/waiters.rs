//! The waiters generated for the kitchen-sink model's `GetWidget` (`WidgetReady`, `WidgetGone`):
//! every matcher kind and comparator, the delay schedule and the deadline, on a fake clock (no
//! test sleeps), against scripted responses.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use kitchen_sink_client::config::{
    AsyncSleep, ConnectorError, Credentials, HttpConnector, HttpFuture, HttpRequest, HttpResponse,
    RandomSource, RetryConfig, Sleep, TimeSource,
};
use kitchen_sink_client::error::{ProvideErrorMetadata, SdkError};
use kitchen_sink_client::waiters::WaiterError;
use kitchen_sink_client::{Client, Config};

/// A clock that only moves when slept on: every sleep advances it at once and is recorded.
#[derive(Debug, Clone)]
struct FakeClock {
    now: Arc<Mutex<SystemTime>>,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl FakeClock {
    fn new() -> Self {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        FakeClock { now: Arc::new(Mutex::new(start)), sleeps: Arc::default() }
    }

    fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
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

#[derive(Debug)]
struct Fixed(f64);

impl RandomSource for Fixed {
    fn next_f64(&self) -> f64 {
        self.0
    }
}

/// Answers each request with the next scripted `(status, body)`, the last one repeated; records
/// the request bodies and the fake time each request was sent at.
#[derive(Debug, Clone)]
struct Script {
    responses: Arc<Mutex<Vec<(u16, &'static str)>>>,
    sent: Arc<Mutex<Vec<(SystemTime, serde_json::Value)>>>,
    clock: FakeClock,
}

impl HttpConnector for Script {
    fn call(&self, request: HttpRequest, _max: usize) -> HttpFuture {
        let body = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(request.headers()["x-amz-target"], "KitchenSink.GetWidget");
        self.sent.lock().unwrap().push((self.clock.now(), body));
        let mut responses = self.responses.lock().unwrap();
        let (status, body) = if responses.len() > 1 { responses.remove(0) } else { responses[0] };
        let response: Result<HttpResponse, ConnectorError> = Ok(http::Response::builder()
            .status(status)
            .body(bytes::Bytes::from_static(body.as_bytes()))
            .unwrap());
        Box::pin(async move { response })
    }
}

struct Setup {
    client: Client,
    script: Script,
    clock: FakeClock,
}

fn setup(responses: &[(u16, &'static str)], random: f64) -> Setup {
    let clock = FakeClock::new();
    let script = Script {
        responses: Arc::new(Mutex::new(responses.to_vec())),
        sent: Arc::default(),
        clock: clock.clone(),
    };
    let client = Client::from_conf(
        Config::builder()
            .region("us-west-2")
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .endpoint_url("http://localhost:1")
            .http_connector(script.clone())
            .time_source(clock.clone())
            .retry_sleep(clock.clone())
            .random_source(Fixed(random))
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .build(),
    );
    Setup { client, script, clock }
}

impl Setup {
    fn requests(&self) -> usize {
        self.script.sent.lock().unwrap().len()
    }
}

const NOT_FOUND: (u16, &str) =
    (400, r#"{"__type":"example.kitchen#NotFound","message":"not yet"}"#);
const MINUTE: Duration = Duration::from_secs(60);

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[tokio::test]
async fn string_equals_success_after_retries_on_an_error_type_and_on_no_match() {
    let s = setup(
        &[
            NOT_FOUND,
            (200, r#"{"widget":{"name":"pending"}}"#),
            (200, r#"{"widget":{"name":"ready"}}"#),
        ],
        0.5,
    );
    let done = s.client.wait_until_widget_ready().widget_id("w-1").wait(MINUTE).await.unwrap();
    assert_eq!(done.attempts(), 3);
    assert_eq!(done.output().unwrap().widget().unwrap().name(), "ready");
    // Retry 1: [1 s, min(10, 1·2⁰) s]; retry 2: [1, 2] at the middle draw.
    assert_eq!(s.clock.sleeps(), [secs(1.0), secs(1.5)]);
    // Every attempt sends the same input.
    for (_, body) in s.script.sent.lock().unwrap().iter() {
        assert_eq!(body, &serde_json::json!({"widgetId": "w-1"}));
    }
}

#[tokio::test]
async fn any_string_equals_reaches_the_failure_state_with_its_response() {
    let s = setup(&[(200, r#"{"widget":{"name":"x","KMSKeyIDs":["fine","broken"]}}"#)], 0.0);
    let err = s.client.wait_until_widget_ready().widget_id("w-1").wait(MINUTE).await.unwrap_err();
    let poll = err.failure_state().expect("failure state");
    assert_eq!(poll.attempts(), 1);
    assert_eq!(
        poll.output().unwrap().widget().unwrap().kms_key_ids(),
        &[Some("fine".into()), Some("broken".into())]
    );
    assert!(err.to_string().contains("failure state"), "{err}");
}

#[tokio::test]
async fn all_string_equals_needs_every_item_to_be_the_string() {
    let s = setup(
        &[
            (200, r#"{"widget":{"name":"x","KMSKeyIDs":[]}}"#),
            (200, r#"{"widget":{"name":"x","KMSKeyIDs":["done",null]}}"#),
            (200, r#"{"widget":{"name":"x","KMSKeyIDs":["done","other"]}}"#),
            (200, r#"{"widget":{"name":"x","KMSKeyIDs":["done","done"]}}"#),
        ],
        0.0,
    );
    let done = s.client.wait_until_widget_ready().widget_id("w-1").wait(MINUTE).await.unwrap();
    assert_eq!(done.attempts(), 4, "an empty list, a null item and another string do not match");
}

#[tokio::test]
async fn boolean_equals_on_a_function_and_a_comparison() {
    let s = setup(
        &[
            (200, r#"{"widget":{"name":"x","labels":{"a":"1","b":"2"}}}"#),
            (200, r#"{"widget":{"name":"x","labels":{"a":"1","b":"2","c":"3"}}}"#),
        ],
        0.0,
    );
    let err = s.client.wait_until_widget_ready().widget_id("w-1").wait(MINUTE).await.unwrap_err();
    assert_eq!(
        err.failure_state().expect("failure state").attempts(),
        2,
        "two labels: retry; three: failure"
    );
}

#[tokio::test]
async fn input_output_compares_the_input_with_the_output() {
    let s = setup(
        &[
            (200, r#"{"widget":{"name":"x","greeting":"hello"}}"#),
            (200, r#"{"widget":{"name":"x","greeting":"w-7"}}"#),
        ],
        0.0,
    );
    let done = s.client.wait_until_widget_ready().widget_id("w-7").wait(MINUTE).await.unwrap();
    assert_eq!(done.attempts(), 2);
    assert_eq!(done.output().unwrap().widget().unwrap().greeting(), "w-7");
}

#[tokio::test]
async fn an_error_no_acceptor_expects_fails_the_operation() {
    let s = setup(
        &[(200, r#"{}"#), (400, r#"{"__type":"AccessDeniedException","message":"no"}"#)],
        0.0,
    );
    let err = s.client.wait_until_widget_ready().widget_id("w-1").wait(MINUTE).await.unwrap_err();
    match &err {
        WaiterError::OperationFailed(SdkError::ServiceError(e)) => {
            assert_eq!(e.err().meta().code(), Some("AccessDeniedException"));
        }
        other => panic!("expected OperationFailed, got {other:?}"),
    }
    assert_eq!(s.requests(), 2);
}

#[tokio::test]
async fn a_missing_required_member_fails_before_sending() {
    let s = setup(&[(200, "{}")], 0.0);
    let err = s.client.wait_until_widget_ready().wait(MINUTE).await.unwrap_err();
    assert!(matches!(err.operation_error(), Some(SdkError::ConstructionFailure(_))), "{err:?}");
    assert_eq!(s.requests(), 0);
}

#[tokio::test]
async fn success_matchers_and_an_absolute_error_type() {
    // WidgetGone: `success: true` retries, `errorType: example.kitchen#NotFound` succeeds.
    let s = setup(&[(200, r#"{"widget":{"name":"x"}}"#), NOT_FOUND], 0.0);
    let done = s.client.wait_until_widget_gone().widget_id("w-1").wait(MINUTE).await.unwrap();
    assert_eq!(done.attempts(), 2);
    let err = done.as_result().expect_err("the accepted response is the error");
    assert!(err.as_service_error().unwrap().is_not_found());
    // `success: false` turns any other error into the failure state.
    let s = setup(&[(400, r#"{"__type":"AccessDeniedException"}"#)], 0.0);
    let err = s.client.wait_until_widget_gone().widget_id("w-1").wait(MINUTE).await.unwrap_err();
    let poll = err.failure_state().expect("failure state");
    assert!(poll.as_result().is_err());
    // WidgetGone has the specification's default delays: 2 s, then up to 120 s.
    let s = setup(&[(200, r#"{}"#), (200, r#"{}"#), NOT_FOUND], 0.999_999);
    s.client.wait_until_widget_gone().widget_id("w-1").wait(MINUTE).await.unwrap();
    let sleeps = s.clock.sleeps();
    assert_eq!(sleeps[0], secs(2.0));
    assert!(sleeps[1] > secs(3.99) && sleeps[1] < secs(4.0), "{sleeps:?}");
}

#[tokio::test]
async fn the_schedule_never_sleeps_past_the_deadline_and_the_last_attempt_is_at_it() {
    let s = setup(&[(200, r#"{"widget":{"name":"pending"}}"#)], 0.75);
    let start = s.clock.now();
    let err = s
        .client
        .wait_until_widget_ready()
        .widget_id("w-1")
        .wait(Duration::from_secs(10))
        .await
        .unwrap_err();
    let WaiterError::TimedOut(t) = &err else { panic!("expected TimedOut, got {err:?}") };
    // minDelay 1, maxDelay 10, draw 0.75: 1, 1 + 0.75·1, 1 + 0.75·3, then 1 + 0.75·7 = 6.25 cut
    // to the 4 s left (the last retry); the fifth attempt is made at the deadline, then it gives up.
    assert_eq!(s.clock.sleeps(), [secs(1.0), secs(1.75), secs(3.25), secs(4.0)]);
    assert_eq!(t.attempts(), 5);
    assert_eq!(t.max_wait(), Duration::from_secs(10));
    let sent = s.script.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 5);
    assert_eq!(sent[4].0, start + Duration::from_secs(10));
    assert!(err.to_string().contains("WidgetReady") && err.is_timed_out(), "{err}");
    // The delays grow to maxDelay and stay there.
    let s = setup(&[(200, r#"{"widget":{"name":"pending"}}"#)], 0.999_999);
    s.client
        .wait_until_widget_ready()
        .widget_id("w-1")
        .wait(Duration::from_secs(100))
        .await
        .unwrap_err();
    let sleeps = s.clock.sleeps();
    assert!(sleeps.iter().all(|d| *d <= Duration::from_secs(10)), "{sleeps:?}");
    assert!(sleeps[5..sleeps.len() - 1].iter().all(|d| *d > secs(9.99)), "{sleeps:?}");
    assert_eq!(sleeps.iter().sum::<Duration>(), Duration::from_secs(100));
}

#[tokio::test]
async fn the_last_retry_is_stretched_to_the_deadline_rather_than_made_just_before_it() {
    let s = setup(&[(200, r#"{"widget":{"name":"pending"}}"#)], 0.75);
    let start = s.clock.now();
    let err = s
        .client
        .wait_until_widget_ready()
        .widget_id("w-1")
        .wait(Duration::from_secs_f64(6.5))
        .await
        .unwrap_err();
    let WaiterError::TimedOut(t) = &err else { panic!("expected TimedOut, got {err:?}") };
    // minDelay 1, draw 0.75: 1, 1.75, then 3.25 with 3.75 left, which would leave 0.5 (at most
    // minDelay): the specification's `delay = remainingTime`, one last retry at the deadline.
    // (Sleeping 3.25 and then the 0.5 left would poll twice within half a second.)
    assert_eq!(s.clock.sleeps(), [secs(1.0), secs(1.75), secs(3.75)]);
    assert_eq!(t.attempts(), 4);
    let sent: Vec<Duration> = s
        .script
        .sent
        .lock()
        .unwrap()
        .iter()
        .map(|(at, _)| at.duration_since(start).unwrap())
        .collect();
    assert_eq!(sent, [secs(0.0), secs(1.0), secs(2.75), secs(6.5)]);
    // Attempts are never closer than minDelay (1 s) when time allows it.
    let s = setup(&[(200, r#"{"widget":{"name":"pending"}}"#)], 0.3);
    s.client
        .wait_until_widget_ready()
        .widget_id("w-1")
        .wait(Duration::from_secs(60))
        .await
        .unwrap_err();
    let sleeps = s.clock.sleeps();
    assert!(sleeps.iter().all(|d| *d >= secs(1.0)), "{sleeps:?}");
    assert_eq!(sleeps.iter().sum::<Duration>(), Duration::from_secs(60));
}

#[tokio::test]
async fn a_zero_max_wait_makes_one_attempt() {
    let s = setup(&[(200, r#"{"widget":{"name":"pending"}}"#)], 0.0);
    let err =
        s.client.wait_until_widget_ready().widget_id("w-1").wait(Duration::ZERO).await.unwrap_err();
    assert!(err.is_timed_out());
    assert_eq!(s.requests(), 1);
    assert!(s.clock.sleeps().is_empty());
}

/// Every waiter of the AWS models in `AWS_MODELS_DIR` (default: `shared/models/aws` next to the
/// repository; missing models fail the test): each `@waitable` operation of a service that
/// generates has all its waiters in the IR, every path parsed and checked against the output;
/// each generates its `wait_until_*` method. Counts the waiters and the models carrying them.
#[test]
fn every_waiter_of_the_shared_aws_models_is_generated() {
    use codegen::emit::crate_files::CrateInfo;
    use codegen::generate::{generate, pick_service, Options};
    use codegen::model::Model;
    let dir = match std::env::var_os("AWS_MODELS_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models/aws"),
    };
    assert!(dir.is_dir(), "the AWS models are not at {}: set AWS_MODELS_DIR", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|x| x == "json"));
    files.sort();
    let partitions = xtask_inputs::pinned_partitions().unwrap_or_else(|e| panic!("{e}"));
    let (mut models, mut waiters, mut generated) = (0, 0, Vec::new());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("smithy.waiters#waitable") {
            continue;
        }
        let model = Model::from_json(&text, &path.display().to_string()).unwrap();
        let expected: Vec<String> = model
            .shapes
            .values()
            .filter_map(|s| s.traits().get("smithy.waiters#waitable"))
            .flat_map(|w| w.as_object().unwrap().keys().cloned())
            .map(|name| format!("wait_until_{}", codegen::naming::function_name(&name)))
            .collect();
        let service = pick_service(&model, None).unwrap();
        let options = Options {
            service: Some(service),
            crate_info: CrateInfo {
                package_name: "waiter-check".into(),
                version: "0.0.0".into(),
                runtime_path: "../runtime".into(),
                publish: false,
            },
            model_source: Default::default(),
            partitions: Some(partitions.clone()),
            additions: None,
        };
        match generate(&model, &options) {
            Ok(out) => {
                let waiters_rs = &out["src/waiters.rs"];
                for f in &expected {
                    assert!(
                        waiters_rs.contains(&format!("pub fn {f}(")),
                        "{}: no `{f}`",
                        path.display()
                    );
                }
                generated.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
            Err(e) => panic!("{} does not generate: {e}", path.display()),
        }
        models += 1;
        waiters += expected.len();
    }
    assert_eq!((models, waiters), (17, 66), "models with waiters, waiters");
    // Every model with waiters generates (issue 14: all shared models do), with all its waiters.
    assert_eq!(generated.len(), models, "{generated:?}");
}

/// An overlay only adds traits, and names what is wrong with it.
#[test]
fn overlays_add_traits_and_refuse_anything_else() {
    use codegen::model::Model;
    let base = r#"{"smithy":"2.0","shapes":{"a.b#Op":{"type":"operation"},
        "a.b#S":{"type":"structure","members":{"m":{"target":"smithy.api#String"}}}}}"#;
    let apply = |overlay: &str| {
        Model::from_json(base, "base").unwrap().apply_overlay(overlay, "ov.json").map(|_| ())
    };
    let mut m = Model::from_json(base, "base").unwrap();
    m.apply_overlay(
        r#"{"smithy":"2.0","shapes":{"a.b#Op":{"type":"apply","traits":{"x.y#t":{}}},
            "a.b#S$m":{"type":"apply","traits":{"x.y#u":1}}}}"#,
        "ov.json",
    )
    .unwrap();
    assert!(m.shapes[&codegen::model::ShapeId::new("a.b#Op")].traits().contains_key("x.y#t"));
    let err = apply(r#"{"smithy":"2.0","shapes":{"a.b#New":{"type":"structure","members":{}}}}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("ov.json: `a.b#New`: an overlay may only hold `apply` statements"),
        "{err}"
    );
    let err =
        apply(r#"{"smithy":"2.0","shapes":{"a.b#Gone":{"type":"apply","traits":{"x.y#t":{}}}}}"#)
            .unwrap_err();
    assert!(
        err.to_string().contains("a.b#Gone: `apply` names a shape that is not in the model"),
        "{err}"
    );
    let twice = r#"{"smithy":"2.0","shapes":{"a.b#Op":{"type":"apply","traits":{"x.y#t":{}}}}}"#;
    let mut m = Model::from_json(base, "base").unwrap();
    m.apply_overlay(twice, "ov.json").unwrap();
    let err = m.apply_overlay(twice, "ov.json").unwrap_err();
    assert!(err.to_string().contains("already has the trait `x.y#t` in the model"), "{err}");
}

/// A waiter the generator cannot use is an error naming the operation and the waiter.
#[test]
fn bad_waiters_are_errors_naming_the_operation() {
    use codegen::emit::crate_files::CrateInfo;
    use codegen::generate::{generate, Options};
    use codegen::model::Model;
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kitchen-sink/model.json"),
    )
    .unwrap();
    let options = Options {
        service: None,
        crate_info: CrateInfo {
            package_name: "x".into(),
            version: "0.0.0".into(),
            runtime_path: "r".into(),
            publish: false,
        },
        model_source: Default::default(),
        partitions: None,
        additions: None,
    };
    for (waiter, want) in [
        (r#"{"W":{"acceptors":[]}}"#, "waiter `W`: a waiter needs at least one acceptor"),
        (r#"{"w":{"acceptors":[{"state":"success","matcher":{"success":true}}]}}"#, "PascalCase"),
        (
            r#"{"W":{"minDelay":5,"maxDelay":2,"acceptors":[{"state":"success","matcher":{"success":true}}]}}"#,
            "minDelay (5) is greater than maxDelay (2)",
        ),
        (
            r#"{"W":{"acceptors":[{"state":"done","matcher":{"success":true}}]}}"#,
            "unknown state `done`",
        ),
        (
            r#"{"W":{"acceptors":[{"state":"success","matcher":{"output":{"path":"widget.","expected":"x","comparator":"stringEquals"}}}]}}"#,
            "path `widget.`: expected an identifier",
        ),
        (
            r#"{"W":{"acceptors":[{"state":"success","matcher":{"output":{"path":"nope.name","expected":"x","comparator":"stringEquals"}}}]}}"#,
            "`nope` is not a member of example.kitchen#GetWidgetOutput",
        ),
        (
            r#"{"W":{"acceptors":[{"state":"success","matcher":{"output":{"path":"widget","expected":"yes","comparator":"booleanEquals"}}}]}}"#,
            "`booleanEquals` expects `true` or `false`",
        ),
        (
            r#"{"W":{"acceptors":[{"state":"success","matcher":{"output":{"path":"widget","expected":"x","comparator":"startsWith"}}}]}}"#,
            "unknown comparator `startsWith`",
        ),
        (
            r#"{"W":{"acceptors":[{"state":"success","matcher":{"inputOutput":{"path":"widget","expected":"x","comparator":"stringEquals"}}}]}}"#,
            "`widget` is not `input` or `output`",
        ),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["shapes"]["example.kitchen#GetWidget"]["traits"]["smithy.waiters#waitable"] =
            serde_json::from_str(waiter).unwrap();
        let model = Model::from_json(&v.to_string(), "test").unwrap();
        let err = generate(&model, &options).unwrap_err().to_string();
        assert!(
            err.contains("example.kitchen#GetWidget: `@waitable`") && err.contains(want),
            "{waiter}: {err}"
        );
    }
}
