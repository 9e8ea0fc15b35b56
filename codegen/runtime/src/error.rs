//! Errors of a call: the service's modeled and unmodeled errors, and everything that can go wrong
//! around them (building the request, sending it, reading the response, timeouts).

use std::error::Error as StdError;
use std::fmt;

use http::HeaderMap;

/// A boxed error that can cross threads.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What the service said about an error: its code, message, request id and HTTP status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    error_type: Option<String>,
}

static EMPTY_METADATA: ErrorMetadata = ErrorMetadata::empty();

impl ErrorMetadata {
    pub fn new(
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
        status: Option<u16>,
    ) -> Self {
        ErrorMetadata { code, message, request_id, status, error_type: None }
    }

    /// Metadata with nothing known.
    pub const fn empty() -> Self {
        ErrorMetadata {
            code: None,
            message: None,
            request_id: None,
            status: None,
            error_type: None,
        }
    }

    pub fn builder() -> ErrorMetadataBuilder {
        ErrorMetadataBuilder::default()
    }

    /// The error code (the error shape's name), e.g. `ExecutionDoesNotExist`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The human-readable message the service sent.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id (`x-amzn-RequestId`), for AWS support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status code of the response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Who the service blames, `Sender` or `Receiver`: sent by services compatible with the
    /// awsQuery protocol (`@awsQueryCompatible`), in `x-amzn-query-error`.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }
}

/// Prints `Code: message (HTTP 400, request id …)`, leaving out what is unknown.
impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, "{c}: {m}")?,
            (Some(c), None) => write!(f, "{c}")?,
            (None, Some(m)) => write!(f, "{m}")?,
            (None, None) => write!(f, "unknown error")?,
        }
        match (self.status, &self.request_id) {
            (Some(s), Some(r)) => write!(f, " (HTTP {s}, request id {r})"),
            (Some(s), None) => write!(f, " (HTTP {s})"),
            (None, Some(r)) => write!(f, " (request id {r})"),
            (None, None) => Ok(()),
        }
    }
}

/// Builds an [`ErrorMetadata`].
#[derive(Debug, Clone, Default)]
pub struct ErrorMetadataBuilder {
    inner: ErrorMetadata,
}

impl ErrorMetadataBuilder {
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }

    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.inner.request_id = Some(request_id.into());
        self
    }

    pub fn status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub fn error_type(mut self, error_type: impl Into<String>) -> Self {
        self.inner.error_type = Some(error_type.into());
        self
    }

    pub fn build(self) -> ErrorMetadata {
        self.inner
    }
}

/// Access to the [`ErrorMetadata`] of an error.
pub trait ProvideErrorMetadata {
    fn meta(&self) -> &ErrorMetadata;

    fn code(&self) -> Option<&str> {
        self.meta().code()
    }

    fn message(&self) -> Option<&str> {
        self.meta().message()
    }
}

/// The request id AWS gave a response (`x-amzn-RequestId`), for AWS support: implemented by
/// every operation output, every operation error, [`SdkError`] and [`ErrorMetadata`].
///
/// Generated crates re-export it as `operation::RequestId` (where `aws-sdk-*` crates have it).
pub trait RequestId {
    /// The request id, if the response had one.
    fn request_id(&self) -> Option<&str>;
}

impl RequestId for ErrorMetadata {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl RequestId for Unhandled {
    fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }
}

impl ProvideErrorMetadata for ErrorMetadata {
    fn meta(&self) -> &ErrorMetadata {
        self
    }
}

/// An error the operation does not model (an unknown code, or an error without a code).
#[derive(Debug)]
pub struct Unhandled {
    source: BoxError,
    meta: ErrorMetadata,
}

impl Unhandled {
    pub fn new(source: BoxError, meta: ErrorMetadata) -> Self {
        Unhandled { source, meta }
    }

    /// An unhandled error whose only information is its metadata (the usual case: the service
    /// returned a code the operation does not model).
    pub fn from_meta(meta: ErrorMetadata) -> Self {
        let source = Box::new(UnmodeledError { code: meta.code.clone() });
        Unhandled { source, meta }
    }

    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.meta.code.is_some() || self.meta.message.is_some() {
            write!(f, "unhandled error {}", self.meta)
        } else {
            write!(f, "unhandled error: {}", self.source)?;
            if let Some(s) = self.meta.status {
                write!(f, " (HTTP {s}")?;
                if let Some(r) = &self.meta.request_id {
                    write!(f, ", request id {r}")?;
                }
                write!(f, ")")?;
            }
            Ok(())
        }
    }
}

