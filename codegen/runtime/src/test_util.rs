//! Testing without a network: recorded exchanges ("fixtures"), a connector that replays them and
//! checks what the client sent, and a connector that records them from a real server.
//!
//! A fixture is one readable JSON file holding the exchanges of one test case, each with the
//! request as sent (method, path, the headers that identify the operation, the JSON body), the
//! response as received (status, the headers a client reads, body) and, optionally, what the
//! client is expected to decode from it:
//!
//! ```json
//! {
//!   "operation": "DescribeActivity",
//!   "source": "recorded from moto 5.2.5",
//!   "exchanges": [{
//!     "request": {
//!       "method": "POST", "path": "/",
//!       "headers": { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AWSStepFunctions.DescribeActivity" },
//!       "body": { "activityArn": "arn:aws:states:us-east-1:123456789012:activity:nope" }
//!     },
//!     "response": {
//!       "status": 400,
//!       "headers": { "content-type": "application/x-amz-json-1.0" },
//!       "body": { "__type": "ActivityDoesNotExist", "message": "Activity does not exist" }
//!     },
//!     "expected": { "error": { "shape": "ActivityDoesNotExist", "message": "Activity does not exist" } }
//!   }]
//! }
//! ```
//!
//! Only an allow-list of headers is stored ([`REQUEST_HEADERS`], [`RESPONSE_HEADERS`]): no
//! credentials, signatures, dates or invocation ids, so a recording holds no secrets and a replay
//! does not depend on the clock.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use serde_json::Map;
/// The JSON values of fixtures and of [`call_json`] (serde_json's).
pub use serde_json::Value;

use crate::client::Handle;
use crate::config::Config;
use crate::credentials::Credentials;
use crate::error::{ErrorMetadata, SdkError};
use crate::http::{
    ConnectorError, ConnectorErrorKind, HttpConnector, HttpFuture, HttpRequest, HttpResponse,
};
use crate::json::{DeserializeError, FromJson, ToJson};
use crate::operation::{Operation, OperationError};
use crate::retry::RetryConfig;

/// The request headers a fixture keeps: the ones that select the host, the operation and its
/// encoding.
pub const REQUEST_HEADERS: &[&str] = &["content-type", "host", "x-amz-target"];
/// The response headers a fixture keeps: the ones a client reads.
pub const RESPONSE_HEADERS: &[&str] = &["content-type", "x-amzn-errortype", "x-amzn-query-error"];

/// The exchanges of one test case, as stored in a fixture file.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixture {
    /// The operation the exchanges call, e.g. `ListActivities`.
    pub operation: String,
    /// Where the exchanges come from, e.g. `recorded from moto 5.2.5`, or
    /// `written from the awsJson1_0 protocol and the model` when no server could produce them.
    pub source: String,
    /// What the case shows, for a reader.
    pub description: Option<String>,
    pub exchanges: Vec<Exchange>,
}

/// One request and its response.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: RecordedResponse,
    /// What the client should make of the response.
    pub expected: Option<Expected>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Lower-case names of the headers in [`REQUEST_HEADERS`] that were present.
    pub headers: BTreeMap<String, String>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedResponse {
    pub status: u16,
    /// Lower-case names of the headers in [`RESPONSE_HEADERS`] that were present.
    pub headers: BTreeMap<String, String>,
    pub body: Body,
}

/// A body: JSON when it parses as JSON (stored as JSON, so it reads and diffs well), else text.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    Text(String),
}

impl Body {
    pub fn from_bytes(bytes: &[u8]) -> Body {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) if !bytes.is_empty() => Body::Json(v),
            _ => Body::Text(String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    pub fn to_bytes(&self) -> Bytes {
        match self {
            Body::Json(v) => Bytes::from(v.to_string()),
            Body::Text(t) => Bytes::from(t.clone()),
        }
    }
}

/// What the client should decode from a response.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// The output, in its JSON wire form (what encoding the decoded output gives back).
    Output(Value),
    /// An error: the modeled error shape (`None`: an error the model does not list) and message.
    Error { shape: Option<String>, message: Option<String> },
}

/// A fixture file that cannot be read.
#[derive(Debug)]
pub struct FixtureError(String);

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixtureError {}

fn bad(what: impl Into<String>) -> FixtureError {
    FixtureError(what.into())
}

impl Fixture {
    /// Reads a fixture file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Fixture, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
        Fixture::parse(&text).map_err(|e| bad(format!("{}: {e}", path.display())))
    }

    /// Parses the text of a fixture file.
    pub fn parse(text: &str) -> Result<Fixture, FixtureError> {
        let v: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let o = obj(&v, "fixture")?;
        let exchanges = o
            .get("exchanges")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("`exchanges` must be a list"))?
            .iter()
            .enumerate()
            .map(|(i, e)| parse_exchange(e).map_err(|err| bad(format!("exchanges[{i}]: {err}"))))
            .collect::<Result<Vec<_>, _>>()?;
        if exchanges.is_empty() {
            return Err(bad("`exchanges` is empty"));
        }
        Ok(Fixture {
            operation: string(o, "operation")?,
            source: string(o, "source")?,
            description: o.get("description").and_then(Value::as_str).map(str::to_owned),
            exchanges,
        })
    }

    /// The fixture as JSON, in the layout of fixture files.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("operation".into(), self.operation.clone().into());
        if let Some(d) = &self.description {
            o.insert("description".into(), d.clone().into());
        }
        o.insert("source".into(), self.source.clone().into());
        o.insert(
            "exchanges".into(),
            Value::Array(self.exchanges.iter().map(Exchange::to_json).collect()),
        );
        Value::Object(o)
    }

    /// The text of the fixture file: pretty-printed JSON ending with a newline.
    pub fn to_file_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the fixture file, creating its directory.
    pub fn write(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.to_file_text())
    }
}

