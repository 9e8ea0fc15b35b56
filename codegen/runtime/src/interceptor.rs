//! Interceptors: code of one's own that runs at fixed points of every call, for trace
//! propagation, metrics and logging.
//!
//! An interceptor implements [`Intercept`]; every hook has a default that does nothing, so it
//! implements only the hooks it needs. Interceptors are registered on the configuration
//! (`ConfigBuilder::interceptor`, run in the order registered) and per call (`customize()`,
//! run after the configuration's). The hooks of one call run in this order:
//!
//! 1. per attempt: [`Intercept::modify_before_signing`] — change the request (add a trace header);
//!    the change is signed;
//! 2. per attempt: [`Intercept::read_before_transmit`] — the request exactly as sent;
//! 3. per attempt: [`Intercept::read_after_attempt`] — the response (status, headers, request id)
//!    or the failure of the attempt;
//! 4. once: [`Intercept::read_after_execution`] — the outcome of the call: success or failure,
//!    the number of attempts and the duration.
//!
//! A hook that returns an error fails the call at once (it is not retried) with an
//! [`InterceptorError`] naming the interceptor and the hook: a construction failure for the
//! hooks before sending, a response error for the hooks after.
//!
//! What hooks see: the request's method, URI, headers and body, the response's status and
//! headers, and errors as the caller would see them. Credentials are not passed to hooks, but
//! the signed request's headers carry the signature (`authorization`) and, with temporary
//! credentials, the session token (`x-amz-security-token`): a hook that logs headers must leave
//! those two out. Response bodies are not passed to hooks.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

use crate::error::{BoxError, RawResponse};
use crate::http::HttpRequest;

/// An interceptor: hooks run at fixed points of every call. See the [module docs](self).
///
/// Object safe; every hook defaults to doing nothing.
pub trait Intercept: Send + Sync + fmt::Debug {
    /// The name errors of this interceptor's hooks give (default: the type's name).
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }

    /// Before each attempt is signed: may change the request (headers, URI, body). What it sets
    /// is signed, so it reaches the service as set.
    fn modify_before_signing(&self, context: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        let _ = context;
        Ok(())
    }

    /// After signing, just before each attempt is sent: the request as transmitted.
    fn read_before_transmit(&self, context: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        let _ = context;
        Ok(())
    }

    /// After each attempt: its response (if one came back) or its failure.
    fn read_after_attempt(&self, context: &AfterAttempt<'_>) -> Result<(), BoxError> {
        let _ = context;
        Ok(())
    }

    /// Once, after the call: its outcome.
    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        let _ = context;
        Ok(())
    }
}

/// What [`Intercept::modify_before_signing`] gets: the request of one attempt, before signing.
///
/// `Debug` prints the operation, attempt, method and URI only (headers and body may hold
/// secrets or `@sensitive` members).
pub struct BeforeSigning<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) request: &'a mut HttpRequest,
}

impl BeforeSigning<'_> {
    /// The operation name, e.g. `StartExecution`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn request(&self) -> &HttpRequest {
        self.request
    }

    /// The request to change; what is set here is signed.
    pub fn request_mut(&mut self) -> &mut HttpRequest {
        self.request
    }
}

/// What [`Intercept::read_before_transmit`] gets: the signed request of one attempt.
///
/// Its headers include the signature (`authorization`) and, with temporary credentials, the
/// session token (`x-amz-security-token`): do not log those. `Debug` prints the operation,
/// attempt, method and URI only.
pub struct BeforeTransmit<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) request: &'a HttpRequest,
}

impl BeforeTransmit<'_> {
    /// The operation name, e.g. `StartExecution`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request as it is sent.
    pub fn request(&self) -> &HttpRequest {
        self.request
    }
}

/// The `Debug` of a request in a hook context: no headers, no body.
fn debug_request(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    operation: &str,
    attempt: u32,
    request: &HttpRequest,
) -> fmt::Result {
    f.debug_struct(name)
        .field("operation", &operation)
        .field("attempt", &attempt)
        .field("method", request.method())
        .field("uri", request.uri())
        .finish_non_exhaustive()
}

