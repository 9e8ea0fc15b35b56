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
use serde_json::{Map, Value};

use crate::client::Handle;
use crate::error::{ErrorMetadata, SdkError};
use crate::http::{ConnectorError, ConnectorErrorKind, HttpConnector, HttpFuture, HttpRequest, HttpResponse};
use crate::json::{DeserializeError, FromJson, ToJson};
use crate::operation::{Operation, OperationError};

/// The request headers a fixture keeps: the ones that select the operation and its encoding.
pub const REQUEST_HEADERS: &[&str] = &["content-type", "x-amz-target"];
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
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
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
        o.insert("exchanges".into(), Value::Array(self.exchanges.iter().map(Exchange::to_json).collect()));
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
            message_json([("method", r.method.clone().into()), ("path", r.path.clone().into())], &r.headers, &r.body),
        );
        let r = &self.response;
        o.insert("response".into(), message_json([("status", r.status.into())], &r.headers, &r.body));
        if let Some(e) = &self.expected {
            let v = match e {
                Expected::Output(v) => serde_json::json!({ "output": v }),
                Expected::Error { shape, message } => serde_json::json!({ "error": { "shape": shape, "message": message } }),
            };
            o.insert("expected".into(), v);
        }
        Value::Object(o)
    }
}

fn message_json<const N: usize>(first: [(&str, Value); N], headers: &BTreeMap<String, String>, body: &Body) -> Value {
    let mut o = Map::new();
    for (k, v) in first {
        o.insert(k.into(), v);
    }
    o.insert("headers".into(), Value::Object(headers.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()));
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
    o.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| bad(format!("`{key}` must be a string")))
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
        ReplayConnector { state: Arc::new(Mutex::new(ReplayState { pending: exchanges.into_iter().collect(), served: Vec::new() })) }
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
}

impl RecordingConnector {
    pub fn new(inner: impl HttpConnector + 'static) -> Self {
        RecordingConnector { inner: Arc::new(inner), recorded: Arc::default() }
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
        Fixture { operation: operation.to_owned(), source: source.to_owned(), description: None, exchanges: self.take() }
    }
}

impl HttpConnector for RecordingConnector {
    fn call(&self, request: HttpRequest, max_body_size: usize) -> HttpFuture {
        let sent = record_request(&request);
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
    Service { shape: Option<&'static str>, meta: ErrorMetadata, error: Box<dyn std::error::Error + Send + Sync> },
    /// The call failed before or without an error answer (construction, dispatch, timeout, an
    /// unreadable response).
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for CallJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallJsonError::UnknownOperation(name) => write!(f, "the service has no operation `{name}`"),
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

/// Calls `O` with an input given in its JSON wire form, and returns the decoded output encoded
/// back to its JSON wire form. Generated clients offer it by operation name (`Client::call_json`).
pub async fn call_json<O>(handle: &Handle, input: Value) -> Result<Value, CallJsonError>
where
    O: Operation,
    O::Input: FromJson,
    O::Output: ToJson,
{
    let input = O::Input::from_json(input).map_err(CallJsonError::InvalidInput)?;
    match handle.call::<O>(input).await {
        Ok(output) => Ok(serde_json::from_str(&crate::json::to_string(&output)).unwrap_or(Value::Null)),
        Err(SdkError::ServiceError(e)) => {
            let err = e.into_err();
            Err(CallJsonError::Service { shape: err.modeled_shape(), meta: OperationError::meta(&err).clone(), error: Box::new(err) })
        }
        Err(other) => Err(CallJsonError::Other(Box::new(other))),
    }
}

/// Checks the result of a call against the expectation of its exchange; the error lists every
/// difference.
pub fn check_expected(expected: &Expected, result: &Result<Value, CallJsonError>) -> Result<(), String> {
    let mut problems = Vec::new();
    match (expected, result) {
        (Expected::Output(want), Ok(got)) => json_differences("output", want, got, &mut problems),
        (Expected::Error { shape, message }, Err(CallJsonError::Service { shape: got_shape, meta, .. })) => {
            if shape.as_deref() != *got_shape {
                problems.push(format!("error shape: expected {shape:?}, got {got_shape:?}"));
            }
            if message.is_some() && message.as_deref() != meta.message() {
                problems.push(format!("error message: expected {message:?}, got {:?}", meta.message()));
            }
        }
        (Expected::Output(_), Err(e)) => problems.push(format!("expected an output, the call failed: {e}")),
        (Expected::Error { shape, .. }, Ok(got)) => problems.push(format!("expected error {shape:?}, got output {got}")),
        (Expected::Error { shape, .. }, Err(e)) => {
            problems.push(format!("expected service error {shape:?}, the call failed otherwise: {e}"))
        }
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
        assert_eq!(f.exchanges[1].expected, Some(Expected::Error { shape: Some("Nope".into()), message: None }));
        assert_eq!(Fixture::parse(&f.to_file_text()).unwrap(), f);
    }

    #[test]
    fn malformed_fixtures_are_refused_with_the_place() {
        let e = Fixture::parse(r#"{"operation": "X", "source": "s", "exchanges": [{"request": {}, "response": {"status": 200}}]}"#)
            .unwrap_err();
        assert_eq!(e.to_string(), "exchanges[0]: `method` must be a string");
        let e = Fixture::parse(r#"{"operation": "X", "source": "s", "exchanges": []}"#).unwrap_err();
        assert_eq!(e.to_string(), "`exchanges` is empty");
    }

    #[test]
    fn json_differences_name_each_path() {
        let mut out = Vec::new();
        let want = serde_json::json!({"a": {"b": [1, 2]}, "c": 1.0, "d": "x"});
        let got = serde_json::json!({"a": {"b": [1, 3]}, "c": 1, "e": null});
        json_differences("$", &want, &got, &mut out);
        assert_eq!(out, ["$.a.b[1]: expected 2, got 3", "$.d: expected \"x\", missing", "$.e: not expected, got null"]);
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
        let res = c.call(http::Request::post("https://x.test/").body(Bytes::new()).unwrap(), 1 << 20).await.unwrap();
        assert_eq!(res.status(), 400);
        let err = c.call(http::Request::post("https://x.test/").body(Bytes::new()).unwrap(), 1 << 20).await.unwrap_err();
        assert!(err.to_string().contains("no recorded exchange left for request 3"), "{err}");
    }
}
