//! Request construction through a call: construction failures, host prefixes, endpoints,
//! configuration from the environment.

mod common;

use awsjson_runtime::client::Handle;
use awsjson_runtime::config::{Config, ConfigBuilder};
use awsjson_runtime::endpoint::{Endpoint, EndpointError, EndpointParams, ResolveEndpoint};
use awsjson_runtime::env::Env;
use awsjson_runtime::error::SdkError;
use common::*;

const OK: &str = r#"{"arn":"a","count":3,"unknown":{"x":[1,2]}}"#;

fn builder(connector: &MockConnector) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .http_connector(connector.clone())
}

#[tokio::test]
async fn success_sends_an_awsjson_request() {
    let connector = MockConnector::new().respond(200, &[], OK);
    let handle = Handle::new(builder(&connector).build(), &SERVICE);
    let out = handle
        .call::<StartThing>(ThingInput { name: Some("n".into()), client_token: Some("t".into()) })
        .await
        .unwrap();
    assert_eq!(out, ThingOutput { arn: Some("a".into()), count: Some(3) });
    let r = &connector.requests()[0];
    assert_eq!(r.method(), http::Method::POST);
    assert_eq!(r.uri().to_string(), "https://states.us-east-1.amazonaws.com/");
    assert_eq!(r.headers()["x-amz-target"], "AWSStepFunctions.StartThing");
    assert_eq!(r.headers()["content-type"], "application/x-amz-json-1.0");
    assert_eq!(r.body().as_ref(), br#"{"name":"n","clientToken":"t"}"#);
    let ua = r.headers()["user-agent"].to_str().unwrap();
    assert!(ua.starts_with("sfn-client/0.1.0 awsjson-runtime/"), "{ua}");
    assert!(r.headers()["authorization"]
        .to_str()
        .unwrap()
        .contains("/us-east-1/states/aws4_request"));
    assert_eq!(r.headers()["amz-sdk-request"], "attempt=1; max=3");
}

#[tokio::test]
async fn empty_success_body_reads_as_empty_object() {
    let connector = MockConnector::new().respond(200, &[], "");
    let out = Handle::new(builder(&connector).build(), &SERVICE)
        .call::<SyncThing>(ThingInput::default())
        .await
        .unwrap();
    assert_eq!(out, ThingOutput::default());
    assert_eq!(connector.requests()[0].body().as_ref(), b"{}");
}

#[tokio::test]
async fn missing_region_or_credentials_is_a_construction_failure() {
    let connector = MockConnector::new();
    let config = Config::builder()
        .credentials_provider(test_credentials())
        .http_connector(connector.clone())
        .build();
    let err =
        Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    assert!(
        err.to_string().starts_with("failed to construct request: no region is configured"),
        "{err}"
    );

    let config = Config::builder().region("us-east-1").http_connector(connector.clone()).build();
    let err =
        Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    assert!(err.to_string().contains("no credentials provider is configured"), "{err}");

    // From an empty environment: the chain looks and says where.
    let dir = std::env::temp_dir().join(format!("awsjson-client-{}", std::process::id()));
    let env = Env::from_vars([
        ("HOME", dir.to_string_lossy().into_owned()),
        ("AWS_REGION", "eu-west-1".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ]);
    let config = ConfigBuilder::from_env_with(env).http_connector(connector.clone()).build();
    let err =
        Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    assert!(err.to_string().contains("failed to load credentials"), "{err}");
    assert!(err.to_string().contains("AWS_ACCESS_KEY_ID is not set"), "{err}");
    assert!(connector.requests().is_empty());
}

#[tokio::test]
async fn invalid_input_is_reported_before_sending() {
    let connector = MockConnector::new();
    let err = Handle::new(builder(&connector).build(), &SERVICE)
        .call::<StartThing>(ThingInput::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to construct request: ThingInput: missing required member `name`"
    );
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.downcast_ref::<awsjson_runtime::error::BuildError>().is_some());
    assert!(connector.requests().is_empty());
}

#[tokio::test]
async fn invalid_environment_values_are_reported_at_call_time() {
    let env = Env::from_vars([("AWS_REGION", "us-east-1"), ("AWS_USE_FIPS_ENDPOINT", "maybe")]);
    let connector = MockConnector::new();
    let config = ConfigBuilder::from_env_with(env)
        .credentials_provider(test_credentials())
        .http_connector(connector)
        .build();
    let err =
        Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err();
    assert!(
        err.to_string().contains("AWS_USE_FIPS_ENDPOINT must be `true` or `false`, not `maybe`"),
        "{err}"
    );
}

#[tokio::test]
async fn host_prefix_is_applied_unless_disabled() {
    let connector = MockConnector::new().respond(200, &[], "{}").respond(200, &[], "{}").respond(
        200,
        &[],
        "{}",
    );
    let handle = Handle::new(builder(&connector).build(), &SERVICE);
    handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    let handle = Handle::new(builder(&connector).disable_host_prefix(true).build(), &SERVICE);
    handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    let handle =
        Handle::new(builder(&connector).endpoint_url("http://localhost:8083").build(), &SERVICE);
    handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    let r = connector.requests();
    assert_eq!(r[0].uri().to_string(), "https://sync-states.us-east-1.amazonaws.com/");
    assert_eq!(r[0].headers()["host"], "sync-states.us-east-1.amazonaws.com");
    assert_eq!(r[1].uri().to_string(), "https://states.us-east-1.amazonaws.com/");
    assert_eq!(r[2].uri().to_string(), "http://sync-localhost:8083/");
}

#[tokio::test]
async fn endpoint_parameters_and_errors() {
    let connector = MockConnector::new().respond(200, &[], "{}");
    let handle =
        Handle::new(builder(&connector).region("eu-west-3").use_fips(true).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("x")).await.unwrap();
    assert_eq!(
        connector.requests()[0].uri().to_string(),
        "https://states-fips.eu-west-3.amazonaws.com/"
    );

    let err = Handle::new(builder(&connector).region("bad region").build(), &SERVICE)
        .call::<StartThing>(ThingInput::named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    assert!(
        err.to_string().contains("endpoint resolution failed: invalid region `bad region`"),
        "{err}"
    );
}

/// An endpoint whose `sigv4` auth scheme names another signing region and name.
#[derive(Debug)]
struct AuthSchemeResolver;

impl ResolveEndpoint for AuthSchemeResolver {
    fn resolve_endpoint(&self, _: &EndpointParams) -> Result<Endpoint, EndpointError> {
        let mut e = Endpoint::new("https://example.com");
        e.properties.insert(
            "authSchemes".into(),
            awsjson_runtime::json::document_literal(r#"[{"name": "sigv4", "signingRegion": "us-gov-west-1", "signingName": "states-x"}]"#),
        );
        e.headers.insert("x-extra".into(), vec!["1".into()]);
        Ok(e)
    }
}

#[tokio::test]
async fn endpoint_auth_scheme_and_headers_are_used() {
    let connector = MockConnector::new().respond(200, &[], "{}");
    let handle =
        Handle::new(builder(&connector).endpoint_resolver(AuthSchemeResolver).build(), &SERVICE);
    handle.call::<StartThing>(ThingInput::named("x")).await.unwrap();
    let r = &connector.requests()[0];
    assert!(r.headers()["authorization"]
        .to_str()
        .unwrap()
        .contains("/us-gov-west-1/states-x/aws4_request"));
    assert_eq!(r.headers()["x-extra"], "1");
}

#[tokio::test]
async fn configuration_from_the_environment() {
    let dir = std::env::temp_dir().join(format!("awsjson-client-env-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    std::fs::write(dir.join(".aws/config"), "[profile dev]\nregion = ap-southeast-2\n").unwrap();
    std::fs::write(
        dir.join(".aws/credentials"),
        "[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = DEVSECRET\naws_session_token = DEVTOKEN\n",
    )
    .unwrap();
    let env = Env::from_vars([
        ("HOME", dir.to_string_lossy().into_owned()),
        ("AWS_PROFILE", "dev".into()),
        ("AWS_ENDPOINT_URL", "http://global.local:1".into()),
        ("AWS_ENDPOINT_URL_SFN", "http://sfn.local:2".into()),
    ]);
    let connector = MockConnector::new().respond(200, &[], "{}");
    let config = ConfigBuilder::from_env_with(env).http_connector(connector.clone()).build();
    assert_eq!(config.region().unwrap().as_str(), "ap-southeast-2");
    Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap();
    let r = &connector.requests()[0];
    assert_eq!(r.uri().to_string(), "http://sfn.local:2/");
    assert!(r.headers()["authorization"].to_str().unwrap().contains("Credential=DEVKEY/"));
    assert_eq!(r.headers()["x-amz-security-token"], "DEVTOKEN");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn handle_is_cheap_to_clone_and_send() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Handle>();
    let handle = Handle::new(Config::builder().build(), &SERVICE);
    let fut = handle.call::<StartThing>(ThingInput::named("x"));
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&fut);
}

#[tokio::test]
async fn body_limit_holds_for_connectors_that_ignore_it() {
    let connector =
        MockConnector::new().respond(200, &[], &format!(r#"{{"arn":"{}"}}"#, "a".repeat(100)));
    let config = builder(&connector).max_response_body_size(64).build();
    let err =
        Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)));
    assert!(err.to_string().contains("larger than the limit of 64 bytes"), "{err}");
}