impl fmt::Debug for BeforeSigning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_request(f, "BeforeSigning", self.operation, self.attempt, self.request)
    }
}

impl fmt::Debug for BeforeTransmit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_request(f, "BeforeTransmit", self.operation, self.attempt, self.request)
    }
}

/// What [`Intercept::read_after_attempt`] gets: how one attempt ended.
#[derive(Debug)]
pub struct AfterAttempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) response: Option<&'a RawResponse>,
    pub(crate) error: Option<&'a (dyn StdError + 'static)>,
}

impl AfterAttempt<'_> {
    /// The operation name, e.g. `StartExecution`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The status and headers of the response, if one came back.
    pub fn response(&self) -> Option<&RawResponse> {
        self.response
    }

    /// The HTTP status, if a response came back.
    pub fn status(&self) -> Option<u16> {
        self.response.map(RawResponse::status)
    }

    /// The response headers, if a response came back.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response.map(RawResponse::headers)
    }

    /// The response's `x-amzn-RequestId`.
    pub fn request_id(&self) -> Option<&str> {
        self.response.and_then(RawResponse::request_id)
    }

    /// Why the attempt failed (an error response, a timeout, a connection failure), or `None`
    /// when it succeeded.
    pub fn error(&self) -> Option<&(dyn StdError + 'static)> {
        self.error
    }
}

/// What [`Intercept::read_after_execution`] gets: how the call ended.
#[derive(Debug)]
pub struct AfterExecution<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempts: u32,
    pub(crate) duration: Duration,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) error: Option<&'a (dyn StdError + 'static)>,
}

impl AfterExecution<'_> {
    /// The operation name, e.g. `StartExecution`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// How many attempts were made (0 when the call failed before the first).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long the call took, retries and backoff included.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// The request id of the last response, if one came back.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
    }

    /// Whether the call succeeded.
    pub fn is_success(&self) -> bool {
        self.error.is_none()
    }

    /// The error the call fails with, or `None` when it succeeded.
    pub fn error(&self) -> Option<&(dyn StdError + 'static)> {
        self.error
    }
}

/// An interceptor shared between configurations and calls. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SharedInterceptor(Arc<dyn Intercept>);

impl SharedInterceptor {
    pub fn new(interceptor: impl Intercept + 'static) -> Self {
        SharedInterceptor(Arc::new(interceptor))
    }
}

impl Intercept for SharedInterceptor {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn modify_before_signing(&self, context: &mut BeforeSigning<'_>) -> Result<(), BoxError> {
        self.0.modify_before_signing(context)
    }

    fn read_before_transmit(&self, context: &BeforeTransmit<'_>) -> Result<(), BoxError> {
        self.0.read_before_transmit(context)
    }

    fn read_after_attempt(&self, context: &AfterAttempt<'_>) -> Result<(), BoxError> {
        self.0.read_after_attempt(context)
    }

    fn read_after_execution(&self, context: &AfterExecution<'_>) -> Result<(), BoxError> {
        self.0.read_after_execution(context)
    }
}

/// A hook of an interceptor failed; the call fails with this error (in a construction failure
/// for the hooks before sending, in a response error for the hooks after).
#[derive(Debug)]
pub struct InterceptorError {
    interceptor: String,
    hook: &'static str,
    source: BoxError,
}

impl InterceptorError {
    pub(crate) fn new(interceptor: &dyn Intercept, hook: &'static str, source: BoxError) -> Self {
        InterceptorError { interceptor: interceptor.name().to_string(), hook, source }
    }

    /// The [`Intercept::name`] of the interceptor whose hook failed.
    pub fn interceptor(&self) -> &str {
        &self.interceptor
    }

    /// The hook that failed, e.g. `modify_before_signing`.
    pub fn hook(&self) -> &'static str {
        self.hook
    }
}

impl fmt::Display for InterceptorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interceptor `{}` failed in `{}`: {}", self.interceptor, self.hook, self.source)
    }
}

impl StdError for InterceptorError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}
