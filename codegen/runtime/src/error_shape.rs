//! Decoding modeled errors: the bridge between an error response and the generated `@error`
//! structure the operation lists for its code.

use crate::error::ErrorMetadata;
use crate::json::{FromJson, Value};
use crate::operation::OperationError;

/// A generated `@error` structure: decoded from the error body, then given the response's
/// metadata (code, message, request id, status).
pub trait ErrorShape: FromJson {
    fn set_meta(&mut self, meta: ErrorMetadata);
}

/// Decodes the body of an error response as the modeled error `T` and wraps it in the operation's
/// error enum. A body that does not fit `T` gives the unhandled variant, with the decoding error
/// as its source and the metadata kept.
pub fn decode_modeled<T: ErrorShape, E: OperationError>(body: Value, meta: ErrorMetadata, wrap: impl FnOnce(T) -> E) -> E {
    match T::from_json(body) {
        Ok(mut shape) => {
            shape.set_meta(meta);
            wrap(shape)
        }
        Err(err) => E::unhandled(Box::new(err), meta),
    }
}
