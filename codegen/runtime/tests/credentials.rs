//! Credentials: the cache (counting providers), the providers of the default chain against
//! loopback fakes (container endpoint, instance metadata), `credential_process` scripts, and the
//! chain's order and errors. Every environment is a fake (`Env::from_vars`); metadata and
//! container sources point at loopback servers through their overrides.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use awsjson_runtime::client::{CustomizableOperation, Handle};
use awsjson_runtime::clock::TimeSource;
use awsjson_runtime::config::{Config, ConfigBuilder, ConfigOverride};
use awsjson_runtime::credentials::{
    ContainerCredentials, CredentialProcess, Credentials, CredentialsCache, CredentialsError,
    CredentialsErrorKind, DefaultCredentialsChain, EnvironmentCredentials, ImdsCredentials,
    ProfileCredentials, ProvideCredentials, ProvideCredentialsFuture,
};
use awsjson_runtime::env::Env;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------------------------
// Helpers

/// A provider that counts its loads; each load takes `delay`, and answers from `script` (the
/// last entry repeats).
#[derive(Debug)]
struct Counting {
    loads: AtomicUsize,
    delay: Duration,
    script: Mutex<Vec<Result<Credentials, CredentialsError>>>,
}

impl Counting {
    fn new(delay: Duration, script: Vec<Result<Credentials, CredentialsError>>) -> Arc<Self> {
        Arc::new(Counting { loads: AtomicUsize::new(0), delay, script: Mutex::new(script) })
    }

    fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(async move {
            self.loads.fetch_add(1, Ordering::SeqCst);
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            let mut script = self.script.lock().unwrap();
            if script.len() > 1 {
                script.remove(0)
            } else {
                script[0].clone()
            }
        })
    }

    fn provider_name(&self) -> &str {
        "Counting"
    }
}

/// A clock the test moves.
#[derive(Debug, Clone)]
struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    fn new() -> Self {
        ManualClock(Arc::new(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )))
    }

    fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl TimeSource for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

