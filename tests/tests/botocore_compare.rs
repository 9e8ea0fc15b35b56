//! The StartExecution request our client sends, compared with the one botocore (the reference
//! client) builds for the same input, credentials, region and clock.
//!
//! botocore runs as `tests/botocore_request.py` under the Python named by `BOTOCORE_PYTHON`
//! (set by `tests/moto.sh`); without it the test fails with a message saying so. Our request is
//! captured by a connector that records it and answers with a canned response: nothing is sent.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use awsjson_runtime::clock::StaticTimeSource;
use awsjson_runtime::http::{HttpConnector, HttpFuture, HttpRequest};
use bytes::Bytes;
use serde_json::{json, Value};
use sfn_client::{Client, Config};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "SESSIONTOKENEXAMPLE";
/// 2023-11-14T22:13:20Z, the time botocore_request.py freezes its clock at.
const FIXED_TIME: u64 = 1_700_000_000;
const STATE_MACHINE_ARN: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:hello-world";
const EXECUTION_ARN: &str = "arn:aws:states:us-east-1:123456789012:execution:hello-world:run-2023";

/// Records every request and answers each with a canned StartExecution response.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<Mutex<Vec<HttpRequest>>>);

impl HttpConnector for Recorder {
    fn call(&self, request: HttpRequest, _max_body_size: usize) -> HttpFuture {
        self.0.lock().unwrap().push(request);
        Box::pin(async {
            let body = json!({"executionArn": EXECUTION_ARN, "startDate": 1.7e9}).to_string();
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amzn-RequestId", "b5e3e0c1-0000-4000-8000-000000000000")
                .body(Bytes::from(body))
                .unwrap())
        })
    }
}

fn botocore(args: &[&str]) -> Value {
    let python = std::env::var("BOTOCORE_PYTHON").unwrap_or_default();
    assert!(
        !python.is_empty(),
        "BOTOCORE_PYTHON is not set: this test needs a Python with botocore; run it with tests/moto.sh"
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("botocore_request.py");
    // botocore reads endpoint overrides from the environment; tests/moto.sh sets them for the
    // smoke tests, but the reference request is the one for the default endpoint.
    let out = Command::new(&python)
        .arg(&script)
        .args(args)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SFN")
        .output()
        .expect("run botocore_request.py");
    assert!(
        out.status.success(),
        "botocore_request.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("botocore_request.py prints JSON")
}

/// Header names lower-cased, values as strings.
fn headers_of(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .expect("headers object")
        .iter()
        .map(|(k, v)| {
            (k.to_ascii_lowercase(), v.as_str().expect("header value string").to_string())
        })
        .collect()
}

/// The parts of a SigV4 `Authorization` header: credential scope, signed headers, signature.
fn authorization_parts(auth: &str) -> (String, String, String) {
    let rest =
        auth.strip_prefix("AWS4-HMAC-SHA256 ").unwrap_or_else(|| panic!("not SigV4: {auth}"));
    let mut parts = BTreeMap::new();
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .unwrap_or_else(|| panic!("bad Authorization part in {auth}"));
        parts.insert(k.to_string(), v.to_string());
    }
    let get = |k: &str| parts.get(k).unwrap_or_else(|| panic!("{k} missing in {auth}")).clone();
    (get("Credential"), get("SignedHeaders"), get("Signature"))
}

#[tokio::test]
async fn start_execution_request_matches_botocore() {
    let input = r#"{"order": 42, "items": ["a", "b"], "note": "caf\u00e9 \"quoted\""}"#;
    let params = json!({"stateMachineArn": STATE_MACHINE_ARN, "name": "run-2023", "input": input});
    let reference = botocore(&["start-execution", &params.to_string()]);

    let recorder = Recorder::default();
    let client = Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(sfn_client::config::Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                Some(SESSION_TOKEN.to_string()),
                None,
                "test",
            ))
            .http_connector(recorder.clone())
            .time_source(StaticTimeSource::from_secs(FIXED_TIME))
            .build(),
    );
    let out = client
        .start_execution()
        .state_machine_arn(STATE_MACHINE_ARN)
        .name("run-2023")
        .input(input)
        .send()
        .await
        .expect("StartExecution");
    assert_eq!(out.execution_arn(), EXECUTION_ARN);
    assert_eq!(out.start_date().secs(), 1_700_000_000);

    let requests = recorder.0.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "one attempt");
    let ours = &requests[0];
    let our_headers: BTreeMap<String, String> = ours
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().expect("ASCII header").to_string()))
        .collect();
    let ref_headers = headers_of(&reference["headers"]);

    assert_eq!(ours.method().as_str(), reference["method"].as_str().unwrap());
    assert_eq!(ours.uri().to_string(), reference["url"].as_str().unwrap());
    for name in ["x-amz-target", "content-type", "x-amz-date", "x-amz-security-token"] {
        assert_eq!(our_headers.get(name), ref_headers.get(name), "header {name}");
    }
    assert_eq!(our_headers["x-amz-target"], "AWSStepFunctions.StartExecution");
    assert_eq!(our_headers["content-type"], "application/x-amz-json-1.0");
    assert_eq!(our_headers["content-length"], ours.body().len().to_string());

    let our_body: Value = serde_json::from_slice(ours.body()).expect("our body is JSON");
    let ref_body: Value =
        serde_json::from_str(reference["body"].as_str().unwrap()).expect("botocore body is JSON");
    assert_eq!(our_body, ref_body);
    assert_eq!(our_body, params);

    let (our_scope, our_signed, our_signature) = authorization_parts(&our_headers["authorization"]);
    let (ref_scope, ref_signed, _) = authorization_parts(&ref_headers["authorization"]);
    assert_eq!(our_scope, ref_scope);
    assert_eq!(our_scope, format!("{ACCESS_KEY}/20231114/us-east-1/states/aws4_request"));
    assert_eq!(our_signed, ref_signed);
    assert_eq!(our_signed, "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");

    // botocore writes JSON with spaces after separators, so its body (and with it its signature)
    // differs byte for byte from ours. Have botocore's signer sign our exact request instead: it
    // must come to our signature.
    let signed_names: Vec<&str> = our_signed.split(';').collect();
    let to_sign: BTreeMap<&str, &str> = our_headers
        .iter()
        .filter(|(k, _)| {
            signed_names.contains(&k.as_str())
                && !matches!(k.as_str(), "x-amz-date" | "x-amz-security-token")
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = json!({
        "method": ours.method().as_str(),
        "url": ours.uri().to_string(),
        "headers": to_sign,
        "body": std::str::from_utf8(ours.body()).expect("UTF-8 body"),
    });
    let resigned = headers_of(&botocore(&["sign", &request.to_string()]));
    let (_, resigned_names, resigned_signature) = authorization_parts(&resigned["authorization"]);
    assert_eq!(resigned_names, our_signed);
    assert_eq!(resigned_signature, our_signature, "botocore signs our request the same");
    assert_eq!(resigned["authorization"], our_headers["authorization"]);
}
