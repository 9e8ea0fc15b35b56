//! Decoding modeled errors: the bridge between an error response and the generated `@error`
//! structure the operation lists for its code.

use crate::error::{ErrorMetadata, Unhandled};
use crate::json::FromJson;

/// A generated `@error` structure: decoded from the error body, then given the response's
/// metadata (code, message, request id, status).
pub trait ErrorShape: FromJson {
    fn set_meta(&mut self, meta: ErrorMetadata);
}

/// Decodes the body of an error response as the modeled error `T`. A body that does not fit `T`
/// gives an [`Unhandled`] error (the operation's unhandled variant), with the decoding error as
/// its source and the metadata kept. Generic over the error shape only, so it is compiled once per
/// error shape, not once per operation that lists it.
pub fn decode_modeled<T: ErrorShape>(body: &[u8], meta: ErrorMetadata) -> Result<T, Unhandled> {
    match crate::json::from_slice::<T>(body) {
        Ok(mut shape) => {
            shape.set_meta(meta);
            Ok(shape)
        }
        Err(err) => Err(Unhandled::new(Box::new(err), meta)),
    }
}
