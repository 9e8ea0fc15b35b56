//! The header-signing cases of the AWS SigV4 test suite, signed with `awsjson_runtime::sign`.
//!
//! The suite is read from `$SIGV4_TEST_SUITE`, or else from `shared/sigv4-test-suite/v4` beside the
//! repository's clone (`../shared`, as `.ci/run` lays it out); its README describes the files. A
//! missing suite is a failure, not a skip.
//!
//! For every case folder, `request.txt` is parsed and signed as `context.json` says (credentials,
//! region, service, time, `normalize`, `sign_body`, `omit_session_token`), and the canonical
//! request, the string to sign, the signature and the signed request's headers and body are compared
//! with the `header-*` files. The query-signing (`query-*`) files are not for a header signer.
//!
//! Cases handled differently, with the reason, are listed in [`SINGLE_ENCODED`] and [`LEGACY`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use awsjson_runtime::credentials::Credentials;
use awsjson_runtime::sign::{sign_request_traced, SigningSettings, UriEncoding};
use bytes::Bytes;

/// Cases whose expected files were made by a signer that encodes the path once (as for S3): the
/// suite's `context.json` has no switch for it. Their paths hold a space or UTF-8, so double encoding
/// would give `%2520`/`%25E1…`; they are signed with [`UriEncoding::Single`], everything else compared.
const SINGLE_ENCODED: [&str; 3] = ["get-space-normalized", "get-space-unnormalized", "get-utf8"];

/// The two older cases without `context.json`: their inputs, read off their expected files.
struct Legacy {
    case: &'static str,
    access_key_id: &'static str,
    /// `None`: the secret is not given, so the signature cannot be checked (canonical request only).
    secret: Option<&'static str>,
    region: &'static str,
    service: &'static str,
    /// The `x-amz-date` of the expected canonical request.
    amz_date: &'static str,
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

const LEGACY: [Legacy; 2] = [
    Legacy {
        case: "double-url-encode",
        access_key_id: "AKIDEXAMPLE",
        secret: Some(SECRET),
        region: "us-east-2",
        service: "lambda",
        amz_date: "20210511T154045Z",
    },
    // Its canonical request has `x-amz-date:20210511T154045Z` but its request and signed request
    // `20150830T123600Z`, and the secret of `ANOTREAL` is not given: only the canonical request (at
    // the canonical request's date) can be compared. Counted as partially applied.
    Legacy {
        case: "double-encode-path",
        access_key_id: "ANOTREAL",
        secret: None,
        region: "us-east-1",
        service: "service",
        amz_date: "20210511T154045Z",
    },
];

fn suite_dir() -> PathBuf {
    match std::env::var_os("SIGV4_TEST_SUITE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigv4-test-suite/v4"),
    }
}

/// A request as the suite writes it: method, target, headers (in order), body.
struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str, what: &Path) -> RawRequest {
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], &text[i + 2..]),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.split('\n');
    let line = lines.next().unwrap_or_default();
    let (method, rest) = line
        .split_once(' ')
        .unwrap_or_else(|| panic!("{}: bad request line {line:?}", what.display()));
    // The target may hold spaces (`GET /example space/ HTTP/1.1`): the version is after the last.
    let target = rest.rsplit_once(' ').map_or(rest, |(t, _version)| t);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // An obsolete line folding: the continuation is part of the previous value (RFC 7230
            // says to replace it by a space).
            let last = headers
                .last_mut()
                .unwrap_or_else(|| panic!("{}: continuation without a header", what.display()));
            last.1.push(' ');
            last.1.push_str(line);
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{}: bad header line {line:?}", what.display()));
        headers.push((name.to_ascii_lowercase(), value.trim_matches([' ', '\t']).to_string()));
    }
    RawRequest {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// The target as a client sends it: what may not appear in a URI percent-encoded.
fn wire_target(target: &str) -> String {
    let mut out = String::new();
    for b in target.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn to_http(raw: &RawRequest) -> http::Request<Bytes> {
    let mut b = http::Request::builder().method(raw.method.as_str()).uri(wire_target(&raw.target));
    for (name, value) in &raw.headers {
        b = b.header(name.as_str(), value.as_str());
    }
    b.body(Bytes::from(raw.body.clone())).expect("a valid request")
}

fn amz_date_to_time(amz_date: &str) -> SystemTime {
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &amz_date[0..4],
        &amz_date[4..6],
        &amz_date[6..8],
        &amz_date[9..11],
        &amz_date[11..13],
        &amz_date[13..15]
    );
    rfc3339_to_time(&rfc3339)
}

fn rfc3339_to_time(s: &str) -> SystemTime {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("bad timestamp {s:?}: {e}"))
        .into()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.join(file).display()))
}