impl StdError for Unhandled {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

impl ProvideErrorMetadata for Unhandled {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// Why an error is unhandled when the service sent a code: the operation does not model it.
#[derive(Debug)]
struct UnmodeledError {
    code: Option<String>,
}

impl fmt::Display for UnmodeledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(c) => {
                write!(f, "the error code `{c}` is not one of the operation's modeled errors")
            }
            None => write!(f, "the service's error response has no error code"),
        }
    }
}

impl StdError for UnmodeledError {}

/// An operation input is invalid (a `@required` member is missing, or a member is invalid);
/// found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    shape: &'static str,
    member: &'static str,
    kind: BuildErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum BuildErrorKind {
    Missing,
    Invalid(String),
}

impl BuildError {
    /// A `@required` member is unset: `StartExecutionInput: missing required member `stateMachineArn``.
    pub fn missing_field(shape: &'static str, member: &'static str) -> Self {
        BuildError { shape, member, kind: BuildErrorKind::Missing }
    }

    /// The value of a `@required` member, or [`Self::missing_field`] when it is unset. What the
    /// generated `build()` methods call for each such member: generic over the member's type only
    /// (a handful of instances per crate), where `ok_or_else` with a closure naming the member is
    /// one instance per member (hundreds in the SFN crate, each compiled in a debug build).
    #[doc(hidden)]
    pub fn require<T>(
        value: Option<T>,
        shape: &'static str,
        member: &'static str,
    ) -> Result<T, BuildError> {
        match value {
            Some(v) => Ok(v),
            None => Err(Self::missing_field(shape, member)),
        }
    }

    /// A member has a value the service cannot accept.
    pub fn invalid_field(
        shape: &'static str,
        member: &'static str,
        message: impl Into<String>,
    ) -> Self {
        BuildError { shape, member, kind: BuildErrorKind::Invalid(message.into()) }
    }

    /// The shape (input structure) name.
    pub fn shape(&self) -> &'static str {
        self.shape
    }

    /// The member name.
    pub fn member(&self) -> &'static str {
        self.member
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::Missing => {
                write!(f, "{}: missing required member `{}`", self.shape, self.member)
            }
            BuildErrorKind::Invalid(m) => {
                write!(f, "{}: invalid member `{}`: {}", self.shape, self.member, m)
            }
        }
    }
}

impl StdError for BuildError {}

/// The most of an error response's body [`RawResponse::body`] keeps: 64 KiB.
pub const MAX_RAW_BODY_SIZE: usize = 64 * 1024;

/// The status, headers and, for error responses, the first [`MAX_RAW_BODY_SIZE`] bytes of the
/// body of an HTTP response.
///
/// The body is kept only for error (non-2xx) responses: a successful response's body may hold
/// `@sensitive` data, so errors about it (an unreadable 2xx body) keep its status and headers
/// only. `Debug` prints the body's length, never its bytes.
#[derive(Clone, PartialEq)]
pub struct RawResponse {
    status: u16,
    // Boxed: errors stay small (they travel in `Result`s).
    headers: Box<HeaderMap>,
    body: bytes::Bytes,
    truncated: bool,
}

impl RawResponse {
    pub fn new(status: u16, headers: HeaderMap) -> Self {
        RawResponse {
            status,
            headers: Box::new(headers),
            body: bytes::Bytes::new(),
            truncated: false,
        }
    }

    /// Keeps `body` (at most [`MAX_RAW_BODY_SIZE`] bytes of it; [`Self::body_truncated`] says
    /// whether some was cut).
    pub fn with_body(mut self, body: bytes::Bytes) -> Self {
        self.truncated = body.len() > MAX_RAW_BODY_SIZE;
        // A copy when cut, so the rest of a large body is not kept alive.
        self.body = if self.truncated {
            bytes::Bytes::copy_from_slice(&body[..MAX_RAW_BODY_SIZE])
        } else {
            body
        };
        self
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body of an error response, at most [`MAX_RAW_BODY_SIZE`] bytes; empty for other
    /// responses.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether the body was longer than [`MAX_RAW_BODY_SIZE`] and [`Self::body`] is its start.
    pub fn body_truncated(&self) -> bool {
        self.truncated
    }

    /// The `x-amzn-RequestId` header.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get(crate::protocol::X_AMZN_REQUEST_ID).and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field(
                "body",
                &format_args!(
                    "<{} bytes{}>",
                    self.body.len(),
                    if self.truncated { ", truncated" } else { "" }
                ),
            )
            .finish()
    }
}

/// Prints an error and its whole chain of sources on one line: `a: b: c`.
///
/// A source whose text the error before it already ends with is not repeated (many errors,
/// [`SdkError`] among them, print their source as part of their own message).
///
/// `eprintln!("{}", DisplayErrorContext(&err))` shows what failed and why.
///
#[derive(Debug, Clone, Copy)]
pub struct DisplayErrorContext<E>(pub E);