fn creds(akid: &str, expiry: Option<SystemTime>) -> Credentials {
    Credentials::new(akid, "SECRET", Some("TOKEN".into()), expiry, "Counting")
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("awsjson-credentials-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A fake environment: these variables only, with the shared files pointing into `dir` and the
/// instance metadata service disabled unless the test sets its own values.
fn env_in(dir: &Path, vars: &[(&str, &str)]) -> Env {
    let mut v: HashMap<String, String> = HashMap::from([
        ("AWS_CONFIG_FILE".into(), dir.join("config").to_string_lossy().into_owned()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.join("credentials").to_string_lossy().into_owned(),
        ),
        ("HOME".into(), dir.to_string_lossy().into_owned()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ]);
    for (k, x) in vars {
        v.insert(k.to_string(), x.to_string());
    }
    Env::from_vars(v)
}

/// One request the fake server saw.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
}

type Handler = dyn Fn(&Request) -> (u16, String) + Send + Sync;

/// A loopback HTTP/1.1 server answering each request with `handler`, recording what it saw.
struct FakeServer {
    addr: std::net::SocketAddr,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl FakeServer {
    async fn start(
        handler: impl Fn(&Request) -> (u16, String) + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).into_owned();
                    let mut lines = head.split("\r\n");
                    let mut first = lines.next().unwrap_or("").split(' ');
                    let method = first.next().unwrap_or("").to_string();
                    let path = first.next().unwrap_or("").to_string();
                    let headers = lines
                        .take_while(|l| !l.is_empty())
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        .collect();
                    let request = Request { method, path, headers };
                    let (status, body) = handler(&request);
                    recorded.lock().unwrap().push(request);
                    let response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        FakeServer { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

const CREDS_JSON: &str = r#"{"AccessKeyId":"ASIAFAKE","SecretAccessKey":"FAKESECRET","Token":"FAKETOKEN","Expiration":"2099-01-01T00:00:00Z"}"#;

/// A fake instance metadata service (IMDSv2): token, role list, role credentials.
async fn fake_imds(role: Option<&'static str>) -> FakeServer {
    FakeServer::start(move |r| match (r.method.as_str(), r.path.as_str()) {
        ("PUT", "/latest/api/token") if r.headers.contains_key("x-aws-ec2-metadata-token-ttl-seconds") => {
            (200, "IMDSTOKEN".into())
        }
        (_, _) if r.headers.get("x-aws-ec2-metadata-token").map(String::as_str) != Some("IMDSTOKEN") => {
            (401, String::new())
        }
        ("GET", "/latest/meta-data/iam/security-credentials/") => match role {
            Some(role) => (200, format!("{role}\n")),
            None => (404, String::new()),
        },
        ("GET", p) if Some(p.trim_start_matches("/latest/meta-data/iam/security-credentials/")) == role => (
            200,
            r#"{"Code":"Success","LastUpdated":"2024-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"IMDSSECRET","Token":"IMDSSESSION","Expiration":"2099-01-01T00:00:00Z"}"#.into(),
        ),
        _ => (404, String::new()),
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The cache

#[tokio::test]
async fn five_calls_load_once() {
    let provider = Counting::new(Duration::ZERO, vec![Ok(creds("A", None))]);
    let cache = CredentialsCache::new(provider.clone());
    for _ in 0..5 {
        assert_eq!(cache.get().await.unwrap().access_key_id(), "A");
    }
    assert_eq!(provider.loads(), 1);

    // Through a client: five calls, one load (the configuration caches whatever provider it gets).
    let provider = Counting::new(Duration::ZERO, vec![Ok(creds("B", None))]);
    let mut connector = MockConnector::new();
    for _ in 0..5 {
        connector = connector.respond(200, &[], "{}");
    }
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(provider.clone())
        .http_connector(connector.clone())
        .build();
    let handle = Handle::new(config.clone(), &SERVICE);
    for _ in 0..4 {
        handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    }
    // A clone of the configuration shares the cache.
    Handle::new(config.to_builder().build(), &SERVICE)
        .call::<SyncThing>(ThingInput::default())
        .await
        .unwrap();
    assert_eq!(provider.loads(), 1);
    assert_eq!(connector.requests().len(), 5);
    assert!(connector.requests()[4].headers()["authorization"]
        .to_str()
        .unwrap()
        .contains("Credential=B/"));
}

#[tokio::test]
async fn credentials_are_refreshed_inside_the_buffer_before_expiry() {
    let clock = ManualClock::new();
    let now = clock.now();
    let provider = Counting::new(
        Duration::ZERO,
        vec![
            Ok(creds("FIRST", Some(now + Duration::from_secs(60)))),
            Ok(creds("SECOND", Some(now + Duration::from_secs(3600)))),
        ],
    );
    let cache =
        CredentialsCache::builder().time_source(Arc::new(clock.clone())).build(provider.clone());
    assert_eq!(cache.get().await.unwrap().access_key_id(), "FIRST");
    clock.advance(Duration::from_secs(45)); // 15 s left: outside the 10 s buffer
    assert_eq!(cache.get().await.unwrap().access_key_id(), "FIRST");
    assert_eq!(provider.loads(), 1);
    clock.advance(Duration::from_secs(6)); // 9 s left: inside the buffer
    assert_eq!(cache.get().await.unwrap().access_key_id(), "SECOND");
    assert_eq!(provider.loads(), 2);
    assert_eq!(cache.get().await.unwrap().access_key_id(), "SECOND");
    assert_eq!(provider.loads(), 2);
}

#[tokio::test]
async fn credentials_without_expiry_are_reused_for_fifteen_minutes() {
    let clock = ManualClock::new();
    let provider = Counting::new(Duration::ZERO, vec![Ok(creds("A", None)), Ok(creds("B", None))]);
    let cache =
        CredentialsCache::builder().time_source(Arc::new(clock.clone())).build(provider.clone());
    assert_eq!(cache.get().await.unwrap().access_key_id(), "A");
    clock.advance(Duration::from_secs(14 * 60));
    assert_eq!(cache.get().await.unwrap().access_key_id(), "A");
    clock.advance(Duration::from_secs(60));
    assert_eq!(cache.get().await.unwrap().access_key_id(), "B");
    assert_eq!(provider.loads(), 2);
}

#[tokio::test]
async fn sixteen_concurrent_callers_share_one_load() {
    let provider = Counting::new(Duration::from_millis(100), vec![Ok(creds("A", None))]);
    let cache = CredentialsCache::new(provider.clone());
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.get().await.map(|c| c.access_key_id().to_string()) })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), "A");
    }
    assert_eq!(provider.loads(), 1);

    // A failing load is shared too: every waiting caller gets its error, and it is tried once.
    let provider = Counting::new(
        Duration::from_millis(100),
        vec![Err(CredentialsError::provider_error("Counting", "the backend is down"))],
    );
    let cache = CredentialsCache::new(provider.clone());
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            tokio::spawn({
                let cache = cache.clone();
                async move { cache.get().await }
            })
        })
        .collect();
    for t in tasks {
        let e = t.await.unwrap().unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
    }
    assert_eq!(provider.loads(), 1);
}

#[tokio::test]
async fn failing_provider_is_a_typed_error_naming_it() {
    let provider = Counting::new(
        Duration::ZERO,
        vec![Err(CredentialsError::provider_error("Counting", "the backend is down"))],
    );
    let cache = CredentialsCache::new(provider.clone());
    let e = cache.get().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
    assert_eq!(e.provider(), "Counting");
    assert_eq!(e.to_string(), "Counting credentials provider: provider error: the backend is down");
    // The next call tries again.
    cache.get().await.unwrap_err();
    assert_eq!(provider.loads(), 2);

    // Through a client: a construction failure that says which provider failed.
    let connector = MockConnector::new();
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(provider)
        .http_connector(connector.clone())
        .build();
    let err =
        Handle::new(config, &SERVICE).call::<SyncThing>(ThingInput::default()).await.unwrap_err();
    assert!(err.to_string().contains("failed to load credentials: Counting credentials provider: provider error: the backend is down"), "{err}");
    assert!(connector.requests().is_empty());
}

#[tokio::test]
async fn a_slow_provider_times_out() {
    let provider = Counting::new(Duration::from_secs(30), vec![Ok(creds("A", None))]);
    let cache = CredentialsCache::builder()
        .load_timeout(Duration::from_millis(100))
        .build(provider.clone());
    let e = cache.get().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProviderTimedOut);
    assert_eq!(e.provider(), "Counting");
    assert!(e.to_string().contains("no answer within 100ms"), "{e}");
}

