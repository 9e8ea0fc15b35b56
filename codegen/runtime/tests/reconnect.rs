//! The default connector's reconnect behaviour: a transient server error (5xx) closes its
//! connection so the retry opens a new one; other answers keep the pooled connection.

mod common;

use awsjson_runtime::client::Handle;
use awsjson_runtime::config::{Config, TimeoutConfig};
use awsjson_runtime::retry::RetryConfig;
use common::*;

const OK: &str = r#"{"arn":"arn:aws:states:us-east-1:123456789012:execution:sm:run"}"#;

async fn call_twice_or_retry(
    server: &FaultServer,
) -> Result<ThingOutput, awsjson_runtime::error::SdkError<ThingError>> {
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url())
        .retry_config(RetryConfig::standard())
        .sleep(RecordingSleep::default())
        .random_source(ScriptedRandom::new(&[0.5]))
        .timeout_config(TimeoutConfig::disabled())
        .build();
    Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("n")).await
}

#[tokio::test]
async fn a_transient_server_error_is_retried_on_a_new_connection() {
    let server = FaultServer::start(vec![
        Action::json(503, r#"{"__type":"ServiceUnavailable","message":"busy"}"#),
        Action::json(200, OK),
    ])
    .await;
    call_twice_or_retry(&server).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(server.connections(), 2);
    assert_ne!(seen[0].connection, seen[1].connection);
}

#[tokio::test]
async fn a_throttled_attempt_keeps_its_connection() {
    let server = FaultServer::start(vec![
        Action::json(400, r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
        Action::json(200, OK),
    ])
    .await;
    call_twice_or_retry(&server).await.unwrap();
    assert_eq!(server.seen().len(), 2);
    assert_eq!(server.connections(), 1);
}