impl Exchange {
    fn to_json(&self) -> Value {
        let mut o = Map::new();
        let r = &self.request;
        o.insert(
            "request".into(),
            message_json(
                [("method", r.method.clone().into()), ("path", r.path.clone().into())],
                &r.headers,
                &r.body,
            ),
        );
        let r = &self.response;
        o.insert(
            "response".into(),
            message_json([("status", r.status.into())], &r.headers, &r.body),
        );
        if let Some(e) = &self.expected {
            let v = match e {
                Expected::Output(v) => serde_json::json!({ "output": v }),
                Expected::Error { shape, message } => {
                    serde_json::json!({ "error": { "shape": shape, "message": message } })
                }
            };
            o.insert("expected".into(), v);
        }
        Value::Object(o)
    }
}

fn message_json<const N: usize>(
    first: [(&str, Value); N],
    headers: &BTreeMap<String, String>,
    body: &Body,
) -> Value {
    let mut o = Map::new();
    for (k, v) in first {
        o.insert(k.into(), v);
    }
    o.insert(
        "headers".into(),
        Value::Object(headers.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()),
    );
    match body {
        Body::Json(v) => o.insert("body".into(), v.clone()),
        Body::Text(t) => o.insert("body_text".into(), t.clone().into()),
    };
    Value::Object(o)
}

fn obj<'v>(v: &'v Value, what: &str) -> Result<&'v Map<String, Value>, FixtureError> {
    v.as_object().ok_or_else(|| bad(format!("{what} must be an object")))
}

fn string(o: &Map<String, Value>, key: &str) -> Result<String, FixtureError> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| bad(format!("`{key}` must be a string")))
}

fn headers(o: &Map<String, Value>) -> Result<BTreeMap<String, String>, FixtureError> {
    let Some(h) = o.get("headers") else { return Ok(BTreeMap::new()) };
    obj(h, "`headers`")?
        .iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.to_ascii_lowercase(), s.to_owned())),
            None => Err(bad(format!("header `{k}` must be a string"))),
        })
        .collect()
}

fn body(o: &Map<String, Value>) -> Result<Body, FixtureError> {
    match (o.get("body"), o.get("body_text")) {
        (Some(_), Some(_)) => Err(bad("give `body` or `body_text`, not both")),
        (Some(v), None) => Ok(Body::Json(v.clone())),
        (None, Some(Value::String(t))) => Ok(Body::Text(t.clone())),
        (None, Some(_)) => Err(bad("`body_text` must be a string")),
        (None, None) => Ok(Body::Text(String::new())),
    }
}

fn parse_exchange(v: &Value) -> Result<Exchange, FixtureError> {
    let o = obj(v, "an exchange")?;
    let req = obj(o.get("request").ok_or_else(|| bad("no `request`"))?, "`request`")?;
    let res = obj(o.get("response").ok_or_else(|| bad("no `response`"))?, "`response`")?;
    let status = res
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| bad("`response.status` must be an HTTP status"))?;
    let expected = match o.get("expected") {
        None => None,
        Some(e) => {
            let e = obj(e, "`expected`")?;
            match (e.get("output"), e.get("error")) {
                (Some(out), None) => Some(Expected::Output(out.clone())),
                (None, Some(err)) => {
                    let err = obj(err, "`expected.error`")?;
                    let opt = |k: &str| err.get(k).and_then(Value::as_str).map(str::to_owned);
                    Some(Expected::Error { shape: opt("shape"), message: opt("message") })
                }
                _ => return Err(bad("`expected` holds either `output` or `error`")),
            }
        }
    };
    Ok(Exchange {
        request: RecordedRequest {
            method: string(req, "method")?,
            path: string(req, "path")?,
            headers: headers(req)?,
            body: body(req)?,
        },
        response: RecordedResponse { status, headers: headers(res)?, body: body(res)? },
        expected,
    })
}

fn kept_headers(headers: &http::HeaderMap, keep: &[&str]) -> BTreeMap<String, String> {
    keep.iter()
        .filter_map(|name| Some((name.to_string(), headers.get(*name)?.to_str().ok()?.to_owned())))
        .collect()
}

