//! The awsJson 1.0 / 1.1 protocols: how a request is laid out, and how an error response names
//! its error.
//!
//! Requests are `POST` to the endpoint's path (`/` when it has none), with
//! `Content-Type: application/x-amz-json-1.0` (or `1.1`), `X-Amz-Target: <prefix>.<Operation>` and
//! the input as a JSON body.
//!
//! An error response names its error in, by precedence, the `X-Amzn-Errortype` header, the body's
//! `code` member, or the body's `__type` member. The value may be a shape id
//! (`namespace#Name`) and may carry a `:`-suffix (`Name:http://internal.amazon.com/...`); the
//! error's name is what is left after cutting at the first `:` and taking what follows the `#`.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST, USER_AGENT};
use http::uri::{PathAndQuery, Scheme};
use http::{HeaderMap, Method, Uri};

use crate::endpoint::Endpoint;
use crate::error::{BoxError, ErrorMetadata};
use crate::service::ServiceMeta;

/// `X-Amz-Target`.
pub const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
/// `X-Amzn-Errortype`.
pub const X_AMZN_ERRORTYPE: &str = "x-amzn-errortype";
/// `x-amzn-query-mode`: sent to query-compatible services.
pub const X_AMZN_QUERY_MODE: &str = "x-amzn-query-mode";
/// `x-amzn-query-error`: `Code;Type`, the awsQuery error code and fault of a query-compatible service.
pub const X_AMZN_QUERY_ERROR: &str = "x-amzn-query-error";
/// `x-amzn-RequestId`.
pub const X_AMZN_REQUEST_ID: &str = "x-amzn-requestid";

/// The body members an error's message is read from, first the one preferred when several are
/// present: services spell it differently. The one list both the error metadata
/// ([`parse_error_response`]) and a generated error's `message` member decode from.
pub const ERROR_MESSAGE_KEYS: [&str; 3] = ["message", "Message", "errorMessage"];

/// Whether a body member is one of [`ERROR_MESSAGE_KEYS`]: the decoder of a generated error reads
/// its `message` member from any of them.
#[doc(hidden)]
pub fn is_error_message_key(key: &str) -> bool {
    ERROR_MESSAGE_KEYS.contains(&key)
}

/// The smallest body `@requestCompression` operations compress (the Smithy default, 10 KiB).
pub const MIN_COMPRESSION_SIZE: usize = 10_240;

/// Compresses a request body with gzip when the operation allows it and the body is large enough;
/// returns the body to send and whether it is compressed (then `Content-Encoding: gzip` is set).
/// Without the `request-compression` feature bodies are sent as they are (which services accept:
/// compression is the client's choice).
#[cfg(not(feature = "request-compression"))]
pub fn compress_body(body: Bytes, _request_compression: bool) -> (Bytes, bool) {
    (body, false)
}

/// Compresses a request body with gzip when the operation allows it and the body is large enough;
/// returns the body to send and whether it is compressed (then `Content-Encoding: gzip` is set).
#[cfg(feature = "request-compression")]
pub fn compress_body(body: Bytes, request_compression: bool) -> (Bytes, bool) {
    use std::io::Write as _;
    if !request_compression || body.len() < MIN_COMPRESSION_SIZE {
        return (body, false);
    }
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 2),
        flate2::Compression::default(),
    );
    match encoder.write_all(&body).and_then(|()| encoder.finish()) {
        Ok(compressed) => (Bytes::from(compressed), true),
        // Writing to memory does not fail; should it, the body goes uncompressed.
        Err(_) => (body, false),
    }
}

/// Builds the (unsigned) request of an operation.
pub fn build_request(
    service: &ServiceMeta,
    operation: &str,
    host_prefix: Option<&str>,
    endpoint: &Endpoint,
    body: Bytes,
    user_agent: &str,
) -> Result<http::Request<Bytes>, BoxError> {
    let user_agent = HeaderValue::try_from(user_agent)
        .map_err(|e| format!("the user agent `{user_agent}`: {e}"))?;
    let target = HeaderValue::try_from(format!("{}.{operation}", service.target_prefix))
        .map_err(|e| format!("the target of operation {operation}: {e}"))?;
    let request = RequestTemplate::new(service, endpoint.clone(), user_agent)?;
    request.build(operation, target, host_prefix, body)
}

