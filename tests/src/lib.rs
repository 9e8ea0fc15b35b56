//! End-to-end tests of the generated SFN client live in `tests/`; run them with `tests/moto.sh`.
//!
//! The repository README is included below so that its usage example is compiled as a doctest.
#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

use sfn_client::config::{Credentials, RetryConfig};
use sfn_client::test_util::ReplayConnector;
use sfn_client::{Client, Config};

/// A client answered by `connector` (the tests' replays): test credentials, `us-east-1`, and one
/// attempt per call — a recorded error answer is the answer, not a reason to ask again.
#[doc(hidden)]
pub fn replay_client(connector: &ReplayConnector) -> Client {
    Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "replay"))
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .http_connector(connector.clone())
            .build(),
    )
}

/// A loopback HTTP/1.1 server for the tests of this package: it records every request and
/// answers it with what a closure says. Nothing but 127.0.0.1 is ever bound.
#[doc(hidden)]
pub mod loopback {
    use std::future::Future;
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// One request the server received.
    #[derive(Debug, Clone)]
    pub struct Seen {
        pub method: String,
        pub path: String,
        /// Lower-case names, in the order received.
        pub headers: Vec<(String, String)>,
        pub body: String,
    }

    impl Seen {
        /// The first value of the header `name` (any case).
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }
    }

    /// An answer: status, headers, body.
    pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

    /// The server; dropping it stops it.
    pub struct Server {
        /// `http://127.0.0.1:<port>`.
        pub url: String,
        seen: Arc<Mutex<Vec<Seen>>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Server {
        /// Serves every request (keep-alive connections too) with `answer`; a request is
        /// recorded before it is answered.
        pub async fn start<F, Fut>(answer: F) -> Server
        where
            F: Fn(Seen) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = Answer> + Send,
        {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
            let url = format!("http://{}", listener.local_addr().expect("a bound address"));
            let seen = Arc::new(Mutex::new(Vec::new()));
            let answer = Arc::new(answer);
            let recorded = seen.clone();
            let task = tokio::spawn(async move {
                loop {
                    let Ok((mut stream, _)) = listener.accept().await else { return };
                    let (answer, recorded) = (answer.clone(), recorded.clone());
                    tokio::spawn(async move {
                        let mut buf = Vec::new();
                        let mut chunk = [0u8; 8192];
                        loop {
                            let head_end = loop {
                                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                    break i + 4;
                                }
                                match stream.read(&mut chunk).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                }
                            };
                            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                            let mut lines = head.split("\r\n");
                            let mut first = lines.next().unwrap_or("").split(' ');
                            let (method, path) = (
                                first.next().unwrap_or("").to_string(),
                                first.next().unwrap_or("").to_string(),
                            );
                            let headers: Vec<(String, String)> = lines
                                .filter_map(|l| l.split_once(':'))
                                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                                .collect();
                            let length = headers
                                .iter()
                                .find(|(k, _)| k == "content-length")
                                .and_then(|(_, v)| v.parse().ok())
                                .unwrap_or(0);
                            while buf.len() < head_end + length {
                                match stream.read(&mut chunk).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                }
                            }
                            let body = String::from_utf8_lossy(&buf[head_end..head_end + length])
                                .into_owned();
                            buf.drain(..head_end + length);
                            let request = Seen { method, path, headers, body };
                            recorded.lock().expect("not poisoned").push(request.clone());
                            let (status, headers, body) = answer(request).await;
                            let mut head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n",
                                body.len()
                            );
                            for (k, v) in headers {
                                head.push_str(&format!("{k}: {v}\r\n"));
                            }
                            head.push_str("\r\n");
                            if stream.write_all(head.as_bytes()).await.is_err()
                                || stream.write_all(&body).await.is_err()
                            {
                                return;
                            }
                        }
                    });
                }
            });
            Server { url, seen, task }
        }

        /// The requests received so far.
        pub fn seen(&self) -> Vec<Seen> {
            self.seen.lock().expect("not poisoned").clone()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.task.abort();
        }
    }
}

pub mod bench_bodies;
