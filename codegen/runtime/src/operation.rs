//! What generated code implements per operation: its name, input, output and error types.

use crate::error::{BuildError, ErrorMetadata};

/// The error type of one operation: an enum of its modeled errors plus an unhandled variant.
pub trait OperationError: std::error::Error + Send + Sync + Sized + 'static {
    /// Builds the modeled error whose shape name equals `code`, else the unhandled variant.
    /// `body` is the parsed error response body (an empty object when the body was empty).
    fn from_response(code: &str, body: serde_json::Value, meta: ErrorMetadata) -> Self;

    /// Wraps any other failure in the unhandled variant.
    fn unhandled(source: Box<dyn std::error::Error + Send + Sync>, meta: ErrorMetadata) -> Self;

    /// `@retryable` on the modeled error: `None` = not retryable, `Some(true)` = throttling,
    /// `Some(false)` = transient.
    fn retryable(&self) -> Option<bool>;

    fn meta(&self) -> &ErrorMetadata;

    /// The name of the modeled error shape this error is (`ActivityDoesNotExist`), or `None` for
    /// the unhandled variant.
    fn modeled_shape(&self) -> Option<&'static str>;
}

/// One operation of a service, implemented by a zero-sized type per operation.
pub trait Operation: Send + Sync + 'static {
    /// The operation name, e.g. `StartExecution` (`X-Amz-Target: <target_prefix>.<NAME>`).
    const NAME: &'static str;
    /// The `@endpoint(hostPrefix)` of the operation, e.g. `Some("sync-")`.
    const HOST_PREFIX: Option<&'static str>;
    type Input: crate::json::ToJson + Send + Sync + 'static;
    type Output: crate::json::FromJson + Send + 'static;
    type Error: OperationError;

    /// Checks the input before anything is sent (`@required` members).
    fn validate(input: &Self::Input) -> Result<(), BuildError>;

    /// Sets `@idempotencyToken` members that are unset. Called once per call, before the first
    /// attempt, so every retry sends the same token.
    fn fill_idempotency_token(_input: &mut Self::Input, _token: &mut dyn FnMut() -> String) {}
}
