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

/// A server that answers one request per connection (keep-alive, as far as the client can tell)
/// and then closes it, as a server closing idle connections does.
async fn one_answer_per_connection() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = tcp.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                    if buf.len() >= end + 4 + length {
                        break;
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{OK}",
                    OK.len()
                );
                let _ = tcp.write_all(answer.as_bytes()).await;
                // Closed right after the answer: the pooled connection is dead.
            });
        }
    });
    (port, connections)
}

#[tokio::test]
async fn a_pooled_connection_the_server_closed_is_replaced_without_a_retry() {
    let (port, connections) = one_answer_per_connection().await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(TimeoutConfig::disabled())
        .build();
    let handle = Handle::new(config, &SERVICE);
    for _ in 0..3 {
        handle.call::<StartThing>(ThingInput::named("n")).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 3);
}
