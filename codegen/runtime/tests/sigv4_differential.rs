//! The runtime's SigV4 signer against the `aws-sigv4` crate (a dev-dependency only) on many
//! generated requests: the same `Authorization` and the same headers added.
//!
//! The requests are made from a seeded `fastrand` generator: methods, paths with dot segments,
//! repeated slashes and percent-encoded bytes, queries (unsorted, repeated keys, empty values,
//! `+`, encoded UTF-8), headers with runs of spaces, tabs, repeated names, excluded names and
//! missing `host`, bodies, regions, services, times and optional session tokens.
//!
//! `sign_cpu_per_call` (ignored; run it in release with `--ignored --nocapture`) prints the CPU
//! time per signing of a StartExecution-like call for both signers, interleaved.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use awsjson_runtime::credentials::Credentials;
use awsjson_runtime::sign::sign_request;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};

/// Signs with `aws-sigv4` and its default settings, as the runtime did before it had its own signer.
fn sign_with_aws_sigv4(
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
    let headers: Vec<(&str, &str)> = request.headers().iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
    let signable =
        SignableRequest::new(request.method().as_str(), request.uri().to_string(), headers.into_iter(), SignableBody::Bytes(request.body()))
            .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let (new_headers, _) = instructions.into_parts();
    for h in new_headers {
        let name = HeaderName::from_bytes(h.name().as_bytes()).unwrap();
        request.headers_mut().insert(name, HeaderValue::from_str(h.value()).unwrap());
    }
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn random_string(rng: &mut fastrand::Rng, alphabet: &[&str], max: usize) -> String {
    (0..rng.usize(1..=max)).map(|_| pick(rng, alphabet)).collect()
}

const SEGMENT_PARTS: &[&str] =
    &["a", "Z", "0", "-", "_", "~", ".", "..", "%3A", "%20", "%2F", "%25", ":", "@", "!", "$", "'", "(", "*", "=", "%E1%88%B4"];
const QUERY_PARTS: &[&str] = &["k", "V", "9", "-", ".", "_", "~", "%20", "+", "%2B", "%3D", "%26", "%E1%88%B4", "/", ":", "@", "!", "*", "%7e"];
const VALUE_PARTS: &[&str] = &["a", "B", "7", " ", "  ", "   ", "\t", ",", ";", "=", "\"", "/", ":", "(", ")", "x-y", "~"];
const HEADER_NAMES: &[&str] = &[
    "x-amz-target",
    "content-type",
    "x-custom",
    "x-custom-2",
    "my-header",
    "accept",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
    "amz-sdk-request",
    "x-amz-date",
    "authorization",
    "x-amz-meta-a",
    "zz-last",
];

fn random_request(rng: &mut fastrand::Rng) -> http::Request<Bytes> {
    let host = pick(rng, &["states.us-east-1.amazonaws.com", "example.amazonaws.com", "127.0.0.1", "localhost"]);
    let port = pick(rng, &["", ":443", ":8443", ":80"]);
    let path = match rng.u8(..4) {
        0 | 1 => "/".to_string(),
        _ => {
            let mut p = String::new();
            for _ in 0..rng.usize(1..5) {
                p.push('/');
                if rng.u8(..5) > 0 {
                    p.push_str(&random_string(rng, SEGMENT_PARTS, 4));
                }
            }
            p
        }
    };
    let query = match rng.u8(..3) {
        0 => String::new(),
        _ => {
            let pairs: Vec<String> = (0..rng.usize(1..5))
                .map(|_| {
                    let k = random_string(rng, QUERY_PARTS, 4);
                    match rng.u8(..4) {
                        0 => k,
                        1 => format!("{k}="),
                        _ => format!("{k}={}", random_string(rng, QUERY_PARTS, 5)),
                    }
                })
                .collect();
            format!("?{}", pairs.join("&"))
        }
    };
    let mut b = http::Request::builder()
        .method(pick(rng, &["POST", "GET", "PUT", "DELETE"]))
        .uri(format!("https://{host}{port}{path}{query}"));
    if rng.u8(..4) > 0 {
        b = b.header("host", format!("{host}{port}"));
    }
    for _ in 0..rng.usize(0..7) {
        let value = random_string(rng, VALUE_PARTS, 8);
        // Values may start or end with spaces; a header value cannot start or end with a tab here.
        b = b.header(pick(rng, HEADER_NAMES), value.trim_matches('\t'));
    }
    let body: Vec<u8> = (0..rng.usize(0..300)).map(|_| rng.u8(..)).collect();
    b.body(Bytes::from(body)).unwrap()
}

#[test]
fn the_same_authorization_as_aws_sigv4_on_generated_requests() {
    let mut rng = fastrand::Rng::with_seed(0x5167_0004);
    let regions = ["us-east-1", "eu-north-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"];
    let services = ["states", "service", "lambda", "execute-api", "sts"];
    for i in 0..3000 {
        let request = random_request(&mut rng);
        let token = (rng.u8(..2) == 0).then(|| random_string(&mut rng, &["A", "z", "0", "/", "+", "="], 60));
        let secret = random_string(&mut rng, &["w", "J", "9", "/", "+"], 40);
        let credentials = Credentials::new("AKIDEXAMPLE", secret, token, None, "test");
        let region = pick(&mut rng, &regions);
        let service = pick(&mut rng, &services);
        // Any second from 2000 to 2040.
        let time = UNIX_EPOCH + Duration::from_secs(946_684_800 + rng.u64(..40 * 365 * 86_400));

        let mut ours = request.clone();
        sign_request(&mut ours, &credentials, region, service, time).unwrap_or_else(|e| panic!("request {i}: {e}"));
        let mut theirs = request.clone();
        sign_with_aws_sigv4(&mut theirs, &credentials, region, service, time);

        let context = || format!("request {i}: {} {} {:?} region {region} service {service}", request.method(), request.uri(), request.headers());
        assert_eq!(ours.headers().get("authorization"), theirs.headers().get("authorization"), "{}", context());
        let all = |r: &http::Request<Bytes>| {
            let mut v: Vec<(String, Vec<u8>)> = r.headers().iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect();
            v.sort();
            v
        };
        assert_eq!(all(&ours), all(&theirs), "{}", context());
        assert_eq!(ours.uri(), request.uri());
        assert_eq!(ours.body(), request.body());
    }
}

#[test]
#[ignore = "a measurement, not a test: run in release with --ignored --nocapture"]
fn sign_cpu_per_call() {
    let body = Bytes::from_static(br#"{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm","name":"run1","input":"{\"a\":1}"}"#);
    let request = http::Request::builder()
        .method("POST")
        .uri("https://states.us-east-1.amazonaws.com/")
        .header("host", "states.us-east-1.amazonaws.com")
        .header("x-amz-target", "AWSStepFunctions.StartExecution")
        .header("content-type", "application/x-amz-json-1.0")
        .header("user-agent", "sfn-client/0.1.0")
        .body(body)
        .unwrap();
    let credentials =
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("SESSIONTOKEN".repeat(30)), None, "test");
    let time = UNIX_EPOCH + Duration::from_secs(1_704_164_645);
    const N: u32 = 10_000;
    let (mut ours, mut theirs) = (Duration::ZERO, Duration::ZERO);
    for _round in 0..10 {
        let start = Instant::now();
        for _ in 0..N {
            let mut r = request.clone();
            sign_request(&mut r, &credentials, "us-east-1", "states", time).unwrap();
            std::hint::black_box(&r);
        }
        ours += start.elapsed();
        let start = Instant::now();
        for _ in 0..N {
            let mut r = request.clone();
            sign_with_aws_sigv4(&mut r, &credentials, "us-east-1", "states", time);
            std::hint::black_box(&r);
        }
        theirs += start.elapsed();
    }
    let per = |d: Duration| d.as_nanos() / u128::from(10 * N);
    println!("signing one StartExecution-like request: runtime signer {} ns/op, aws-sigv4 {} ns/op", per(ours), per(theirs));
}
