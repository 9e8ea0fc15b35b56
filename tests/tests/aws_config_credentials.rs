//! The aws-config scenario: a client made with `Client::new(&SdkConfig)` asks the SdkConfig's
//! credentials provider once for five calls (the client's own cache goes around it), for a
//! `credential_process` profile, a `role_arn` profile (STS AssumeRole, served by moto through a
//! counting loopback proxy) and EC2 instance metadata (a loopback fake).
//!
//! aws-config runs in an isolated environment (`ConfigLoader::env` with a fake, never the process
//! environment) and sends its requests through the runtime's connector; everything is on
//! 127.0.0.1. Run through `tests/moto.sh` (it sets `MOTO_ENDPOINT`); without it the tests fail.

use std::path::PathBuf;
use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector as AwsHttpConnector, HttpConnectorFuture, HttpConnectorSettings,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest as AwsRequest;
use aws_smithy_runtime_api::client::result::ConnectorError as AwsConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_types::os_shim_internal::Env as AwsEnv;
use awsjson_runtime::http::{HttpConnector as _, HyperConnector};
use bytes::Bytes;
use sfn_tests::loopback::Server;

fn moto() -> String {
    let endpoint = std::env::var("MOTO_ENDPOINT").unwrap_or_default();
    assert!(
        !endpoint.is_empty(),
        "MOTO_ENDPOINT is not set: these tests need a moto server; run them with tests/moto.sh"
    );
    endpoint
}

/// aws-config's HTTP goes through the runtime's hyper connector (plain http to loopback here).
#[derive(Debug, Clone)]
struct RuntimeHttpClient(Arc<HyperConnector>);

impl HttpClient for RuntimeHttpClient {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl AwsHttpConnector for RuntimeHttpClient {
    fn call(&self, request: AwsRequest) -> HttpConnectorFuture {
        let connector = self.0.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| AwsConnectorError::other(Box::new(e), None))?;
            let request = request.map(|b| Bytes::copy_from_slice(b.bytes().unwrap_or_default()));
            let response = connector
                .call(request, 1 << 20)
                .await
                .map_err(|e| AwsConnectorError::io(Box::new(e)))?;
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
    std::fs::write(
        dir.join("config"),
        format!("[profile proc]\ncredential_process = sh '{}'\n", script.display()),
    )
    .unwrap();
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
    assert_eq!(
        std::fs::read_to_string(&counter).unwrap().lines().count(),
        1,
        "credential_process runs"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn assume_role_is_called_once_for_five_calls() {
    let moto = moto();
    // STS goes to moto through this proxy, which counts the AssumeRole calls.
    let upstream = moto.clone();
    let connector = Arc::new(HyperConnector::new(None));
    let proxy = Server::start(move |request| {
        let connector = connector.clone();
        let uri = format!("{upstream}{}", request.path);
        async move {
            let mut b = http::Request::builder().method(request.method.as_str()).uri(uri);
            for (k, v) in
                request.headers.iter().filter(|(k, _)| k != "host" && k != "content-length")
            {
                b = b.header(k.as_str(), v.as_str());
            }
            let response =
                connector.call(b.body(Bytes::from(request.body)).unwrap(), 1 << 20).await.unwrap();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("text/xml")
                .to_string();
            (
                response.status().as_u16(),
                vec![("content-type".to_string(), content_type)],
                response.body().to_vec(),
            )
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
        ("AWS_ENDPOINT_URL_STS", &proxy.url),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ])
    .await;
    let client = sfn_client::Client::new(&sdk);
    five_calls(&client).await;
    let assume_role = proxy.seen().iter().filter(|r| r.body.contains("Action=AssumeRole")).count();
    assert_eq!(assume_role, 1, "AssumeRole calls: {:?}", proxy.seen());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn instance_metadata_is_asked_once_for_five_calls() {
    let moto = moto();
    let imds = Server::start(|request| async move {
        let token = request.header("x-aws-ec2-metadata-token") == Some("IMDSTOKEN");
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
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url),
    ])
    .await;
    let client = sfn_client::Client::new(&sdk);
    five_calls(&client).await;
    let seen = imds.seen();
    let documents = seen.iter().filter(|r| r.path.ends_with("/imds-role")).count();
    assert_eq!(documents, 1, "credential documents fetched: {seen:?}");
}
