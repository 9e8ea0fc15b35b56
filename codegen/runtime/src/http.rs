//! HTTP: the connector trait the client sends requests through, and its default implementation
//! (hyper 1's HTTP/1.1 client connections, a small pool of the runtime's own, rustls on *ring*).
//!
//! Trust: the default connector trusts the Mozilla root certificates bundled by `webpki-roots`,
//! so TLS works the same everywhere, including minimal containers without a system certificate
//! store. The `native-roots` feature switches to the operating system's store. A [`CaBundle`]
//! (`ConfigBuilder::ca_bundle_file`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`) *replaces* the
//! default roots, as the AWS CLI's and botocore's `ca_bundle` does: only its certificates are
//! trusted (put the public roots in the bundle as well if they are still needed).
//!
//! Proxies: a [`ProxyConfig`] (`ConfigBuilder::proxy`, or `HTTPS_PROXY` / `HTTP_PROXY` /
//! `ALL_PROXY` / `NO_PROXY` and their lower-case forms on the `from_env` path) sends `https`
//! requests through an HTTP `CONNECT` tunnel and `http` requests in absolute form to the proxy.
//! Credentials in the proxy URL's userinfo are sent as `Proxy-Authorization: Basic` and never
//! shown by `Debug` or in errors. Only `http://` proxy URLs are supported.
//!
//! TLS: 1.2 and 1.3 with the AES-GCM suites, P-256 / P-384 key exchange, ECDSA and RSA server
//! certificates; no ChaCha20-Poly1305 suite, no X25519 key exchange and no Ed25519 certificate
//! (AWS endpoints need none of them; leaving them out keeps their code out of every program). See `tls_provider`. A
//! program that needs another TLS setup implements [`HttpConnector`] over a client of its own.
//!
//! Connections are pooled per destination (scheme, host, port; for `http` behind a forward
//! proxy: the proxy) and kept idle for up to 90 seconds; a pooled connection the server closed
//! is replaced by a new one before the request is written, without counting as an attempt. A
//! response with a transient status (500, 502, 503, 504) closes its connection so that a retry
//! opens a new one, as the AWS SDKs' default reconnect mode does.
//!
//! Failures that cannot succeed when tried again (an untrusted or mismatched certificate, a
//! failed TLS handshake, a proxy that requires other credentials, an invalid URL) are of a kind
//! the client does not retry ([`ConnectorErrorKind::Tls`], [`ConnectorErrorKind::Other`]);
//! refused or reset connections and DNS failures are retried, as in the AWS SDKs.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderValue, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::CertificateDer;

use crate::env::Env;
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
    /// The TLS handshake failed: the server's certificate is not trusted, has expired or does not
    /// match the host, or the server's TLS parameters are not acceptable. Not retried.
    Tls,
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
        ConnectorError {
            kind: ConnectorErrorKind::ResponseBody,
            source: source.into(),
            response: Some(response),
        }
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

    pub fn is_tls(&self) -> bool {
        self.kind == ConnectorErrorKind::Tls
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
            ConnectorErrorKind::Tls => "TLS error",
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

/// A setting of the HTTP connector that is not valid: a proxy URL, a CA bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettingError {
    message: String,
}

impl HttpSettingError {
    fn new(message: impl Into<String>) -> Self {
        HttpSettingError { message: message.into() }
    }
}

impl fmt::Display for HttpSettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for HttpSettingError {}

/// Certificates to trust instead of the default roots (see the [module docs](self)).
#[derive(Clone)]
pub struct CaBundle {
    roots: Arc<rustls::RootCertStore>,
    origin: String,
}

impl CaBundle {
    /// The certificates of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks; anything else in
    /// the text is skipped). A bundle without certificates, or with one that is not a valid
    /// X.509 certificate, is an error.
    pub fn from_pem(pem: &[u8]) -> Result<Self, HttpSettingError> {
        Self::parse(pem, "the PEM CA bundle given to the configuration".to_string())
    }

    /// The certificates of the PEM bundle in the file at `path`; errors name the file.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, HttpSettingError> {
        let path = path.as_ref();
        let origin = format!("the CA bundle file `{}`", path.display());
        let pem = std::fs::read(path)
            .map_err(|e| HttpSettingError::new(format!("{origin} cannot be read: {e}")))?;
        Self::parse(&pem, origin)
    }

    fn parse(pem: &[u8], origin: String) -> Result<Self, HttpSettingError> {
        let mut roots = rustls::RootCertStore::empty();
        for (i, cert) in CertificateDer::pem_slice_iter(pem).enumerate() {
            let cert =
                cert.map_err(|e| HttpSettingError::new(format!("{origin} is not valid PEM: {e}")))?;
            roots.add(cert).map_err(|e| {
                HttpSettingError::new(format!(
                    "certificate {} of {origin} is not a valid certificate: {e}",
                    i + 1
                ))
            })?;
        }
        if roots.is_empty() {
            return Err(HttpSettingError::new(format!("{origin} contains no PEM certificate")));
        }
        Ok(CaBundle { roots: Arc::new(roots), origin })
    }

    /// The number of certificates.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Always `false`: a bundle without certificates is refused.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The configuration reads the bundle from the file `AWS_CA_BUNDLE`, else the profile's
    /// `ca_bundle`; `Ok(None)` when neither is set.
    pub(crate) fn from_env(
        env: &Env,
        profile_value: Option<String>,
    ) -> Result<Option<Self>, HttpSettingError> {
        let (what, path) = match (env.get("AWS_CA_BUNDLE"), profile_value) {
            (Some(p), _) => ("AWS_CA_BUNDLE", p),
            (None, Some(p)) => ("`ca_bundle` in the shared config file", p),
            (None, None) => return Ok(None),
        };
        Self::from_file(env.expand_home(&path))
            .map(Some)
            .map_err(|e| HttpSettingError::new(format!("{e} (set by {what})")))
    }
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaBundle")
            .field("origin", &self.origin)
            .field("certificates", &self.roots.len())
            .finish()
    }
}

