//! Clock skew: a loopback server whose clock is an hour away from the client's rejects requests
//! signed more than 5 minutes off its own time, answering a skew error with its time in `Date`.
//! The client (on a fixed clock) learns the offset, retries the call signed at the server's time,
//! and signs every later call of that client (and of its clones) at the corrected time.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use awsjson_runtime::client::Handle;
use awsjson_runtime::clock::StaticTimeSource;
use awsjson_runtime::config::{Config, TimeoutConfig};
use awsjson_runtime::error::{ProvideErrorMetadata, SdkError};
use awsjson_runtime::retry::RetryConfig;
use awsjson_runtime::types::{DateTime, TimestampFormat};
use common::{test_credentials, RecordingSleep, StartThing, ThingInput, SERVICE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The client's clock: 2026-01-01T00:00:00Z, always.
const CLIENT_TIME: u64 = 1_767_225_600;
/// How far from its own clock the server accepts a signing time.
const ALLOWED: i64 = 5 * 60;

/// How the server behaves.
#[derive(Clone)]
struct Skewed {
    /// The server's clock minus the client's, in seconds.
    offset: i64,
    /// The error code and message of a rejection.
    code: &'static str,
    message: &'static str,
    /// Whether responses carry the server's time in `Date`.
    date_header: bool,
    /// Rejects every request, whatever its signing time (a genuine signature error).
    always_reject: bool,
}

impl Skewed {
    fn new(offset: i64, code: &'static str, message: &'static str) -> Self {
        Skewed { offset, code, message, date_header: true, always_reject: false }
    }
}

/// What the server saw of one request.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    /// `X-Amz-Date`, as seconds after the client's time.
    signed_at: i64,
    accepted: bool,
}

