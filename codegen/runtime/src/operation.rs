//! What generated code implements per operation: its name, input, output and error types.

use crate::error::{BuildError, ErrorMetadata};

pub use crate::error::RequestId;

/// The error type of one operation: an enum of its modeled errors plus an unhandled variant.
pub trait OperationError: std::error::Error + Send + Sync + Sized + 'static {
    /// Builds the modeled error whose shape name equals `code`, else the unhandled variant.
    /// `body` is the error response body, JSON text (`{}` when the body was empty or unreadable);
    /// the modeled error is decoded from it in one pass.
    fn from_response(code: &str, body: &[u8], meta: ErrorMetadata) -> Self;

    /// Wraps any other failure in the unhandled variant.
    fn unhandled(source: Box<dyn std::error::Error + Send + Sync>, meta: ErrorMetadata) -> Self;

    /// `@retryable` on the modeled error: `Some(Throttling)` with `throttling: true`, else
    /// `Some(Transient)`; `None` when the error is not modeled as retryable (the client then
    /// classifies it by code and status).
    fn retry_kind(&self) -> Option<crate::retry::RetryKind>;

    fn meta(&self) -> &ErrorMetadata;

    /// The name of the modeled error shape this error is (`ActivityDoesNotExist`), or `None` for
    /// the unhandled variant.
    fn modeled_shape(&self) -> Option<&'static str>;

    /// The members of the modeled error shape in JSON wire form (without `__type`), or `None`
    /// for the unhandled variant: how the service would send this error. The test kit's mocks
    /// answer with it (`test_util::MockRule::then_error`).
    fn modeled_body(&self) -> Option<String> {
        None
    }
}

/// One operation of a service, implemented by a zero-sized type per operation.
/// How an operation's requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// Signed with SigV4; the call fails when no credentials resolve.
    SigV4,
    /// Sent unsigned, without loading credentials (`@auth([])`: the operation takes none).
    None,
    /// Signed when credentials resolve, sent unsigned otherwise (`@optionalAuth`): a missing
    /// provider or a failure to load credentials does not fail the call.
    Optional,
}

use std::collections::BTreeMap;

use crate::endpoint::ParamValue;

pub trait Operation: Send + Sync + 'static {
    /// The operation name, e.g. `StartExecution` (`X-Amz-Target: <target_prefix>.<NAME>`).
    const NAME: &'static str;
    /// The `X-Amz-Target` of the operation, `<target_prefix>.<NAME>`
    /// (`AWSStepFunctions.StartExecution`), written out by the generator so that calls need not
    /// make it. Empty (the default): the client makes it from the service's target prefix.
    const TARGET: &'static str = "";
    /// The `@endpoint(hostPrefix)` of the operation, e.g. `Some("sync-")`.
    const HOST_PREFIX: Option<&'static str>;
    /// `@requestCompression` lists gzip: request bodies of at least
    /// [`crate::protocol::MIN_COMPRESSION_SIZE`] bytes are sent gzip-compressed.
    const REQUEST_COMPRESSION: bool = false;
    /// How requests are authenticated: signed (the default), unsigned (`@auth([])`), or signed
    /// when credentials resolve (`@optionalAuth`).
    const AUTH: Auth = Auth::SigV4;
    type Input: crate::json::ToJson + Send + Sync + 'static;
    type Output: crate::json::FromJson + Send + 'static;
    type Error: OperationError;

    /// Checks the input before anything is sent (`@required` members).
    fn validate(input: &Self::Input) -> Result<(), BuildError>;

    /// The host prefix of this call: [`Self::HOST_PREFIX`] with its `{label}`s filled from the
    /// input (operations with labels override this).
    fn host_prefix(_input: &Self::Input) -> Result<Option<String>, BuildError> {
        Ok(Self::HOST_PREFIX.map(str::to_string))
    }

    /// Sets `@idempotencyToken` members that are unset. Called once per call, before the first
    /// attempt, so every retry sends the same token.
    fn fill_idempotency_token(_input: &mut Self::Input, _token: &mut dyn FnMut() -> String) {}

    /// Adds this call's endpoint parameters to `params`: the operation's
    /// `smithy.rules#staticContextParams`, and the input's `smithy.rules#contextParam` members and
    /// `smithy.rules#operationContextParams` paths that are set. Operations without any add
    /// nothing, and the client resolves their endpoint once for all their calls.
    fn endpoint_params(_input: &Self::Input, _params: &mut BTreeMap<String, ParamValue>) {}

    /// Stores the request id of the response (`x-amzn-RequestId`) in a decoded output, for its
    /// [`RequestId`] impl. Generated operations implement it; the default drops the id.
    #[doc(hidden)]
    fn set_request_id(_output: &mut Self::Output, _request_id: Option<String>) {}
}

/// Fills the `{label}`s of a host prefix template from `(label, value)` pairs. A label must be
/// set, non-empty, and made of letters, digits and `-` (it becomes part of a host name).
pub fn expand_host_prefix(
    input_shape: &'static str,
    template: &str,
    labels: &[(&'static str, Option<&str>)],
) -> Result<String, BuildError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or(rest.len());
        let wanted = &rest[open + 1..close.min(rest.len())];
        let Some(&(label, value)) = labels.iter().find(|(l, _)| *l == wanted) else {
            return Err(BuildError::invalid_field(
                input_shape,
                "",
                format!("the host prefix label `{wanted}` has no member"),
            ));
        };
        match value {
            Some(v)
                if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                out.push_str(v)
            }
            Some(v) => {
                return Err(BuildError::invalid_field(
                    input_shape,
                    label,
                    format!("`{v}` cannot be part of a host name (letters, digits and `-` only)"),
                ))
            }
            None => return Err(BuildError::missing_field(input_shape, label)),
        }
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::expand_host_prefix;

    #[test]
    fn host_prefix_labels_are_filled_and_checked() {
        assert_eq!(
            expand_host_prefix("Op", "foo.{label}.", &[("label", Some("bar"))]).unwrap(),
            "foo.bar."
        );
        assert_eq!(expand_host_prefix("Op", "plain-", &[]).unwrap(), "plain-");
        assert!(expand_host_prefix("Op", "foo.{label}.", &[("label", None)]).is_err());
        assert!(expand_host_prefix("Op", "foo.{label}.", &[("label", Some(""))]).is_err());
        let e = expand_host_prefix("Op", "foo.{label}.", &[("label", Some("a.b/c"))]).unwrap_err();
        assert!(e.to_string().contains("label"), "{e}");
    }
}
