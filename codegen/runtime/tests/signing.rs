//! SigV4: the Authorization header of a fixed request matches botocore's for the same inputs.
//!
//! The expected values were computed once with botocore 1.43.11 (`SigV4Auth`, signing name
//! `states`, region `us-east-1`, time 2024-01-02T03:04:05Z, the body below byte for byte) by
//! `tests/botocore/sign_fixed.py`, and are stored here. The AWS SigV4 suite is `sigv4_suite.rs`,
//! the comparison with `aws-sigv4` `sigv4_differential.rs`.

mod common;

use awsjson_runtime::client::Handle;
use awsjson_runtime::clock::StaticTimeSource;
use awsjson_runtime::config::Config;
use awsjson_runtime::credentials::Credentials;
use awsjson_runtime::error::BuildError;
use awsjson_runtime::json::{JsonWriter, ToJson};
use awsjson_runtime::operation::Operation;
use awsjson_runtime::sign::sign_request;
use bytes::Bytes;
use common::*;

const BODY: &str = r#"{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm","name":"run1","input":"{\"a\":1}"}"#;
const TIME: u64 = 1_704_164_645; // 2024-01-02T03:04:05Z
const BOTOCORE_AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/states/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
    Signature=42b2cb5361918f6e784324dcf8c74d74fd9008f695804c90b57d21cbbf7bbb84";
const BOTOCORE_AUTH_WITH_TOKEN: &str =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/states/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
    Signature=3b2f302278810f108ecfa7f5c588d2943126fd180988313b554ffd6b1b195b2e";

fn creds(token: Option<&str>) -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token.map(str::to_string),
        None,
        "test",
    )
}

fn request() -> http::Request<Bytes> {
    http::Request::builder()
        .method("POST")
        .uri("https://states.us-east-1.amazonaws.com/")
        .header("host", "states.us-east-1.amazonaws.com")
        .header("x-amz-target", "AWSStepFunctions.StartExecution")
        .header("content-type", "application/x-amz-json-1.0")
        .header("user-agent", "sfn-client/0.1.0")
        .body(Bytes::from_static(BODY.as_bytes()))
        .unwrap()
}

#[test]
fn matches_botocore() {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(TIME);
    let mut r = request();
    sign_request(&mut r, &creds(None), "us-east-1", "states", time).unwrap();
    assert_eq!(r.headers()["authorization"], BOTOCORE_AUTH);
    assert_eq!(r.headers()["x-amz-date"], "20240102T030405Z");
    assert!(r.headers().get("x-amz-security-token").is_none());

    let mut r = request();
    sign_request(&mut r, &creds(Some("SESSIONTOKEN")), "us-east-1", "states", time).unwrap();
    assert_eq!(r.headers()["authorization"], BOTOCORE_AUTH_WITH_TOKEN);
    assert_eq!(r.headers()["x-amz-security-token"], "SESSIONTOKEN");
    assert!(r.headers()["authorization"].is_sensitive());
}

