//! The runtime's SigV4 signer against the `aws-sigv4` crate (a dev-dependency only) on many
//! generated requests: the same `Authorization` and the same headers added.
//!
//! The requests are made from a seeded `fastrand` generator: methods, paths with dot segments,
//! repeated slashes and percent-encoded bytes, queries (unsorted, repeated keys, empty values,
//! `+`, encoded UTF-8), headers with runs of spaces, tabs, repeated names, excluded names and
//! missing `host`, bodies, regions, services, times and optional session tokens.
//!
//! `examples/sign_cpu.rs` measures the CPU time per signing of both signers, interleaved.

use std::time::{Duration, UNIX_EPOCH};

use awsjson_runtime::credentials::Credentials;
use awsjson_runtime::sign::sign_request;
use bytes::Bytes;

#[path = "support/aws_sigv4.rs"]
mod aws_sigv4_reference;
use aws_sigv4_reference::sign_with_aws_sigv4;

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn random_string(rng: &mut fastrand::Rng, alphabet: &[&str], max: usize) -> String {
    (0..rng.usize(1..=max)).map(|_| pick(rng, alphabet)).collect()
}

const SEGMENT_PARTS: &[&str] = &[
    "a",
    "Z",
    "0",
    "-",
    "_",
    "~",
    ".",
    "..",
    "%3A",
    "%20",
    "%2F",
    "%25",
    ":",
    "@",
    "!",
    "$",
    "'",
    "(",
    "*",
    "=",
    "%E1%88%B4",
];
const QUERY_PARTS: &[&str] = &[
    "k",
    "V",
    "9",
    "-",
    ".",
    "_",
    "~",
    "%20",
    "+",
    "%2B",
    "%3D",
    "%26",
    "%E1%88%B4",
    "/",
    ":",
    "@",
    "!",
    "*",
    "%7e",
];
const VALUE_PARTS: &[&str] =
    &["a", "B", "7", " ", "  ", "   ", "\t", ",", ";", "=", "\"", "/", ":", "(", ")", "x-y", "~"];
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
    let host = pick(
        rng,
        &["states.us-east-1.amazonaws.com", "example.amazonaws.com", "127.0.0.1", "localhost"],
    );
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
        let token = (rng.u8(..2) == 0)
            .then(|| random_string(&mut rng, &["A", "z", "0", "/", "+", "="], 60));
        let secret = random_string(&mut rng, &["w", "J", "9", "/", "+"], 40);
        let credentials = Credentials::new("AKIDEXAMPLE", secret, token, None, "test");
        let region = pick(&mut rng, &regions);
        let service = pick(&mut rng, &services);
        // Any second from 2000 to 2040.
        let time = UNIX_EPOCH + Duration::from_secs(946_684_800 + rng.u64(..40 * 365 * 86_400));

        let mut ours = request.clone();
        sign_request(&mut ours, &credentials, region, service, time)
            .unwrap_or_else(|e| panic!("request {i}: {e}"));
        let mut theirs = request.clone();
        sign_with_aws_sigv4(&mut theirs, &credentials, region, service, time);

        let context = || {
            format!(
                "request {i}: {} {} {:?} region {region} service {service}",
                request.method(),
                request.uri(),
                request.headers()
            )
        };
        assert_eq!(
            ours.headers().get("authorization"),
            theirs.headers().get("authorization"),
            "{}",
            context()
        );
        let all = |r: &http::Request<Bytes>| {
            let mut v: Vec<(String, Vec<u8>)> =
                r.headers().iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect();
            v.sort();
            v
        };
        assert_eq!(all(&ours), all(&theirs), "{}", context());
        assert_eq!(ours.uri(), request.uri());
        assert_eq!(ours.body(), request.body());
    }
}