fn record_request(request: &HttpRequest) -> RecordedRequest {
    RecordedRequest {
        method: request.method().as_str().to_owned(),
        path: request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        headers: kept_headers(request.headers(), REQUEST_HEADERS),
        body: Body::from_bytes(request.body()),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Replay

/// A connector that answers with the recorded responses of fixtures, in order, and keeps the
/// requests the client sent so that a test can check them against the recorded ones
/// ([`ReplayConnector::assert_requests_match`]).
///
/// Clones share their state: give one clone to the client configuration and keep one to check.
/// A request beyond the recorded ones fails with a connector error naming the fixture.
#[derive(Clone, Debug, Default)]
pub struct ReplayConnector {
    state: Arc<Mutex<ReplayState>>,
}

#[derive(Debug, Default)]
struct ReplayState {
    pending: VecDeque<Exchange>,
    served: Vec<(Exchange, RecordedRequest)>,
}

impl ReplayConnector {
    /// Replays the exchanges of `fixture`.
    pub fn new(fixture: &Fixture) -> Self {
        Self::from_exchanges(fixture.exchanges.clone())
    }

    /// Replays the fixture file at `path`.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, FixtureError> {
        Ok(Self::new(&Fixture::from_path(path)?))
    }

    pub fn from_exchanges(exchanges: impl IntoIterator<Item = Exchange>) -> Self {
        ReplayConnector {
            state: Arc::new(Mutex::new(ReplayState {
                pending: exchanges.into_iter().collect(),
                served: Vec::new(),
            })),
        }
    }

    /// The requests the client sent so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).served.iter().map(|(_, r)| r.clone()).collect()
    }

    /// Exchanges not yet requested.
    pub fn remaining(&self) -> usize {
        lock(&self.state).pending.len()
    }

    /// Checks every request sent so far against the recorded one (method, path, the recorded
    /// headers, the body — as JSON when both are JSON), and that every recorded exchange was
    /// requested. The error lists every difference.
    pub fn check_requests(&self) -> Result<(), String> {
        let state = lock(&self.state);
        let mut problems = Vec::new();
        for (i, (exchange, sent)) in state.served.iter().enumerate() {
            for p in request_differences(&exchange.request, sent) {
                problems.push(format!("request {}: {p}", i + 1));
            }
        }
        if !state.pending.is_empty() {
            problems.push(format!(
                "{} recorded exchange(s) were never requested (the client sent {})",
                state.pending.len(),
                state.served.len()
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// Panics with every difference found by [`Self::check_requests`].
    #[track_caller]
    pub fn assert_requests_match(&self) {
        if let Err(problems) = self.check_requests() {
            panic!("the requests differ from the recorded ones:\n{problems}");
        }
    }
}

impl HttpConnector for ReplayConnector {
    fn call(&self, request: HttpRequest, _max_body_size: usize) -> HttpFuture {
        let sent = record_request(&request);
        let mut state = lock(&self.state);
        let result = match state.pending.pop_front() {
            None => Err(ConnectorError::new(
                ConnectorErrorKind::Other,
                format!(
                    "no recorded exchange left for request {} ({} were recorded)",
                    state.served.len() + 1,
                    state.served.len()
                ),
            )),
            Some(exchange) => {
                let response = build_response(&exchange.response);
                state.served.push((exchange, sent));
                response
            }
        };
        Box::pin(async move { result })
    }
}

fn build_response(r: &RecordedResponse) -> Result<HttpResponse, ConnectorError> {
    let mut builder = http::Response::builder().status(r.status);
    for (k, v) in &r.headers {
        builder = builder.header(k, v);
    }
    builder.body(r.body.to_bytes()).map_err(|e| ConnectorError::new(ConnectorErrorKind::Other, e))
}

/// Every way `sent` differs from `recorded`, described for a reader.
pub fn request_differences(recorded: &RecordedRequest, sent: &RecordedRequest) -> Vec<String> {
    let mut out = Vec::new();
    if recorded.method != sent.method {
        out.push(format!("method: recorded {}, sent {}", recorded.method, sent.method));
    }
    if recorded.path != sent.path {
        out.push(format!("path: recorded {}, sent {}", recorded.path, sent.path));
    }
    for (name, value) in &recorded.headers {
        match sent.headers.get(name) {
            Some(v) if v == value => {}
            Some(v) => out.push(format!("header {name}: recorded `{value}`, sent `{v}`")),
            None => out.push(format!("header {name}: recorded `{value}`, not sent")),
        }
    }
    match (&recorded.body, &sent.body) {
        (Body::Json(a), Body::Json(b)) => json_differences("body", a, b, &mut out),
        (a, b) if a == b => {}
        (a, b) => out.push(format!("body: recorded {a:?}, sent {b:?}")),
    }
    out
}

/// Collects the paths at which `expected` and `actual` differ (`$.a.b[2]: expected 1, got 2`).
/// Numbers compare by value (`1` equals `1.0`).
pub fn json_differences(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => json_differences(&format!("{path}.{k}"), ev, av, out),
                    None => out.push(format!("{path}.{k}: expected {ev}, missing")),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push(format!("{path}.{k}: not expected, got {av}"));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: expected {} items, got {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                json_differences(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        (Value::Number(e), Value::Number(a)) if numbers_equal(e, a) => {}
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: expected {e}, got {a}")),
    }
}

/// Numbers by value: integers exactly (beyond `f64` precision too), else as `f64`.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

// ---------------------------------------------------------------------------------------------
// Record

/// A connector that sends requests through another connector (a real one) and records each
/// exchange, keeping only the allow-listed headers. [`RecordingConnector::fixture`] turns the
/// recording into a [`Fixture`] to write.
#[derive(Clone, Debug)]
pub struct RecordingConnector {
    inner: Arc<dyn HttpConnector>,
    recorded: Arc<Mutex<Vec<Exchange>>>,
    host: Option<String>,
}

impl RecordingConnector {
    pub fn new(inner: impl HttpConnector + 'static) -> Self {
        RecordingConnector { inner: Arc::new(inner), recorded: Arc::default(), host: None }
    }

    /// Records `host` as the `host` header of every request instead of the one it was sent to:
    /// recordings from a local server (`127.0.0.1:<port>`, a new port each run) then hold the
    /// host the replaying client sends (e.g. the service's endpoint in its region).
    pub fn record_host_as(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The exchanges recorded so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.recorded).clone()
    }

    /// Takes the exchanges recorded so far, leaving none.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *lock(&self.recorded))
    }

    /// The exchanges recorded so far, as a fixture of `operation` (and taken: the next fixture
    /// starts empty).
    pub fn fixture(&self, operation: &str, source: &str) -> Fixture {
        Fixture {
            operation: operation.to_owned(),
            source: source.to_owned(),
            description: None,
            exchanges: self.take(),
        }
    }
}

impl HttpConnector for RecordingConnector {
    fn call(&self, request: HttpRequest, max_body_size: usize) -> HttpFuture {
        let mut sent = record_request(&request);
        if let Some(host) = &self.host {
            sent.headers.insert("host".to_owned(), host.clone());
        }
        let recorded = self.recorded.clone();
        let response = self.inner.call(request, max_body_size);
        Box::pin(async move {
            let response = response.await?;
            lock(&recorded).push(Exchange {
                request: sent,
                response: RecordedResponse {
                    status: response.status().as_u16(),
                    headers: kept_headers(response.headers(), RESPONSE_HEADERS),
                    body: Body::from_bytes(response.body()),
                },
                expected: None,
            });
            Ok(response)
        })
    }
}

/// What a generated crate lists about each of its operations (`test_util::OPERATIONS`), for
/// tests that check every operation and error is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    pub name: &'static str,
    /// The names of the error shapes the model lists for the operation.
    pub errors: &'static [&'static str],
    pub paginated: bool,
}

// ---------------------------------------------------------------------------------------------
// Capture

/// A request as the connector received it: method, URI, every header (`host`, `content-length`,
/// `authorization`, ...) and the body. Its `Debug` hides the signature, the credential scope and
/// the session token, and shows only the length of the body (which may hold `@sensitive` members).
#[derive(Clone)]
pub struct CapturedRequest {
    request: HttpRequest,
}

impl CapturedRequest {
    /// Wraps a request.
    pub fn new(request: HttpRequest) -> Self {
        CapturedRequest { request }
    }

    /// The request itself.
    pub fn http_request(&self) -> &HttpRequest {
        &self.request
    }

    /// `POST` for every awsJson request.
    pub fn method(&self) -> &str {
        self.request.method().as_str()
    }

    /// The full URI (`https://states.us-east-1.amazonaws.com/`).
    pub fn uri(&self) -> String {
        self.request.uri().to_string()
    }

    /// The value of header `name` (case-insensitive); `None` when absent or not visible ASCII.
    /// Several values of one header are joined with `, `.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> =
            self.request.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The lower-case names of every header the request carries, sorted.
    pub fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            self.request.headers().keys().map(|k| k.as_str().to_owned()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// The `Host` header.
    pub fn host(&self) -> Option<String> {
        self.header("host")
    }

    /// The `Content-Length` header, parsed.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length").and_then(|v| v.trim().parse().ok())
    }

    /// The operation named by `X-Amz-Target` (`AWSStepFunctions.ListActivities` →
    /// `ListActivities`).
    pub fn operation(&self) -> Option<String> {
        target_operation(self.request.headers())
    }

    /// The headers the SigV4 signature covers: the `SignedHeaders` list of `Authorization`
    /// (empty when the request is not signed).
    pub fn signed_headers(&self) -> Vec<String> {
        let Some(auth) = self.header("authorization") else { return Vec::new() };
        auth.split(',')
            .filter_map(|part| part.trim().strip_prefix("SignedHeaders="))
            .flat_map(|list| list.split(';'))
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The body as sent.
    pub fn body(&self) -> &[u8] {
        self.request.body()
    }

    /// The body parsed as JSON.
    pub fn body_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(self.request.body())
    }
}

impl fmt::Debug for CapturedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: BTreeMap<String, String> = self
            .header_names()
            .into_iter()
            .map(|name| {
                let value = match name.as_str() {
                    "authorization" => {
                        format!("<redacted; SignedHeaders={}>", self.signed_headers().join(";"))
                    }
                    "x-amz-security-token" => "<redacted>".to_owned(),
                    _ => self.header(&name).unwrap_or_else(|| "<not visible ASCII>".to_owned()),
                };
                (name, value)
            })
            .collect();
        f.debug_struct("CapturedRequest")
            .field("method", &self.method())
            .field("uri", &self.uri())
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body().len()))
            .finish()
    }
}

