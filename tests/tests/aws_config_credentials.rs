//! The aws-config scenario: a client made with `Client::new(&SdkConfig)` asks the SdkConfig's
//! credentials provider once for five calls (the client's own cache goes around it), for a
//! `credential_process` profile, a `role_arn` profile (STS AssumeRole, served by moto through a
//! counting loopback proxy) and EC2 instance metadata (a loopback fake).
//!
//! aws-config runs in an isolated environment (`ConfigLoader::env` with a fake, never the process
//! environment) and sends its requests through the runtime's connector; everything is on
//! 127.0.0.1. Run through `tests/moto.sh` (it sets `MOTO_ENDPOINT`); without it the tests fail.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use aws_config::BehaviorVersion;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector as AwsHttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest as AwsRequest;
use aws_smithy_runtime_api::client::result::ConnectorError as AwsConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_types::os_shim_internal::Env as AwsEnv;
use awsjson_runtime::http::{HttpConnector as _, HyperConnector};
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn moto() -> String {
    let endpoint = std::env::var("MOTO_ENDPOINT").unwrap_or_default();
    assert!(!endpoint.is_empty(), "MOTO_ENDPOINT is not set: these tests need a moto server; run them with tests/moto.sh");
    endpoint
}

/// aws-config's HTTP goes through the runtime's hyper connector (plain http to loopback here).
#[derive(Debug, Clone)]
struct RuntimeHttpClient(Arc<HyperConnector>);

impl HttpClient for RuntimeHttpClient {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl AwsHttpConnector for RuntimeHttpClient {
    fn call(&self, request: AwsRequest) -> HttpConnectorFuture {
        let connector = self.0.clone();
        HttpConnectorFuture::new(async move {
            let request = request.try_into_http1x().map_err(|e| AwsConnectorError::other(Box::new(e), None))?;
            let request = request.map(|b| Bytes::copy_from_slice(b.bytes().unwrap_or_default()));
            let response = connector.call(request, 1 << 20).await.map_err(|e| AwsConnectorError::io(Box::new(e)))?;
            aws_smithy_runtime_api::http::Response::try_from(response.map(SdkBody::from))
                .map_err(|e| AwsConnectorError::other(Box::new(e), None))
        })
    }
}

/// An SdkConfig loaded by aws-config from this fake environment only.
async fn sdk_config(vars: &[(&str, &str)]) -> aws_types::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .env(AwsEnv::from_slice(vars))
        .http_client(RuntimeHttpClient(Arc::new(HyperConnector::new(None))))
        .load()
        .await
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sfn-tests-aws-config-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Five SFN calls against moto.
async fn five_calls(client: &sfn_client::Client) {
    for _ in 0..5 {
        client.list_state_machines().send().await.unwrap();
    }
}

/// One request a loopback server received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    body: String,
}