impl<E: StdError> fmt::Display for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous = self.0.to_string();
        f.write_str(&previous)?;
        let mut next = self.0.source();
        while let Some(e) = next {
            let text = e.to_string();
            if !previous.ends_with(&text) {
                write!(f, ": {text}")?;
            }
            previous = text;
            next = e.source();
        }
        Ok(())
    }
}

/// The error of a call.
#[non_exhaustive]
#[derive(Debug)]
pub enum SdkError<E> {
    /// The request could not be built: invalid input, no region, no credentials, no endpoint.
    ConstructionFailure(ConstructionFailure),
    /// An attempt or the whole operation took longer than its configured timeout.
    TimeoutError(TimeoutError),
    /// The request could not be sent, or no response came back (connection failures).
    DispatchFailure(DispatchFailure),
    /// A response came back but could not be read or understood.
    ResponseError(ResponseError),
    /// The service answered with an error.
    ServiceError(ServiceError<E>),
}

/// See [`SdkError::ConstructionFailure`].
#[derive(Debug)]
pub struct ConstructionFailure {
    source: BoxError,
}

impl ConstructionFailure {
    pub fn new(source: impl Into<BoxError>) -> Self {
        ConstructionFailure { source: source.into() }
    }
}

/// Which timeout expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt (send and read the response) took too long.
    Attempt,
    /// The whole operation, retries included, took too long.
    Operation,
}

/// See [`SdkError::TimeoutError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    kind: TimeoutKind,
    after: std::time::Duration,
}

impl TimeoutError {
    pub fn new(kind: TimeoutKind, after: std::time::Duration) -> Self {
        TimeoutError { kind, after }
    }

    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The configured timeout that expired.
    pub fn after(&self) -> std::time::Duration {
        self.after
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Attempt => "attempt",
            TimeoutKind::Operation => "operation",
        };
        write!(f, "{what} timeout of {:?} expired", self.after)
    }
}

impl StdError for TimeoutError {}

/// See [`SdkError::DispatchFailure`].
#[derive(Debug)]
pub struct DispatchFailure {
    source: crate::http::ConnectorError,
}

impl DispatchFailure {
    pub fn new(source: crate::http::ConnectorError) -> Self {
        DispatchFailure { source }
    }

    pub fn connector_error(&self) -> &crate::http::ConnectorError {
        &self.source
    }

    pub fn is_io(&self) -> bool {
        self.source.is_io()
    }

    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }
}

/// See [`SdkError::ResponseError`].
#[derive(Debug)]
pub struct ResponseError {
    source: BoxError,
    raw: Option<RawResponse>,
}

impl ResponseError {
    pub fn new(source: impl Into<BoxError>, raw: Option<RawResponse>) -> Self {
        ResponseError { source: source.into(), raw }
    }

    pub fn raw(&self) -> Option<&RawResponse> {
        self.raw.as_ref()
    }
}

/// See [`SdkError::ServiceError`].
#[derive(Debug)]
pub struct ServiceError<E> {
    source: E,
    raw: RawResponse,
}

impl<E> ServiceError<E> {
    pub fn new(source: E, raw: RawResponse) -> Self {
        ServiceError { source, raw }
    }

    pub fn err(&self) -> &E {
        &self.source
    }

    pub fn into_err(self) -> E {
        self.source
    }

    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }
}

impl<E> SdkError<E> {
    pub fn construction_failure(source: impl Into<BoxError>) -> Self {
        SdkError::ConstructionFailure(ConstructionFailure::new(source))
    }

    /// The service error, if the service answered with one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            SdkError::ServiceError(e) => Some(&e.source),
            _ => None,
        }
    }

    /// The HTTP response, if one came back.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            SdkError::ServiceError(e) => Some(&e.raw),
            SdkError::ResponseError(e) => e.raw.as_ref(),
            _ => None,
        }
    }

    pub fn map_service_error<E2>(self, f: impl FnOnce(E) -> E2) -> SdkError<E2> {
        match self {
            SdkError::ConstructionFailure(e) => SdkError::ConstructionFailure(e),
            SdkError::TimeoutError(e) => SdkError::TimeoutError(e),
            SdkError::DispatchFailure(e) => SdkError::DispatchFailure(e),
            SdkError::ResponseError(e) => SdkError::ResponseError(e),
            SdkError::ServiceError(e) => {
                SdkError::ServiceError(ServiceError { source: f(e.source), raw: e.raw })
            }
        }
    }
}

