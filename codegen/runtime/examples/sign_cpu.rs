//! CPU time per signing of a StartExecution-like request (with a session token): the runtime's
//! signer and `aws-sigv4`, interleaved, 10 rounds of 10,000 each. A measurement, not a test:
//! `cargo run --release -p awsjson-runtime --example sign_cpu`.

use std::time::{Duration, Instant, UNIX_EPOCH};

use awsjson_runtime::credentials::Credentials;
use awsjson_runtime::sign::sign_request;
use bytes::Bytes;

#[path = "../tests/support/aws_sigv4.rs"]
mod aws_sigv4_reference;
use aws_sigv4_reference::sign_with_aws_sigv4;

fn main() {
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
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("SESSIONTOKEN".repeat(30)),
        None,
        "test",
    );
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
    println!(
        "signing one StartExecution-like request: runtime signer {} ns/op, aws-sigv4 {} ns/op",
        per(ours),
        per(theirs)
    );
}
