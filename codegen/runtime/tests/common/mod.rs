//! Test fixtures: a tiny service with hand-written operations, a scripted connector, a recording
//! sleep, a scripted random source, and a loopback HTTP/1.1 fault server.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use awsjson_runtime::clock::{AsyncSleep, RandomSource, Sleep};
use awsjson_runtime::endpoint::{Endpoint, EndpointError, EndpointParams, ResolveEndpoint};
use awsjson_runtime::error::{BuildError, ErrorMetadata, Unhandled};
use awsjson_runtime::http::{ConnectorError, HttpConnector, HttpFuture, HttpRequest, HttpResponse};
use awsjson_runtime::json::{self, DeserializeError, FromJson, JsonWriter, ToJson};
use awsjson_runtime::operation::{Operation, OperationError};
use awsjson_runtime::service::ServiceMeta;
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------------
// A tiny service

/// Resolves `Endpoint` when set, else `https://states.<region>.amazonaws.com`; FIPS puts
/// `-fips` after the service name; the region `bad region` is an error.
#[derive(Debug)]
pub struct TestResolver;

impl ResolveEndpoint for TestResolver {
    fn resolve_endpoint(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError> {
        if let Some(url) = &params.endpoint {
            return Ok(Endpoint::new(url.clone()));
        }
        let region = params
            .region
            .as_deref()
            .ok_or_else(|| EndpointError::new("Invalid Configuration: Missing Region"))?;
        if region.contains(' ') {
            return Err(EndpointError::new(format!("invalid region `{region}`")));
        }
        let fips = if params.use_fips { "-fips" } else { "" };
        Ok(Endpoint::new(format!("https://states{fips}.{region}.amazonaws.com")))
    }
}

pub static SERVICE: ServiceMeta = ServiceMeta {
    target_prefix: "AWSStepFunctions",
    json_version: awsjson_runtime::service::JsonVersion::V1_0,
    signing_name: "states",
    sdk_id: "SFN",
    api_version: "2016-11-23",
    user_agent: "sfn-client/0.1.0",
    endpoint_resolver: &TestResolver,
    query_compatible: false,
};

/// Input of the test operations: `name` is required, `clientToken` is an idempotency token.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThingInput {
    pub name: Option<String>,
    pub client_token: Option<String>,
}

impl ThingInput {
    pub fn named(name: &str) -> Self {
        ThingInput { name: Some(name.into()), client_token: None }
    }
}

impl ToJson for ThingInput {
    fn write_json(&self, w: &mut JsonWriter) {
        let mut o = w.object();
        o.member("name", &self.name);
        o.member("clientToken", &self.client_token);
        o.end();
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThingOutput {
    pub arn: Option<String>,
    pub count: Option<i32>,
}

impl FromJson for ThingOutput {
    fn read_json(r: &mut json::JsonReader<'_>) -> Result<Self, DeserializeError> {
        let mut out = ThingOutput::default();
        let mut o = r.object("ThingOutput")?;
        while let Some(key) = o.next_member()? {
            match &*key {
                "arn" => out.arn = o.member("arn")?,
                "count" => out.count = o.member("count")?,
                _ => o.skip()?,
            }
        }
        Ok(out)
    }
}

/// A modeled error with a `message` member.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeledError {
    pub message: Option<String>,
    pub meta: ErrorMetadata,
}

impl fmt::Display for ModeledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.meta)
    }
}

impl std::error::Error for ModeledError {}

#[derive(Debug)]
pub enum ThingError {
    /// `ThingAlreadyExists`: not retryable.
    ThingAlreadyExists(ModeledError),
    /// `SlowDownPlease`: `@retryable(throttling: true)`.
    SlowDownPlease(ModeledError),
    Unhandled(Unhandled),
}

impl fmt::Display for ThingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThingError::ThingAlreadyExists(e) | ThingError::SlowDownPlease(e) => e.fmt(f),
            ThingError::Unhandled(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ThingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ThingError::ThingAlreadyExists(e) | ThingError::SlowDownPlease(e) => Some(e),
            ThingError::Unhandled(e) => Some(e),
        }
    }
}

