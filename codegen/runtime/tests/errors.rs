//! awsJson error-type resolution, in every form the Smithy specification allows, through a call.

mod common;

use awsjson_runtime::client::Handle;
use awsjson_runtime::config::Config;
use awsjson_runtime::error::{ProvideErrorMetadata, RequestId, SdkError};
use awsjson_runtime::protocol::parse_error_response;
use awsjson_runtime::retry::RetryConfig;
use common::*;

const URI_SUFFIX: &str = ":http://internal.amazon.com/coral/com.amazon.coral.validate/";

async fn call_with(status: u16, headers: &[(&str, &str)], body: &str) -> SdkError<ThingError> {
    let connector = MockConnector::new().respond(status, headers, body);
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .http_connector(connector)
        .retry_config(RetryConfig::disabled())
        .build();
    Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err()
}

fn code_of(status: u16, headers: &[(&str, &str)], body: &str) -> Option<String> {
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(http::HeaderName::try_from(*k).unwrap(), v.parse().unwrap());
    }
    parse_error_response(status, &map, body.as_bytes(), false).code
}

#[test]
fn every_form_of_the_error_type() {
    let ns = "com.amazonaws.sfn#ThingAlreadyExists";
    let with_uri = format!("ThingAlreadyExists{URI_SUFFIX}");
    let ns_uri = format!("{ns}{URI_SUFFIX}");
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, String);
    let cases: Vec<Case> = vec![
        ("header", vec![("X-Amzn-Errortype", "ThingAlreadyExists")], String::new()),
        ("header with namespace", vec![("X-Amzn-Errortype", ns)], String::new()),
        ("header with uri", vec![("X-Amzn-Errortype", with_uri.as_str())], String::new()),
        (
            "header with namespace and uri",
            vec![("X-Amzn-Errortype", ns_uri.as_str())],
            String::new(),
        ),
        ("code", vec![], r#"{"code":"ThingAlreadyExists"}"#.into()),
        ("code with namespace", vec![], format!(r#"{{"code":"{ns}"}}"#)),
        ("code with namespace and uri", vec![], format!(r#"{{"code":"{ns_uri}"}}"#)),
        ("__type", vec![], r#"{"__type":"ThingAlreadyExists"}"#.into()),
        ("__type with namespace", vec![], format!(r#"{{"__type":"{ns}"}}"#)),
        ("__type with uri", vec![], format!(r#"{{"__type":"{with_uri}"}}"#)),
        ("__type with namespace and uri", vec![], format!(r#"{{"__type":"{ns_uri}"}}"#)),
        // Precedence: the header, then `code`, then `__type`.
        (
            "header over body",
            vec![("X-Amzn-Errortype", "ThingAlreadyExists")],
            r#"{"__type":"Other","code":"Other"}"#.into(),
        ),
        ("code over __type", vec![], r#"{"code":"ThingAlreadyExists","__type":"Other"}"#.into()),
        // A header with an unreadable body still names the error.
        (
            "header and HTML body",
            vec![("x-amzn-errortype", "ThingAlreadyExists")],
            "<html>oops</html>".into(),
        ),
    ];
    for (name, headers, body) in &cases {
        assert_eq!(
            code_of(400, headers, body).as_deref(),
            Some("ThingAlreadyExists"),
            "case {name}"
        );
    }
    // An empty value names nothing: the next place is looked at.
    assert_eq!(
        code_of(400, &[("X-Amzn-Errortype", "")], r#"{"__type":"B"}"#).as_deref(),
        Some("B")
    );
    assert_eq!(code_of(400, &[], r#"{"code":"","__type":"ns#C"}"#).as_deref(), Some("C"));
    assert_eq!(code_of(400, &[], r#"{"message":"no code"}"#), None);
    assert_eq!(code_of(400, &[], ""), None);
    assert_eq!(code_of(400, &[], r#"{"__type":""}"#), None);
    assert_eq!(code_of(400, &[], r#"{"__type":42}"#), None);
    assert_eq!(code_of(400, &[], "[1,2]"), None);
}

#[test]
fn message_and_request_id() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-amzn-RequestId", "rid-1".parse().unwrap());
    for body in [r#"{"message":"m"}"#, r#"{"Message":"m"}"#, r#"{"errorMessage":"m"}"#] {
        let e = parse_error_response(400, &headers, body.as_bytes(), false);
        assert_eq!(e.meta.message(), Some("m"), "{body}");
        assert_eq!(e.meta.request_id(), Some("rid-1"));
        assert_eq!(e.meta.status(), Some(400));
    }
    let e = parse_error_response(400, &headers, br#"{"message":"lower","Message":"upper"}"#, false);
    assert_eq!(e.meta.message(), Some("lower"));
}

/// A query-compatible service's `x-amzn-query-error: Code;Type` sets the code and type in the
/// metadata; the error is still resolved from the body. Other services ignore the header.
#[test]
fn query_compatible_error_codes() {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "x-amzn-query-error",
        "AWS.SimpleQueueService.NonExistentQueue;Sender".parse().unwrap(),
    );
    let body = br#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"#;
    let e = parse_error_response(400, &headers, body, true);
    assert_eq!(e.code.as_deref(), Some("QueueDoesNotExist"));
    assert_eq!(e.meta.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    assert_eq!(e.meta.error_type(), Some("Sender"));
    assert_eq!(e.meta.message(), Some("gone"));
    let e = parse_error_response(400, &headers, body, false);
    assert_eq!(e.meta.code(), Some("QueueDoesNotExist"));
    assert_eq!(e.meta.error_type(), None);
    // A malformed header (no `;`) is ignored.
    headers.insert("x-amzn-query-error", "JustACode".parse().unwrap());
    assert_eq!(
        parse_error_response(400, &headers, body, true).meta.code(),
        Some("QueueDoesNotExist")
    );
}

#[tokio::test]
async fn modeled_errors_become_their_variant() {
    let ns_uri = format!("com.amazonaws.sfn#ThingAlreadyExists{URI_SUFFIX}");
    for (headers, body) in [
        (vec![("X-Amzn-Errortype", ns_uri.as_str())], String::from(r#"{"message":"exists"}"#)),
        (vec![], format!(r#"{{"__type":"{ns_uri}","message":"exists"}}"#)),
        (vec![], r#"{"code":"ThingAlreadyExists","message":"exists"}"#.to_string()),
    ] {
        let mut h = headers.clone();
        h.push(("x-amzn-RequestId", "req-9"));
        let err = call_with(400, &h, &body).await;
        assert_eq!(err.code(), Some("ThingAlreadyExists"));
        assert_eq!(err.message(), Some("exists"));
        assert_eq!(err.request_id(), Some("req-9"));
        assert_eq!(
            err.to_string(),
            "service error: ThingAlreadyExists: exists (HTTP 400, request id req-9)"
        );
        match err.into_service_error() {
            ThingError::ThingAlreadyExists(e) => assert_eq!(e.message.as_deref(), Some("exists")),
            other => panic!("expected ThingAlreadyExists, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_and_missing_codes_are_unhandled() {
    let err = call_with(400, &[], r#"{"__type":"aws#NotModeled","Message":"who knows"}"#).await;
    assert_eq!(err.code(), Some("NotModeled"));
    assert_eq!(err.message(), Some("who knows"));
    assert_eq!(err.to_string(), "service error: unhandled error NotModeled: who knows (HTTP 400)");
    let ThingError::Unhandled(u) = err.into_service_error() else { panic!("expected unhandled") };
    let cause = std::error::Error::source(&u).unwrap().to_string();
    assert!(cause.contains("`NotModeled` is not one of the operation's modeled errors"), "{cause}");

    let err = call_with(400, &[], r#"{"message":"no code"}"#).await;
    assert_eq!(err.code(), None);
    assert_eq!(err.message(), Some("no code"));
    assert!(matches!(err.as_service_error(), Some(ThingError::Unhandled(_))));

    let err = call_with(404, &[], "").await;
    assert_eq!(err.meta().status(), Some(404));
    assert_eq!(
        err.to_string(),
        "service error: unhandled error: the error response (HTTP 404) names no error (HTTP 404)"
    );
}

#[tokio::test]
async fn non_service_errors_convert_into_the_unhandled_variant() {
    let config = Config::builder()
        .credentials_provider(test_credentials())
        .http_connector(MockConnector::new())
        .build();
    let err =
        Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("x")).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    let e = err.into_service_error();
    assert!(matches!(e, ThingError::Unhandled(_)));
    assert!(e.to_string().contains("no region is configured"), "{e}");
}
