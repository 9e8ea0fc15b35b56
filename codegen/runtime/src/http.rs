//! HTTP: the connector trait the client sends requests through, and its default implementation
//! (hyper 1 with rustls).
//!
//! The default connector trusts the Mozilla root certificates bundled by `webpki-roots`: TLS then
//! works the same everywhere, including minimal containers without a system certificate store.
//! The `native-roots` feature switches to the operating system's store (for private CAs);
//! any other need (proxies, custom roots) is met by plugging in a connector of one's own.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};

use crate::error::{BoxError, RawResponse};

/// A request as sent: the body is complete.
pub type HttpRequest = http::Request<Bytes>;
/// A response as received: the body is complete.
pub type HttpResponse = http::Response<Bytes>;
/// What a connector returns.
pub type HttpFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, ConnectorError>> + Send>>;

/// Sends requests and reads responses.
pub trait HttpConnector: Send + Sync + fmt::Debug {
    /// Sends `request` and reads the whole response. A response body longer than
    /// `max_body_size` bytes must fail with [`ConnectorError::body_too_large`] rather than be read
    /// on (the client checks the length again for connectors that don't).
    fn call(&self, request: HttpRequest, max_body_size: usize) -> HttpFuture;
}

/// A connector shared by clones of a client.
#[derive(Clone, Debug)]
pub struct SharedHttpConnector(Arc<dyn HttpConnector>);

impl SharedHttpConnector {
    pub fn new(connector: impl HttpConnector + 'static) -> Self {
        SharedHttpConnector(Arc::new(connector))
    }
}

impl HttpConnector for SharedHttpConnector {
    fn call(&self, request: HttpRequest, max_body_size: usize) -> HttpFuture {
        self.0.call(request, max_body_size)
    }
}

/// What kind of failure a [`ConnectorError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectorErrorKind {
    /// Connecting, sending or receiving failed: refused or dropped connections, resets.
    Io,
    /// Connecting took longer than the connect timeout.
    Timeout,
    /// The response head arrived but reading its body failed (e.g. the connection closed early).
    ResponseBody,
    /// The response body is longer than the limit.
    BodyTooLarge,
    /// Anything else (an invalid request, a TLS configuration problem).
    Other,
}

/// A connector failure.
#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: BoxError,
    response: Option<RawResponse>,
}

impl ConnectorError {
    pub fn new(kind: ConnectorErrorKind, source: impl Into<BoxError>) -> Self {
        ConnectorError { kind, source: source.into(), response: None }
    }

    pub fn io(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::Io, source)
    }

    pub fn timeout(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::Timeout, source)
    }

    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::Other, source)
    }

    /// Reading the body of a response with this status and headers failed.
    pub fn response_body(source: impl Into<BoxError>, response: RawResponse) -> Self {
        ConnectorError { kind: ConnectorErrorKind::ResponseBody, source: source.into(), response: Some(response) }
    }

    /// The body of a response is longer than `limit` bytes.
    pub fn body_too_large(limit: usize, response: Option<RawResponse>) -> Self {
        ConnectorError {
            kind: ConnectorErrorKind::BodyTooLarge,
            source: format!(
                "the response body is larger than the limit of {limit} bytes (see ConfigBuilder::max_response_body_size)"
            )
            .into(),
            response,
        }
    }

    pub fn kind(&self) -> ConnectorErrorKind {
        self.kind
    }

    pub fn is_io(&self) -> bool {
        self.kind == ConnectorErrorKind::Io
    }

    pub fn is_timeout(&self) -> bool {
        self.kind == ConnectorErrorKind::Timeout
    }

    /// The status and headers of the response, for body errors.
    pub fn response(&self) -> Option<&RawResponse> {
        self.response.as_ref()
    }

    pub(crate) fn into_parts(self) -> (ConnectorErrorKind, BoxError, Option<RawResponse>) {
        (self.kind, self.source, self.response)
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ConnectorErrorKind::Io => "I/O error",
            ConnectorErrorKind::Timeout => "connect timeout",
            ConnectorErrorKind::ResponseBody => "error reading the response body",
            ConnectorErrorKind::BodyTooLarge => "response too large",
            ConnectorErrorKind::Other => "error",
        };
        // The whole chain: hyper's own messages are terse ("client error (Connect)").
        write!(f, "{what}: {}", self.source)?;
        let mut source = self.source.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl StdError for ConnectorError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

type HyperClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
>;

/// The default connector: hyper 1 over HTTP/1.1 with pooled connections, rustls (ring) for
/// `https`, plain TCP for `http` endpoints (local servers).
pub struct HyperConnector {
    connect_timeout: Option<Duration>,
    client: OnceLock<Result<HyperClient, String>>,
}

impl HyperConnector {
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        HyperConnector { connect_timeout, client: OnceLock::new() }
    }

    fn client(&self) -> Result<HyperClient, ConnectorError> {
        self.client
            .get_or_init(|| build_client(self.connect_timeout))
            .clone()
            .map_err(|e| ConnectorError::other(format!("cannot set up TLS: {e}")))
    }
}

impl fmt::Debug for HyperConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperConnector").field("connect_timeout", &self.connect_timeout).finish()
    }
}

fn build_client(connect_timeout: Option<Duration>) -> Result<HyperClient, String> {
    let mut tcp = hyper_util::client::legacy::connect::HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(connect_timeout);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    #[cfg(feature = "native-roots")]
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)
        .map_err(|e| e.to_string())?;
    #[cfg(not(feature = "native-roots"))]
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .map_err(|e| e.to_string())?;
    let https = builder.https_or_http().enable_http1().wrap_connector(tcp);
    Ok(hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .build(https))
}

impl HttpConnector for HyperConnector {
    fn call(&self, request: HttpRequest, max_body_size: usize) -> HttpFuture {
        let client = self.client();
        Box::pin(async move {
            let client = client?;
            let response = client.request(request.map(Full::new)).await.map_err(classify_hyper_error)?;
            let (parts, mut body) = response.into_parts();
            let raw = || RawResponse::new(parts.status.as_u16(), parts.headers.clone());
            let declared = parts
                .headers
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|n| n > max_body_size as u64) {
                return Err(ConnectorError::body_too_large(max_body_size, Some(raw())));
            }
            let mut buf = BytesMut::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| ConnectorError::response_body(e, raw()))?;
                if let Ok(data) = frame.into_data() {
                    if buf.len() + data.len() > max_body_size {
                        return Err(ConnectorError::body_too_large(max_body_size, Some(raw())));
                    }
                    buf.extend_from_slice(&data);
                }
            }
            Ok(http::Response::from_parts(parts, buf.freeze()))
        })
    }
}

/// Sorts hyper's errors into retryable I/O failures, connect timeouts and the rest.
fn classify_hyper_error(e: hyper_util::client::legacy::Error) -> ConnectorError {
    let mut timed_out = false;
    let mut io = e.is_connect();
    let mut user = false;
    let mut source: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(s) = source {
        if let Some(ioe) = s.downcast_ref::<std::io::Error>() {
            io = true;
            timed_out |= ioe.kind() == std::io::ErrorKind::TimedOut;
        }
        if let Some(he) = s.downcast_ref::<hyper::Error>() {
            if he.is_incomplete_message() || he.is_closed() || he.is_canceled() || he.is_timeout() {
                io = true;
            }
            user |= he.is_user();
        }
        source = s.source();
    }
    // A connect timeout of hyper-util's connector is an io::Error of kind TimedOut.
    if timed_out && e.is_connect() {
        ConnectorError::timeout(e)
    } else if io && !user {
        ConnectorError::io(e)
    } else {
        ConnectorError::other(e)
    }
}