impl OperationError for ThingError {
    fn from_response(code: &str, body: &[u8], meta: ErrorMetadata) -> Self {
        let body: awsjson_runtime::types::Document = json::from_slice(body).unwrap_or_default();
        let message = body.get("message").and_then(|v| v.as_str()).map(str::to_string);
        match code {
            "ThingAlreadyExists" => ThingError::ThingAlreadyExists(ModeledError { message, meta }),
            "SlowDownPlease" => ThingError::SlowDownPlease(ModeledError { message, meta }),
            _ => ThingError::Unhandled(Unhandled::from_meta(meta)),
        }
    }

    fn unhandled(source: Box<dyn std::error::Error + Send + Sync>, meta: ErrorMetadata) -> Self {
        ThingError::Unhandled(Unhandled::new(source, meta))
    }

    fn retry_kind(&self) -> Option<awsjson_runtime::retry::RetryKind> {
        match self {
            ThingError::SlowDownPlease(_) => Some(awsjson_runtime::retry::RetryKind::Throttling),
            _ => None,
        }
    }

    fn meta(&self) -> &ErrorMetadata {
        match self {
            ThingError::ThingAlreadyExists(e) | ThingError::SlowDownPlease(e) => &e.meta,
            ThingError::Unhandled(e) => e.meta(),
        }
    }

    fn modeled_shape(&self) -> Option<&'static str> {
        match self {
            ThingError::ThingAlreadyExists(_) => Some("ThingAlreadyExists"),
            ThingError::SlowDownPlease(_) => Some("SlowDownPlease"),
            ThingError::Unhandled(_) => None,
        }
    }
}

/// `StartThing`: no host prefix, fills `clientToken`.
pub struct StartThing;

impl Operation for StartThing {
    const NAME: &'static str = "StartThing";
    const HOST_PREFIX: Option<&'static str> = None;
    type Input = ThingInput;
    type Output = ThingOutput;
    type Error = ThingError;

    fn validate(input: &ThingInput) -> Result<(), BuildError> {
        if input.name.is_none() {
            return Err(BuildError::missing_field("ThingInput", "name"));
        }
        Ok(())
    }

    fn fill_idempotency_token(input: &mut ThingInput, token: &mut dyn FnMut() -> String) {
        if input.client_token.is_none() {
            input.client_token = Some(token());
        }
    }
}

/// `SyncThing`: host prefix `sync-`.
pub struct SyncThing;

impl Operation for SyncThing {
    const NAME: &'static str = "SyncThing";
    const HOST_PREFIX: Option<&'static str> = Some("sync-");
    type Input = ThingInput;
    type Output = ThingOutput;
    type Error = ThingError;

    fn validate(_: &ThingInput) -> Result<(), BuildError> {
        Ok(())
    }
}

pub fn test_credentials() -> awsjson_runtime::credentials::Credentials {
    awsjson_runtime::credentials::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    )
}

// ---------------------------------------------------------------------------------------------
// Injected time and randomness

/// Records the requested delays and completes at once.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleep {
    pub delays: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleep {
    pub fn delays(&self) -> Vec<Duration> {
        self.delays.lock().unwrap().clone()
    }
}

impl AsyncSleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.delays.lock().unwrap().push(duration);
        Sleep::new(async {})
    }
}

/// Returns the given numbers in turn (the last one repeated).
#[derive(Debug)]
pub struct ScriptedRandom(pub Mutex<VecDeque<f64>>);

impl ScriptedRandom {
    pub fn new(values: &[f64]) -> Self {
        ScriptedRandom(Mutex::new(values.iter().copied().collect()))
    }
}

