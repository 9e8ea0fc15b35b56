//! The small HTTP client of the container and instance-metadata providers: short timeouts, a
//! few attempts, small bodies.

use std::time::Duration;

use bytes::Bytes;

use crate::http::{HttpConnector, HttpRequest, HttpResponse, HyperConnector};

/// The largest response body read (credentials documents are small).
const MAX_BODY: usize = 64 * 1024;

#[derive(Debug)]
pub(crate) struct Fetcher {
    connector: HyperConnector,
    timeout: Duration,
    attempts: u32,
}

/// Why no response came back.
#[derive(Debug)]
pub(crate) enum FetchError {
    /// Nothing answered at the address (refused, unreachable, timed out): the source is absent.
    Unreachable(String),
    /// Something else failed.
    Other(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Unreachable(m) | FetchError::Other(m) => f.write_str(m),
        }
    }
}

impl Fetcher {
    /// Each attempt (connecting included) may take `timeout`; I/O failures, timeouts and 5xx
    /// answers are tried again, up to `attempts` in all.
    pub(crate) fn new(timeout: Duration, attempts: u32) -> Self {
        Fetcher {
            connector: HyperConnector::new(Some(timeout)),
            timeout,
            attempts: attempts.max(1),
        }
    }

    /// Sends the request `make` builds, as many times as needed; the last answer, whatever its status.
    pub(crate) async fn send(
        &self,
        make: impl Fn() -> Result<HttpRequest, String>,
    ) -> Result<HttpResponse, FetchError> {
        let mut last = None;
        for attempt in 1..=self.attempts {
            let request = make().map_err(FetchError::Other)?;
            let target = request.uri().clone();
            match tokio::time::timeout(self.timeout, self.connector.call(request, MAX_BODY)).await {
                Ok(Ok(response))
                    if response.status().is_server_error() && attempt < self.attempts =>
                {
                    last = Some(Ok(response));
                }
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(e)) if e.is_io() || e.is_timeout() => {
                    last = Some(Err(FetchError::Unreachable(format!("{target}: {}", e))));
                }
                Ok(Err(e)) => return Err(FetchError::Other(format!("{target}: {}", e))),
                Err(_) => {
                    last = Some(Err(FetchError::Unreachable(format!(
                        "{target}: no answer within {:?}",
                        self.timeout
                    ))));
                }
            }
            if attempt < self.attempts {
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
        }
        last.unwrap_or_else(|| Err(FetchError::Other("no attempt made".into())))
    }
}

/// A request with no body.
pub(crate) fn request(
    method: http::Method,
    uri: &str,
    headers: &[(&str, &str)],
) -> Result<HttpRequest, String> {
    let mut b = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Bytes::new()).map_err(|e| format!("cannot build a request to `{uri}`: {e}"))
}

/// The start of a body, for error messages of answers that are not credentials.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut end = text.len().min(200);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}
