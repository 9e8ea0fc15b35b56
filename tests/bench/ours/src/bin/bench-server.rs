//! A loopback HTTP/1.1 server answering every request with the same ListActivities page (ten
//! activities), so that a benchmark measures the clients, not the server. Keeps connections
//! alive; prints `listening on http://127.0.0.1:PORT`.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args().nth(1).map_or(0, |p| p.parse().expect("port"));
    let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    println!("listening on http://{}", listener.local_addr().unwrap());
    let response: &'static [u8] = Box::leak(canned_response().into_boxed_slice());
    loop {
        let Ok((mut socket, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let _ = socket.set_nodelay(true);
            let mut buf = Vec::with_capacity(8192);
            loop {
                // Read one request: the head, then Content-Length bytes of body.
                let head_end = loop {
                    if let Some(i) = find(&buf, b"\r\n\r\n") {
                        break i + 4;
                    }
                    let mut chunk = [0u8; 8192];
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let length = content_length(&buf[..head_end]);
                while buf.len() < head_end + length {
                    let mut chunk = [0u8; 8192];
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                buf.drain(..head_end + length);
                if socket.write_all(response).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let head = String::from_utf8_lossy(head);
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
}

fn canned_response() -> Vec<u8> {
    let items: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"{{"activityArn":"arn:aws:states:us-east-1:123456789012:activity:bench-{i}","name":"bench-{i}","creationDate":1767225600.{i}}}"#
            )
        })
        .collect();
    let body = format!(r#"{{"activities":[{}],"nextToken":"next-page-token"}}"#, items.join(","));
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: 3f2a0c1e-0000-4000-8000-000000000000\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