/// One proxy: where to connect, and the `Proxy-Authorization` of its userinfo.
#[derive(Clone)]
struct ProxyUrl {
    /// `http://host:port`, without userinfo.
    uri: Uri,
    auth: Option<HeaderValue>,
    /// The URL with the password replaced by `***`.
    shown: String,
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Replaces the userinfo's password (or the whole userinfo without one) of a URL by `***`.
fn redact_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("***@{host}"),
        },
        None => authority.to_string(),
    };
    match scheme {
        Some(s) => format!("{s}://{authority}{path}"),
        None => format!("{authority}{path}"),
    }
}

/// Decodes `%XX` escapes of a URL's userinfo.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl ProxyUrl {
    /// Parses `http://[user[:password]@]host[:port][/]`; a URL without scheme is `http://`.
    fn parse(url: &str) -> Result<Self, HttpSettingError> {
        let url = url.trim();
        let full = if url.contains("://") { url.to_string() } else { format!("http://{url}") };
        let shown = redact_userinfo(&full);
        let invalid =
            |why: &str| HttpSettingError::new(format!("`{shown}` is not a valid proxy URL: {why}"));
        let uri: Uri = full.parse().map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => {
                return Err(invalid(&format!(
                    "the scheme `{other}` is not supported (only `http://` proxies are)"
                )))
            }
            None => return Err(invalid("it has no scheme")),
        }
        let authority = uri.authority().ok_or_else(|| invalid("it has no host"))?.as_str();
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid("a proxy URL has no path or query"));
        }
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if host.is_empty() || host.starts_with(':') {
            return Err(invalid("it has no host"));
        }
        let auth = match userinfo {
            None => None,
            Some(userinfo) => {
                use base64::Engine as _;
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let pair = format!("{}:{}", percent_decode(user), percent_decode(password));
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
                    .map_err(|_| invalid("its credentials cannot be sent in a header"))?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        let uri: Uri = format!("http://{host}")
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        Ok(ProxyUrl { uri, auth, shown })
    }
}

/// Which proxies requests go through (see the [module docs](self)).
///
/// ```
/// use awsjson_runtime::http::ProxyConfig;
/// let proxy = ProxyConfig::all("http://user:secret@proxy.internal:3128")?.no_proxy("localhost,.internal");
/// assert!(!format!("{proxy:?}").contains("secret"));
/// # Ok::<(), awsjson_runtime::http::HttpSettingError>(())
/// ```
#[derive(Clone, Default)]
pub struct ProxyConfig {
    http: Option<ProxyUrl>,
    https: Option<ProxyUrl>,
    no_proxy: String,
}

impl ProxyConfig {
    /// Sends requests to `http` and `https` endpoints through the proxy at `url`.
    pub fn all(url: &str) -> Result<Self, HttpSettingError> {
        let proxy = ProxyUrl::parse(url)?;
        Ok(ProxyConfig { http: Some(proxy.clone()), https: Some(proxy), no_proxy: String::new() })
    }

    /// Sends requests to `http` endpoints through the proxy at `url`.
    pub fn http(mut self, url: &str) -> Result<Self, HttpSettingError> {
        self.http = Some(ProxyUrl::parse(url)?);
        Ok(self)
    }

    /// Sends requests to `https` endpoints through the proxy at `url` (a `CONNECT` tunnel).
    pub fn https(mut self, url: &str) -> Result<Self, HttpSettingError> {
        self.https = Some(ProxyUrl::parse(url)?);
        Ok(self)
    }