/// What every request of a client to one endpoint shares, checked and parsed once: the URI, the
/// `Host`, `Content-Type` and `User-Agent` values, the endpoint's own headers, and the scope
/// requests are signed for. The client makes one per resolved endpoint and keeps it while the
/// endpoint's parameters stay the same.
#[derive(Debug, Clone)]
pub struct RequestTemplate {
    endpoint: Endpoint,
    /// The request URI without a host prefix: the endpoint's, with the path ending in `/`.
    uri: Uri,
    scheme: Scheme,
    /// The endpoint's host, for host prefixes.
    host: String,
    port: Option<u16>,
    path: PathAndQuery,
    host_header: HeaderValue,
    content_type: HeaderValue,
    user_agent: HeaderValue,
    query_compatible: bool,
    headers: Vec<(HeaderName, HeaderValue)>,
    signing_region: Option<String>,
    signing_name: Option<String>,
}

impl RequestTemplate {
    /// Checks and parses `endpoint` for requests of `service` sent with `user_agent`.
    pub fn new(
        service: &ServiceMeta,
        endpoint: Endpoint,
        user_agent: HeaderValue,
    ) -> Result<Self, BoxError> {
        let url: Uri = endpoint
            .url
            .parse()
            .map_err(|e| format!("the endpoint URL `{}` is invalid: {e}", endpoint.url))?;
        let (Some(scheme), Some(authority)) = (url.scheme(), url.authority()) else {
            return Err(format!(
                "the endpoint URL `{}` must be absolute (scheme and host)",
                endpoint.url
            )
            .into());
        };
        if scheme != &Scheme::HTTPS && scheme != &Scheme::HTTP {
            return Err(
                format!("the endpoint URL `{}` must use http or https", endpoint.url).into()
            );
        }
        // awsJson requests go to `/` below the endpoint's path: `https://h/custom` posts to `/custom/`.
        let path = match url.path_and_query().map(|p| p.as_str()) {
            None | Some("") | Some("/") => PathAndQuery::from_static("/"),
            Some(p) if p.ends_with('/') || p.contains('?') => PathAndQuery::try_from(p)?,
            Some(p) => PathAndQuery::try_from(format!("{p}/"))?,
        };
        let authority = authority.clone();
        let uri = Uri::builder()
            .scheme(scheme.clone())
            .authority(authority.clone())
            .path_and_query(path.clone())
            .build()
            .map_err(|e| format!("cannot build the request URI from `{}`: {e}", endpoint.url))?;
        let host_header = HeaderValue::try_from(authority.as_str())?;
        let mut headers = Vec::new();
        for (name, values) in &endpoint.headers {
            for v in values {
                let name = HeaderName::try_from(name.as_str())
                    .map_err(|e| format!("endpoint header `{name}`: {e}"))?;
                let value = HeaderValue::try_from(v.as_str())
                    .map_err(|e| format!("endpoint header `{name}`: {e}"))?;
                headers.push((name, value));
            }
        }
        let (signing_region, signing_name) = signing_scope(&endpoint);
        Ok(RequestTemplate {
            uri,
            scheme: scheme.clone(),
            host: authority.host().to_string(),
            port: authority.port_u16(),
            path,
            host_header,
            content_type: HeaderValue::from_static(service.content_type()),
            user_agent,
            query_compatible: service.query_compatible,
            headers,
            signing_region,
            signing_name,
            endpoint,
        })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The region to sign with: the endpoint's `sigv4` auth scheme's `signingRegion`, else
    /// `region`.
    pub fn signing_region<'a>(&'a self, region: &'a str) -> &'a str {
        self.signing_region.as_deref().unwrap_or(region)
    }

    /// The name to sign with: the endpoint's `sigv4` auth scheme's `signingName`, else
    /// `signing_name` (the service's).
    pub fn signing_name<'a>(&'a self, signing_name: &'a str) -> &'a str {
        self.signing_name.as_deref().unwrap_or(signing_name)
    }

    /// The (unsigned) request of `operation` (its name, for errors) with `X-Amz-Target: target`.
    pub fn build(
        &self,
        operation: &str,
        target: HeaderValue,
        host_prefix: Option<&str>,
        body: Bytes,
    ) -> Result<http::Request<Bytes>, BoxError> {
        let (uri, host) = match host_prefix {
            None => (self.uri.clone(), self.host_header.clone()),
            Some(prefix) => self.prefixed(operation, prefix)?,
        };
        let mut request = http::Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        // Room for these, the signature's and the client's headers without growing.
        let headers = request.headers_mut();
        headers.reserve(16);
        headers.insert(HOST, host);
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(X_AMZ_TARGET, target);
        headers.insert(USER_AGENT, self.user_agent.clone());
        if self.query_compatible {
            headers.insert(X_AMZN_QUERY_MODE, HeaderValue::from_static("true"));
        }
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        Ok(request)
    }

    /// The URI and `Host` with `prefix` before the endpoint's host.
    fn prefixed(&self, operation: &str, prefix: &str) -> Result<(Uri, HeaderValue), BoxError> {
        let url = &self.endpoint.url;
        if !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
            return Err(
                format!("the host prefix `{prefix}` is not a literal host name prefix").into()
            );
        }
        if self.host.starts_with('[') || self.host.parse::<std::net::Ipv4Addr>().is_ok() {
            return Err(format!(
                "operation {operation} needs the host prefix `{prefix}`, which cannot be put before the IP address \
                 of the endpoint `{url}`; disable host prefixes in the configuration (disable_host_prefix)"
            )
            .into());
        }
        let authority = match self.port {
            Some(port) => format!("{prefix}{}:{port}", self.host),
            None => format!("{prefix}{}", self.host),
        };
        let uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(authority.as_str())
            .path_and_query(self.path.clone())
            .build()
            .map_err(|e| format!("cannot build the request URI from `{url}`: {e}"))?;
        let host =
            HeaderValue::try_from(authority).map_err(|e| format!("the host of `{url}`: {e}"))?;
        Ok((uri, host))
    }
}

