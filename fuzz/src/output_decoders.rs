//! `output_decoders`: every SFN operation's response decoding as the client does it
//! (`awsjson_runtime::client::decode_response`): a 2xx body into the operation's output, anything
//! else through the error-response path (`protocol::parse_error_response`, then the operation's
//! modeled errors) — with arbitrary status, headers and body.
//!
//! Input: byte 0 picks the operation ([`OPERATIONS`]), byte 1 the status, byte 2 which headers
//! are sent (bit 0 `x-amzn-errortype`, bit 1 `x-amzn-requestid`, bit 2 `x-amzn-query-error`,
//! bit 3 `content-type`), then one NUL-terminated value per header sent, then the body.
//!
//! Invariants: a 2xx response gives the output or a `ResponseError`, any other a `ServiceError`;
//! `Display`/`Debug` of every outcome work; a decoded output encodes to JSON that decodes to an
//! output encoding to the same JSON (re-encoding is a fixed point); a modeled error's body, sent
//! back under its own name, decodes to the same modeled error with the same body.

use awsjson_runtime::client::decode_response;
use awsjson_runtime::error::{DisplayErrorContext, SdkError};
use awsjson_runtime::json::{self, ToJson};
use awsjson_runtime::operation::{Operation, OperationError};
use bytes::Bytes;

use crate::Input;

macro_rules! operations {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        /// The operations of the SFN client, in the order byte 0 of the input picks them.
        pub const OPERATIONS: &[&str] = &[$(stringify!($ty)),*];

        fn decode_as(index: usize, response: Response) {
            let mut i = 0;
            $(
                if index == i {
                    return check::<sfn_client::operation::$module::$ty>(response);
                }
                i += 1;
            )*
            unreachable!("operation index {index} of {i}");
        }
    };
}

sfn_client::for_each_operation!(operations);

type Response = http::Response<Bytes>;

/// Statuses byte 1 picks from; a byte past the table picks `100 + byte` (any code `http` accepts
/// up to 355, including unusual ones).
const STATUSES: &[u16] = &[
    200, 200, 400, 400, 400, 500, 503, 429, 404, 403, 413, 409, 402, 204, 299, 300, 302, 502, 504,
    509,
];

/// The target body.
pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    let operation = usize::from(input.byte()) % OPERATIONS.len();
    let status = input.byte();
    let status = STATUSES.get(usize::from(status)).copied().unwrap_or(100 + u16::from(status));
    let header_flags = input.byte();
    let mut builder = http::Response::builder().status(status);
    for (bit, name) in [
        (1, "x-amzn-errortype"),
        (2, "x-amzn-requestid"),
        (4, "x-amzn-query-error"),
        (8, "content-type"),
    ] {
        if header_flags & bit != 0 {
            let value = input.bytes();
            // A value `http` rejects cannot come off the wire either: the header is left out.
            if let Ok(value) = http::HeaderValue::from_bytes(value) {
                builder = builder.header(name, value);
            }
        }
    }
    let response = builder
        .body(Bytes::copy_from_slice(input.rest()))
        .expect("status 100..=355 and checked headers");
    decode_as(operation, response);
}

fn check<O: Operation>(response: Response)
where
    O::Output: ToJson + std::fmt::Debug,
{
    let success = response.status().is_success();
    let result = decode_response::<O>(&sfn_client::SERVICE, response);
    match &result {
        Ok(output) => {
            assert!(success, "an error status decoded as a success");
            let _ = format!("{output:?}");
            let encoded = json::to_string(output);
            let again = json::from_slice::<O::Output>(encoded.as_bytes()).unwrap_or_else(|e| {
                panic!("{}: its own encoding `{encoded}` does not decode: {e}", O::NAME)
            });
            assert_eq!(
                json::to_string(&again),
                encoded,
                "{}: re-encoding is not a fixed point",
                O::NAME
            );
        }
        Err(error) => {
            let _ = format!("{error} {error:?} {}", DisplayErrorContext(error));
            match error {
                SdkError::ResponseError(_) => {
                    assert!(success, "{}: a ResponseError for an error status", O::NAME)
                }
                SdkError::ServiceError(service_error) => {
                    assert!(!success, "{}: a ServiceError for a 2xx status", O::NAME);
                    modeled_round_trip::<O>(service_error.err());
                }
                other => panic!("{}: decoding gave {other:?}", O::NAME),
            }
        }
    }
}

/// A modeled error, sent back under its own name with its own body, is the same error.
fn modeled_round_trip<O: Operation>(error: &O::Error)
where
    O::Output: std::fmt::Debug,
{
    let (Some(shape), Some(body)) = (error.modeled_shape(), error.modeled_body()) else { return };
    let response = http::Response::builder()
        .status(400)
        .header("x-amzn-errortype", shape)
        .body(Bytes::from(body.clone()))
        .expect("a valid response");
    match decode_response::<O>(&sfn_client::SERVICE, response) {
        Err(SdkError::ServiceError(again)) => {
            assert_eq!(
                again.err().modeled_shape(),
                Some(shape),
                "{}: `{body}` as {shape}",
                O::NAME
            );
            assert_eq!(
                again.err().modeled_body().as_deref(),
                Some(body.as_str()),
                "{}: {shape}",
                O::NAME
            );
        }
        other => panic!("{}: the body `{body}` of {shape} decoded as {other:?}", O::NAME),
    }
}
