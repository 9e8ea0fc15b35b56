//! SigV4 request signing with the `aws-sigv4` crate.
//!
//! Signed are every header the request has when it is signed — `content-type`, `host`,
//! `x-amz-target`, plus the `x-amz-date` and (with temporary credentials) `x-amz-security-token`
//! that signing adds — except `user-agent`, as botocore does. Headers added after signing
//! (`content-length`, `amz-sdk-*`) are not signed.

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};

use crate::credentials::Credentials;
use crate::error::BoxError;

/// Signs `request` in place for `region` and `signing_name` at `time`.
pub fn sign_request(
    request: &mut http::Request<Bytes>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<(), BoxError> {
    // aws-sigv4 writes the token and signature with a panicking conversion: check them first.
    for (what, v) in [
        ("access key id", Some(credentials.access_key_id())),
        ("session token", credentials.session_token()),
    ] {
        if let Some(v) = v {
            if HeaderValue::from_str(v).is_err() {
                return Err(format!("the {what} contains characters not allowed in an HTTP header").into());
            }
        }
    }
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_string),
        credentials.expiry(),
        credentials.provider_name(),
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("cannot sign the request: {e}"))?
        .into();
    let mut headers = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let value = value.to_str().map_err(|_| format!("the header `{name}` is not visible ASCII"))?;
        headers.push((name.as_str(), value));
    }
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|e| format!("cannot sign the request: {e}"))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| format!("cannot sign the request: {e}"))?.into_parts();
    let (new_headers, _query) = instructions.into_parts();
    for h in new_headers {
        let mut value = HeaderValue::from_str(h.value()).map_err(|e| format!("signing produced an invalid header: {e}"))?;
        // Secrets and what is derived from them are not to be printed (`Debug` hides them).
        value.set_sensitive(h.sensitive() || matches!(h.name(), "authorization" | "x-amz-security-token"));
        let name = HeaderName::from_bytes(h.name().as_bytes()).map_err(|e| format!("signing produced an invalid header: {e}"))?;
        request.headers_mut().insert(name, value);
    }
    Ok(())
}