/// The `signingRegion` and `signingName` of the endpoint's `sigv4` auth scheme, if any.
fn signing_scope(endpoint: &Endpoint) -> (Option<String>, Option<String>) {
    let scheme =
        endpoint.properties.get("authSchemes").and_then(|v| v.as_array()).and_then(|schemes| {
            schemes.iter().find(|s| s.get("name").and_then(|n| n.as_str()) == Some("sigv4"))
        });
    let get =
        |key: &str| scheme.and_then(|s| s.get(key)).and_then(|v| v.as_str()).map(str::to_string);
    (get("signingRegion"), get("signingName"))
}

/// The error name of a raw error type value: `ns#Name:suffix` → `Name`.
pub fn sanitize_error_code(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let name = match before_colon.split_once('#') {
        Some((_, name)) => name,
        None => before_colon,
    };
    name.trim()
}

/// What an error response says.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The error's shape name, if the response names one.
    pub code: Option<String>,
    /// Code, message, request id and status.
    pub meta: ErrorMetadata,
    /// Why the body could not be parsed, when it could not.
    pub body_error: Option<String>,
}

impl ErrorResponse {
    /// The body a modeled error is decoded from: `body` itself, or `{}` when it could not be
    /// read as a JSON object (the modeled error then has only its metadata).
    pub fn modeled_body<'b>(&self, body: &'b [u8]) -> &'b [u8] {
        if self.body_error.is_none() {
            body
        } else {
            b"{}"
        }
    }
}

/// The members of an error body that name the error and say what went wrong, read in one pass
/// (every other member is skipped, checked but not built).
#[derive(Default)]
struct ErrorBody {
    code: Option<String>,
    type_: Option<String>,
    /// By the index of their key in [`ERROR_MESSAGE_KEYS`].
    messages: [Option<String>; ERROR_MESSAGE_KEYS.len()],
}