    /// Hosts reached directly, as `NO_PROXY` lists them (curl's rules): comma-separated domain
    /// names, each matching itself and its subdomains (`example.com`, `.example.com`), IP
    /// addresses and networks (`10.0.0.0/8`), or `*` for every host. Loopback hosts are *not*
    /// bypassed unless listed.
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = list.into();
        self
    }

    /// Whether any proxy is set.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }

    /// The proxies of the environment: `HTTPS_PROXY` / `https_proxy` for `https` endpoints,
    /// `HTTP_PROXY` / `http_proxy` for `http` ones (the upper-case `HTTP_PROXY` is ignored when
    /// `REQUEST_METHOD` says the process is a CGI script), `ALL_PROXY` / `all_proxy` for both when
    /// the specific one is unset, and `NO_PROXY` / `no_proxy`. `Ok(None)` when no proxy is set;
    /// errors name the variable.
    pub fn from_env(env: &Env) -> Result<Option<Self>, HttpSettingError> {
        let first = |names: &[&'static str]| names.iter().find_map(|n| env.get(n).map(|v| (*n, v)));
        let cgi = env.get("REQUEST_METHOD").is_some();
        let http_names: &[&str] = if cgi { &["http_proxy"] } else { &["HTTP_PROXY", "http_proxy"] };
        let parse = |found: Option<(&str, String)>| -> Result<Option<ProxyUrl>, HttpSettingError> {
            found
                .map(|(name, v)| {
                    ProxyUrl::parse(&v).map_err(|e| HttpSettingError::new(format!("{name}: {e}")))
                })
                .transpose()
        };
        let all = parse(first(&["ALL_PROXY", "all_proxy"]))?;
        let http = parse(first(http_names))?.or_else(|| all.clone());
        let https = parse(first(&["HTTPS_PROXY", "https_proxy"]))?.or(all);
        if http.is_none() && https.is_none() {
            return Ok(None);
        }
        let no_proxy = first(&["NO_PROXY", "no_proxy"]).map(|(_, v)| v).unwrap_or_default();
        Ok(Some(ProxyConfig { http, https, no_proxy }))
    }

    fn matcher(&self) -> Matcher {
        let mut m = Matcher::builder().no(self.no_proxy.clone());
        if let Some(p) = &self.http {
            m = m.http(p.uri.to_string());
        }
        if let Some(p) = &self.https {
            m = m.https(p.uri.to_string());
        }
        m.build()
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("http", &self.http)
            .field("https", &self.https)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// How long a connection may stay idle in the pool.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The connection pool and the settings of a [`HyperConnector`]: every route (direct, tunnel,
/// forward proxy) ends in the same kind of connection, so hyper's connection code is compiled
/// once.
struct Clients {
    tls: tokio_rustls::TlsConnector,
    connect_timeout: Option<Duration>,
    routes: Option<ProxyRoutes>,
    /// Idle connections by destination (a client talks to a handful), the most recently used
    /// last.
    idle: std::sync::Mutex<Vec<(PoolKey, Vec<Idle>)>>,
}

/// A pooled connection and since when it has been idle.
struct Idle {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    since: std::time::Instant,
}

/// Where a pooled connection goes: the destination, or the forward proxy for `http` requests
/// sent through it.
#[derive(Clone, PartialEq, Eq, Debug)]
struct PoolKey {
    https: bool,
    /// Without the brackets of an IPv6 address.
    host: String,
    port: u16,
}

/// Where connections to destinations behind a proxy go.
struct ProxyRoutes {
    matcher: Matcher,
    /// For `http` endpoints behind a proxy: the proxy that gets absolute-form requests (with its
    /// `Proxy-Authorization`).
    forward: Option<ProxyUrl>,
    /// For `https` endpoints behind a proxy: TLS inside a `CONNECT` tunnel through this proxy.
    tunnel: Option<ProxyUrl>,
}

/// How a destination is reached.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    Direct,
    /// A `CONNECT` tunnel through the `https` proxy.
    Tunnel,
    /// Absolute-form requests to the `http` proxy.
    Forward,
}

impl ProxyRoutes {
    /// The route of `uri`: a proxy when the proxy settings intercept it and a proxy of its scheme
    /// is set, else directly.
    fn route(routes: Option<&ProxyRoutes>, uri: &Uri) -> Route {
        let Some(routes) = routes else { return Route::Direct };
        if routes.matcher.intercept(uri).is_none() {
            return Route::Direct;
        }
        match uri.scheme_str() {
            Some("https") if routes.tunnel.is_some() => Route::Tunnel,
            Some("http") if routes.forward.is_some() => Route::Forward,
            _ => Route::Direct,
        }
    }
}

/// The host (IPv6 brackets removed) and port of `uri`, the scheme's port when it has none.
fn host_and_port(uri: &Uri) -> Result<(bool, String, u16), ConnectorError> {
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        Some(other) => {
            return Err(ConnectorError::other(format!(
                "invalid URL `{uri}`: the scheme `{other}` is not http or https"
            )))
        }
        None => return Err(ConnectorError::other(format!("invalid URL `{uri}`: no scheme"))),
    };
    let host = match uri.host() {
        Some(h) if !h.is_empty() => h,
        _ => return Err(ConnectorError::other(format!("invalid URL `{uri}`: no host"))),
    };
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    Ok((https, host.to_string(), uri.port_u16().unwrap_or(if https { 443 } else { 80 })))
}

/// A connection: plain TCP (`http`, forward proxy) or TLS over TCP (`https`, also inside a
/// `CONNECT` tunnel).
enum Stream {
    Plain(tokio::net::TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>),
}

impl tokio::io::AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl tokio::io::AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

