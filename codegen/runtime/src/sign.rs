//! SigV4 request signing (header signing), with `ring`'s SHA-256 and HMAC-SHA256.
//!
//! Signed are every header the request has when it is signed — `content-type`, `host`,
//! `x-amz-target`, plus the `x-amz-date` and (with temporary credentials) `x-amz-security-token`
//! that signing adds — except `user-agent`, as botocore does, and the other headers proxies and
//! intermediaries may change (`authorization`, `x-amzn-trace-id`, `transfer-encoding`). Headers
//! added after signing (`content-length`, `amz-sdk-*`) are not signed. A request without a `host`
//! header signs the host of its URI (with the port when it is not the scheme's default).
//!
//! The canonical request is hashed as it is written (it is never built as one string unless a
//! [`SigningTrace`] asks for it). The signing key derived from the secret, date, region and service
//! (four HMACs) is kept in a small process-wide cache keyed by a SHA-256 of the secret, so calls on
//! the same day reuse it; the cache never holds the secret itself.
//!
//! The canonical URI follows the SigV4 rules for services other than S3: the path is
//! percent-encoded once more ([`UriEncoding::Double`]) and normalised (dot segments removed, empty
//! segments dropped). The canonical query string is decoded, re-encoded and sorted. The results
//! match the header-signing cases of the AWS SigV4 test suite (`tests/sigv4_suite.rs`) and the
//! `aws-sigv4` crate on generated requests (`tests/sigv4_differential.rs`).

use std::fmt;
use std::sync::Mutex;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use ring::{digest, hmac};

use crate::credentials::Credentials;
use crate::error::BoxError;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
/// Present headers that are not signed: computed by signing, or changed on the way.
const UNSIGNED_HEADERS: [&str; 4] =
    ["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];

/// How the request path is encoded in the canonical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UriEncoding {
    /// Every path segment is percent-encoded once more (what every AWS service but S3 expects).
    #[default]
    Double,
    /// The path is used as it is sent (S3's rule).
    Single,
}

/// The switches of the signer; [`Default`] is what the runtime uses for awsJson services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// How the path is encoded in the canonical request.
    pub uri_encoding: UriEncoding,
    /// Remove `.`/`..` and empty path segments before encoding.
    pub normalize_path: bool,
    /// Add (and sign) an `x-amz-content-sha256` header holding the payload hash.
    pub content_sha256_header: bool,
    /// Sign the `x-amz-security-token` header; when `false` it is still added, but after signing.
    pub sign_session_token: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            uri_encoding: UriEncoding::Double,
            normalize_path: true,
            content_sha256_header: false,
            sign_session_token: true,
        }
    }
}

/// The intermediate values of one signing, to compare with another signer when a signature is
/// rejected. `Debug` shows neither the canonical request (it holds the session token) nor the
/// signature.
#[derive(Clone, Default)]
pub struct SigningTrace {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
}