fn read_error_body(body: &[u8]) -> Result<ErrorBody, String> {
    use crate::json::{JsonReader, ValueKind};
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let mut r = JsonReader::new(body);
    if r.peek_kind().map_err(|e| e.to_string())? != ValueKind::Object {
        r.skip().and_then(|()| r.finish()).map_err(|e| e.to_string())?;
        return Err("the error body is not a JSON object".to_string());
    }
    let mut out = ErrorBody::default();
    let mut o = r.object("error body").map_err(|e| e.to_string())?;
    let mut read = || -> Result<(), crate::json::DeserializeError> {
        while let Some(key) = o.next_member()? {
            let message = ERROR_MESSAGE_KEYS.iter().position(|k| *k == &*key);
            let slot = match (&*key, message) {
                ("code", _) => &mut out.code,
                ("__type", _) => &mut out.type_,
                (_, Some(i)) => &mut out.messages[i],
                _ => {
                    o.skip()?;
                    continue;
                }
            };
            // Only strings count; a member of another type is ignored.
            *slot = o.member::<crate::types::Document>(&key)?.as_str().map(str::to_string);
        }
        Ok(())
    };
    read().map_err(|e| e.to_string())?;
    r.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// Reads an error response: its error name, message and request id. For a query-compatible
/// service, the code in the metadata is the awsQuery one from `x-amzn-query-error` (`Code;Type`)
/// when the response has it; the modeled error is still the one the response names.
pub fn parse_error_response(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    query_compatible: bool,
) -> ErrorResponse {
    let (fields, body_error) = match read_error_body(body) {
        Ok(fields) => (fields, None),
        Err(e) => (ErrorBody::default(), Some(e)),
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let code = [header(X_AMZN_ERRORTYPE), fields.code, fields.type_]
        .into_iter()
        .flatten()
        .map(|raw| sanitize_error_code(&raw).to_string())
        .find(|c| !c.is_empty());
    let message = fields.messages.into_iter().flatten().next();
    let mut meta = ErrorMetadata::builder();
    if let Some(c) = &code {
        meta = meta.code(c);
    }
    if let Some(m) = message {
        meta = meta.message(m);
    }
    if let Some(r) = header(X_AMZN_REQUEST_ID) {
        meta = meta.request_id(r);
    }
    meta = meta.status(status);
    if let Some((query_code, error_type)) = header(X_AMZN_QUERY_ERROR)
        .filter(|_| query_compatible)
        .as_deref()
        .and_then(|v| v.split_once(';'))
    {
        if !query_code.trim().is_empty() {
            meta = meta.code(query_code.trim());
        }
        if !error_type.trim().is_empty() {
            meta = meta.error_type(error_type.trim());
        }
    }
    ErrorResponse { code, meta: meta.build(), body_error }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::service::TEST_SERVICE as SERVICE;

    #[test]
    fn request_layout() {
        let ep = Endpoint::new("https://states.us-east-1.amazonaws.com");
        let r =
            build_request(&SERVICE, "StartExecution", None, &ep, Bytes::from_static(b"{}"), "ua")
                .unwrap();
        assert_eq!(r.method(), Method::POST);
        assert_eq!(r.uri().to_string(), "https://states.us-east-1.amazonaws.com/");
        assert_eq!(r.headers()["content-type"], "application/x-amz-json-1.0");
        assert_eq!(r.headers()["x-amz-target"], "AWSStepFunctions.StartExecution");
        assert_eq!(r.headers()["host"], "states.us-east-1.amazonaws.com");
        assert_eq!(r.headers()["user-agent"], "ua");

        let ep = Endpoint::new("http://localhost:5000/base");
        let r =
            build_request(&SERVICE, "TestState", Some("sync-"), &ep, Bytes::new(), "ua").unwrap();
        // The request goes to `/` below the endpoint's path (protocol test AwsJson10HostWithPath).
        assert_eq!(r.uri().to_string(), "http://sync-localhost:5000/base/");
        assert_eq!(r.headers()["host"], "sync-localhost:5000");

        let ep = Endpoint::new("http://127.0.0.1:5000");
        let e = build_request(&SERVICE, "TestState", Some("sync-"), &ep, Bytes::new(), "ua")
            .unwrap_err();
        assert!(e.to_string().contains("disable_host_prefix"), "{e}");
        let e = build_request(
            &SERVICE,
            "X",
            Some("{Label}."),
            &Endpoint::new("https://a.b"),
            Bytes::new(),
            "ua",
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a literal"));
        assert!(build_request(
            &SERVICE,
            "X",
            None,
            &Endpoint::new("states.amazonaws.com"),
            Bytes::new(),
            "ua"
        )
        .is_err());
        assert!(build_request(&SERVICE, "X", None, &Endpoint::new("ftp://h"), Bytes::new(), "ua")
            .is_err());
    }

    #[test]
    fn large_bodies_of_compressing_operations_are_gzipped() {
        use std::io::Read as _;
        let body = Bytes::from(vec![b'a'; MIN_COMPRESSION_SIZE]);
        assert_eq!(compress_body(body.clone(), false), (body.clone(), false));
        assert_eq!(
            compress_body(Bytes::from_static(b"{}"), true),
            (Bytes::from_static(b"{}"), false)
        );
        let (compressed, yes) = compress_body(body.clone(), true);
        assert!(yes && compressed.len() < body.len());
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, body);
    }

    #[test]
    fn json_1_1_content_type() {
        let s = ServiceMeta { json_version: crate::service::JsonVersion::V1_1, ..SERVICE };
        let r =
            build_request(&s, "Op", None, &Endpoint::new("https://h"), Bytes::new(), "ua").unwrap();
        assert_eq!(r.headers()["content-type"], "application/x-amz-json-1.1");
    }

    #[test]
    fn error_message_is_read_from_every_listed_key_the_first_preferred() {
        let none = HeaderMap::new();
        for key in ERROR_MESSAGE_KEYS {
            assert!(is_error_message_key(key));
            let body = format!(r#"{{"{key}": "said"}}"#);
            assert_eq!(
                parse_error_response(400, &none, body.as_bytes(), false).meta.message(),
                Some("said")
            );
        }
        assert!(!is_error_message_key("MESSAGE") && !is_error_message_key("msg"));
        let body = br#"{"errorMessage": "third", "Message": "second", "message": "first"}"#;
        assert_eq!(parse_error_response(400, &none, body, false).meta.message(), Some("first"));
        let body = br#"{"MESSAGE": "no"}"#;
        assert_eq!(parse_error_response(400, &none, body, false).meta.message(), None);
    }

    #[test]
    fn error_bodies_are_read_in_one_pass() {
        let none = HeaderMap::new();
        let body = br#"{"extra": {"deep": [1, {"x": "y"}]}, "__type": "ns#Thrown:http://x", "Message": "upper", "message": null, "errorMessage": "third", "code": 5}"#;
        let e = parse_error_response(400, &none, body, false);
        assert_eq!(e.code.as_deref(), Some("Thrown"));
        assert_eq!(e.meta.message(), Some("upper"));
        assert_eq!(e.body_error, None);
        assert_eq!(e.modeled_body(body), &body[..]);
        let e = parse_error_response(
            400,
            &none,
            br#"{"code": "First", "__type": "Second", "message": "m"}"#,
            false,
        );
        assert_eq!((e.code.as_deref(), e.meta.message()), (Some("First"), Some("m")));
        let e = parse_error_response(400, &none, b"", false);
        assert_eq!((e.code, e.body_error), (None, None));
        let mut headers = HeaderMap::new();
        headers.insert(X_AMZN_ERRORTYPE, HeaderValue::from_static("FromHeader"));
        for bad in
            [&b"[1]"[..], b"{\"__type\": \"X\"", b"{\"message\": \"a\"} trailing", b"\"text\""]
        {
            let e = parse_error_response(500, &headers, bad, false);
            assert_eq!(e.code.as_deref(), Some("FromHeader"));
            assert!(e.body_error.is_some(), "{}", String::from_utf8_lossy(bad));
            assert_eq!(e.modeled_body(bad), b"{}");
        }
    }

    #[test]
    fn sanitizes_every_form() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(sanitize_error_code("aws.protocoltests.json10#FooError"), "FooError");
        assert_eq!(
            sanitize_error_code(
                "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"
            ),
            "FooError"
        );
        assert_eq!(
            sanitize_error_code("aws.protocoltests.json10#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
        assert_eq!(sanitize_error_code(""), "");
    }
}
