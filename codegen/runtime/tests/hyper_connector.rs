//! The default hyper connector against a loopback plain-HTTP server.

mod common;

use awsjson_runtime::client::Handle;
use awsjson_runtime::config::Config;
use awsjson_runtime::http::{HttpConnector, HyperConnector};
use common::*;

#[tokio::test]
async fn sends_and_receives_over_pooled_connections() {
    let server = FaultServer::start(vec![
        Action::json(200, r#"{"arn":"one"}"#),
        Action::json(200, r#"{"arn":"two"}"#),
    ])
    .await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(format!("{}/", server.url()))
        .build();
    let handle = Handle::new(config, &SERVICE);
    let a = handle
        .call::<StartThing>(ThingInput { name: Some("n".into()), client_token: Some("t".into()) })
        .await
        .unwrap();
    let b = handle.clone().call::<StartThing>(ThingInput::named("m")).await.unwrap();
    assert_eq!((a.arn.as_deref(), b.arn.as_deref()), (Some("one"), Some("two")));

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].head.starts_with("POST / HTTP/1.1\r\n"), "{}", seen[0].head);
    assert_eq!(seen[0].header("host").as_deref(), Some(server.addr.to_string().as_str()));
    assert_eq!(seen[0].header("x-amz-target").as_deref(), Some("AWSStepFunctions.StartThing"));
    assert_eq!(seen[0].header("content-type").as_deref(), Some("application/x-amz-json-1.0"));
    assert_eq!(seen[0].header("content-length").as_deref(), Some("30"));
    assert!(seen[0]
        .header("authorization")
        .unwrap()
        .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    assert_eq!(seen[0].body, r#"{"name":"n","clientToken":"t"}"#);
    // Both calls went over one pooled connection.
    assert_eq!(server.connections(), 1);
    assert_eq!(seen[1].connection, seen[0].connection);
}

#[tokio::test]
async fn connector_alone_reads_status_headers_and_body() {
    let server = FaultServer::start(vec![Action::Respond(
        418,
        vec![("x-custom".into(), "yes".into())],
        "short and stout".into(),
    )])
    .await;
    let connector = HyperConnector::new(None);
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("{}/path", server.url()))
        .body(bytes::Bytes::from_static(b"hello"))
        .unwrap();
    let response = connector.call(request, 1024).await.unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(response.headers()["x-custom"], "yes");
    assert_eq!(response.body().as_ref(), b"short and stout");
    assert!(server.seen()[0].head.starts_with("POST /path HTTP/1.1"));
    assert_eq!(server.seen()[0].body, "hello");
}

#[tokio::test]
async fn https_is_set_up_and_a_refused_connection_is_an_io_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/", listener.local_addr().unwrap());
    drop(listener);
    let connector = HyperConnector::new(Some(std::time::Duration::from_secs(2)));
    let request =
        http::Request::builder().method("POST").uri(url).body(bytes::Bytes::new()).unwrap();
    let err = connector.call(request, 1024).await.unwrap_err();
    // Not "cannot set up TLS": the TLS configuration was built, and connecting failed.
    assert!(err.is_io(), "{err}");
}