fn target_operation(headers: &http::HeaderMap) -> Option<String> {
    let target = headers.get(crate::protocol::X_AMZ_TARGET)?.to_str().ok()?;
    Some(target.rsplit_once('.').map_or(target, |(_, op)| op).to_owned())
}

/// A connector that keeps every request it is sent, in full, and answers each with one canned
/// response (default: `200` with the body `{}`).
///
/// Clones share their state: give one clone to the client configuration
/// ([`CapturingConnector::client_config`] or `ConfigBuilder::http_connector`) and keep one to
/// look at the requests.
#[derive(Clone)]
pub struct CapturingConnector {
    captured: Arc<Mutex<Vec<CapturedRequest>>>,
    response: Arc<dyn Fn() -> HttpResponse + Send + Sync>,
}

impl fmt::Debug for CapturingConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CapturingConnector")
            .field("captured", &lock(&self.captured).len())
            .finish_non_exhaustive()
    }
}

impl Default for CapturingConnector {
    fn default() -> Self {
        Self::new()
    }
}

impl CapturingConnector {
    /// Answers every request with `200 {}`.
    pub fn new() -> Self {
        Self::with_response(200, &[], "{}")
    }

    /// Answers every request with `status`, `headers` and `body`.
    pub fn with_response(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        let response = http_response(status, headers, body);
        Self::respond_with(move || response.clone())
    }

    /// Answers every request with what `make` returns.
    pub fn respond_with(make: impl Fn() -> HttpResponse + Send + Sync + 'static) -> Self {
        CapturingConnector { captured: Arc::default(), response: Arc::new(make) }
    }

    /// A client configuration that sends through this connector, with test defaults:
    /// region `us-east-1`, fixed test credentials, one attempt per call.
    pub fn client_config(&self) -> Config {
        test_client_config(self.clone())
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        lock(&self.captured).clone()
    }

    /// The last request sent, if any.
    pub fn last_request(&self) -> Option<CapturedRequest> {
        lock(&self.captured).last().cloned()
    }

    /// The last request sent. Panics when none was sent, showing `outcome` (the result of the
    /// call, which says why).
    #[track_caller]
    pub fn request(&self, outcome: &dyn fmt::Debug) -> HttpRequest {
        match self.last_request() {
            Some(r) => r.request,
            None => panic!("the client sent no request: {outcome:?}"),
        }
    }
}

impl HttpConnector for CapturingConnector {
    fn call(&self, request: HttpRequest, _max_body_size: usize) -> HttpFuture {
        lock(&self.captured).push(CapturedRequest::new(request));
        let response = Ok((self.response)());
        Box::pin(async move { response })
    }
}

/// An HTTP response from a status, headers and body.
pub fn http_response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut response = http::Response::new(Bytes::copy_from_slice(body.as_bytes()));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) =
            (http::HeaderName::try_from(*name), http::HeaderValue::try_from(*value))
        {
            response.headers_mut().append(n, v);
        }
    }
    response
}

/// The configuration the test kit's connectors give: region `us-east-1`, fixed test
/// credentials, one attempt per call, requests sent through `connector`.
pub fn test_client_config(connector: impl HttpConnector + 'static) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test-util"))
        .retry_config(RetryConfig::disabled())
        .http_connector(connector)
        .build()
}

// ---------------------------------------------------------------------------------------------
// Mocks

