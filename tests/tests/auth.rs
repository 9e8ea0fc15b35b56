//! `@auth([])` and `@optionalAuth` on the wire: operations of the kitchen-sink model (our own,
//! `codegen/tests/kitchen-sink/model.json`) sent to a loopback server, which records whether the
//! request carried an `Authorization` header.

use kitchen_sink_client::config::{
    Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
};
use kitchen_sink_client::error::SdkError;
use kitchen_sink_client::{Client, Config};
use sfn_tests::loopback::{Seen, Server};

async fn server() -> Server {
    Server::start(|_: Seen| async {
        let headers = vec![("content-type".to_string(), "application/x-amz-json-1.0".to_string())];
        (200, headers, br#"{"info":"open","greeting":"hello"}"#.to_vec())
    })
    .await
}

/// A provider that always fails, as a chain finding nothing does.
#[derive(Debug)]
struct Failing;

impl ProvideCredentials for Failing {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(async {
            Err(CredentialsError::not_loaded("failing", "no credentials here"))
        })
    }
}

enum Creds {
    Static,
    Failing,
    NoProvider,
}

fn client(server: &Server, creds: Creds) -> Client {
    let builder = Config::builder().region("us-west-2").endpoint_url(&server.url);
    let builder = match creds {
        Creds::Static => builder.credentials_provider(Credentials::new(
            "AKID",
            "SECRET",
            Some("TOKEN".into()),
            None,
            "test",
        )),
        Creds::Failing => builder.credentials_provider(Failing),
        Creds::NoProvider => builder,
    };
    Client::from_conf(builder.build())
}

/// What the server saw of the one request of a call: its `Authorization` header, and whether the
/// session token went along.
fn auth_of(server: &Server) -> (Option<String>, bool) {
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let s = &seen[0];
    (s.header("authorization").map(str::to_string), s.header("x-amz-security-token").is_some())
}

#[tokio::test]
async fn auth_none_is_sent_unsigned_even_with_credentials() {
    for creds in [Creds::Static, Creds::Failing, Creds::NoProvider] {
        let server = server().await;
        let out = client(&server, creds)
            .read_public_info()
            .topic("t")
            .send()
            .await
            .expect("ReadPublicInfo");
        assert_eq!(out.info(), Some("open"));
        let (authorization, token) = auth_of(&server);
        assert_eq!(authorization, None);
        assert!(!token, "no session token on an unsigned request");
        assert_eq!(server.seen()[0].header("x-amz-target"), Some("KitchenSink.ReadPublicInfo"));
    }
}

#[tokio::test]
async fn optional_auth_signs_when_credentials_resolve() {
    let server = server().await;
    let out = client(&server, Creds::Static).say_hello().name("n").send().await.expect("SayHello");
    assert_eq!(out.greeting(), Some("hello"));
    let (authorization, token) = auth_of(&server);
    let authorization = authorization.expect("signed");
    assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"), "{authorization}");
    assert!(authorization.contains("/us-west-2/kitchen/aws4_request"), "{authorization}");
    assert!(token);
}

#[tokio::test]
async fn optional_auth_is_sent_unsigned_when_credentials_do_not_resolve() {
    for creds in [Creds::Failing, Creds::NoProvider] {
        let server = server().await;
        let out =
            client(&server, creds).say_hello().name("n").send().await.expect("SayHello, unsigned");
        assert_eq!(out.greeting(), Some("hello"));
        assert_eq!(auth_of(&server), (None, false));
    }
}

/// The other operations still need credentials: the call fails before sending anything.
#[tokio::test]
async fn signed_operations_still_fail_without_credentials() {
    for (creds, expected) in [
        (Creds::Failing, "failed to load credentials"),
        (Creds::NoProvider, "no credentials provider"),
    ] {
        let server = server().await;
        let err = client(&server, creds).list_things().send().await.unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        let message = format!("{}", kitchen_sink_client::error::DisplayErrorContext(&err));
        assert!(message.contains(expected), "{message}");
        assert!(server.seen().is_empty());
    }
}
