//! The default connector's TLS trust (certificate failures, CA bundles) and proxies (absolute-form
//! `http`, `CONNECT` tunnels for `https`, `NO_PROXY`), against loopback servers written here: a
//! TLS origin with a certificate made by the test, and a recording forward proxy.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use awsjson_runtime::client::Handle;
use awsjson_runtime::config::{Config, ConfigBuilder, TimeoutConfig};
use awsjson_runtime::env::Env;
use awsjson_runtime::error::SdkError;
use awsjson_runtime::http::{ConnectorErrorKind, ProxyConfig};
use awsjson_runtime::retry::RetryConfig;
use common::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const OK: &str = r#"{"arn":"arn:aws:states:us-east-1:123456789012:execution:sm:run"}"#;

/// A certificate (PEM) and its server configuration, for the given names.
fn certificate(names: &[&str]) -> (String, Arc<rustls::ServerConfig>) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.der().clone()], key)
    .unwrap();
    (cert.pem(), Arc::new(config))
}

/// A self-signed certificate for 127.0.0.1 with a key of `alg` (PEM), and a server
/// configuration that speaks only `version` with only `suites` (and all of *ring*'s key exchange
/// groups).
fn certificate_for(
    alg: &'static rcgen::SignatureAlgorithm,
    version: &'static rustls::SupportedProtocolVersion,
    suites: &[rustls::SupportedCipherSuite],
) -> (String, Arc<rustls::ServerConfig>) {
    let groups = rustls::crypto::ring::default_provider().kx_groups;
    certificate_with_groups(alg, version, suites, &groups)
}

/// As [`certificate_for`], with a server that offers only the key exchange groups `groups`.
fn certificate_with_groups(
    alg: &'static rcgen::SignatureAlgorithm,
    version: &'static rustls::SupportedProtocolVersion,
    suites: &[rustls::SupportedCipherSuite],
    groups: &[&'static dyn rustls::crypto::SupportedKxGroup],
) -> (String, Arc<rustls::ServerConfig>) {
    let key_pair = rcgen::KeyPair::generate_for(alg).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .self_signed(&key_pair)
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pair.serialize_der().into());
    let provider = rustls::crypto::CryptoProvider {
        cipher_suites: suites.to_vec(),
        kx_groups: groups.to_vec(),
        ..rustls::crypto::ring::default_provider()
    };
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[version])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .unwrap();
    (cert.pem(), Arc::new(config))
}

/// Reads one request (head and `Content-Length` body) from `stream`; `None` at the end.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> Option<String> {
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len = header(&head, "content-length").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    while buf.len() < head_end + len {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf.drain(..head_end + len);
    Some(head)
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

async fn answer_ok<S: AsyncWrite + Unpin>(stream: &mut S) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{OK}",
        OK.len()
    );
    stream.write_all(response.as_bytes()).await
}

