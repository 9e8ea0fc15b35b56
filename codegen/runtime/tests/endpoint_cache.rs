//! The lean call path. The client resolves its endpoint once: calls that keep the client's
//! endpoint parameters reuse it, calls whose override changes one resolve their own, a configured
//! resolver is asked every call, and failures are not kept. Every attempt sends the same request,
//! sharing one body.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use awsjson_runtime::client::{CustomizableOperation, Handle};
use awsjson_runtime::config::{Config, ConfigBuilder, ConfigOverride};
use awsjson_runtime::endpoint::{Endpoint, EndpointError, EndpointParams, ResolveEndpoint};
use awsjson_runtime::error::BuildError;
use awsjson_runtime::operation::Operation;
use awsjson_runtime::service::ServiceMeta;
use common::*;

const OK: &str = r#"{"arn":"a"}"#;

/// [`TestResolver`] that counts its evaluations.
#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl Counting {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl ResolveEndpoint for Counting {
    fn resolve_endpoint(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        TestResolver.resolve_endpoint(params)
    }
}

impl ResolveEndpoint for &'static Counting {
    fn resolve_endpoint(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError> {
        (**self).resolve_endpoint(params)
    }
}

/// A service like [`SERVICE`] whose rules count their evaluations.
fn counted_service() -> (&'static ServiceMeta, &'static Counting) {
    let counting: &'static Counting = Box::leak(Box::default());
    let service = Box::leak(Box::new(ServiceMeta { endpoint_resolver: counting, ..SERVICE }));
    (service, counting)
}

fn builder(connector: &MockConnector) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .http_connector(connector.clone())
}

fn connector(responses: usize) -> MockConnector {
    (0..responses).fold(MockConnector::new(), |c, _| c.respond(200, &[], OK))
}

/// The URIs and `Host` headers the connector was sent.
fn sent(connector: &MockConnector) -> Vec<(String, String)> {
    connector
        .requests()
        .iter()
        .map(|r| (r.uri().to_string(), r.headers()["host"].to_str().unwrap().to_string()))
        .collect()
}

fn call(handle: &Handle) -> CustomizableOperation<StartThing> {
    CustomizableOperation::<StartThing>::new(handle.clone(), ThingInput::named("n"))
}

#[tokio::test]
async fn the_rules_are_evaluated_once_across_calls() {
    let (service, counting) = counted_service();
    let connector = connector(5);
    let handle = Handle::new(builder(&connector).build(), service);
    for _ in 0..5 {
        handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    }
    assert_eq!(counting.count(), 1);
    let us_east = (
        "https://states.us-east-1.amazonaws.com/".to_string(),
        "states.us-east-1.amazonaws.com".to_string(),
    );
    assert_eq!(sent(&connector), vec![us_east; 5]);
    // Clones of the handle share it (the connector has no response left: the call fails after
    // sending).
    let _ = handle.clone().call::<StartThing>(ThingInput::named("n")).await;
    assert_eq!(counting.count(), 1);
}

#[tokio::test]
async fn a_per_call_region_or_endpoint_url_goes_to_its_own_endpoint_around_cached_calls() {
    let (service, counting) = counted_service();
    let connector = connector(6);
    let handle = Handle::new(builder(&connector).build(), service);
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    call(&handle).config_override(ConfigOverride::new().region("eu-west-1")).send().await.unwrap();
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    call(&handle)
        .config_override(ConfigOverride::new().endpoint_url("http://127.0.0.1:4566"))
        .send()
        .await
        .unwrap();
    // An override that keeps the endpoint parameters uses the client's endpoint.
    call(&handle).config_override(ConfigOverride::new().region("us-east-1")).send().await.unwrap();
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    let hosts: Vec<String> = sent(&connector).into_iter().map(|(uri, _)| uri).collect();
    assert_eq!(
        hosts,
        [
            "https://states.us-east-1.amazonaws.com/",
            "https://states.eu-west-1.amazonaws.com/",
            "https://states.us-east-1.amazonaws.com/",
            "http://127.0.0.1:4566/",
            "https://states.us-east-1.amazonaws.com/",
            "https://states.us-east-1.amazonaws.com/",
        ]
    );
    // Once for the client, once per override that changes a parameter.
    assert_eq!(counting.count(), 3);
    // The signature follows the region of the call.
    let auth =
        |i: usize| connector.requests()[i].headers()["authorization"].to_str().unwrap().to_string();
    assert!(auth(1).contains("/eu-west-1/states/aws4_request"), "{}", auth(1));
    assert!(auth(2).contains("/us-east-1/states/aws4_request"), "{}", auth(2));
}

#[tokio::test]
async fn an_override_before_the_first_plain_call_does_not_become_the_clients_endpoint() {
    let (service, counting) = counted_service();
    let connector = connector(3);
    let handle =
        Handle::new(builder(&connector).endpoint_url("http://localhost:8083").build(), service);
    call(&handle)
        .config_override(ConfigOverride::new().endpoint_url("http://127.0.0.1:1"))
        .send()
        .await
        .unwrap();
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    let hosts: Vec<String> = sent(&connector).into_iter().map(|(uri, _)| uri).collect();
    assert_eq!(hosts, ["http://127.0.0.1:1/", "http://localhost:8083/", "http://localhost:8083/"]);
    assert_eq!(counting.count(), 2);
}