impl SigningTrace {
    /// The canonical request, as hashed.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature, in lower-case hex.
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

impl fmt::Debug for SigningTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningTrace")
            .field("canonical_request", &format_args!("<{} bytes>", self.canonical_request.len()))
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// Signs `request` in place for `region` and `signing_name` at `time`, with the default
/// [`SigningSettings`].
pub fn sign_request(
    request: &mut http::Request<Bytes>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<(), BoxError> {
    sign(request, credentials, region, signing_name, time, &SigningSettings::default(), None)
}

/// Signs `request` in place like [`sign_request`], with `settings`, and returns the intermediate
/// values as well.
pub fn sign_request_traced(
    request: &mut http::Request<Bytes>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
    settings: &SigningSettings,
) -> Result<SigningTrace, BoxError> {
    let mut trace = SigningTrace::default();
    sign(request, credentials, region, signing_name, time, settings, Some(&mut trace))?;
    Ok(trace)
}

fn sign(
    request: &mut http::Request<Bytes>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
    settings: &SigningSettings,
    trace: Option<&mut SigningTrace>,
) -> Result<(), BoxError> {
    let access_key_id = credentials.access_key_id();
    if HeaderValue::from_str(access_key_id).is_err() {
        return Err("the access key id contains characters not allowed in an HTTP header".into());
    }
    for (what, v) in [("region", region), ("signing name", service)] {
        if v.is_empty() || v.bytes().any(|b| b == b'/' || !b.is_ascii_graphic()) {
            return Err(format!(
                "cannot sign with the {what} `{}`: it must be non-empty visible ASCII without `/`",
                v.escape_debug()
            )
            .into());
        }
    }
    let token = match credentials.session_token() {
        Some(t) => {
            let mut v = HeaderValue::from_str(t).map_err(|_| {
                "the session token contains characters not allowed in an HTTP header"
            })?;
            v.set_sensitive(true);
            Some(v)
        }
        None => None,
    };
    for (name, value) in request.headers() {
        if value.to_str().is_err() {
            return Err(format!("the header `{name}` is not visible ASCII").into());
        }
    }

    let amz_date = AmzDate::new(time);
    let payload_hash = hex(digest::digest(&digest::SHA256, request.body()).as_ref());
    let headers = request.headers_mut();
    headers.insert(
        X_AMZ_DATE,
        HeaderValue::from_str(amz_date.date_time())
            .map_err(|e| format!("signing produced an invalid x-amz-date: {e}"))?,
    );
    if settings.content_sha256_header {
        headers.insert(
            X_AMZ_CONTENT_SHA256,
            HeaderValue::from_str(&payload_hash)
                .map_err(|e| format!("signing produced an invalid payload hash: {e}"))?,
        );
    }
    // A token header left from an earlier signing with other credentials goes.
    match (&token, settings.sign_session_token) {
        (Some(token), true) => {
            headers.insert(X_AMZ_SECURITY_TOKEN, token.clone());
        }
        _ => {
            headers.remove(X_AMZ_SECURITY_TOKEN);
        }
    }

    let derived_host = match request.headers().contains_key(HOST) {
        true => None,
        false => Some(uri_host(request.uri())?),
    };
    let mut names: Vec<&str> = request
        .headers()
        .keys()
        .map(HeaderName::as_str)
        .filter(|n| !UNSIGNED_HEADERS.contains(n))
        .chain(derived_host.as_ref().map(|_| "host"))
        .collect();
    sort_few(&mut names);
    let mut signed_headers = String::with_capacity(names.iter().map(|n| n.len() + 1).sum());
    for name in &names {
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }

    // The canonical request, hashed as it is written.
    let mut sink = Sink {
        hash: digest::Context::new(&digest::SHA256),
        copy: trace.as_ref().map(|_| String::new()),
    };
    sink.put(request.method().as_str().as_bytes());
    sink.put(b"\n");
    write_canonical_path(&mut sink, request.uri().path(), settings);
    sink.put(b"\n");
    write_canonical_query(&mut sink, request.uri().query().unwrap_or(""));
    sink.put(b"\n");
    for name in &names {
        sink.put(name.as_bytes());
        sink.put(b":");
        match (*name, &derived_host) {
            ("host", Some(host)) => write_header_value(&mut sink, host.as_bytes()),
            _ => {
                for (i, v) in request.headers().get_all(*name).iter().enumerate() {
                    if i > 0 {
                        sink.put(b",");
                    }
                    write_header_value(&mut sink, v.as_bytes());
                }
            }
        }
        sink.put(b"\n");
    }
    sink.put(b"\n");
    sink.put(signed_headers.as_bytes());
    sink.put(b"\n");
    sink.put(payload_hash.as_bytes());
    let canonical_hash = sink.hash.finish();

    let scope_len = 8 + region.len() + service.len() + 16;
    let mut string_to_sign =
        String::with_capacity(ALGORITHM.len() + 1 + 16 + 1 + scope_len + 1 + 64);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(amz_date.date_time());
    string_to_sign.push('\n');
    let scope_start = string_to_sign.len();
    for part in [amz_date.date(), "/", region, "/", service, "/aws4_request"] {
        string_to_sign.push_str(part);
    }
    let scope_end = string_to_sign.len();
    string_to_sign.push('\n');
    string_to_sign.push_str(&hex(canonical_hash.as_ref()));

    let key = signing_key(credentials.secret_access_key(), amz_date.date(), region, service);
    let signature = hex(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());

    let mut authorization = String::with_capacity(
        ALGORITHM.len() + access_key_id.len() + scope_len + signed_headers.len() + 110,
    );
    for part in [
        ALGORITHM,
        " Credential=",
        access_key_id,
        "/",
        &string_to_sign[scope_start..scope_end],
        ", SignedHeaders=",
        &signed_headers,
        ", Signature=",
        &signature,
    ] {
        authorization.push_str(part);
    }
    let mut authorization = HeaderValue::from_str(&authorization)
        .map_err(|e| format!("signing produced an invalid header: {e}"))?;
    // Secrets and what is derived from them are not to be printed (`Debug` hides them).
    authorization.set_sensitive(true);
    let headers = request.headers_mut();
    headers.insert(AUTHORIZATION, authorization);
    if let (Some(token), false) = (token, settings.sign_session_token) {
        headers.insert(X_AMZ_SECURITY_TOKEN, token);
    }
    if let Some(trace) = trace {
        trace.canonical_request = sink.copy.unwrap_or_default();
        trace.string_to_sign = string_to_sign;
        trace.signature = signature;
    }
    Ok(())
}

/// The `host` header value a request without one is signed with.
fn uri_host(uri: &http::Uri) -> Result<String, BoxError> {
    let host = uri.host().ok_or_else(|| {
        format!("cannot sign a request without a host header or a host in its URI (`{uri}`)")
    })?;
    let default_port = match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    };
    Ok(match uri.port_u16() {
        Some(port) if Some(port) != default_port => format!("{host}:{port}"),
        _ => host.to_string(),
    })
}

/// Where the canonical request goes: the running hash, and a copy when traced.
struct Sink {
    hash: digest::Context,
    copy: Option<String>,
}

impl Sink {
    fn put(&mut self, bytes: &[u8]) {
        self.hash.update(bytes);
        if let Some(copy) = &mut self.copy {
            // Everything written is ASCII (checked header values, percent-encoded paths).
            copy.push_str(&String::from_utf8_lossy(bytes));
        }
    }
}

/// Writes a header value with the spaces around it removed and runs of spaces made one.
fn write_header_value(sink: &mut Sink, value: &[u8]) {
    let start = value.iter().position(|&b| b != b' ').unwrap_or(value.len());
    let end = value.iter().rposition(|&b| b != b' ').map_or(start, |i| i + 1);
    let value = &value[start..end];
    let mut run = 0;
    let mut i = 0;
    while i < value.len() {
        if value[i] == b' ' && value.get(i + 1) == Some(&b' ') {
            sink.put(&value[run..=i]);
            while value.get(i + 1) == Some(&b' ') {
                i += 1;
            }
            run = i + 1;
        }
        i += 1;
    }
    sink.put(&value[run..]);
}

fn write_canonical_path(sink: &mut Sink, path: &str, settings: &SigningSettings) {
    let path = if path.is_empty() { "/" } else { path };
    let normalized;
    let path = if settings.normalize_path
        && (path.contains("//") || path.contains("/.") || !path.starts_with('/'))
    {
        normalized = normalize_path(path);
        normalized.as_str()
    } else {
        path
    };
    match settings.uri_encoding {
        UriEncoding::Single => sink.put(path.as_bytes()),
        UriEncoding::Double => write_encoded(sink, path.as_bytes(), true),
    }
}

/// RFC 3986 dot-segment removal, also dropping empty segments; keeps a trailing slash.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    let trailing = ["/", "/.", "/.."].iter().any(|end| path.ends_with(end));
    if out.is_empty() || trailing {
        out.push('/');
    }
    out
}