struct SkewServer {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl SkewServer {
    async fn start(behaviour: Skewed) -> SkewServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (behaviour, seen) = (behaviour.clone(), s.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        let Some(head) = read_request(&mut stream, &mut buf).await else { return };
                        let answer = answer(&behaviour, &head, &seen);
                        if stream.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SkewServer { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads one request (head and body) and returns its head.
async fn read_request(stream: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> Option<String> {
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
    let len: usize = header(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
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

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Checks the request's signing time against the server's clock and answers.
fn answer(behaviour: &Skewed, head: &str, seen: &Mutex<Vec<Seen>>) -> String {
    let server_now = CLIENT_TIME as i64 + behaviour.offset;
    let amz_date = header(head, "x-amz-date").expect("a signed request");
    // 20260101T000000Z -> 2026-01-01T00:00:00Z
    let b = amz_date.as_bytes();
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &amz_date[0..4],
        &amz_date[4..6],
        &amz_date[6..8],
        &amz_date[9..11],
        &amz_date[11..13],
        &amz_date[13..15]
    );
    assert_eq!((b.len(), b[8], b[15]), (16, b'T', b'Z'), "X-Amz-Date {amz_date}");
    let signed = DateTime::parse(&rfc3339, TimestampFormat::DateTime).unwrap().secs();
    // The credential scope is of the same day as X-Amz-Date: the whole signature used one time.
    let authorization = header(head, "authorization").expect("an Authorization header");
    assert!(
        authorization.contains(&format!("Credential=AKIDEXAMPLE/{}/", &amz_date[..8])),
        "{authorization}"
    );

    let accepted = !behaviour.always_reject && (signed - server_now).abs() <= ALLOWED;
    seen.lock().unwrap().push(Seen { signed_at: signed - CLIENT_TIME as i64, accepted });
    let (status, body) = if accepted {
        (200, r#"{"arn":"arn:aws:states:us-east-1:123456789012:execution:sm:run"}"#.to_string())
    } else {
        (400, format!(r#"{{"__type":"{}","message":"{}"}}"#, behaviour.code, behaviour.message))
    };
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n",
        body.len()
    );
    if behaviour.date_header {
        let date = DateTime::from_secs(server_now).unwrap().format(TimestampFormat::HttpDate);
        out.push_str(&format!("Date: {date}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out
}

fn client(server: &SkewServer, sleep: &RecordingSleep, retry: RetryConfig) -> Handle {
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(test_credentials())
        .endpoint_url(server.url.clone())
        .time_source(StaticTimeSource(SystemTime::UNIX_EPOCH + Duration::from_secs(CLIENT_TIME)))
        .sleep(sleep.clone())
        .retry_config(retry)
        .timeout_config(TimeoutConfig::disabled())
        .build();
    Handle::new(config, &SERVICE)
}

fn seen(signed_at: i64, accepted: bool) -> Seen {
    Seen { signed_at, accepted }
}

const EXPIRED: &str = "Signature expired: 20260101T000000Z is now earlier than 20260101T005500Z (20260101T010000Z - 5 min.)";

#[tokio::test]
async fn a_skew_error_is_corrected_and_retried_and_later_calls_sign_at_the_service_time() {
    let cases = [
        (3600, "InvalidSignatureException", EXPIRED),
        (
            3600,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        ),
        (
            -3600,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ),
        (
            3600,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided.",
        ),
        (7200, "RequestExpired", "Request has expired."),
        (-7200, "RequestInTheFuture", "Request is not yet valid."),
    ];
    for (offset, code, message) in cases {
        let server = SkewServer::start(Skewed::new(offset, code, message)).await;
        let sleep = RecordingSleep::default();
        let handle = client(&server, &sleep, RetryConfig::standard());
        let out = handle.call::<StartThing>(ThingInput::named("run")).await;
        assert!(out.is_ok(), "{code}: {out:?}");
        assert_eq!(server.seen(), [seen(0, false), seen(offset, true)], "{code}");
        assert_eq!(sleep.delays().len(), 1, "{code}: one backoff before the retry");

        // The next call, through a clone of the client, signs at the corrected time at once.
        handle.clone().call::<StartThing>(ThingInput::named("again")).await.unwrap();
        assert_eq!(server.seen()[2..], [seen(offset, true)], "{code}");

        // Another client has not learned anything.
        let other = client(&server, &sleep, RetryConfig::standard());
        other.call::<StartThing>(ThingInput::named("other")).await.unwrap();
        assert_eq!(server.seen()[3..], [seen(0, false), seen(offset, true)], "{code}");
    }
}

#[tokio::test]
async fn with_retries_off_the_correction_applies_to_the_next_call() {
    let server = SkewServer::start(Skewed::new(3600, "InvalidSignatureException", EXPIRED)).await;
    let sleep = RecordingSleep::default();
    let handle = client(&server, &sleep, RetryConfig::disabled());
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    handle.call::<StartThing>(ThingInput::named("run")).await.unwrap();
    assert_eq!(server.seen(), [seen(0, false), seen(3600, true)]);
}

#[tokio::test]
async fn a_signature_error_with_clocks_that_agree_is_not_retried() {
    let mut behaviour = Skewed::new(
        60,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match.",
    );
    behaviour.always_reject = true;
    let server = SkewServer::start(behaviour).await;
    let sleep = RecordingSleep::default();
    let handle = client(&server, &sleep, RetryConfig::standard());
    let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert!(matches!(&err, SdkError::ServiceError(_)), "{err:?}");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(server.seen(), [seen(0, false)]);
    assert!(sleep.delays().is_empty());
    // Nor is it taken as a correction: the next call signs at the client's time.
    handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
    assert_eq!(server.seen()[1..], [seen(0, false)]);
}

#[tokio::test]
async fn a_skew_error_without_a_date_cannot_be_corrected_and_is_not_retried() {
    let mut behaviour = Skewed::new(3600, "RequestTimeTooSkewed", "too skewed");
    behaviour.date_header = false;
    let server = SkewServer::start(behaviour).await;
    let sleep = RecordingSleep::default();
    let handle = client(&server, &sleep, RetryConfig::standard());
    for _ in 0..2 {
        let err = handle.call::<StartThing>(ThingInput::named("run")).await.unwrap_err();
        assert_eq!(err.code(), Some("RequestTimeTooSkewed"));
    }
    assert_eq!(server.seen(), [seen(0, false), seen(0, false)]);
}