#[tokio::test]
async fn a_failed_refresh_keeps_credentials_that_have_not_expired() {
    let clock = ManualClock::new();
    let now = clock.now();
    let provider = Counting::new(
        Duration::ZERO,
        vec![
            Ok(creds("OLD", Some(now + Duration::from_secs(60)))),
            Err(CredentialsError::provider_error("Counting", "the backend is down")),
        ],
    );
    let cache =
        CredentialsCache::builder().time_source(Arc::new(clock.clone())).build(provider.clone());
    assert_eq!(cache.get().await.unwrap().access_key_id(), "OLD");
    clock.advance(Duration::from_secs(55)); // inside the buffer, not yet expired
    assert_eq!(cache.get().await.unwrap().access_key_id(), "OLD");
    assert_eq!(provider.loads(), 2);
    clock.advance(Duration::from_secs(5)); // expired
    let e = cache.get().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
    assert_eq!(provider.loads(), 3);
}

// ---------------------------------------------------------------------------------------------
// Environment and profile

#[tokio::test]
async fn environment_and_profile_static_keys() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ("AWS_SESSION_TOKEN", "TOKEN"),
    ]);
    let c = EnvironmentCredentials::with_env(env).load().unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("AKID", "SECRET", Some("TOKEN"))
    );
    let e = EnvironmentCredentials::with_env(Env::from_vars([("AWS_ACCESS_KEY_ID", "AKID")]))
        .load()
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("AWS_SECRET_ACCESS_KEY is not"), "{e}");

    let dir = temp_dir("profile");
    std::fs::write(
        dir.join("credentials"),
        "[default]\naws_access_key_id = DEFAULTID\naws_secret_access_key = DEFAULTSECRET\n\
         [dev]\naws_access_key_id = DEVID\naws_secret_access_key = DEVSECRET\naws_session_token = DEVTOKEN\n\
         [half]\naws_access_key_id = X\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("config"),
        "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n\
         [profile sso]\nsso_session = corp\n\
         [profile web]\nweb_identity_token_file = /tmp/token\nrole_arn = arn:aws:iam::1:role/w\n\
         [profile empty]\nregion = eu-west-1\n",
    )
    .unwrap();
    let load = |vars: &[(&str, &str)]| {
        let p = ProfileCredentials::with_env(env_in(&dir, vars));
        async move { p.load().await }
    };
    let c = load(&[]).await.unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("DEFAULTID", None));
    let c = load(&[("AWS_PROFILE", "dev")]).await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("DEVID", "DEVSECRET", Some("DEVTOKEN"))
    );
    let c = ProfileCredentials::with_env(env_in(&dir, &[("AWS_PROFILE", "dev")]))
        .profile_name("default")
        .load()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "DEFAULTID");
    let e = load(&[("AWS_PROFILE", "half")]).await.unwrap_err();
    assert!(
        e.to_string().contains("profile `half` has aws_access_key_id but no aws_secret_access_key"),
        "{e}"
    );
    for (profile, key) in [("role", "role_arn"), ("sso", "sso_session"), ("web", "role_arn")] {
        let e = load(&[("AWS_PROFILE", profile)]).await.unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("profile `{profile}` gets credentials through `{key}`")),
            "{msg}"
        );
        assert!(msg.contains("enable the `aws-config` feature"), "{msg}");
    }
    let e = load(&[("AWS_PROFILE", "empty")]).await.unwrap_err();
    assert!(e.is_not_loaded());
    let e = load(&[("AWS_PROFILE", "nope")]).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("profile `nope` is not in"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// credential_process

/// Writes an executable script into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

#[cfg(unix)]
#[tokio::test]
async fn credential_process_runs_the_command_of_the_profile() {
    let dir = temp_dir("process");
    let counter = dir.join("runs");
    let ok = script(
        &dir,
        "ok.sh",
        &format!(
            "echo run >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"PROCID\", \"SecretAccessKey\": \"PROCSECRET\", \
             \"SessionToken\": \"PROCTOKEN\", \"Expiration\": \"2099-01-01T00:00:00Z\"}}'",
            counter.display()
        ),
    );
    // The command goes through the shell: arguments and quoting work as in the AWS CLI.
    std::fs::write(
        dir.join("config"),
        format!(
            "[profile proc]\ncredential_process = '{}' --arg 'with space'\n\
             [profile fails]\ncredential_process = sh -c 'echo this went wrong >&2; exit 3'\n\
             [profile leaky]\ncredential_process = echo '{{\"Version\": 1, \"AccessKeyId\": \"X\", \"SecretAccessKey\": \"LEAKEDSECRET\", \"Expiration\": \"tomorrow\"}}'\n\
             [profile v2]\ncredential_process = echo '{{\"Version\": 2, \"AccessKeyId\": \"X\", \"SecretAccessKey\": \"S\"}}'\n\
             [profile garbage]\ncredential_process = echo not json SECRETISH\n\
             [profile both]\naws_access_key_id = STATIC\naws_secret_access_key = S\ncredential_process = false\n",
            ok.display()
        ),
    )
    .unwrap();
    let load = |profile: &str| {
        let p = ProfileCredentials::with_env(env_in(&dir, &[("AWS_PROFILE", profile)]));
        async move { p.load().await }
    };
    let c = load("proc").await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("PROCID", "PROCSECRET", Some("PROCTOKEN"))
    );
    assert_eq!(c.expiry(), Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_070_908_800)));
    assert_eq!(std::fs::read_to_string(&counter).unwrap().lines().count(), 1);

    let e = load("fails").await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
    let msg = e.to_string();
    assert!(msg.contains("credential_process of profile `fails`"), "{msg}");
    assert!(msg.contains("exit status: 3") && msg.contains("this went wrong"), "{msg}");
    let e = load("leaky").await.unwrap_err().to_string();
    assert!(
        e.contains("`Expiration` is not an RFC 3339 date-time") && !e.contains("LEAKEDSECRET"),
        "{e}"
    );
    let e = load("v2").await.unwrap_err().to_string();
    assert!(e.contains("`Version` other than 1"), "{e}");
    let e = load("garbage").await.unwrap_err().to_string();
    assert!(e.contains("not JSON") && !e.contains("SECRETISH"), "{e}");
    // Static keys win over a process in the same profile.
    assert_eq!(load("both").await.unwrap().access_key_id(), "STATIC");

    // The provider on its own, and its stderr bounded.
    let long = CredentialProcess::new("p", "printf 'x%.0s' $(seq 1 5000) >&2; exit 1");
    let e = long.load().await.unwrap_err().to_string();
    assert!(e.len() < 1300, "{}", e.len());

    // Through a configuration: five calls, one run.
    let mut connector = MockConnector::new();
    for _ in 0..5 {
        connector = connector.respond(200, &[], "{}");
    }
    let config = ConfigBuilder::from_env_with(env_in(
        &dir,
        &[("AWS_PROFILE", "proc"), ("AWS_REGION", "us-east-1")],
    ))
    .http_connector(connector.clone())
    .build();
    let handle = Handle::new(config, &SERVICE);
    for _ in 0..5 {
        handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    }
    assert_eq!(std::fs::read_to_string(&counter).unwrap().lines().count(), 2);
    assert_eq!(connector.requests()[4].headers()["x-amz-security-token"], "PROCTOKEN");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Container credentials