#[tokio::test]
async fn host_prefixes_apply_per_operation_to_the_cached_endpoint() {
    let (service, counting) = counted_service();
    let connector = connector(3);
    let handle = Handle::new(
        builder(&connector).endpoint_url("http://localhost:5000/base").build(),
        service,
    );
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    handle.call::<SyncThing>(ThingInput::named("n")).await.unwrap();
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    assert_eq!(
        sent(&connector),
        [
            ("http://localhost:5000/base/".to_string(), "localhost:5000".to_string()),
            ("http://sync-localhost:5000/base/".to_string(), "sync-localhost:5000".to_string()),
            ("http://localhost:5000/base/".to_string(), "localhost:5000".to_string()),
        ]
    );
    assert_eq!(counting.count(), 1);
}

#[tokio::test]
async fn a_configured_resolver_is_asked_on_every_call() {
    let (service, rules) = counted_service();
    let custom: &'static Counting = Box::leak(Box::default());
    let connector = connector(3);
    let handle = Handle::new(builder(&connector).endpoint_resolver(custom).build(), service);
    for _ in 0..3 {
        handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    }
    assert_eq!((custom.count(), rules.count()), (3, 0));
}

#[tokio::test]
async fn a_failed_resolution_is_not_kept() {
    let (service, counting) = counted_service();
    let connector = connector(1);
    let handle = Handle::new(builder(&connector).region("bad region").build(), service);
    for _ in 0..2 {
        let e = handle.call::<StartThing>(ThingInput::named("n")).await.unwrap_err();
        assert!(e.to_string().contains("invalid region `bad region`"), "{e}");
    }
    assert_eq!(counting.count(), 2);
    // A good region for one call still works.
    call(&handle).config_override(ConfigOverride::new().region("us-west-2")).send().await.unwrap();
    assert_eq!(sent(&connector)[0].0, "https://states.us-west-2.amazonaws.com/");
}

/// `StartThing` with its `X-Amz-Target` written out, as generated operations have it.
struct StartThingWithTarget;

impl Operation for StartThingWithTarget {
    const NAME: &'static str = "StartThing";
    const TARGET: &'static str = "AWSStepFunctions.StartThing";
    const HOST_PREFIX: Option<&'static str> = None;
    type Input = ThingInput;
    type Output = ThingOutput;
    type Error = ThingError;

    fn validate(input: &ThingInput) -> Result<(), BuildError> {
        StartThing::validate(input)
    }
}

#[tokio::test]
async fn a_written_out_target_is_the_one_made_from_the_prefix() {
    let connector = connector(2);
    let handle = Handle::new(builder(&connector).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
    handle.call::<StartThingWithTarget>(ThingInput::named("n")).await.unwrap();
    let requests = connector.requests();
    assert_eq!(requests[0].headers()["x-amz-target"], "AWSStepFunctions.StartThing");
    assert_eq!(requests[1].headers()["x-amz-target"], "AWSStepFunctions.StartThing");
    // Everything else is the same too (but the signature, the token and the invocation id).
    let names = |i: usize| requests[i].headers().keys().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(names(0), names(1));
}

#[tokio::test]
async fn every_attempt_sends_the_same_request_sharing_one_body() {
    let connector =
        MockConnector::new().respond(503, &[], "{}").respond(500, &[], "{}").respond(200, &[], OK);
    let sleep = RecordingSleep::default();
    let handle = Handle::new(builder(&connector).retry_sleep(sleep.clone()).build(), &SERVICE);
    call(&handle)
        .mutate_request(|r| {
            r.headers_mut().append("x-added", http::HeaderValue::from_static("once"));
        })
        .send()
        .await
        .unwrap();
    let requests = connector.requests();
    assert_eq!(requests.len(), 3);
    let first = &requests[0];
    for (i, r) in requests.iter().enumerate() {
        assert_eq!(r.uri(), first.uri());
        assert_eq!(r.body(), first.body());
        // One body for all the attempts: never copied.
        assert_eq!(r.body().as_ptr(), first.body().as_ptr(), "attempt {}", i + 1);
        assert_eq!(r.headers().get_all("x-added").iter().count(), 1, "attempt {}", i + 1);
        assert_eq!(r.headers()["amz-sdk-request"], format!("attempt={}; max=3", i + 1).as_str());
        let names = |r: &http::Request<bytes::Bytes>| {
            let mut n: Vec<String> = r.headers().keys().map(|k| k.to_string()).collect();
            n.sort();
            n
        };
        assert_eq!(names(r), names(first));
        for name in [
            "host",
            "content-type",
            "x-amz-target",
            "user-agent",
            "content-length",
            "amz-sdk-invocation-id",
        ] {
            assert_eq!(r.headers()[name], first.headers()[name], "{name} of attempt {}", i + 1);
        }
    }
    assert_eq!(sleep.delays().len(), 2);
}