impl<E: crate::operation::OperationError> SdkError<E> {
    /// The operation's error: the service error itself, or any other failure wrapped in the
    /// operation error's unhandled variant.
    pub fn into_service_error(self) -> E {
        match self {
            SdkError::ServiceError(e) => e.source,
            other => {
                let meta = match other.raw_response() {
                    Some(r) => ErrorMetadata::builder().status(r.status).build(),
                    None => ErrorMetadata::default(),
                };
                E::unhandled(Box::new(other), meta)
            }
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::ConstructionFailure(e) => {
                write!(f, "failed to construct request: {}", e.source)
            }
            SdkError::TimeoutError(e) => write!(f, "request timed out: {e}"),
            SdkError::DispatchFailure(e) => write!(f, "failed to send request: {}", e.source),
            SdkError::ResponseError(e) => match &e.raw {
                Some(r) => write!(f, "invalid response (HTTP {}): {}", r.status, e.source),
                None => write!(f, "invalid response: {}", e.source),
            },
            SdkError::ServiceError(e) => write!(f, "service error: {}", e.source),
        }
    }
}

impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SdkError::ConstructionFailure(e) => Some(&*e.source),
            SdkError::TimeoutError(e) => Some(e),
            SdkError::DispatchFailure(e) => Some(&e.source),
            SdkError::ResponseError(e) => Some(&*e.source),
            SdkError::ServiceError(e) => Some(&e.source),
        }
    }
}

impl<E: crate::operation::OperationError> ProvideErrorMetadata for SdkError<E> {
    /// The service error's metadata; empty for errors that are not service errors.
    fn meta(&self) -> &ErrorMetadata {
        match self {
            SdkError::ServiceError(e) => crate::operation::OperationError::meta(&e.source),
            _ => &EMPTY_METADATA,
        }
    }
}

impl<E: crate::operation::OperationError> RequestId for SdkError<E> {
    /// The service error's request id, else the request id header of the response (if one came
    /// back).
    fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::ServiceError(e) => e.request_id(),
            _ => self.raw_response().and_then(RawResponse::request_id),
        }
    }
}

impl<E: crate::operation::OperationError> RequestId for ServiceError<E> {
    fn request_id(&self) -> Option<&str> {
        crate::operation::OperationError::meta(&self.source)
            .request_id()
            .or_else(|| self.raw.request_id())
    }
}

impl<E: crate::operation::OperationError> ProvideErrorMetadata for ServiceError<E> {
    fn meta(&self) -> &ErrorMetadata {
        crate::operation::OperationError::meta(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|l| l as &(dyn StdError + 'static))
        }
    }

    #[test]
    fn display_error_context_prints_the_chain() {
        let chain = Layer("a", Some(Box::new(Layer("b", Some(Box::new(Layer("c", None)))))));
        assert_eq!(DisplayErrorContext(&chain).to_string(), "a: b: c");
        assert_eq!(DisplayErrorContext(Layer("alone", None)).to_string(), "alone");
        // SdkError's message already ends with its source's: it is not repeated.
        let err: SdkError<Layer> = SdkError::construction_failure(Layer("no region", None));
        assert_eq!(DisplayErrorContext(&err).to_string(), "failed to construct request: no region");
        let timeout: SdkError<Layer> = SdkError::TimeoutError(TimeoutError::new(
            TimeoutKind::Attempt,
            std::time::Duration::from_secs(1),
        ));
        assert_eq!(
            DisplayErrorContext(&timeout).to_string(),
            "request timed out: attempt timeout of 1s expired"
        );
    }

    #[test]
    fn build_error_names_shape_and_member() {
        let e = BuildError::missing_field("StartExecutionInput", "stateMachineArn");
        assert_eq!(e.to_string(), "StartExecutionInput: missing required member `stateMachineArn`");
        let e = BuildError::invalid_field("TagResourceInput", "tags", "too many");
        assert_eq!(e.to_string(), "TagResourceInput: invalid member `tags`: too many");
    }

    #[test]
    fn metadata_display_and_unhandled() {
        let meta = ErrorMetadata::builder()
            .code("Boom")
            .message("it broke")
            .status(400)
            .request_id("r-1")
            .build();
        assert_eq!(meta.to_string(), "Boom: it broke (HTTP 400, request id r-1)");
        let u = Unhandled::from_meta(meta.clone());
        assert_eq!(u.to_string(), "unhandled error Boom: it broke (HTTP 400, request id r-1)");
        assert!(u
            .source()
            .unwrap()
            .to_string()
            .contains("`Boom` is not one of the operation's modeled errors"));
        let u = Unhandled::from_meta(ErrorMetadata::builder().status(503).build());
        assert_eq!(
            u.to_string(),
            "unhandled error: the service's error response has no error code (HTTP 503)"
        );
    }
}