#[tokio::test]
async fn container_relative_and_full_uri() {
    let server = FakeServer::start(|r| match r.path.as_str() {
        "/v2/credentials/abc" => (200, CREDS_JSON.into()),
        "/pod" if r.headers.get("authorization").map(String::as_str) == Some("from-file") => {
            (200, CREDS_JSON.into())
        }
        "/pod" if r.headers.get("authorization").map(String::as_str) == Some("from-var") => {
            (200, CREDS_JSON.into())
        }
        "/pod" => (401, r#"{"message":"missing token"}"#.into()),
        _ => (404, String::new()),
    })
    .await;
    let dir = temp_dir("container");

    // ECS: relative to the agent's address (here the fake's, through the override).
    let env = env_in(&dir, &[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")]);
    let c =
        ContainerCredentials::with_env(env).relative_uri_base(server.url()).load().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIAFAKE", "FAKESECRET", Some("FAKETOKEN"))
    );
    assert!(c.expiry().is_some());
    assert_eq!(server.seen()[0].method, "GET");
    assert_eq!(server.seen()[0].headers.get("authorization"), None);

    // EKS Pod Identity: a full URI with a token; the token file (read each time) wins over the variable.
    let token_file = dir.join("token");
    std::fs::write(&token_file, "from-file\n").unwrap();
    let full = format!("{}/pod", server.url());
    let token_path = token_file.to_string_lossy().into_owned();
    let provider = ContainerCredentials::with_env(env_in(
        &dir,
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-var"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_path),
        ],
    ));
    provider.load().await.unwrap();
    assert_eq!(server.seen().last().unwrap().headers["authorization"], "from-file");
    std::fs::write(&token_file, "rotated").unwrap();
    let e = provider.load().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
    assert!(
        e.to_string().contains("answered 401") && e.to_string().contains("missing token"),
        "{e}"
    );
    assert_eq!(server.seen().last().unwrap().headers["authorization"], "rotated");
    let provider = ContainerCredentials::with_env(env_in(
        &dir,
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-var"),
        ],
    ));
    provider.load().await.unwrap();
    assert_eq!(server.seen().last().unwrap().headers["authorization"], "from-var");

    // Plain http to other hosts is refused before any request.
    let before = server.seen().len();
    let e = ContainerCredentials::with_env(env_in(
        &dir,
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds")],
    ))
    .load()
    .await
    .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(
        e.to_string().contains("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            && e.to_string().contains("use https"),
        "{e}"
    );
    // A token that cannot be a header is refused without being echoed.
    let e = ContainerCredentials::with_env(env_in(
        &dir,
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "bad\ntoken"),
        ],
    ))
    .load()
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            && !e.to_string().contains("bad\ntoken"),
        "{e}"
    );
    assert_eq!(server.seen().len(), before);
    // Unset: not loaded.
    assert!(ContainerCredentials::with_env(env_in(&dir, &[]))
        .load()
        .await
        .unwrap_err()
        .is_not_loaded());
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Instance metadata