/// How a [`MockConnector`] picks the rule that answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleMode {
    /// Rules answer in the order given: the first rule that is not used up must match the
    /// request, else the request fails naming both.
    Sequential,
    /// The first rule (in the order given) that matches the request and is not used up answers.
    MatchAny,
}

type MatchFn = Arc<dyn Fn(&Value) -> bool + Send + Sync>;
type ResponseFn = Arc<dyn Fn() -> HttpResponse + Send + Sync>;

/// One response of a rule and how many times it is given (`None`: for ever).
#[derive(Clone)]
struct Step {
    response: ResponseFn,
    times: Option<usize>,
}

#[derive(Default)]
struct RuleState {
    calls: usize,
}

/// A typed mock: the operation it answers, which of its requests (by their typed input), and the
/// responses it gives in turn — typed outputs, typed errors or raw HTTP responses. Responses are
/// encoded as the service sends them, so the whole client path runs on them (signing, decoding,
/// error mapping, retries).
///
/// ```text
/// let rule = MockRule::for_operation::<ListActivities>()
///     .match_requests(|input| input.max_results() == Some(10))
///     .sequence()
///     .output(|| ListActivitiesOutput::builder().build().unwrap())
///     .error(|| ListActivitiesError::InvalidToken(InvalidToken::builder().message("expired").build()))
///     .build();
/// ```
///
/// Clones share the count of calls served ([`MockRule::num_calls`]).
#[derive(Clone)]
pub struct MockRule {
    operation: &'static str,
    matcher: Option<MatchFn>,
    steps: Arc<Vec<Step>>,
    state: Arc<Mutex<RuleState>>,
}

impl fmt::Debug for MockRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockRule")
            .field("operation", &self.operation)
            .field("matches_requests", &self.matcher.is_some())
            .field("responses", &self.capacity_text())
            .field("calls", &self.num_calls())
            .finish()
    }
}

impl MockRule {
    /// Starts a rule for operation `O` (the operation's marker type, e.g. `ListActivities`).
    pub fn for_operation<O>() -> MockRuleBuilder<O>
    where
        O: Operation,
        O::Input: FromJson,
        O::Output: ToJson,
    {
        MockRuleBuilder { matcher: None, _operation: std::marker::PhantomData }
    }

    /// The operation this rule answers.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// How many requests this rule has answered.
    pub fn num_calls(&self) -> usize {
        lock(&self.state).calls
    }

    /// Whether every response of the rule has been given (never, for a rule that repeats one).
    pub fn is_exhausted(&self) -> bool {
        self.capacity().is_some_and(|n| self.num_calls() >= n)
    }

    /// How many requests the rule answers (`None`: any number).
    fn capacity(&self) -> Option<usize> {
        self.steps.iter().try_fold(0usize, |sum, s| s.times.map(|t| sum + t))
    }

    fn capacity_text(&self) -> String {
        match self.capacity() {
            Some(n) => format!("{n}"),
            None => "unlimited".to_owned(),
        }
    }

    fn matches(&self, operation: &str, input: &Value) -> bool {
        self.operation == operation && self.matcher.as_ref().is_none_or(|m| m(input))
    }

    /// The response to the next call, counting it.
    fn next_response(&self) -> Option<HttpResponse> {
        let mut state = lock(&self.state);
        let mut index = state.calls;
        for step in self.steps.iter() {
            match step.times {
                None => {
                    state.calls += 1;
                    return Some((step.response)());
                }
                Some(t) if index < t => {
                    state.calls += 1;
                    return Some((step.response)());
                }
                Some(t) => index -= t,
            }
        }
        None
    }
}

/// Builds a [`MockRule`] for operation `O`: optionally which requests it matches, then its
/// response ([`Self::then_output`], [`Self::then_error`], [`Self::then_http_response`]: one
/// response, given once) or several ([`Self::sequence`]).
pub struct MockRuleBuilder<O> {
    matcher: Option<MatchFn>,
    _operation: std::marker::PhantomData<fn() -> O>,
}

impl<O> fmt::Debug for MockRuleBuilder<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockRuleBuilder")
            .field("matches_requests", &self.matcher.is_some())
            .finish()
    }
}

impl<O> MockRuleBuilder<O>
where
    O: Operation,
    O::Input: FromJson,
    O::Output: ToJson,
{
    /// Answers only requests whose input (decoded from the body the client sent) `matches`.
    pub fn match_requests(
        mut self,
        matches: impl Fn(&O::Input) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.matcher = Some(Arc::new(move |body: &Value| {
            value_into::<O::Input>(body).is_ok_and(|input| matches(&input))
        }));
        self
    }

    /// Answers once with the output `make` returns.
    pub fn then_output(self, make: impl Fn() -> O::Output + Send + Sync + 'static) -> MockRule {
        self.sequence().output(make).build()
    }

    /// Answers once with the modeled error `make` returns, as the service sends it.
    pub fn then_error(self, make: impl Fn() -> O::Error + Send + Sync + 'static) -> MockRule {
        self.sequence().error(make).build()
    }

    /// Answers once with the HTTP response `make` returns.
    pub fn then_http_response(
        self,
        make: impl Fn() -> HttpResponse + Send + Sync + 'static,
    ) -> MockRule {
        self.sequence().http_response(make).build()
    }

    /// Starts a sequence of responses, given in turn ("this output, then this error").
    pub fn sequence(self) -> MockSequenceBuilder<O> {
        MockSequenceBuilder {
            matcher: self.matcher,
            steps: Vec::new(),
            _operation: std::marker::PhantomData,
        }
    }
}

/// The responses of a [`MockRule`], in order. Each response is given once unless followed by
/// [`Self::times`] or [`Self::repeatedly`].
pub struct MockSequenceBuilder<O> {
    matcher: Option<MatchFn>,
    steps: Vec<Step>,
    _operation: std::marker::PhantomData<fn() -> O>,
}

impl<O> fmt::Debug for MockSequenceBuilder<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockSequenceBuilder").field("responses", &self.steps.len()).finish()
    }
}