/// Sorts the few header names or query pairs of a request: binary insertion, a few hundred
/// bytes of code per type where the standard library's sorts are kilobytes (O(n log n)
/// comparisons, and moves of a slice of pointers).
fn sort_few<T: Ord>(v: &mut [T]) {
    for i in 1..v.len() {
        let at = v[..i].partition_point(|x| *x <= v[i]);
        v[at..=i].rotate_right(1);
    }
}

/// Decodes the query's `&`-separated pairs (`+` is a space, as in forms), encodes each key and
/// value with the SigV4 rules and writes them sorted.
fn write_canonical_query(sink: &mut Sink, query: &str) {
    if query.is_empty() {
        return;
    }
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (encoded(&percent_decode(k)), encoded(&percent_decode(v)))
        })
        .collect();
    sort_few(&mut pairs);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            sink.put(b"&");
        }
        sink.put(k);
        sink.put(b"=");
        sink.put(v);
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len()
                && hex_value(b[i + 1]).is_some()
                && hex_value(b[i + 2]).is_some() =>
            {
                out.push(hex_value(b[i + 1]).unwrap_or(0) << 4 | hex_value(b[i + 2]).unwrap_or(0));
                i += 3;
                continue;
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn encoded(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        if is_unreserved(b) {
            out.push(b);
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX_UPPER[usize::from(b >> 4)],
                HEX_UPPER[usize::from(b & 15)],
            ]);
        }
    }
    out
}