#[tokio::test]
async fn imds_v2_token_role_and_credentials() {
    let imds = fake_imds(Some("my-role")).await;
    let dir = temp_dir("imds");
    let env = env_in(
        &dir,
        &[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url()),
        ],
    );
    let c = ImdsCredentials::with_env(env).load().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIAIMDS", "IMDSSECRET", Some("IMDSSESSION"))
    );
    assert_eq!(c.provider_name(), "IMDS");
    let seen = imds.seen();
    let paths: Vec<_> = seen.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(
        paths,
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/my-role"
        ]
    );
    assert_eq!(seen[0].headers["x-aws-ec2-metadata-token-ttl-seconds"], "21600");

    // The profile's endpoint, when the variable is not set.
    std::fs::write(
        dir.join("config"),
        format!("[default]\nec2_metadata_service_endpoint = {}\n", imds.url()),
    )
    .unwrap();
    let c = ImdsCredentials::with_env(env_in(&dir, &[("AWS_EC2_METADATA_DISABLED", "false")]))
        .load()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAIMDS");
    assert_eq!(imds.seen().len(), 6);

    // Disabled: no request.
    let e = ImdsCredentials::with_env(env_in(
        &dir,
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url())],
    ))
    .load()
    .await
    .unwrap_err();
    assert!(
        e.is_not_loaded() && e.to_string().contains("AWS_EC2_METADATA_DISABLED is true"),
        "{e}"
    );
    assert_eq!(imds.seen().len(), 6);
    let e = ImdsCredentials::with_env(env_in(&dir, &[("AWS_EC2_METADATA_DISABLED", "maybe")]))
        .load()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);

    // No role attached: not loaded.
    let no_role = fake_imds(None).await;
    let env = env_in(
        &dir,
        &[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &no_role.url()),
        ],
    );
    let e = ImdsCredentials::with_env(env).load().await.unwrap_err();
    assert!(e.is_not_loaded() && e.to_string().contains("no IAM role"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn imds_that_does_not_answer_is_not_loaded() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = temp_dir("imds-down");
    let url = format!("http://127.0.0.1:{port}");
    let env = env_in(
        &dir,
        &[("AWS_EC2_METADATA_DISABLED", "false"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)],
    );
    let e = ImdsCredentials::with_env(env).load().await.unwrap_err();
    assert!(e.is_not_loaded(), "{e}");
    assert!(e.to_string().contains("no instance metadata service answered"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// The default chain

#[tokio::test]
async fn chain_order_and_what_it_reports() {
    let imds = fake_imds(Some("r")).await;
    let container = FakeServer::start(|_| (200, CREDS_JSON.into())).await;
    let dir = temp_dir("chain");
    std::fs::write(
        dir.join("credentials"),
        "[dev]\naws_access_key_id = DEVID\naws_secret_access_key = S\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("config"),
        "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n",
    )
    .unwrap();
    let imds_url = imds.url();
    let full = format!("{}/creds", container.url());
    let with_imds = [
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_url.as_str()),
    ];
    let chain = |vars: &[(&str, &str)]| {
        DefaultCredentialsChain::with_env(env_in(&dir, vars))
            .container_relative_uri_base(container.url())
    };
    let akid = |c: Credentials| c.access_key_id().to_string();

    let mut all = vec![
        ("AWS_ACCESS_KEY_ID", "ENVID"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_PROFILE", "dev"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.as_str()),
    ];
    all.extend(with_imds);
    assert_eq!(akid(chain(&all).load().await.unwrap()), "ENVID");
    assert_eq!(akid(chain(&all[2..]).load().await.unwrap()), "DEVID");
    assert_eq!(akid(chain(&all[3..]).load().await.unwrap()), "ASIAFAKE");
    assert_eq!(akid(chain(&all[4..]).load().await.unwrap()), "ASIAIMDS");
    let relative = [("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x")];
    assert_eq!(akid(chain(&relative).load().await.unwrap()), "ASIAFAKE");
    assert_eq!(container.seen().last().unwrap().path, "/v2/x");
    assert_eq!(imds.seen().len(), 3);

    // Web identity from the environment: a clear error, not a fall-through to IMDS.
    let mut web = vec![
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/w"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
    ];
    web.extend(with_imds);
    let e = chain(&web).load().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert_eq!(e.provider(), "WebIdentityToken");
    assert!(
        e.to_string().contains("AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE set")
            && e.to_string().contains("`aws-config` feature"),
        "{e}"
    );
    let e = chain(&web[1..]).load().await.unwrap_err();
    assert!(e.to_string().contains("AWS_WEB_IDENTITY_TOKEN_FILE set"), "{e}");
    // So is a profile that assumes a role.
    let mut role = vec![("AWS_PROFILE", "role")];
    role.extend(with_imds);
    let e = chain(&role).load().await.unwrap_err();
    assert!(e.to_string().contains("through `role_arn`"), "{e}");
    assert_eq!(imds.seen().len(), 3);

    // Nothing anywhere: every source and why it was skipped.
    let e = chain(&[]).load().await.unwrap_err();
    assert!(e.is_not_loaded());
    assert_eq!(e.provider(), "DefaultChain");
    let msg = e.to_string();
    for part in [
        "no credentials found; tried environment: AWS_ACCESS_KEY_ID is not set",
        "profile: profile `default` is not in",
        "web identity: neither AWS_ROLE_ARN nor AWS_WEB_IDENTITY_TOKEN_FILE is set",
        "container: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
        "instance metadata: AWS_EC2_METADATA_DISABLED is true",
    ] {
        assert!(msg.contains(part), "{part}\n{msg}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_client_from_the_environment_asks_imds_once_for_five_calls() {
    let imds = fake_imds(Some("r")).await;
    let dir = temp_dir("client-imds");
    let url = imds.url();
    let env = env_in(
        &dir,
        &[
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
        ],
    );
    let mut connector = MockConnector::new();
    for _ in 0..5 {
        connector = connector.respond(200, &[], "{}");
    }
    let handle = Handle::new(
        ConfigBuilder::from_env_with(env).http_connector(connector.clone()).build(),
        &SERVICE,
    );
    for _ in 0..5 {
        handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    }
    assert_eq!(imds.seen().len(), 3, "one token, one role, one credentials request");
    let r = &connector.requests()[4];
    assert!(r.headers()["authorization"].to_str().unwrap().contains("Credential=ASIAIMDS/"));
    assert_eq!(r.headers()["x-amz-security-token"], "IMDSSESSION");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_config_override_has_its_own_cached_credentials() {
    let client_provider = Counting::new(Duration::ZERO, vec![Ok(creds("CLIENT", None))]);
    let call_provider = Counting::new(Duration::ZERO, vec![Ok(creds("CALL", None))]);
    let mut connector = MockConnector::new();
    for _ in 0..4 {
        connector = connector.respond(200, &[], "{}");
    }
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(client_provider.clone())
        .http_connector(connector.clone())
        .build();
    let handle = Handle::new(config, &SERVICE);
    let over = ConfigOverride::new().credentials_provider(call_provider.clone());
    for _ in 0..2 {
        CustomizableOperation::<SyncThing>::new(handle.clone(), ThingInput::default())
            .config_override(over.clone())
            .send()
            .await
            .unwrap();
    }
    handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    handle.call::<SyncThing>(ThingInput::default()).await.unwrap();
    let auth: Vec<String> = connector
        .requests()
        .iter()
        .map(|r| r.headers()["authorization"].to_str().unwrap().to_string())
        .collect();
    assert!(
        auth[0].contains("Credential=CALL/") && auth[1].contains("Credential=CALL/"),
        "{auth:?}"
    );
    assert!(
        auth[2].contains("Credential=CLIENT/") && auth[3].contains("Credential=CLIENT/"),
        "{auth:?}"
    );
    assert_eq!((call_provider.loads(), client_provider.loads()), (1, 1));
}