impl<O> MockSequenceBuilder<O>
where
    O: Operation,
    O::Input: FromJson,
    O::Output: ToJson,
{
    fn push(mut self, response: ResponseFn) -> Self {
        self.steps.push(Step { response, times: Some(1) });
        self
    }

    /// Then the output `make` returns (status 200, the output's JSON wire form).
    pub fn output(self, make: impl Fn() -> O::Output + Send + Sync + 'static) -> Self {
        self.push(Arc::new(move || http_response(200, &[], &crate::json::to_string(&make()))))
    }

    /// Then the modeled error `make` returns, as the service sends it: status 400 (or the
    /// status in its metadata), a body of the shape's members with the shape's name in
    /// `__type` (and the metadata's message when the shape has none). The unhandled variant is
    /// sent with the code and message of its metadata.
    pub fn error(self, make: impl Fn() -> O::Error + Send + Sync + 'static) -> Self {
        self.push(Arc::new(move || error_response(&make())))
    }

    /// Then the HTTP response `make` returns.
    pub fn http_response(self, make: impl Fn() -> HttpResponse + Send + Sync + 'static) -> Self {
        self.push(Arc::new(make))
    }

    /// Then a response of `status` with `body` (default: empty).
    pub fn http_status(self, status: u16, body: Option<&str>) -> Self {
        let response = http_response(status, &[], body.unwrap_or(""));
        self.push(Arc::new(move || response.clone()))
    }

    /// Gives the response before `n` times in all (`n` of 0 drops it).
    pub fn times(mut self, n: usize) -> Self {
        if let Some(last) = self.steps.last_mut() {
            last.times = Some(n);
        }
        self
    }

    /// Gives the response before for ever (responses after it are never reached).
    pub fn repeatedly(mut self) -> Self {
        if let Some(last) = self.steps.last_mut() {
            last.times = None;
        }
        self
    }

    /// The rule.
    pub fn build(self) -> MockRule {
        MockRule {
            operation: O::NAME,
            matcher: self.matcher,
            steps: Arc::new(self.steps),
            state: Arc::default(),
        }
    }
}

fn error_response<E: OperationError>(error: &E) -> HttpResponse {
    let meta = OperationError::meta(error);
    let mut body = match error.modeled_body().map(|b| serde_json::from_str::<Value>(&b)) {
        Some(Ok(Value::Object(members))) => members,
        _ => Map::new(),
    };
    if let Some(code) = error.modeled_shape().or(meta.code()) {
        body.insert("__type".into(), code.into());
    }
    if let (false, Some(message)) = (body.contains_key("message"), meta.message()) {
        body.insert("message".into(), message.into());
    }
    http_response(meta.status().unwrap_or(400), &[], &Value::Object(body).to_string())
}

/// A connector that answers requests from [`MockRule`]s instead of a network. A request no rule
/// answers fails (as a connector error the call returns) naming its operation; so does one
/// that finds its rule used up. [`MockConnector::assert_all_used`] checks afterwards that every
/// rule gave all its responses.
///
/// Clones share their state.
#[derive(Clone, Debug)]
pub struct MockConnector {
    mode: RuleMode,
    rules: Arc<Vec<MockRule>>,
    captured: Arc<Mutex<Vec<CapturedRequest>>>,
}

impl MockConnector {
    /// Serves `rules` in `mode`.
    pub fn new(mode: RuleMode, rules: impl IntoIterator<Item = MockRule>) -> Self {
        MockConnector {
            mode,
            rules: Arc::new(rules.into_iter().collect()),
            captured: Arc::default(),
        }
    }

    /// A client configuration that sends through this connector, with test defaults:
    /// region `us-east-1`, fixed test credentials, one attempt per call (set a retry
    /// configuration on [`Config::to_builder`] to test retries).
    pub fn client_config(&self) -> Config {
        test_client_config(self.clone())
    }

    /// Every request received so far, answered or not.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        lock(&self.captured).clone()
    }

    /// Checks that every rule gave all its responses; the error names each rule that did not.
    pub fn check_all_used(&self) -> Result<(), String> {
        let unused: Vec<String> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.capacity().map_or(r.num_calls() == 0, |n| r.num_calls() < n))
            .map(|(i, r)| {
                format!(
                    "rule {} ({}) answered {} of {} request(s)",
                    i + 1,
                    r.operation,
                    r.num_calls(),
                    r.capacity_text()
                )
            })
            .collect();
        if unused.is_empty() {
            Ok(())
        } else {
            Err(unused.join("\n"))
        }
    }

    /// Panics naming every rule that did not give all its responses (a rule that repeats a
    /// response for ever must have answered once).
    #[track_caller]
    pub fn assert_all_used(&self) {
        if let Err(problems) = self.check_all_used() {
            panic!("not every mock rule was used:\n{problems}");
        }
    }

    fn answer(&self, request: &CapturedRequest) -> Result<HttpResponse, String> {
        let number = lock(&self.captured).len();
        let operation = request
            .operation()
            .ok_or_else(|| format!("request {number} has no X-Amz-Target header"))?;
        let input = request.body_json().unwrap_or(Value::Null);
        let rule = match self.mode {
            RuleMode::Sequential => {
                let (index, rule) = self
                    .rules
                    .iter()
                    .enumerate()
                    .find(|(_, r)| !r.is_exhausted())
                    .ok_or_else(|| format!("request {number} ({operation}): every mock rule is used up ({} rule(s))", self.rules.len()))?;
                if !rule.matches(&operation, &input) {
                    return Err(format!(
                        "request {number} ({operation}) does not match the next mock rule, rule {} ({}{})",
                        index + 1,
                        rule.operation,
                        if rule.operation == operation { ", whose match_requests refused the input" } else { "" }
                    ));
                }
                rule
            }
            RuleMode::MatchAny => {
                let matching: Vec<&MockRule> =
                    self.rules.iter().filter(|r| r.matches(&operation, &input)).collect();
                let Some(first) = matching.first() else {
                    return Err(format!("request {number} ({operation}): no mock rule matches it"));
                };
                match matching.iter().copied().find(|r| !r.is_exhausted()) {
                    Some(r) => r,
                    None => {
                        return Err(format!(
                            "request {number} ({operation}): the mock rule that matches it is used up ({} response(s) given)",
                            first.num_calls()
                        ))
                    }
                }
            }
        };
        rule.next_response()
            .ok_or_else(|| format!("request {number} ({operation}): the mock rule is used up"))
    }
}