/// A loopback HTTPS server answering every request with `OK`; counts TCP connections (one per
/// attempt that fails the handshake) and records request heads.
struct TlsServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsServer {
    async fn start(config: Arc<rustls::ServerConfig>) -> TlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let connections = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (c, h) = (connections.clone(), heads.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { return };
                c.fetch_add(1, Ordering::SeqCst);
                let (acceptor, h) = (acceptor.clone(), h.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let mut buf = Vec::new();
                    while let Some(head) = read_request(&mut tls, &mut buf).await {
                        h.lock().unwrap().push(head);
                        if answer_ok(&mut tls).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        TlsServer { port, connections, heads, task }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback forward proxy: records each connection's first request head, then relays bytes
/// to the loopback origin it names (`CONNECT 127.0.0.1:port`, or an absolute-form URL). With
/// `required_auth`, a request without that `Proxy-Authorization` gets `407`.
struct Proxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(required_auth: Option<&str>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let h = heads.clone();
        let required = required_auth.map(str::to_string);
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                tokio::spawn(relay(client, h.clone(), required.clone()));
            }
        });
        Proxy { port, heads, task }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(mut client: TcpStream, heads: Arc<Mutex<Vec<String>>>, required: Option<String>) {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let mut chunk = [0u8; 4096];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    heads.lock().unwrap().push(head.clone());
    if required.is_some() && header(&head, "proxy-authorization") != required {
        let _ = client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    }
    let target = head.split_whitespace().nth(1).unwrap_or_default().to_string();
    let connect = head.starts_with("CONNECT ");
    let authority = if connect {
        target.clone()
    } else {
        target
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .unwrap_or_default()
            .to_string()
    };
    // Loopback origins only.
    assert!(authority.starts_with("127.0.0.1:"), "the proxy was asked for {authority}");
    let Ok(mut upstream) = TcpStream::connect(&authority).await else { return };
    if connect {
        if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_err() {
            return;
        }
        buf.drain(..head_end);
    }
    if upstream.write_all(&buf).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// A configuration of one client to `url`, 3 attempts without waiting between them.
fn config(url: &str, sleep: &RecordingSleep) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(url)
        .retry_config(RetryConfig::standard())
        .sleep(sleep.clone())
        .random_source(ScriptedRandom::new(&[0.5]))
        .timeout_config(
            TimeoutConfig::disabled().connect_timeout(std::time::Duration::from_secs(5)),
        )
}

async fn call(config: Config) -> Result<ThingOutput, SdkError<ThingError>> {
    Handle::new(config, &SERVICE).call::<StartThing>(ThingInput::named("n")).await
}

/// The connector error of a dispatch failure, with its whole message.
fn dispatch_failure(e: SdkError<ThingError>) -> (ConnectorErrorKind, String) {
    match e {
        SdkError::DispatchFailure(d) => {
            (d.connector_error().kind(), d.connector_error().to_string())
        }
        other => panic!("expected a dispatch failure, got {other:?}"),
    }
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("awsjson-tls-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test]
async fn an_untrusted_certificate_fails_once_and_says_so() {
    let (_, server_config) = certificate(&["127.0.0.1"]);
    let server = TlsServer::start(server_config).await;
    let sleep = RecordingSleep::default();
    let err = call(config(&server.url(), &sleep).build()).await.unwrap_err();
    let (kind, message) = dispatch_failure(err);
    assert_eq!(kind, ConnectorErrorKind::Tls, "{message}");
    assert!(message.contains("certificate"), "{message}");
    assert!(message.contains("UnknownIssuer"), "{message}");
    // One attempt: no retry, no backoff.
    assert_eq!(server.connections(), 1);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn a_ca_bundle_trusts_the_server_and_a_name_mismatch_is_not_retried() {
    let (pem, server_config) = certificate(&["127.0.0.1"]);
    let server = TlsServer::start(server_config).await;
    let sleep = RecordingSleep::default();
    let out = call(config(&server.url(), &sleep).ca_bundle_pem(&pem).build()).await.unwrap();
    assert!(out.arn.unwrap().ends_with(":run"));
    assert!(server.heads()[0].starts_with("POST / HTTP/1.1\r\n"));

    // Trusted issuer, but issued for another name.
    let (pem, server_config) = certificate(&["other.example"]);
    let server = TlsServer::start(server_config).await;
    let err = call(config(&server.url(), &sleep).ca_bundle_pem(&pem).build()).await.unwrap_err();
    let (kind, message) = dispatch_failure(err);
    assert_eq!(kind, ConnectorErrorKind::Tls, "{message}");
    assert!(message.contains("certificate not valid for name"), "{message}");
    assert_eq!(server.connections(), 1);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn aws_ca_bundle_and_the_profile_ca_bundle_are_read_and_bad_bundles_named() {
    let (pem, server_config) = certificate(&["127.0.0.1"]);
    let server = TlsServer::start(server_config).await;
    let d = temp_dir("bundle");
    std::fs::create_dir_all(d.join(".aws")).unwrap();
    let bundle = d.join("bundle.pem");
    std::fs::write(&bundle, format!("# test CA\n{pem}")).unwrap();
    let from_env = |vars: Vec<(&str, String)>| {
        let mut all = vec![("HOME", d.to_string_lossy().into_owned())];
        all.extend(vars);
        ConfigBuilder::from_env_with(Env::from_vars(all))
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .endpoint_url(server.url())
            .build()
    };
    let bundle_path = bundle.to_string_lossy().into_owned();
    assert_eq!(
        from_env(vec![("AWS_CA_BUNDLE", bundle_path.clone())]).ca_bundle().unwrap().len(),
        1
    );
    call(from_env(vec![("AWS_CA_BUNDLE", bundle_path.clone())])).await.unwrap();

    std::fs::write(d.join(".aws/config"), format!("[default]\nca_bundle = {bundle_path}\n"))
        .unwrap();
    call(from_env(vec![])).await.unwrap();
    assert_eq!(server.connections(), 2);

    // A missing file, and a file without certificates: every call fails, naming the file.
    let missing = d.join("missing.pem").to_string_lossy().into_owned();
    let err = call(from_env(vec![("AWS_CA_BUNDLE", missing.clone())])).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    let message = err.to_string();
    assert!(
        message.contains(&missing)
            && message.contains("cannot be read")
            && message.contains("AWS_CA_BUNDLE"),
        "{message}"
    );
    std::fs::write(&bundle, "not a certificate\n").unwrap();
    let message = call(from_env(vec![])).await.unwrap_err().to_string();
    assert!(
        message.contains(&bundle_path) && message.contains("contains no PEM certificate"),
        "{message}"
    );
    assert!(message.contains("`ca_bundle` in the shared config file"), "{message}");
    let message =
        call(config(&server.url(), &RecordingSleep::default()).ca_bundle_file(&bundle).build())
            .await
            .unwrap_err()
            .to_string();
    assert!(message.contains(&bundle_path), "{message}");
    assert_eq!(server.connections(), 2, "no request is sent with an invalid bundle");
    std::fs::remove_dir_all(&d).unwrap();
}

#[tokio::test]
async fn http_endpoints_go_through_the_proxy_in_absolute_form_with_its_credentials() {
    let origin = FaultServer::start(vec![Action::json(200, OK)]).await;
    let proxy = Proxy::start(None).await;
    let proxy_url = format!("http://user:p%40ss@127.0.0.1:{}", proxy.port);
    let config = config(&origin.url(), &RecordingSleep::default())
        .proxy(ProxyConfig::all(&proxy_url).unwrap())
        .build();
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("p%40ss") && !shown.contains("p@ss") && shown.contains("user:***@"),
        "{shown}"
    );
    call(config).await.unwrap();

    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("POST http://{}/ HTTP/1.1\r\n", origin.addr)),
        "{}",
        heads[0]
    );
    // base64("user:p@ss")
    assert_eq!(header(&heads[0], "proxy-authorization").as_deref(), Some("Basic dXNlcjpwQHNz"));
    assert_eq!(origin.seen().len(), 1);
}

#[tokio::test]
async fn https_endpoints_go_through_a_connect_tunnel() {
    let (pem, server_config) = certificate(&["127.0.0.1"]);
    let origin = TlsServer::start(server_config).await;
    let proxy = Proxy::start(Some("Basic dXNlcjpwYXNz")).await;
    let proxy_config = ProxyConfig::all(&format!("user:pass@127.0.0.1:{}", proxy.port)).unwrap();
    let tunnelled =
        config(&origin.url(), &RecordingSleep::default()).proxy(proxy_config).ca_bundle_pem(&pem);
    call(tunnelled.build()).await.unwrap();
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("CONNECT 127.0.0.1:{} HTTP/1.1\r\n", origin.port)),
        "{}",
        heads[0]
    );
    // Inside the tunnel: an ordinary origin-form request.
    assert!(origin.heads()[0].starts_with("POST / HTTP/1.1\r\n"));

    // Wrong credentials: the proxy answers 407 once; that is not retried.
    let sleep = RecordingSleep::default();
    let wrong = ProxyConfig::all(&format!("http://user:wrong@127.0.0.1:{}", proxy.port)).unwrap();
    let err = call(config(&origin.url(), &sleep).proxy(wrong).ca_bundle_pem(&pem).build())
        .await
        .unwrap_err();
    let (kind, message) = dispatch_failure(err);
    assert_eq!(kind, ConnectorErrorKind::Other, "{message}");
    assert!(message.contains("proxy authorization required"), "{message}");
    assert!(!message.contains("wrong"), "{message}");
    assert_eq!(proxy.heads().len(), 2);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn proxies_from_the_environment_and_no_proxy() {
    let origin = FaultServer::start(vec![Action::json(200, OK)]).await;
    let proxy = Proxy::start(None).await;
    let from_env = |vars: &[(&str, &str)]| {
        ConfigBuilder::from_env_with(Env::from_vars(vars.iter().copied()))
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .endpoint_url(origin.url())
            .build()
    };
    let proxy_url = proxy.url();
    call(from_env(&[("http_proxy", &proxy_url)])).await.unwrap();
    assert_eq!(proxy.heads().len(), 1);
    // NO_PROXY: the loopback origin is reached directly.
    call(from_env(&[("HTTP_PROXY", &proxy_url), ("NO_PROXY", "example.com, 127.0.0.0/8")]))
        .await
        .unwrap();
    call(from_env(&[("ALL_PROXY", &proxy_url), ("no_proxy", "127.0.0.1")])).await.unwrap();
    // An https proxy does not apply to http endpoints.
    call(from_env(&[("HTTPS_PROXY", &proxy_url)])).await.unwrap();
    // A CGI script ignores HTTP_PROXY (it may come from a request header).
    call(from_env(&[("HTTP_PROXY", &proxy_url), ("REQUEST_METHOD", "GET")])).await.unwrap();
    assert_eq!(proxy.heads().len(), 1);
    assert_eq!(origin.seen().len(), 5);
    // ConfigBuilder::set_proxy(None) connects directly whatever the environment says.
    let mut builder =
        ConfigBuilder::from_env_with(Env::from_vars([("HTTP_PROXY", proxy_url.as_str())]));
    builder.set_proxy(None);
    call(
        builder
            .region("us-east-1")
            .credentials_provider(test_credentials())
            .endpoint_url(origin.url())
            .build(),
    )
    .await
    .unwrap();
    assert_eq!(proxy.heads().len(), 1);

    // An invalid proxy URL fails every call, naming the variable and hiding the password.
    let err =
        call(from_env(&[("HTTPS_PROXY", "socks5://u:hidden@127.0.0.1:1080")])).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    let message = err.to_string();
    assert!(
        message.contains("HTTPS_PROXY")
            && message.contains("socks5")
            && !message.contains("hidden"),
        "{message}"
    );
    assert_eq!(origin.seen().len(), 6);
}

/// The default connector's TLS: 1.2 and 1.3, each AES-GCM suite, P-256 and P-384 certificates
/// (what AWS endpoints negotiate) work; ChaCha20-Poly1305 only and Ed25519 certificates are not
/// offered (see `http`'s docs), and fail as TLS errors, not retried.
#[tokio::test]
async fn tls_1_2_and_1_3_with_aes_gcm_work_and_chacha20_or_ed25519_alone_do_not() {
    use rustls::crypto::ring::cipher_suite as cs;
    use rustls::version::{TLS12, TLS13};
    let working: [(&rcgen::SignatureAlgorithm, _, rustls::SupportedCipherSuite); 6] = [
        (&rcgen::PKCS_ECDSA_P256_SHA256, &TLS13, cs::TLS13_AES_128_GCM_SHA256),
        (&rcgen::PKCS_ECDSA_P384_SHA384, &TLS13, cs::TLS13_AES_256_GCM_SHA384),
        (&rcgen::PKCS_ECDSA_P256_SHA256, &TLS12, cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        (&rcgen::PKCS_ECDSA_P384_SHA384, &TLS12, cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        (&rcgen::PKCS_ECDSA_P256_SHA256, &TLS12, cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        (&rcgen::PKCS_ECDSA_P384_SHA384, &TLS13, cs::TLS13_AES_128_GCM_SHA256),
    ];
    for (alg, version, suite) in working {
        let (pem, server_config) = certificate_for(alg, version, &[suite]);
        let server = TlsServer::start(server_config).await;
        let sleep = RecordingSleep::default();
        let out = call(config(&server.url(), &sleep).ca_bundle_pem(&pem).build()).await;
        assert!(out.is_ok(), "{alg:?} {version:?} {suite:?}: {out:?}");
    }
    let refused: [(&rcgen::SignatureAlgorithm, _, rustls::SupportedCipherSuite, &str); 3] = [
        (&rcgen::PKCS_ECDSA_P256_SHA256, &TLS13, cs::TLS13_CHACHA20_POLY1305_SHA256, "handshake"),
        (
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &TLS12,
            cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            "handshake",
        ),
        (&rcgen::PKCS_ED25519, &TLS13, cs::TLS13_AES_128_GCM_SHA256, "handshake"),
    ];
    for (alg, version, suite, what) in refused {
        let (pem, server_config) = certificate_for(alg, version, &[suite]);
        let server = TlsServer::start(server_config).await;
        let sleep = RecordingSleep::default();
        let err =
            call(config(&server.url(), &sleep).ca_bundle_pem(&pem).build()).await.unwrap_err();
        let (kind, message) = dispatch_failure(err);
        assert_eq!(kind, ConnectorErrorKind::Tls, "{alg:?} {suite:?}: {message}");
        assert!(message.to_lowercase().contains(what), "{alg:?} {suite:?}: {message}");
        assert_eq!(server.connections(), 1, "{alg:?} {suite:?}: not retried");
    }
}

/// Key exchange: a server offering only P-256 or only P-384 (TLS 1.3: after a retry request when
/// the client's first key share is not the server's group) completes the handshake in TLS 1.2
/// and 1.3; one offering only X25519, which the default connector does not offer (see `http`'s
/// docs), fails as a TLS handshake error, not retried.
#[tokio::test]
async fn p256_and_p384_key_exchange_work_and_x25519_alone_does_not() {
    use rustls::crypto::ring::{cipher_suite as cs, kx_group};
    use rustls::version::{TLS12, TLS13};
    let p256 = &rcgen::PKCS_ECDSA_P256_SHA256;
    let working: [(_, rustls::SupportedCipherSuite, &'static dyn rustls::crypto::SupportedKxGroup);
        4] = [
        (&TLS13, cs::TLS13_AES_128_GCM_SHA256, kx_group::SECP256R1),
        (&TLS12, cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, kx_group::SECP256R1),
        (&TLS13, cs::TLS13_AES_256_GCM_SHA384, kx_group::SECP384R1),
        (&TLS12, cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, kx_group::SECP384R1),
    ];
    for (version, suite, group) in working {
        let (pem, server_config) = certificate_with_groups(p256, version, &[suite], &[group]);
        let server = TlsServer::start(server_config).await;
        let sleep = RecordingSleep::default();
        let out = call(config(&server.url(), &sleep).ca_bundle_pem(&pem).build()).await;
        assert!(out.is_ok(), "{version:?} {group:?}: {out:?}");
        assert_eq!(server.connections(), 1, "{version:?} {group:?}");
    }
    for (version, suite) in [
        (&TLS13, cs::TLS13_AES_128_GCM_SHA256),
        (&TLS12, cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
    ] {
        let (pem, server_config) =
            certificate_with_groups(p256, version, &[suite], &[kx_group::X25519]);
        let server = TlsServer::start(server_config).await;
        let sleep = RecordingSleep::default();
        let err =
            call(config(&server.url(), &sleep).ca_bundle_pem(&pem).build()).await.unwrap_err();
        let (kind, message) = dispatch_failure(err);
        assert_eq!(kind, ConnectorErrorKind::Tls, "{version:?}: {message}");
        assert!(message.to_lowercase().contains("handshake"), "{version:?}: {message}");
        assert_eq!(server.connections(), 1, "{version:?}: not retried");
    }
}