/// Writes `bytes` percent-encoded: everything but the unreserved characters (and `/` when
/// `keep_slash`) as `%XY`.
fn write_encoded(sink: &mut Sink, bytes: &[u8], keep_slash: bool) {
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !(is_unreserved(b) || keep_slash && b == b'/') {
            sink.put(&bytes[run..i]);
            sink.put(&[b'%', HEX_UPPER[usize::from(b >> 4)], HEX_UPPER[usize::from(b & 15)]]);
            run = i + 1;
        }
    }
    sink.put(&bytes[run..]);
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 15)]));
    }
    out
}

/// `YYYYMMDDTHHMMSSZ` of the signing time (UTC); the first eight characters are the date.
struct AmzDate([u8; 16]);

impl AmzDate {
    fn new(time: SystemTime) -> Self {
        let (year, month, day, hour, minute, second) =
            crate::types::DateTime::from(time).civil_utc();
        let mut out = *b"00000000T000000Z";
        let mut put = |at: usize, width: usize, mut v: u32| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, year.clamp(0, 9999) as u32);
        put(4, 2, month);
        put(6, 2, day);
        put(9, 2, hour);
        put(11, 2, minute);
        put(13, 2, second);
        Self(out)
    }

    fn date_time(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn date(&self) -> &str {
        &self.date_time()[..8]
    }
}

/// One derived signing key, found by a SHA-256 of the secret (never the secret itself).
struct CachedKey {
    secret_hash: [u8; 32],
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    key: hmac::Key,
}

/// How many signing keys are kept (most recently used first): one per credentials, region and
/// service in use on a day, for a process with a few clients.
const KEY_CACHE_SIZE: usize = 8;

static KEY_CACHE: Mutex<Vec<CachedKey>> = Mutex::new(Vec::new());

/// The SigV4 signing key for `secret`, `date` (`YYYYMMDD`), `region` and `service`, from the
/// cache or derived (and cached).
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let mut secret_hash = [0u8; 32];
    secret_hash.copy_from_slice(digest::digest(&digest::SHA256, secret.as_bytes()).as_ref());
    let date_bytes: [u8; 8] = date.as_bytes().try_into().unwrap_or_default();
    let matches = |e: &CachedKey| {
        e.secret_hash == secret_hash
            && e.date == date_bytes
            && *e.region == *region
            && *e.service == *service
    };
    {
        let mut cache = KEY_CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(i) = cache.iter().position(matches) {
            let entry = cache.remove(i);
            let key = entry.key.clone();
            cache.insert(0, entry);
            return key;
        }
    }
    let key = derive_signing_key(secret, date, region, service);
    let mut cache = KEY_CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !cache.iter().any(matches) {
        cache.truncate(KEY_CACHE_SIZE - 1);
        cache.insert(
            0,
            CachedKey {
                secret_hash,
                date: date_bytes,
                region: region.into(),
                service: service.into(),
                key: key.clone(),
            },
        );
    }
    key
}

fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let mut k_secret = Vec::with_capacity(4 + secret.len());
    k_secret.extend_from_slice(b"AWS4");
    k_secret.extend_from_slice(secret.as_bytes());
    let mut key = hmac::Key::new(hmac::HMAC_SHA256, &k_secret);
    // Not left in memory longer than needed.
    k_secret.iter_mut().for_each(|b| *b = 0);
    for part in [date, region, service, "aws4_request"] {
        key = hmac::Key::new(hmac::HMAC_SHA256, hmac::sign(&key, part.as_bytes()).as_ref());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(f: impl FnOnce(&mut Sink)) -> String {
        let mut sink =
            Sink { hash: digest::Context::new(&digest::SHA256), copy: Some(String::new()) };
        f(&mut sink);
        sink.copy.unwrap()
    }

    #[test]
    fn header_values_are_trimmed_and_space_runs_collapsed() {
        for (raw, want) in [
            ("  a   b  c ", "a b c"),
            ("a", "a"),
            ("", ""),
            ("   ", ""),
            ("a\t  b", "a\t b"),
            ("x  ", "x"),
            ("\"a   b   c\"", "\"a b c\""),
        ] {
            assert_eq!(canonical(|s| write_header_value(s, raw.as_bytes())), want, "{raw:?}");
        }
    }

    #[test]
    fn paths_are_normalized_and_double_encoded() {
        let settings = SigningSettings::default();
        for (raw, want) in [
            ("", "/"),
            ("/", "/"),
            ("//example//", "/example/"),
            ("/example/..", "/"),
            ("/a/b/../../c/.", "/c/"),
            ("/./x", "/x"),
            ("/a%3Ab c", "/a%253Ab%20c"),
        ] {
            assert_eq!(canonical(|s| write_canonical_path(s, raw, &settings)), want, "{raw:?}");
        }
        let single = SigningSettings {
            uri_encoding: UriEncoding::Single,
            normalize_path: false,
            ..settings
        };
        assert_eq!(canonical(|s| write_canonical_path(s, "//a%3A/./", &single)), "//a%3A/./");
    }

    #[test]
    fn sort_few_sorts_as_the_standard_sort() {
        let mut rng = fastrand::Rng::with_seed(11);
        for len in 0..40 {
            let mut v: Vec<(u8, u8)> = (0..len).map(|_| (rng.u8(0..6), rng.u8(0..3))).collect();
            let mut want = v.clone();
            want.sort();
            sort_few(&mut v);
            assert_eq!(v, want, "{len}");
        }
        let mut names =
            vec!["x-amz-target", "host", "content-type", "x-amz-date", "content-length"];
        sort_few(&mut names);
        assert_eq!(names, ["content-length", "content-type", "host", "x-amz-date", "x-amz-target"]);
    }

    #[test]
    fn queries_are_decoded_encoded_and_sorted() {
        for (raw, want) in [
            ("b=2&a=1", "a=1&b=2"),
            ("a=2&a=1", "a=1&a=2"),
            ("k", "k="),
            ("&&k=v&", "k=v"),
            ("%E1%88%B4=x&Z=%7e+%2f", "%E1%88%B4=x&Z=~%20%2F"),
            ("bad=%zz%4", "bad=%25zz%254"),
        ] {
            assert_eq!(canonical(|s| write_canonical_query(s, raw)), want, "{raw:?}");
        }
    }

    #[test]
    fn the_date_is_formatted_in_utc() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_164_645);
        let d = AmzDate::new(t);
        assert_eq!(d.date_time(), "20240102T030405Z");
        assert_eq!(d.date(), "20240102");
    }

    #[test]
    fn the_cached_key_is_the_derived_key_for_each_scope() {
        // The AWS documentation's example: secret, 20150830, us-east-1, iam.
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        let sign_with = |k: &hmac::Key| hex(hmac::sign(k, b"data").as_ref());
        let fresh = derive_signing_key(secret, "20150830", "us-east-1", "iam");
        // Many scopes: more than the cache holds, so entries are evicted and derived again.
        for round in 0..3 {
            for i in 0..(KEY_CACHE_SIZE + 3) {
                let region = format!("region-{i}");
                let cached = signing_key(secret, "20150830", &region, "iam");
                assert_eq!(
                    sign_with(&cached),
                    sign_with(&derive_signing_key(secret, "20150830", &region, "iam")),
                    "{round} {i}"
                );
            }
        }
        assert_eq!(
            sign_with(&signing_key(secret, "20150830", "us-east-1", "iam")),
            sign_with(&fresh)
        );
        assert_ne!(
            sign_with(&signing_key("other", "20150830", "us-east-1", "iam")),
            sign_with(&fresh)
        );
        assert_ne!(
            sign_with(&signing_key(secret, "20150831", "us-east-1", "iam")),
            sign_with(&fresh)
        );
        assert!(KEY_CACHE.lock().unwrap().len() <= KEY_CACHE_SIZE);
    }

    #[test]
    fn the_trace_debug_hides_the_canonical_request_and_signature() {
        let trace = SigningTrace {
            canonical_request: "x-amz-security-token:TOKEN".into(),
            string_to_sign: "sts".into(),
            signature: "abcdef".into(),
        };
        let shown = format!("{trace:?}");
        assert!(!shown.contains("TOKEN") && !shown.contains("abcdef"), "{shown}");
    }
}