#[test]
fn invalid_credentials_are_an_error_not_a_panic() {
    let mut r = request();
    let e = sign_request(
        &mut r,
        &creds(Some("bad\ntoken")),
        "us-east-1",
        "states",
        std::time::SystemTime::now(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("session token"), "{e}");
}

#[test]
fn signing_again_replaces_what_signing_added() {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(TIME);
    let mut r = request();
    sign_request(
        &mut r,
        &creds(Some("SESSIONTOKEN")),
        "us-east-1",
        "states",
        time - std::time::Duration::from_secs(86_400),
    )
    .unwrap();
    // Signed again (other credentials, a day later): as if signed once.
    sign_request(&mut r, &creds(None), "us-east-1", "states", time).unwrap();
    assert_eq!(r.headers()["authorization"], BOTOCORE_AUTH);
    assert_eq!(r.headers().get_all("authorization").iter().count(), 1);
    assert_eq!(r.headers()["x-amz-date"], "20240102T030405Z");
    assert!(r.headers().get("x-amz-security-token").is_none());
}

#[test]
fn debug_output_of_a_signed_request_hides_the_signature_and_token() {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(TIME);
    let mut r = request();
    sign_request(&mut r, &creds(Some("SESSIONTOKEN")), "us-east-1", "states", time).unwrap();
    let shown = format!("{r:?}");
    assert!(
        !shown.contains("SESSIONTOKEN")
            && !shown.contains("3b2f302278810f108ecfa7f5c588d2943126fd180988313b554ffd6b1b195b2e"),
        "{shown}"
    );
    assert!(shown.contains("x-amz-target"), "{shown}");
}

#[test]
fn a_request_without_host_header_signs_the_uri_host() {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(TIME);
    let mut with_host = request();
    sign_request(&mut with_host, &creds(None), "us-east-1", "states", time).unwrap();
    let mut without = request();
    without.headers_mut().remove("host");
    sign_request(&mut without, &creds(None), "us-east-1", "states", time).unwrap();
    assert_eq!(without.headers()["authorization"], with_host.headers()["authorization"]);
    assert!(without.headers().get("host").is_none());
    // A non-default port is part of the signed host.
    let mut other_port = request();
    other_port.headers_mut().remove("host");
    *other_port.uri_mut() = "https://states.us-east-1.amazonaws.com:8443/".parse().unwrap();
    sign_request(&mut other_port, &creds(None), "us-east-1", "states", time).unwrap();
    assert_ne!(other_port.headers()["authorization"], with_host.headers()["authorization"]);
}

/// A StartExecution look-alike whose input encodes exactly as `BODY`.
struct StartExecution;

struct StartExecutionInput {
    state_machine_arn: Option<String>,
    name: Option<String>,
    input: Option<String>,
}

impl ToJson for StartExecutionInput {
    fn write_json(&self, w: &mut JsonWriter) {
        let mut o = w.object();
        o.member("stateMachineArn", &self.state_machine_arn);
        o.member("name", &self.name);
        o.member("input", &self.input);
        o.end();
    }
}

impl Operation for StartExecution {
    const NAME: &'static str = "StartExecution";
    const HOST_PREFIX: Option<&'static str> = None;
    type Input = StartExecutionInput;
    type Output = ThingOutput;
    type Error = ThingError;

    fn validate(_: &StartExecutionInput) -> Result<(), BuildError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_call_sends_what_botocore_signs() {
    for (token, expected) in
        [(None, BOTOCORE_AUTH), (Some("SESSIONTOKEN"), BOTOCORE_AUTH_WITH_TOKEN)]
    {
        let connector = MockConnector::new().respond(200, &[], r#"{"arn":"x"}"#);
        let config = Config::builder()
            .region("us-east-1")
            .credentials_provider(creds(token))
            .time_source(StaticTimeSource::from_secs(TIME))
            .http_connector(connector.clone())
            .build();
        let input = StartExecutionInput {
            state_machine_arn: Some("arn:aws:states:us-east-1:123456789012:stateMachine:sm".into()),
            name: Some("run1".into()),
            input: Some(r#"{"a":1}"#.into()),
        };
        Handle::new(config, &SERVICE).call::<StartExecution>(input).await.unwrap();
        let sent = &connector.requests()[0];
        assert_eq!(sent.uri().to_string(), "https://states.us-east-1.amazonaws.com/");
        assert_eq!(sent.body().as_ref(), BODY.as_bytes());
        assert_eq!(sent.headers()["authorization"], expected);
        assert_eq!(sent.headers()["x-amz-target"], "AWSStepFunctions.StartExecution");
        assert_eq!(sent.headers()["content-type"], "application/x-amz-json-1.0");
        assert_eq!(sent.headers()["content-length"], BODY.len().to_string().as_str());
    }
}