impl RandomSource for ScriptedRandom {
    fn next_f64(&self) -> f64 {
        let mut q = self.0.lock().unwrap();
        if q.len() > 1 {
            q.pop_front().unwrap()
        } else {
            q.front().copied().unwrap_or(0.0)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A scripted connector

/// Answers with scripted responses in turn and keeps the requests.
#[derive(Debug, Clone, Default)]
pub struct MockConnector {
    responses: Arc<Mutex<VecDeque<Result<HttpResponse, ConnectorError>>>>,
    pub requests: Arc<Mutex<Vec<HttpRequest>>>,
}

impl MockConnector {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn respond(self, status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        let mut b = http::Response::builder().status(status);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.responses
            .lock()
            .unwrap()
            .push_back(Ok(b.body(Bytes::from(body.to_string())).unwrap()));
        self
    }

    pub fn fail(self, e: ConnectorError) -> Self {
        self.responses.lock().unwrap().push_back(Err(e));
        self
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl HttpConnector for MockConnector {
    fn call(&self, request: HttpRequest, _max: usize) -> HttpFuture {
        self.requests.lock().unwrap().push(request);
        let next = self.responses.lock().unwrap().pop_front();
        Box::pin(async move {
            next.unwrap_or_else(|| Err(ConnectorError::other("no scripted response left")))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// A loopback HTTP/1.1 fault server

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Answers with this status, headers and body (keeping the connection open).
    Respond(u16, Vec<(String, String)>, String),
    /// Closes the connection without answering.
    Drop,
    /// Declares a body of `declared` bytes, sends `sent` bytes and closes.
    Truncate { declared: usize, sent: usize },
    /// Sends a chunked body of `len` bytes.
    Chunked(usize),
    /// Never answers (until the client goes away).
    Hang,
}

impl Action {
    pub fn json(status: u16, body: &str) -> Self {
        Action::Respond(
            status,
            vec![("Content-Type".into(), "application/x-amz-json-1.0".into())],
            body.into(),
        )
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub head: String,
    pub body: String,
    pub connection: usize,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

pub struct FaultServer {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub connections: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Serves the actions in order (the last one repeated) on 127.0.0.1.
    pub async fn start(actions: Vec<Action>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0usize));
        let actions = Arc::new(Mutex::new(VecDeque::from(actions)));
        let (seen2, conns2) = (seen.clone(), connections.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let id = {
                    let mut c = conns2.lock().unwrap();
                    *c += 1;
                    *c
                };
                tokio::spawn(serve(stream, id, actions.clone(), seen2.clone()));
            }
        });
        FaultServer { addr, seen, connections, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    id: usize,
    actions: Arc<Mutex<VecDeque<Action>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
) {
    let mut buf = Vec::new();
    loop {
        // Reads one request: the head, then Content-Length bytes of body.
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let len = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
        buf.drain(..head_end + len);
        seen.lock().unwrap().push(Seen { head, body, connection: id });

        let action = {
            let mut a = actions.lock().unwrap();
            if a.len() > 1 {
                a.pop_front().unwrap()
            } else {
                a.front().cloned().unwrap_or(Action::Drop)
            }
        };
        match action {
            Action::Respond(status, headers, body) => {
                let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&body);
                if stream.write_all(out.as_bytes()).await.is_err() {
                    return;
                }
            }
            Action::Drop => return,
            Action::Truncate { declared, sent } => {
                let out = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n{}",
                    "x".repeat(sent)
                );
                let _ = stream.write_all(out.as_bytes()).await;
                return;
            }
            Action::Chunked(len) => {
                let mut out = String::from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                let mut left = len;
                while left > 0 {
                    let n = left.min(1000);
                    out.push_str(&format!("{n:x}\r\n{}\r\n", "y".repeat(n)));
                    left -= n;
                }
                out.push_str("0\r\n\r\n");
                if stream.write_all(out.as_bytes()).await.is_err() {
                    return;
                }
            }
            Action::Hang => {
                let mut sink = [0u8; 64];
                while let Ok(n) = stream.read(&mut sink).await {
                    if n == 0 {
                        return;
                    }
                }
                return;
            }
        }
    }
}
