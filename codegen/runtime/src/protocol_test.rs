//! Support for the generated protocol compliance tests (`smithy.test#httpRequestTests` and
//! `httpResponseTests`), feature `test-util`.
//!
//! A request case sends its input through the real client with a [`CapturingConnector`] and checks
//! the captured request with [`assert_request`]; a response case decodes its response with
//! [`crate::client::decode_response`] (the client's own decoder) from [`response`]. The checks
//! live here, written once; generated tests only state each case's data.

use bytes::Bytes;
use serde_json::Value;

use crate::clock::IdempotencyTokenProvider;
use crate::config::Config;
use crate::credentials::Credentials;
use crate::http::{HttpRequest, HttpResponse};
use crate::retry::RetryConfig;

/// The idempotency token the protocol test cases expect a client to fill in.
pub const TEST_IDEMPOTENCY_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

pub use crate::test_util::CapturingConnector;

/// The client configuration of a request case: fixed credentials and region, no retries, the
/// fixed idempotency token, and the endpoint `https://<host>` (`host` defaults to `example.com`;
/// it may carry a path, `example.com/custom`).
pub fn test_config(connector: &CapturingConnector, host: Option<&str>) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "SECRET",
            None,
            None,
            "protocol-test",
        ))
        .endpoint_url(format!("https://{}", host.unwrap_or("example.com")))
        .retry_config(RetryConfig::disabled())
        .idempotency_token_provider(IdempotencyTokenProvider::fixed(TEST_IDEMPOTENCY_TOKEN))
        .http_connector(connector.clone())
        .build()
}

/// An HTTP response from a case's status, headers and body.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("a protocol test case has a valid status and headers")
}

/// What a request case expects of the request.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExpectedRequest<'a> {
    pub method: &'a str,
    /// The path (and query) of the request.
    pub uri: &'a str,
    /// The host the request must go to, when the case says (`resolvedHost`).
    pub resolved_host: Option<&'a str>,
    /// Headers that must be present with these values (names are case-insensitive).
    pub headers: &'a [(&'a str, &'a str)],
    /// Headers that must be absent.
    pub forbid_headers: &'a [&'a str],
    /// Headers that must be present, with any value.
    pub require_headers: &'a [&'a str],
    /// The body, when the case gives one.
    pub body: Option<&'a str>,
    /// How to compare the body: `application/json` compares JSON values, anything else bytes.
    pub body_media_type: Option<&'a str>,
}

/// Checks a captured request against a case. Panics, saying what differs, when it does not match.
pub fn assert_request(request: &HttpRequest, expected: &ExpectedRequest<'_>) {
    assert_eq!(request.method().as_str(), expected.method, "method");
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    assert_eq!(path, expected.uri, "request URI path");
    if let Some(host) = expected.resolved_host {
        assert_eq!(request.uri().host(), Some(host), "resolved host");
    }
    let headers = request.headers();
    for (name, value) in expected.headers {
        let actual: Vec<&str> =
            headers.get_all(*name).iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(!actual.is_empty(), "header `{name}` is missing (expected `{value}`)");
        assert_eq!(actual.join(", "), *value, "header `{name}`");
    }
    for name in expected.forbid_headers {
        assert!(
            !headers.contains_key(*name),
            "header `{name}` is forbidden but was sent: {:?}",
            headers.get(*name)
        );
    }
    for name in expected.require_headers {
        assert!(headers.contains_key(*name), "header `{name}` is required but was not sent");
    }
    if let Some(body) = expected.body {
        let actual = request.body();
        match expected.body_media_type {
            Some(media_type)
                if media_type == "application/json" || media_type.ends_with("+json") =>
            {
                assert_json_eq(actual, body)
            }
            _ => assert_eq!(String::from_utf8_lossy(actual), body, "body (compared byte for byte)"),
        }
    }
}

/// Asserts that a JSON body equals the expected JSON text as JSON values (member order and
/// whitespace do not matter; `1` equals `1.0`). An empty expected body expects an empty body.
pub fn assert_json_eq(actual: &[u8], expected: &str) {
    if expected.trim().is_empty() {
        assert!(
            actual.is_empty(),
            "expected an empty body, got {}",
            String::from_utf8_lossy(actual)
        );
        return;
    }
    let actual_text = String::from_utf8_lossy(actual);
    let a: Value = serde_json::from_slice(actual)
        .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {actual_text}"));
    let e: Value = serde_json::from_str(expected)
        .unwrap_or_else(|e| panic!("the case's body is not JSON ({e}): {expected}"));
    let mut differences = Vec::new();
    crate::test_util::json_differences("body", &e, &a, &mut differences);
    assert!(
        differences.is_empty(),
        "JSON body differs\n  actual:   {a}\n  expected: {e}\n  {}",
        differences.join("\n  ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> HttpRequest {
        http::Request::builder()
            .method("POST")
            .uri("https://foo.example.com/")
            .header("Content-Type", "application/x-amz-json-1.0")
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn json_bodies_compare_as_values() {
        assert_json_eq(br#"{"b":1,"a":[true,null]}"#, "{\n \"a\": [true, null], \"b\": 1.0 }");
        let differ = |a: serde_json::Value, b: serde_json::Value| {
            let mut out = Vec::new();
            crate::test_util::json_differences("$", &a, &b, &mut out);
            out
        };
        assert_eq!(
            differ(serde_json::json!({"a": 1}), serde_json::json!({"a": 1, "b": 2})),
            ["$.b: not expected, got 2"]
        );
        assert_eq!(
            differ(serde_json::json!([1.5]), serde_json::json!([1])),
            ["$[0]: expected 1.5, got 1"]
        );
        assert!(differ(serde_json::json!(u64::MAX), serde_json::json!(u64::MAX)).is_empty());
        assert_eq!(
            differ(serde_json::json!(9007199254740993u64), serde_json::json!(9007199254740992u64))
                .len(),
            1,
            "integers compare exactly"
        );
    }

    #[test]
    fn a_matching_request_passes() {
        let expected = ExpectedRequest {
            method: "POST",
            uri: "/",
            resolved_host: Some("foo.example.com"),
            headers: &[("content-type", "application/x-amz-json-1.0")],
            forbid_headers: &["x-amzn-query-mode"],
            require_headers: &["Content-Type"],
            body: Some("{}"),
            body_media_type: Some("application/json"),
        };
        assert_request(&request("{ }"), &expected);
    }

    #[test]
    #[should_panic(expected = "header `x-amzn-query-mode` is required")]
    fn a_missing_required_header_fails() {
        let expected = ExpectedRequest {
            method: "POST",
            uri: "/",
            require_headers: &["x-amzn-query-mode"],
            ..Default::default()
        };
        assert_request(&request("{}"), &expected);
    }

    #[test]
    #[should_panic(expected = "JSON body differs")]
    fn a_different_body_fails() {
        let expected = ExpectedRequest {
            method: "POST",
            uri: "/",
            body: Some(r#"{"a":2}"#),
            body_media_type: Some("application/json"),
            ..Default::default()
        };
        assert_request(&request(r#"{"a":1}"#), &expected);
    }
}