impl HttpConnector for MockConnector {
    fn call(&self, request: HttpRequest, _max_body_size: usize) -> HttpFuture {
        let request = CapturedRequest::new(request);
        lock(&self.captured).push(request.clone());
        let result = self
            .answer(&request)
            .map_err(|problem| ConnectorError::new(ConnectorErrorKind::Other, problem));
        Box::pin(async move { result })
    }
}

// ---------------------------------------------------------------------------------------------
// Calls by name, with JSON in and out

/// How a call made with JSON in and out ([`call_json`]) failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallJsonError {
    /// No operation of the service has this name.
    UnknownOperation(String),
    /// The input JSON does not decode as the operation's input.
    InvalidInput(DeserializeError),
    /// The service answered with an error: the modeled error shape it decoded to (`None`: not a
    /// modeled error of the operation), and its metadata.
    Service {
        shape: Option<&'static str>,
        meta: ErrorMetadata,
        error: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The call failed before or without an error answer (construction, dispatch, timeout, an
    /// unreadable response).
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for CallJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallJsonError::UnknownOperation(name) => {
                write!(f, "the service has no operation `{name}`")
            }
            CallJsonError::InvalidInput(e) => write!(f, "invalid input: {e}"),
            CallJsonError::Service { shape, error, .. } => match shape {
                Some(shape) => write!(f, "service error {shape}: {error}"),
                None => write!(f, "unmodeled service error: {error}"),
            },
            // `SdkError` says its cause in its own message.
            CallJsonError::Other(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CallJsonError {}

/// Decodes a JSON value (of the test kit) as the runtime decodes a body: from its text.
fn value_into<T: FromJson>(value: &Value) -> Result<T, DeserializeError> {
    crate::json::from_slice(&serde_json::to_vec(value).unwrap_or_default())
}

/// Calls `O` with an input given in its JSON wire form, and returns the decoded output encoded
/// back to its JSON wire form. Generated clients offer it by operation name (`Client::call_json`).
pub async fn call_json<O>(handle: &Handle, input: Value) -> Result<Value, CallJsonError>
where
    O: Operation,
    O::Input: FromJson,
    O::Output: ToJson,
{
    let input = value_into::<O::Input>(&input).map_err(CallJsonError::InvalidInput)?;
    match handle.call::<O>(input).await {
        Ok(output) => {
            Ok(serde_json::from_str(&crate::json::to_string(&output)).unwrap_or(Value::Null))
        }
        Err(SdkError::ServiceError(e)) => {
            let err = e.into_err();
            Err(CallJsonError::Service {
                shape: err.modeled_shape(),
                meta: OperationError::meta(&err).clone(),
                error: Box::new(err),
            })
        }
        Err(other) => Err(CallJsonError::Other(Box::new(other))),
    }
}

/// Checks the result of a call against the expectation of its exchange; the error lists every
/// difference.
pub fn check_expected(
    expected: &Expected,
    result: &Result<Value, CallJsonError>,
) -> Result<(), String> {
    let mut problems = Vec::new();
    match (expected, result) {
        (Expected::Output(want), Ok(got)) => json_differences("output", want, got, &mut problems),
        (
            Expected::Error { shape, message },
            Err(CallJsonError::Service { shape: got_shape, meta, .. }),
        ) => {
            if shape.as_deref() != *got_shape {
                problems.push(format!("error shape: expected {shape:?}, got {got_shape:?}"));
            }
            if message.is_some() && message.as_deref() != meta.message() {
                problems
                    .push(format!("error message: expected {message:?}, got {:?}", meta.message()));
            }
        }
        (Expected::Output(_), Err(e)) => {
            problems.push(format!("expected an output, the call failed: {e}"))
        }
        (Expected::Error { shape, .. }, Ok(got)) => {
            problems.push(format!("expected error {shape:?}, got output {got}"))
        }
        (Expected::Error { shape, .. }, Err(e)) => problems
            .push(format!("expected service error {shape:?}, the call failed otherwise: {e}")),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"{
      "operation": "DescribeThing",
      "source": "written for this test",
      "exchanges": [{
        "request": {"method": "POST", "path": "/", "headers": {"Content-Type": "application/x-amz-json-1.0", "x-amz-target": "Svc.DescribeThing"}, "body": {"name": "a", "n": 1}},
        "response": {"status": 200, "headers": {"content-type": "application/x-amz-json-1.0"}, "body": {"ok": true}},
        "expected": {"output": {"ok": true}}
      }, {
        "request": {"method": "POST", "path": "/", "headers": {}, "body_text": ""},
        "response": {"status": 400, "headers": {}, "body": {"__type": "Nope"}},
        "expected": {"error": {"shape": "Nope", "message": null}}
      }]
    }"#;

    #[test]
    fn fixtures_round_trip_through_their_file_text() {
        let f = Fixture::parse(FIXTURE).unwrap();
        assert_eq!(f.exchanges.len(), 2);
        assert_eq!(f.exchanges[0].request.headers["content-type"], "application/x-amz-json-1.0");
        assert_eq!(f.exchanges[1].request.body, Body::Text(String::new()));
        assert_eq!(
            f.exchanges[1].expected,
            Some(Expected::Error { shape: Some("Nope".into()), message: None })
        );
        assert_eq!(Fixture::parse(&f.to_file_text()).unwrap(), f);
    }

    #[test]
    fn malformed_fixtures_are_refused_with_the_place() {
        let e = Fixture::parse(r#"{"operation": "X", "source": "s", "exchanges": [{"request": {}, "response": {"status": 200}}]}"#)
            .unwrap_err();
        assert_eq!(e.to_string(), "exchanges[0]: `method` must be a string");
        let e =
            Fixture::parse(r#"{"operation": "X", "source": "s", "exchanges": []}"#).unwrap_err();
        assert_eq!(e.to_string(), "`exchanges` is empty");
    }

    #[test]
    fn json_differences_name_each_path() {
        let mut out = Vec::new();
        let want = serde_json::json!({"a": {"b": [1, 2]}, "c": 1.0, "d": "x"});
        let got = serde_json::json!({"a": {"b": [1, 3]}, "c": 1, "e": null});
        json_differences("$", &want, &got, &mut out);
        assert_eq!(
            out,
            [
                "$.a.b[1]: expected 2, got 3",
                "$.d: expected \"x\", missing",
                "$.e: not expected, got null"
            ]
        );
    }

    #[tokio::test]
    async fn replay_serves_in_order_and_reports_request_differences() {
        let f = Fixture::parse(FIXTURE).unwrap();
        let c = ReplayConnector::new(&f);
        let req = http::Request::builder()
            .method("POST")
            .uri("https://x.test/")
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "Svc.DescribeThing")
            .header("authorization", "secret")
            .body(Bytes::from(r#"{"n":1.0,"name":"b"}"#))
            .unwrap();
        let res = c.call(req, 1 << 20).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(&res.body()[..], br#"{"ok":true}"#);
        let problems = c.check_requests().unwrap_err();
        assert_eq!(problems, "request 1: body.name: expected \"a\", got \"b\"\n1 recorded exchange(s) were never requested (the client sent 1)");
        assert!(!c.requests()[0].headers.contains_key("authorization"));
        let res = c
            .call(http::Request::post("https://x.test/").body(Bytes::new()).unwrap(), 1 << 20)
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let err = c
            .call(http::Request::post("https://x.test/").body(Bytes::new()).unwrap(), 1 << 20)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no recorded exchange left for request 3"), "{err}");
    }

    #[test]
    fn captured_requests_show_signed_headers_and_hide_secrets() {
        let req = http::Request::builder()
            .method("POST")
            .uri("https://states.us-east-1.amazonaws.com/")
            .header("host", "states.us-east-1.amazonaws.com")
            .header("content-length", "11")
            .header("x-amz-target", "AWSStepFunctions.ListActivities")
            .header("x-amz-security-token", "TOKEN-SECRET")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/states/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date, Signature=deadbeefcafe",
            )
            .body(Bytes::from_static(br#"{"secret":1}"#))
            .unwrap();
        let c = CapturedRequest::new(req);
        assert_eq!(c.signed_headers(), ["content-type", "host", "x-amz-date"]);
        assert_eq!(c.operation().as_deref(), Some("ListActivities"));
        assert_eq!(c.host().as_deref(), Some("states.us-east-1.amazonaws.com"));
        assert_eq!(c.content_length(), Some(11));
        assert_eq!(c.body_json().unwrap(), serde_json::json!({"secret": 1}));
        let debug = format!("{c:?}");
        for secret in ["deadbeefcafe", "TOKEN-SECRET", "AKID", "\"secret\""] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(
            debug.contains("SignedHeaders=content-type;host;x-amz-date")
                && debug.contains("<12 bytes>"),
            "{debug}"
        );
        assert!(CapturedRequest::new(http::Request::new(Bytes::new())).signed_headers().is_empty());
    }

    #[tokio::test]
    async fn the_capturing_connector_keeps_every_request_and_answers_its_canned_response() {
        let c = CapturingConnector::new();
        let res = c
            .call(
                http::Request::post("https://a.test/").body(Bytes::from_static(b"1")).unwrap(),
                1 << 20,
            )
            .await
            .unwrap();
        assert_eq!((res.status().as_u16(), &res.body()[..]), (200, &b"{}"[..]));
        let c2 = CapturingConnector::with_response(
            503,
            &[("x-amzn-errortype", "ServiceUnavailable")],
            "",
        );
        let res = c2.call(http::Request::new(Bytes::new()), 1 << 20).await.unwrap();
        assert_eq!(
            (res.status().as_u16(), res.headers()["x-amzn-errortype"].to_str().unwrap()),
            (503, "ServiceUnavailable")
        );
        c.call(http::Request::post("https://b.test/").body(Bytes::new()).unwrap(), 1 << 20)
            .await
            .unwrap();
        let uris: Vec<String> = c.requests().iter().map(CapturedRequest::uri).collect();
        assert_eq!(uris, ["https://a.test/", "https://b.test/"]);
        assert_eq!(c.request(&"").uri(), "https://b.test/");
    }

    #[tokio::test]
    async fn recordings_can_keep_the_host_the_replay_sends() {
        let inner = CapturingConnector::new();
        let rec = RecordingConnector::new(inner).record_host_as("states.us-east-1.amazonaws.com");
        let req = http::Request::post("http://127.0.0.1:4567/")
            .header("host", "127.0.0.1:4567")
            .body(Bytes::new())
            .unwrap();
        rec.call(req, 1 << 20).await.unwrap();
        assert_eq!(rec.exchanges()[0].request.headers["host"], "states.us-east-1.amazonaws.com");
    }

    #[test]
    fn a_recorded_host_is_compared_and_an_absent_one_is_not() {
        let recorded = |headers: &[(&str, &str)]| RecordedRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: Body::Text(String::new()),
        };
        let sent = recorded(&[("host", "states.eu-west-1.amazonaws.com")]);
        assert_eq!(
            request_differences(&recorded(&[("host", "states.us-east-1.amazonaws.com")]), &sent),
            ["header host: recorded `states.us-east-1.amazonaws.com`, sent `states.eu-west-1.amazonaws.com`"]
        );
        assert!(request_differences(&recorded(&[]), &sent).is_empty());
        assert!(REQUEST_HEADERS.contains(&"host"));
    }
}