impl Clients {
    /// An idle connection to `key` that is still open, if there is one.
    fn checkout(&self, key: &PoolKey) -> Option<Idle> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let (_, list) = idle.iter_mut().find(|(k, _)| k == key)?;
        while let Some(entry) = list.pop() {
            if !entry.sender.is_closed() && entry.since.elapsed() < IDLE_TIMEOUT {
                return Some(entry);
            }
        }
        None
    }

    /// Puts a connection whose response has been read back into the pool.
    fn check_in(&self, key: PoolKey, sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>) {
        if sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let i = match idle.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                idle.push((key, Vec::new()));
                idle.len() - 1
            }
        };
        let list = &mut idle[i].1;
        list.retain(|e| !e.sender.is_closed() && e.since.elapsed() < IDLE_TIMEOUT);
        list.push(Idle { sender, since: std::time::Instant::now() });
    }

    /// Opens a connection to `key` (through the tunnel proxy for [`Route::Tunnel`]) and starts
    /// hyper's HTTP/1.1 on it.
    async fn connect(
        &self,
        key: &PoolKey,
        route: Route,
    ) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, ConnectorError> {
        let tunnel = match (route, &self.routes) {
            (Route::Tunnel, Some(ProxyRoutes { tunnel: Some(proxy), .. })) => Some(proxy),
            _ => None,
        };
        let tcp = match tunnel {
            Some(proxy) => {
                let (_, host, port) = host_and_port(&proxy.uri)?;
                let mut tcp = self.tcp(&host, port).await?;
                connect_tunnel(&mut tcp, key, proxy.auth.as_ref()).await?;
                tcp
            }
            None => self.tcp(&key.host, key.port).await?,
        };
        let stream = if key.https {
            let name = rustls::pki_types::ServerName::try_from(key.host.clone())
                .map_err(|e| ConnectorError::other(format!("invalid host `{}`: {e}", key.host)))?;
            match self.tls.connect(name, tcp).await {
                Ok(tls) => Stream::Tls(Box::new(tls)),
                Err(e) => return Err(classify_io_error(e)),
            }
        } else {
            Stream::Plain(tcp)
        };
        // hyper's read buffer grows up to `max_buf_size` (400 KiB by default). A larger bound
        // lets a big response (a page of a thousand list items is about 470 KB) arrive in one
        // read and one data frame, which `collect_body` keeps without copying it into a second
        // body-sized buffer: half the memory touched per call, and fewer pages to fault in.
        let (sender, connection) = hyper::client::conn::http1::Builder::new()
            .max_buf_size(READ_BUFFER_MAX)
            .handshake(TokioIo::new(stream))
            .await
            .map_err(classify_hyper_error)?;
        tokio::spawn(async move {
            // The connection ends when the server closes it or the pool drops its sender; its
            // errors reach the request that was in flight.
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// A TCP connection to `host:port`, within the connect timeout.
    async fn tcp(&self, host: &str, port: u16) -> Result<tokio::net::TcpStream, ConnectorError> {
        let connecting = tokio::net::TcpStream::connect((host, port));
        let tcp = match self.connect_timeout {
            Some(limit) => match tokio::time::timeout(limit, connecting).await {
                Ok(connected) => connected,
                Err(_) => {
                    return Err(ConnectorError::timeout(format!(
                        "connecting to {host}:{port} timed out after {limit:?}"
                    )))
                }
            },
            None => connecting.await,
        };
        let tcp = tcp.map_err(|e| {
            ConnectorError::io(std::io::Error::new(
                e.kind(),
                format!("cannot connect to {host}:{port}: {e}"),
            ))
        })?;
        let _ = tcp.set_nodelay(true);
        Ok(tcp)
    }
}

/// The default connector: hyper 1 over HTTP/1.1 with pooled connections, rustls (ring) for
/// `https`, plain TCP for `http` endpoints (local servers); optionally through proxies and with
/// a CA bundle of one's own (see the [module docs](self)).
pub struct HyperConnector {
    connect_timeout: Option<Duration>,
    proxy: Option<ProxyConfig>,
    ca_bundle: Option<CaBundle>,
    clients: OnceLock<Result<Arc<Clients>, String>>,
}

/// Builds a [`HyperConnector`].
#[derive(Debug, Clone, Default)]
pub struct HyperConnectorBuilder {
    connect_timeout: Option<Duration>,
    proxy: Option<ProxyConfig>,
    ca_bundle: Option<CaBundle>,
}

impl HyperConnectorBuilder {
    /// How long connecting (TCP, to the proxy for proxied requests) may take; `None`: no limit.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends requests through these proxies; `None`: directly.
    pub fn proxy(mut self, proxy: Option<ProxyConfig>) -> Self {
        self.proxy = proxy;
        self
    }

    /// Trusts these certificates instead of the default roots; `None`: the default roots.
    pub fn ca_bundle(mut self, bundle: Option<CaBundle>) -> Self {
        self.ca_bundle = bundle;
        self
    }

    pub fn build(self) -> HyperConnector {
        HyperConnector {
            connect_timeout: self.connect_timeout,
            proxy: self.proxy.filter(|p| !p.is_empty()),
            ca_bundle: self.ca_bundle,
            clients: OnceLock::new(),
        }
    }
}

impl HyperConnector {
    /// A connector with the default roots, no proxy, and this connect timeout.
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        Self::builder().connect_timeout(connect_timeout).build()
    }

    pub fn builder() -> HyperConnectorBuilder {
        HyperConnectorBuilder::default()
    }

    /// The connector a client of `config` uses when it has none of its own.
    pub(crate) fn for_config(config: &crate::config::Config) -> Self {
        Self::builder()
            .connect_timeout(config.timeout_config().connect())
            .proxy(config.proxy().cloned())
            .ca_bundle(config.ca_bundle().cloned())
            .build()
    }

    fn clients(&self) -> Result<Arc<Clients>, ConnectorError> {
        self.clients
            .get_or_init(|| self.build_clients().map(Arc::new))
            .clone()
            .map_err(|e| ConnectorError::other(format!("cannot set up TLS: {e}")))
    }

    fn build_clients(&self) -> Result<Clients, String> {
        let routes = self.proxy.as_ref().map(|proxy| ProxyRoutes {
            matcher: proxy.matcher(),
            forward: proxy.http.clone(),
            tunnel: proxy.https.clone(),
        });
        Ok(Clients {
            tls: tokio_rustls::TlsConnector::from(Arc::new(self.tls_config()?)),
            connect_timeout: self.connect_timeout,
            routes,
            idle: Default::default(),
        })
    }

    /// The TLS configuration: [`tls_provider`], TLS 1.2 and 1.3, the CA bundle's roots or the
    /// default ones, no client certificate.
    fn tls_config(&self) -> Result<rustls::ClientConfig, String> {
        let builder = rustls::ClientConfig::builder_with_provider(Arc::new(tls_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let roots = match &self.ca_bundle {
            Some(bundle) => bundle.roots.clone(),
            None => Arc::new(default_roots()?),
        };
        Ok(builder.with_root_certificates(roots).with_no_client_auth())
    }
}

/// The roots trusted without a CA bundle: Mozilla's, as bundled by `webpki-roots`.
#[cfg(not(feature = "native-roots"))]
fn default_roots() -> Result<rustls::RootCertStore, String> {
    Ok(rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() })
}

/// The roots trusted without a CA bundle: the operating system's (feature `native-roots`).
#[cfg(feature = "native-roots")]
fn default_roots() -> Result<rustls::RootCertStore, String> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(found.certs);
    if roots.is_empty() {
        return Err(format!(
            "no usable root CA certificate in the operating system's store (errors: {:?})",
            found.errors
        ));
    }
    Ok(roots)
}

/// The rustls crypto provider of the default connector: *ring*, with what AWS endpoints negotiate
/// and nothing else, so that the rest is not linked into every program.
///
/// - Cipher suites: TLS 1.3 `TLS13_AES_128_GCM_SHA256` and `TLS13_AES_256_GCM_SHA384`; TLS 1.2
///   `TLS_ECDHE_{ECDSA,RSA}_WITH_AES_{128,256}_GCM_SHA{256,384}`. No ChaCha20-Poly1305: AWS
///   endpoints offer AES-GCM, which every x86-64 and ARMv8 CPU accelerates.
/// - Key exchange: P-256 and P-384 (ECDHE). No X25519: RFC 8446 §9.1 makes secp256r1 mandatory
///   for TLS 1.3 servers, and AWS endpoints offer P-256 (a FIPS curve) in TLS 1.2 and 1.3; a
///   server offering only X25519 fails the handshake with a TLS error.
/// - Server certificate signatures: ECDSA (P-256, P-384) and RSA (PKCS#1 v1.5 and PSS, 2048 to
///   8192 bits). No Ed25519: no public CA issues Ed25519 certificates, and no AWS endpoint uses
///   one.
/// - No client certificates (the connector never sends one), hence no private-key loading.
///
/// A program that needs more (another suite, client certificates) implements
/// [`HttpConnector`] over a client with a `rustls::ClientConfig` of its own. Size: leaving out
/// ChaCha20-Poly1305, Ed25519 and private-key loading (with the non-inlined JSON member reader
/// of the same change) took 0.28 MB off the stripped minimal program (`tests/bench/ours`); with
/// X25519 also left out it was 3,389,568 bytes (commit 736c7b2).
fn tls_provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::{cipher_suite as cs, kx_group};
    use rustls::crypto::WebPkiSupportedAlgorithms;
    use rustls::SignatureScheme as S;
    use webpki::ring::*;

    /// The signature algorithms webpki checks certificates and handshake signatures with.
    static SIGNATURES: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
        all: &[
            ECDSA_P256_SHA256,
            ECDSA_P256_SHA384,
            ECDSA_P384_SHA256,
            ECDSA_P384_SHA384,
            RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            RSA_PKCS1_2048_8192_SHA256,
            RSA_PKCS1_2048_8192_SHA384,
            RSA_PKCS1_2048_8192_SHA512,
            RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        // The TLS signature schemes offered, each with the algorithms that may verify it (in
        // TLS 1.2 an ECDSA scheme does not fix the curve).
        mapping: &[
            (S::ECDSA_NISTP384_SHA384, &[ECDSA_P384_SHA384, ECDSA_P256_SHA384]),
            (S::ECDSA_NISTP256_SHA256, &[ECDSA_P256_SHA256, ECDSA_P384_SHA256]),
            (S::RSA_PSS_SHA512, &[RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
            (S::RSA_PSS_SHA384, &[RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
            (S::RSA_PSS_SHA256, &[RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
            (S::RSA_PKCS1_SHA512, &[RSA_PKCS1_2048_8192_SHA512]),
            (S::RSA_PKCS1_SHA384, &[RSA_PKCS1_2048_8192_SHA384]),
            (S::RSA_PKCS1_SHA256, &[RSA_PKCS1_2048_8192_SHA256]),
        ],
    };
    rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ],
        kx_groups: vec![kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &SystemRandom,
        key_provider: &NoPrivateKeys,
    }
}

/// Randomness of the TLS handshakes: the operating system's, through *ring*.
#[derive(Debug)]
struct SystemRandom;

impl rustls::crypto::SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new().fill(buf).map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// The default connector never authenticates with a client certificate: no key is loaded.
#[derive(Debug)]
struct NoPrivateKeys;

impl rustls::crypto::KeyProvider for NoPrivateKeys {
    fn load_private_key(
        &self,
        _key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General("the default connector does not use client certificates".into()))
    }
}

impl fmt::Debug for HyperConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperConnector")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("ca_bundle", &self.ca_bundle)
            .finish()
    }
}

impl HttpConnector for HyperConnector {
    fn call(&self, request: HttpRequest, max_body_size: usize) -> HttpFuture {
        let clients = self.clients();
        Box::pin(async move { clients?.send(request, max_body_size).await })
    }
}

impl Clients {
    /// Sends `request` on a pooled connection (a new one when none is idle, or when the idle
    /// one turns out closed before the request was written) and reads the response.
    async fn send(
        &self,
        request: HttpRequest,
        max_body_size: usize,
    ) -> Result<http::Response<Bytes>, ConnectorError> {
        let (mut parts, body) = request.into_parts();
        let route = ProxyRoutes::route(self.routes.as_ref(), &parts.uri);
        let (https, host, port) = host_and_port(&parts.uri)?;
        if !parts.headers.contains_key(http::header::HOST) {
            let default_port = if https { 443 } else { 80 };
            let value = match (parts.uri.port_u16(), parts.uri.host()) {
                (Some(p), Some(h)) if p != default_port => format!("{h}:{p}"),
                (_, h) => h.unwrap_or_default().to_string(),
            };
            let value = HeaderValue::try_from(value).map_err(ConnectorError::other)?;
            parts.headers.insert(http::header::HOST, value);
        }
        let key = match (route, &self.routes) {
            (Route::Forward, Some(ProxyRoutes { forward: Some(proxy), .. })) => {
                // Absolute form to the proxy, which gets the credentials.
                if let Some(auth) = &proxy.auth {
                    parts.headers.insert(http::header::PROXY_AUTHORIZATION, auth.clone());
                }
                let (https, host, port) = host_and_port(&proxy.uri)?;
                PoolKey { https, host, port }
            }
            _ => {
                // Origin form: the path and query only.
                let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                parts.uri = Uri::try_from(path).map_err(ConnectorError::other)?;
                PoolKey { https, host, port }
            }
        };
        let mut request = http::Request::from_parts(parts, Full::new(body));
        let (mut sender, response) = loop {
            let (mut sender, reused) = match self.checkout(&key) {
                Some(idle) => (idle.sender, true),
                None => (self.connect(&key, route).await?, false),
            };
            if let Err(e) = std::future::poll_fn(|cx| sender.poll_ready(cx)).await {
                if reused {
                    continue;
                }
                return Err(classify_hyper_error(e));
            }
            match sender.try_send_request(request).await {
                Ok(response) => break (sender, response),
                Err(mut e) => match e.take_message() {
                    // The idle connection was closed before the request was written: on a new one.
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(classify_hyper_error(e.into_error())),
                },
            }
        };
        let (parts, body) = response.into_parts();
        let body = collect_body(&parts, body, max_body_size).await?;
        // As the AWS SDKs' default reconnect mode: a transient server error closes its
        // connection, so that the retry goes to a new one (maybe another host).
        if !crate::retry::TRANSIENT_STATUS_CODES.contains(&parts.status.as_u16()) {
            // Ready once hyper has seen the end of the response (at once, for a body read whole).
            let _ = std::future::poll_fn(|cx| sender.poll_ready(cx)).await;
            self.check_in(key, sender);
        }
        Ok(http::Response::from_parts(parts, body))
    }
}

/// Asks the proxy for a tunnel to `key` (`CONNECT host:port`) on `tcp`, and reads its answer.
async fn connect_tunnel(
    tcp: &mut tokio::net::TcpStream,
    key: &PoolKey,
    auth: Option<&HeaderValue>,
) -> Result<(), ConnectorError> {
    let authority = match key.host.contains(':') {
        true => format!("[{}]:{}", key.host, key.port),
        false => format!("{}:{}", key.host, key.port),
    };
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    if let Some(auth) = auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let mut written = 0;
    while written < head.len() {
        tcp.writable().await.map_err(ConnectorError::io)?;
        match tcp.try_write(&head[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(ConnectorError::io(e)),
        }
    }
    // The proxy's answer: a head only (no body for a successful CONNECT).
    let mut answer = Vec::with_capacity(256);
    let mut buf = [0u8; 512];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        if answer.len() > 16 * 1024 {
            return Err(ConnectorError::other("tunnel error: the proxy's answer is too long"));
        }
        tcp.readable().await.map_err(ConnectorError::io)?;
        let n = match tcp.try_read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(ConnectorError::io(e)),
        };
        if n == 0 {
            return Err(ConnectorError::io("tunnel error: the proxy closed the connection"));
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let status_line = answer.split(|&b| b == b'\r').next().unwrap_or_default();
    let status = std::str::from_utf8(status_line)
        .ok()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse::<u16>().ok());
    match status {
        Some(200..=299) => Ok(()),
        // The same credentials get the same answer when asked again.
        Some(407) => Err(ConnectorError::other("tunnel error: proxy authorization required")),
        Some(code) => Err(ConnectorError::io(format!("tunnel error: the proxy answered {code}"))),
        None => Err(ConnectorError::other("tunnel error: the proxy's answer is not HTTP")),
    }
}

/// The most hyper's read buffer grows to for one connection (see [`HyperConnector`]'s handshake).
const READ_BUFFER_MAX: usize = 2 << 20;

/// Reads a whole response body of at most `max_body_size` bytes. A body that arrives in one data
/// frame (the usual case for small responses) is kept as it is, without copying; a longer one is
/// put together once, in a buffer sized from `Content-Length`. Trailers are ignored.
pub(crate) async fn collect_body<B>(
    parts: &http::response::Parts,
    mut body: B,
    max_body_size: usize,
) -> Result<Bytes, ConnectorError>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let raw = || RawResponse::new(parts.status.as_u16(), parts.headers.clone());
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body_size as u64) {
        return Err(ConnectorError::body_too_large(max_body_size, Some(raw())));
    }
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ConnectorError::response_body(e, raw()))?;
        let Ok(data) = frame.into_data() else { continue };
        if data.is_empty() {
            continue;
        }
        len = len.saturating_add(data.len());
        if len > max_body_size {
            return Err(ConnectorError::body_too_large(max_body_size, Some(raw())));
        }
        match (&mut joined, first.take()) {
            (Some(buf), _) => buf.extend_from_slice(&data),
            (None, None) => first = Some(data),
            (None, Some(head)) => {
                let capacity = declared.map_or(len, |n| (n as usize).max(len)).min(max_body_size);
                let mut buf = BytesMut::with_capacity(capacity.min(64 << 20));
                buf.extend_from_slice(&head);
                buf.extend_from_slice(&data);
                joined = Some(buf);
            }
        }
    }
    Ok(match joined {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// Whether `e`, or an error inside it (also inside `io::Error`s, whose `source` skips the error
/// they wrap), satisfies `test`.
fn any_in_chain(
    e: &(dyn StdError + 'static),
    test: &mut dyn FnMut(&(dyn StdError + 'static)) -> bool,
) -> bool {
    let mut next = Some(e);
    while let Some(s) = next {
        if test(s) {
            return true;
        }
        if let Some(inner) = s.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            if any_in_chain(inner, test) {
                return true;
            }
        }
        next = s.source();
    }
    false
}

/// Sorts the I/O errors of connecting (TLS handshakes included): TLS failures (not retryable),
/// timeouts, and the rest (refused, reset: retryable).
fn classify_io_error(e: std::io::Error) -> ConnectorError {
    if any_in_chain(&e, &mut |s| s.is::<rustls::Error>()) {
        ConnectorError::new(ConnectorErrorKind::Tls, e)
    } else if e.kind() == std::io::ErrorKind::TimedOut {
        ConnectorError::timeout(e)
    } else {
        ConnectorError::io(e)
    }
}

/// Sorts hyper's errors: TLS failures (not retryable), retryable I/O failures (a connection
/// closed or reset under the request), and the rest (not retryable).
fn classify_hyper_error(e: hyper::Error) -> ConnectorError {
    if any_in_chain(&e, &mut |s| s.is::<rustls::Error>()) {
        return ConnectorError::new(ConnectorErrorKind::Tls, e);
    }
    let io = e.is_incomplete_message()
        || e.is_closed()
        || e.is_canceled()
        || e.is_timeout()
        || any_in_chain(&e, &mut |s| s.is::<std::io::Error>());
    if io && !e.is_user() {
        ConnectorError::io(e)
    } else {
        ConnectorError::other(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response body made of given frames.
    struct Frames(std::collections::VecDeque<Result<hyper::body::Frame<Bytes>, std::io::Error>>);

    impl hyper::body::Body for Frames {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
            std::task::Poll::Ready(self.get_mut().0.pop_front())
        }
    }

    fn data(chunks: &[&'static str]) -> Frames {
        Frames(
            chunks
                .iter()
                .map(|c| Ok(hyper::body::Frame::data(Bytes::from_static(c.as_bytes()))))
                .collect(),
        )
    }

    fn parts(content_length: Option<usize>) -> http::response::Parts {
        let mut response = http::Response::builder().status(200);
        if let Some(n) = content_length {
            response = response.header(http::header::CONTENT_LENGTH, n);
        }
        response.body(()).unwrap().into_parts().0
    }

    #[tokio::test]
    async fn a_body_in_one_frame_is_kept_without_copying() {
        let chunk = Bytes::from(String::from(r#"{"executionArn":"arn:aws:states:..."}"#));
        let frames = Frames([Ok(hyper::body::Frame::data(chunk.clone()))].into_iter().collect());
        let body = collect_body(&parts(Some(chunk.len())), frames, 1 << 20).await.unwrap();
        assert_eq!(body, chunk);
        assert_eq!(body.as_ptr(), chunk.as_ptr(), "the frame's bytes themselves");
        // Empty frames and trailers around it change nothing.
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-checksum", HeaderValue::from_static("1"));
        let frames = Frames(
            [
                Ok(hyper::body::Frame::data(Bytes::new())),
                Ok(hyper::body::Frame::data(chunk.clone())),
                Ok(hyper::body::Frame::trailers(trailers)),
            ]
            .into_iter()
            .collect(),
        );
        let body = collect_body(&parts(None), frames, 1 << 20).await.unwrap();
        assert_eq!(body.as_ptr(), chunk.as_ptr());
        assert_eq!(collect_body(&parts(Some(0)), data(&[]), 10).await.unwrap(), Bytes::new());
    }

    #[tokio::test]
    async fn a_body_in_several_frames_is_joined_once_within_the_limit() {
        let body = collect_body(&parts(Some(9)), data(&["abc", "def", "ghi"]), 9).await.unwrap();
        assert_eq!(body, "abcdefghi");
        // Without a Content-Length too.
        assert_eq!(collect_body(&parts(None), data(&["ab", "c"]), 3).await.unwrap(), "abc");
        // One byte too many, in the first frame or in a later one, or announced.
        for (declared, chunks) in
            [(None, &["abcd"][..]), (None, &["ab", "cd"][..]), (Some(4), &["a"][..])]
        {
            let e = collect_body(&parts(declared), data(chunks), 3).await.unwrap_err();
            assert_eq!(e.kind(), ConnectorErrorKind::BodyTooLarge, "{declared:?} {chunks:?}");
            assert_eq!(e.response().map(|r| r.status()), Some(200));
        }
        // A failing body names the failure and keeps the response's status.
        let frames = Frames(
            [
                Ok(hyper::body::Frame::data(Bytes::from_static(b"ab"))),
                Err(std::io::Error::other("reset")),
            ]
            .into_iter()
            .collect(),
        );
        let e = collect_body(&parts(None), frames, 10).await.unwrap_err();
        assert_eq!(e.kind(), ConnectorErrorKind::ResponseBody);
    }

    #[test]
    fn proxy_urls() {
        let p = ProxyUrl::parse("http://proxy.internal:3128").unwrap();
        assert_eq!(
            (p.uri.to_string().as_str(), p.auth.is_none()),
            ("http://proxy.internal:3128/", true)
        );
        let p = ProxyUrl::parse(" 10.0.0.1:8080/ ").unwrap();
        assert_eq!(p.uri.to_string(), "http://10.0.0.1:8080/");
        let p = ProxyUrl::parse("http://us%65r:s%3Acret@proxy:1").unwrap();
        let auth = p.auth.as_ref().unwrap();
        assert!(auth.is_sensitive());
        // base64("user:s:cret")
        assert_eq!(auth, "Basic dXNlcjpzOmNyZXQ=");
        assert_eq!(p.shown, "http://us%65r:***@proxy:1");
        assert_eq!(format!("{p:?}"), "http://us%65r:***@proxy:1");
        for (url, why) in [
            ("https://proxy:443", "the scheme `https` is not supported"),
            ("socks5://u:pw@proxy:1080", "the scheme `socks5` is not supported"),
            ("http://proxy:1/path", "no path or query"),
            ("http://:8080", "no host"),
            ("http://u:pw@", "is not a valid proxy URL"),
        ] {
            let e = ProxyUrl::parse(url).unwrap_err().to_string();
            assert!(e.contains(why), "{url}: {e}");
            assert!(!e.contains("pw"), "{e}");
        }
    }

    #[test]
    fn redaction_and_decoding() {
        assert_eq!(redact_userinfo("http://a:b@h:1/x"), "http://a:***@h:1/x");
        assert_eq!(redact_userinfo("http://token@h"), "http://***@h");
        assert_eq!(redact_userinfo("h:1"), "h:1");
        assert_eq!(percent_decode("a%40b%2"), "a@b%2");
        assert_eq!(percent_decode("%zz%C3%A9"), "%zzé");
    }

    #[test]
    fn proxy_config_from_env() {
        let env = Env::from_vars([
            ("https_proxy", "http://s:1"),
            ("HTTP_PROXY", "http://h:2"),
            ("no_proxy", "a.b"),
        ]);
        let p = ProxyConfig::from_env(&env).unwrap().unwrap();
        assert_eq!(p.https.unwrap().shown, "http://s:1");
        assert_eq!(p.http.unwrap().shown, "http://h:2");
        assert_eq!(p.no_proxy, "a.b");
        let p = ProxyConfig::from_env(&Env::from_vars([("all_proxy", "http://all:3")]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.http.unwrap().shown, p.https.unwrap().shown),
            ("http://all:3".into(), "http://all:3".into())
        );
        assert!(ProxyConfig::from_env(&Env::from_vars([("NO_PROXY", "*")])).unwrap().is_none());
        let e = ProxyConfig::from_env(&Env::from_vars([("HTTP_PROXY", "ftp://x")])).unwrap_err();
        assert!(e.to_string().starts_with("HTTP_PROXY: `ftp://x` is not a valid proxy URL"), "{e}");
    }

    #[test]
    fn ca_bundle_errors() {
        let e = CaBundle::from_pem(b"").unwrap_err().to_string();
        assert!(e.contains("contains no PEM certificate"), "{e}");
        let bad = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let e = CaBundle::from_pem(bad).unwrap_err().to_string();
        assert!(e.starts_with("certificate 1 of the PEM CA bundle"), "{e}");
        let e = CaBundle::from_file("/nonexistent/bundle.pem").unwrap_err().to_string();
        assert!(
            e.starts_with("the CA bundle file `/nonexistent/bundle.pem` cannot be read"),
            "{e}"
        );
    }
}
