//! `Client::new(&SdkConfig)` with SdkConfigs that `aws-config` loads from a fake environment
//! and fake shared files (never the real process environment): the service-specific endpoint
//! and its precedence, `ignore_configured_endpoint_urls`, retry settings, timeouts and the app
//! name, against loopback servers written here.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, ConfigLoader, SdkConfig};
use awsjson_runtime::aws_types::os_shim_internal::{Env, Fs};
use sfn_client::config::{Builder, ConnectorError, HttpConnector, HttpFuture, HttpRequest};
use sfn_client::error::SdkError;
use sfn_client::Client;
use sfn_tests::loopback::Server;

const HOME: &str = "/home/sfn-tests";
const CONFIG_FILE: &str = "/home/sfn-tests/.aws/config";

/// What the loopback server does with each request.
#[derive(Clone, Copy)]
enum Reply {
    /// `200` with an empty ListActivities output.
    Activities,
    /// `500` with a service error.
    InternalError,
    /// Nothing, until the client goes away.
    Hang,
}

/// A loopback server answering every request with `reply`.
async fn server(reply: Reply) -> Server {
    Server::start(move |_| async move {
        let json = || vec![("content-type".to_string(), "application/x-amz-json-1.0".to_string())];
        match reply {
            Reply::Activities => (200, json(), br#"{"activities":[]}"#.to_vec()),
            Reply::InternalError => {
                (500, json(), br#"{"__type":"InternalError","message":"try again"}"#.to_vec())
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                (500, Vec::new(), Vec::new())
            }
        }
    })
    .await
}

/// An `aws-config` loader that sees only `vars` (and `HOME`) and the config file `config_file`,
/// with static test credentials and the region set in code (without `default-https-client`,
/// aws-config's default region chain cannot build its IMDS client).
fn loader(vars: &[(&str, &str)], config_file: &str) -> ConfigLoader {
    let mut all = vec![("HOME", HOME)];
    all.extend_from_slice(vars);
    aws_config::defaults(BehaviorVersion::latest())
        .env(Env::from_slice(&all))
        .fs(Fs::from_slice(&[(CONFIG_FILE, config_file)]))
        .region(aws_config::Region::new("us-east-1"))
        .test_credentials()
}

async fn load(vars: &[(&str, &str)], config_file: &str) -> SdkConfig {
    loader(vars, config_file).load().await
}

/// Records the URL of each request and fails it: shows where a request would go without
/// sending it anywhere.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl HttpConnector for Recorder {
    fn call(&self, request: HttpRequest, _max: usize) -> HttpFuture {
        self.0.lock().unwrap().push(request.uri().to_string());
        Box::pin(async { Err(ConnectorError::other("recorded, not sent")) })
    }
}

/// The URL a ListActivities call of a client made from `sdk` is sent to.
async fn destination(sdk: &SdkConfig) -> String {
    let recorder = Recorder::default();
    let client =
        Client::from_conf(Builder::from_sdk_config(sdk).http_connector(recorder.clone()).build());
    let _ = client.list_activities().send().await;
    let urls = recorder.0.lock().unwrap().clone();
    assert_eq!(urls.len(), 1, "{urls:?}");
    urls[0].clone()
}

#[tokio::test]
async fn aws_endpoint_url_sfn_wins_over_aws_endpoint_url() {
    let sfn = server(Reply::Activities).await;
    let global = server(Reply::Activities).await;
    let sdk =
        load(&[("AWS_ENDPOINT_URL_SFN", &sfn.url), ("AWS_ENDPOINT_URL", &global.url)], "").await;
    let out = Client::new(&sdk).list_activities().send().await.unwrap();
    assert!(out.activities.is_empty());
    assert_eq!((sfn.seen().len(), global.seen().len()), (1, 0));
    let head = &sfn.seen()[0];
    assert_eq!(head.header("x-amz-target"), Some("AWSStepFunctions.ListActivities"));
    assert_eq!(head.header("host"), Some(sfn.url.trim_start_matches("http://")));

    // Without the service-specific variable, the global one.
    let sdk = load(&[("AWS_ENDPOINT_URL", &global.url)], "").await;
    Client::new(&sdk).list_activities().send().await.unwrap();
    assert_eq!((sfn.seen().len(), global.seen().len()), (1, 1));
}

#[tokio::test]
async fn the_services_section_of_the_profile_wins_over_its_endpoint_url() {
    let sfn = server(Reply::Activities).await;
    let global = server(Reply::Activities).await;
    let file = format!(
        "[default]\nendpoint_url = {}\nservices = local\n\n[services local]\nsfn =\n  endpoint_url = {}\n",
        global.url, sfn.url
    );
    let sdk = load(&[], &file).await;
    Client::new(&sdk).list_activities().send().await.unwrap();
    assert_eq!((sfn.seen().len(), global.seen().len()), (1, 0));
    // The environment comes before the files: AWS_ENDPOINT_URL wins over the profile's service
    // endpoint (as aws-sdk-sfn resolves it: service env, global env, service profile, profile).
    let sdk = load(&[("AWS_ENDPOINT_URL", &global.url)], &file).await;
    Client::new(&sdk).list_activities().send().await.unwrap();
    assert_eq!((sfn.seen().len(), global.seen().len()), (1, 1));
}

#[tokio::test]
async fn an_endpoint_url_set_in_code_wins_over_the_environment() {
    let in_code = server(Reply::Activities).await;
    let sfn = server(Reply::Activities).await;
    let sdk =
        loader(&[("AWS_ENDPOINT_URL_SFN", &sfn.url)], "").endpoint_url(&in_code.url).load().await;
    Client::new(&sdk).list_activities().send().await.unwrap();
    assert_eq!((in_code.seen().len(), sfn.seen().len()), (1, 0));
}

#[tokio::test]
async fn ignore_configured_endpoint_urls_falls_back_to_the_service_endpoint() {
    let sfn = server(Reply::Activities).await;
    let regional = "https://states.us-east-1.amazonaws.com/";
    let vars = [("AWS_ENDPOINT_URL_SFN", sfn.url.as_str()), ("AWS_ENDPOINT_URL", sfn.url.as_str())];
    // The control: without the switch, the configured endpoint.
    assert_eq!(destination(&load(&vars, "").await).await, format!("{}/", sfn.url));
    let mut ignoring = vars.to_vec();
    ignoring.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
    assert_eq!(destination(&load(&ignoring, "").await).await, regional);
    let file = format!(
        "[default]\nignore_configured_endpoint_urls = true\nservices = local\n[services local]\nsfn =\n  endpoint_url = {}\n",
        sfn.url
    );
    assert_eq!(destination(&load(&vars, &file).await).await, regional);
    assert!(sfn.seen().is_empty());
}

#[tokio::test]
async fn retry_attempts_backoff_timeouts_and_app_name_come_from_the_sdk_config() {
    let failing = server(Reply::InternalError).await;
    let retry = RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(10));
    let sdk = loader(&[("AWS_ENDPOINT_URL_SFN", &failing.url)], "")
        .retry_config(retry)
        .app_name(AppName::new("sfn-tests-app").unwrap())
        .load()
        .await;
    let config = sfn_client::Config::from(&sdk);
    assert_eq!(config.retry_config().max_attempts(), 2);
    assert_eq!(config.retry_config().max_backoff(), Duration::from_millis(10));
    let err = Client::new(&sdk).list_activities().send().await.unwrap_err();
    assert!(matches!(err, SdkError::ServiceError(_)), "{err:?}");
    let heads = failing.seen();
    assert_eq!(heads.len(), 2);
    assert_eq!(heads[1].header("amz-sdk-request"), Some("attempt=2; max=2"));
    let ua = heads[0].header("user-agent").unwrap();
    assert!(ua.contains(" app/sfn-tests-app"), "{ua}");

    // AWS_MAX_ATTEMPTS as aws-config reads it.
    let sdk = load(&[("AWS_MAX_ATTEMPTS", "5")], "").await;
    assert_eq!(sfn_client::Config::from(&sdk).retry_config().max_attempts(), 5);

    let hanging = server(Reply::Hang).await;
    let timeouts =
        TimeoutConfig::builder().operation_attempt_timeout(Duration::from_millis(200)).build();
    let sdk = loader(&[("AWS_ENDPOINT_URL_SFN", &hanging.url)], "")
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts)
        .load()
        .await;
    let started = std::time::Instant::now();
    let err = Client::new(&sdk).list_activities().send().await.unwrap_err();
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(hanging.seen().len(), 1);
}

#[tokio::test]
async fn adaptive_retry_mode_is_refused_with_a_clear_error() {
    let server = server(Reply::Activities).await;
    for (vars, file) in
        [(vec![("AWS_RETRY_MODE", "adaptive")], ""), (vec![], "[default]\nretry_mode = adaptive\n")]
    {
        let mut vars = vars;
        vars.push(("AWS_ENDPOINT_URL_SFN", &server.url));
        let sdk = load(&vars, file).await;
        let err = Client::new(&sdk).list_activities().send().await.unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("retry mode") && message.contains("`adaptive`"), "{message}");
    }
    // Standard mode works.
    let sdk =
        load(&[("AWS_RETRY_MODE", "standard"), ("AWS_ENDPOINT_URL_SFN", &server.url)], "").await;
    Client::new(&sdk).list_activities().send().await.unwrap();
    assert_eq!(server.seen().len(), 1);
}