/// A loopback HTTP/1.1 server: `answer` gives each request's status, headers and body.
async fn serve<F, Fut>(answer: F) -> (String, Arc<Mutex<Vec<Seen>>>)
where
    F: Fn(Seen, Vec<(String, String)>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = (u16, Vec<(String, String)>, Vec<u8>)> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let recorded = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let answer = answer.clone();
            let recorded = recorded.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap_or("").split(' ');
                let (method, path) = (first.next().unwrap_or("").to_string(), first.next().unwrap_or("").to_string());
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let length = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                while buf.len() < head_end + length {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
                let request = Seen { method, path, body };
                recorded.lock().unwrap().push(request.clone());
                let (status, headers, body) = answer(request, headers).await;
                let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn credential_process_runs_once_for_five_calls() {
    let moto = moto();
    let dir = temp_dir("process");
    let counter = dir.join("runs");
    let script = dir.join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"PROCESSKEY\", \"SecretAccessKey\": \"S\", \"SessionToken\": \"T\", \"Expiration\": \"2099-01-01T00:00:00Z\"}}'\n",
            counter.display()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("config"), format!("[profile proc]\ncredential_process = sh '{}'\n", script.display())).unwrap();
    let config = dir.join("config").to_string_lossy().into_owned();
    let sdk = sdk_config(&[
        ("AWS_CONFIG_FILE", &config),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_PROFILE", "proc"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", &moto),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ])
    .await;
    let client = sfn_client::Client::new(&sdk);
    five_calls(&client).await;
    assert_eq!(std::fs::read_to_string(&counter).unwrap().lines().count(), 1, "credential_process runs");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn assume_role_is_called_once_for_five_calls() {
    let moto = moto();
    // STS goes to moto through this proxy, which counts the AssumeRole calls.
    let upstream = moto.clone();
    let connector = Arc::new(HyperConnector::new(None));
    let (proxy, seen) = serve(move |request, headers| {
        let connector = connector.clone();
        let uri = format!("{upstream}{}", request.path);
        async move {
            let mut b = http::Request::builder().method(request.method.as_str()).uri(uri);
            for (k, v) in headers.iter().filter(|(k, _)| k != "host" && k != "content-length") {
                b = b.header(k.as_str(), v.as_str());
            }
            let response = connector.call(b.body(Bytes::from(request.body)).unwrap(), 1 << 20).await.unwrap();
            let content_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("text/xml").to_string();
            (response.status().as_u16(), vec![("content-type".to_string(), content_type)], response.body().to_vec())
        }
    })
    .await;
    let dir = temp_dir("assume-role");
    std::fs::write(
        dir.join("config"),
        "[profile base]\naws_access_key_id = BASEKEY\naws_secret_access_key = BASESECRET\n\
         [profile assumer]\nrole_arn = arn:aws:iam::123456789012:role/sfn-tests\nsource_profile = base\nrole_session_name = sfn-tests\n",
    )
    .unwrap();
    let config = dir.join("config").to_string_lossy().into_owned();
    let sdk = sdk_config(&[
        ("AWS_CONFIG_FILE", &config),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_PROFILE", "assumer"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", &moto),
        ("AWS_ENDPOINT_URL_STS", &proxy),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ])
    .await;
    let client = sfn_client::Client::new(&sdk);
    five_calls(&client).await;
    let assume_role = seen.lock().unwrap().iter().filter(|r| r.body.contains("Action=AssumeRole")).count();
    assert_eq!(assume_role, 1, "AssumeRole calls: {:?}", seen.lock().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn instance_metadata_is_asked_once_for_five_calls() {
    let moto = moto();
    let (imds, seen) = serve(|request, headers| async move {
        let token = headers.iter().any(|(k, v)| k == "x-aws-ec2-metadata-token" && v == "IMDSTOKEN");
        let ok = |body: &str| (200, Vec::new(), body.as_bytes().to_vec());
        match (request.method.as_str(), request.path.as_str()) {
            ("PUT", "/latest/api/token") => {
                (200, vec![("x-aws-ec2-metadata-token-ttl-seconds".to_string(), "21600".to_string())], b"IMDSTOKEN".to_vec())
            }
            _ if !token => (401, Vec::new(), Vec::new()),
            ("GET", "/latest/meta-data/iam/security-credentials/" | "/latest/meta-data/iam/security-credentials-extended/") => {
                ok("imds-role")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/imds-role" | "/latest/meta-data/iam/security-credentials-extended/imds-role") => ok(
                r#"{"Code":"Success","LastUpdated":"2024-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"S","Token":"T","Expiration":"2099-01-01T00:00:00Z"}"#,
            ),
            _ => (404, Vec::new(), Vec::new()),
        }
    })
    .await;
    let sdk = sdk_config(&[
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", &moto),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds),
    ])
    .await;
    let client = sfn_client::Client::new(&sdk);
    five_calls(&client).await;
    let seen = seen.lock().unwrap().clone();
    let documents = seen.iter().filter(|r| r.path.ends_with("/imds-role")).count();
    assert_eq!(documents, 1, "credential documents fetched: {seen:?}");
}
