//! The reference signer of the differential test and the CPU measurement: `aws-sigv4` (a
//! dev-dependency only), as the runtime used it before it had its own signer.

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use awsjson_runtime::credentials::Credentials;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};

/// Signs with `aws-sigv4` and its default settings, as the runtime did before it had its own signer.
pub fn sign_with_aws_sigv4(
    request: &mut http::Request<Bytes>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) {
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_string),
        None,
        "test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers: Vec<(&str, &str)> =
        request.headers().iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let (new_headers, _) = instructions.into_parts();
    for h in new_headers {
        let name = HeaderName::from_bytes(h.name().as_bytes()).unwrap();
        request.headers_mut().insert(name, HeaderValue::from_str(h.value()).unwrap());
    }
}