/// Headers as a sorted multiset of (lower-case name, value).
fn header_set(request: &http::Request<Bytes>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_header_signing_case_of_the_sigv4_suite() {
    let dir = suite_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "the SigV4 test suite is missing at {} ({e}); set SIGV4_TEST_SUITE",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "expected the 40 cases of the suite in {}, found {}",
        dir.display(),
        cases.len()
    );

    let mut full = 0;
    let mut partial = Vec::new();
    let mut seen = BTreeSet::new();
    for case_dir in &cases {
        let case = case_dir.file_name().unwrap().to_str().unwrap().to_string();
        seen.insert(case.clone());
        let raw = parse_request(&read(case_dir, "request.txt"), &case_dir.join("request.txt"));
        let mut request = to_http(&raw);
        let legacy = LEGACY.iter().find(|l| l.case == case);
        let (credentials, region, service, time, settings) = match legacy {
            Some(l) => (
                Credentials::new(
                    l.access_key_id,
                    l.secret.unwrap_or("unknown"),
                    None,
                    None,
                    "suite",
                ),
                l.region.to_string(),
                l.service.to_string(),
                amz_date_to_time(l.amz_date),
                SigningSettings::default(),
            ),
            None => {
                let ctx: serde_json::Value =
                    serde_json::from_str(&read(case_dir, "context.json")).unwrap();
                let c = &ctx["credentials"];
                let credentials = Credentials::new(
                    c["access_key_id"].as_str().unwrap(),
                    c["secret_access_key"].as_str().unwrap(),
                    c["token"].as_str().map(str::to_string),
                    None,
                    "suite",
                );
                let settings = SigningSettings {
                    uri_encoding: if SINGLE_ENCODED.contains(&case.as_str()) {
                        UriEncoding::Single
                    } else {
                        UriEncoding::Double
                    },
                    normalize_path: ctx["normalize"].as_bool().unwrap(),
                    content_sha256_header: ctx["sign_body"].as_bool().unwrap(),
                    sign_session_token: !ctx["omit_session_token"].as_bool().unwrap_or(false),
                };
                let time = rfc3339_to_time(ctx["timestamp"].as_str().unwrap());
                (
                    credentials,
                    ctx["region"].as_str().unwrap().to_string(),
                    ctx["service"].as_str().unwrap().to_string(),
                    time,
                    settings,
                )
            }
        };
        let trace =
            sign_request_traced(&mut request, &credentials, &region, &service, time, &settings)
                .unwrap_or_else(|e| panic!("{case}: signing failed: {e}"));
        assert_eq!(
            trace.canonical_request(),
            read(case_dir, "header-canonical-request.txt"),
            "{case}: canonical request"
        );
        if legacy.is_some_and(|l| l.secret.is_none()) {
            partial.push(case);
            continue;
        }
        // `double-url-encode`'s file ends with a newline that is not part of the string to sign.
        let string_to_sign = read(case_dir, "header-string-to-sign.txt");
        assert_eq!(
            trace.string_to_sign(),
            string_to_sign.strip_suffix('\n').unwrap_or(&string_to_sign),
            "{case}: string to sign"
        );
        if case_dir.join("header-signature.txt").exists() {
            assert_eq!(
                trace.signature(),
                read(case_dir, "header-signature.txt").trim(),
                "{case}: signature"
            );
        } else {
            assert!(legacy.is_some(), "{case}: header-signature.txt is missing");
        }
        // The request line is not compared: the suite writes some signed paths decoded.
        let expected = parse_request(
            &read(case_dir, "header-signed-request.txt"),
            &case_dir.join("header-signed-request.txt"),
        );
        assert_eq!(request.method().as_str(), expected.method, "{case}: method");
        let mut expected_headers = expected.headers.clone();
        expected_headers.sort();
        assert_eq!(header_set(&request), expected_headers, "{case}: signed request headers");
        assert_eq!(request.body().as_ref(), expected.body.as_slice(), "{case}: body");
        full += 1;
    }
    for name in SINGLE_ENCODED.iter().copied().chain(LEGACY.iter().map(|l| l.case)) {
        assert!(seen.contains(name), "the listed case {name} is not in the suite");
    }
    println!(
        "SigV4 suite: {full}/{} cases fully applied ({} single-encoded), {} canonical request only: {partial:?}",
        cases.len(),
        SINGLE_ENCODED.len(),
        partial.len()
    );
    assert_eq!(full + partial.len(), cases.len());
    assert_eq!(partial.len(), 1);
}
