//! The canned loopback HTTP/1.1 server both clients are measured against: it answers
//! StartExecution, DescribeExecution, GetExecutionHistory and ListExecutions (by `X-Amz-Target`)
//! with the bodies of `sfn_bench_harness` (the list operations with as many elements as the
//! request's `maxResults`), so a benchmark measures the clients, not the server. Responses are
//! built once per (operation, size) and kept; connections are kept alive, one thread each.
//! Prints `listening on http://127.0.0.1:PORT`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

type Cache = Arc<Mutex<HashMap<(String, usize), Arc<Vec<u8>>>>>;

fn main() {
    let port: u16 = std::env::args().nth(1).map_or(0, |p| p.parse().expect("port"));
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    println!("listening on http://{}", listener.local_addr().unwrap());
    let cache: Cache = Arc::default();
    for socket in listener.incoming() {
        let Ok(socket) = socket else { continue };
        let cache = cache.clone();
        std::thread::spawn(move || serve(socket, &cache));
    }
}

fn serve(mut socket: TcpStream, cache: &Cache) {
    let _ = socket.set_nodelay(true);
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        // One request: the head, then Content-Length bytes of body.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let length: usize =
            header(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while buf.len() < head_end + length {
            match socket.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let target = header(&head, "x-amz-target").unwrap_or_default().to_string();
        let max_results = max_results(&buf[head_end..head_end + length]);
        buf.drain(..head_end + length);
        let response = cache
            .lock()
            .unwrap()
            .entry((target.clone(), max_results))
            .or_insert_with(|| Arc::new(response(&target, max_results)))
            .clone();
        if socket.write_all(&response).is_err() {
            return;
        }
    }
}

fn response(target: &str, max_results: usize) -> Vec<u8> {
    let (status, body) = sfn_bench_harness::answer(target, max_results);
    let reason = if status == 200 { "OK" } else { "Bad Request" };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: 3f2a0c1e-7b5d-4e8f-9a1c-2d3e4f5a6b7c\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The request's `"maxResults":N`, 1 when absent (both clients write JSON without spaces).
fn max_results(body: &[u8]) -> usize {
    let body = String::from_utf8_lossy(body);
    body.split_once(r#""maxResults":"#)
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_results_is_read_from_the_request() {
        assert_eq!(max_results(br#"{"executionArn":"arn:x","maxResults":1000}"#), 1000);
        assert_eq!(max_results(br#"{"maxResults":7,"stateMachineArn":"arn:x"}"#), 7);
        assert_eq!(max_results(br#"{"executionArn":"arn:x"}"#), 1);
    }

    #[test]
    fn headers_are_found_case_insensitively() {
        let head = "POST / HTTP/1.1\r\nX-Amz-Target: AWSStepFunctions.ListExecutions\r\ncontent-length: 12\r\n\r\n";
        assert_eq!(header(head, "x-amz-target"), Some("AWSStepFunctions.ListExecutions"));
        assert_eq!(header(head, "Content-Length"), Some("12"));
        assert_eq!(header(head, "host"), None);
    }
}
