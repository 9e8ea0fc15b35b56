//! Realistic response bodies for decoding measurements (`examples/decode_cpu.rs`, the side-by-side
//! benchmark): JSON text as the service writes it, built without any JSON library so that any
//! client can be measured on the same bytes.
//!
//! - [`execution_history`]: a `GetExecutionHistory` page of a Map workflow — the execution and
//!   Map state events around iterations of `MapIterationStarted`, `TaskStateEntered`,
//!   `TaskScheduled`, `TaskStarted`, `TaskSucceeded`, `TaskStateExited`,
//!   `MapIterationSucceeded`, each with its `*EventDetails`; timestamps in the service's
//!   `1.700000000123E9` form. About 280 bytes per event.
//! - [`execution_list`]: a `ListExecutions` page: items with ARNs, status, dates, redrive
//!   counts. About 360 bytes per item.

use std::fmt::Write as _;

const ACCOUNT: &str = "123456789012";

/// The service's timestamp form: seconds in scientific notation with the milliseconds
/// (`1.700000000123E9`).
fn timestamp(millis: u64) -> String {
    let digits = millis.to_string();
    let (first, rest) = digits.split_at(1);
    let rest = rest.trim_end_matches('0');
    if rest.is_empty() {
        format!("{first}E{}", digits.len() - 4)
    } else {
        format!("{first}.{rest}E{}", digits.len() - 4)
    }
}

/// One history event: `details` is the `"name": {...}` member of its `*EventDetails`, if any.
fn event(
    out: &mut String,
    id: usize,
    previous: usize,
    millis: u64,
    kind: &str,
    details: Option<String>,
) {
    if id > 1 {
        out.push(',');
    }
    let _ = write!(
        out,
        r#"{{"timestamp":{},"type":"{kind}","id":{id},"previousEventId":{previous}"#,
        timestamp(millis)
    );
    if let Some(d) = details {
        out.push(',');
        out.push_str(&d);
    }
    out.push('}');
}

/// A `GetExecutionHistoryOutput` body with `events` events (at least 1) of a Map workflow.
pub fn execution_history(events: usize) -> String {
    let mut out = String::with_capacity(events * 300 + 64);
    out.push_str(r#"{"events":["#);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/service-role/StepFunctions-MapDemo-role");
    let mut id = 0;
    let mut millis = 1_700_000_000_123u64;
    let mut push = |out: &mut String, kind: &str, details: Option<String>| {
        id += 1;
        millis += 17;
        event(out, id, id.saturating_sub(1), millis, kind, details);
        id
    };
    let head: [(&str, Option<String>); 3] = [
        (
            "ExecutionStarted",
            Some(format!(
                r#""executionStartedEventDetails":{{"input":"{{\"items\":[1,2,3]}}","inputDetails":{{"truncated":false}},"roleArn":"{role}"}}"#
            )),
        ),
        (
            "MapStateEntered",
            Some(r#""stateEnteredEventDetails":{"name":"ProcessItems","input":"{\"items\":[1,2,3]}","inputDetails":{"truncated":false}}"#.to_string()),
        ),
        ("MapStateStarted", Some(format!(r#""mapStateStartedEventDetails":{{"length":{}}}"#, events / 7))),
    ];
    let tail = ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"];
    let body = events.saturating_sub(head.len() + tail.len());
    let mut pushed = 0;
    for (kind, details) in head.into_iter().take(events) {
        pushed = push(&mut out, kind, details);
    }
    let mut iteration = 0;
    let mut made = 0;
    while made < body {
        let step = made % 7;
        let (kind, details) = match step {
            0 => (
                "MapIterationStarted",
                Some(format!(
                    r#""mapIterationStartedEventDetails":{{"name":"ProcessItems","index":{iteration}}}"#
                )),
            ),
            1 => (
                "TaskStateEntered",
                Some(format!(
                    r#""stateEnteredEventDetails":{{"name":"Transform","input":"{{\"item\":{iteration}}}","inputDetails":{{"truncated":false}}}}"#
                )),
            ),
            2 => (
                "TaskScheduled",
                Some(format!(
                    r#""taskScheduledEventDetails":{{"resourceType":"lambda","resource":"invoke","region":"us-east-1","parameters":"{{\"FunctionName\":\"arn:aws:lambda:us-east-1:{ACCOUNT}:function:transform\",\"Payload\":{{\"item\":{iteration}}}}}","timeoutInSeconds":60}}"#
                )),
            ),
            3 => (
                "TaskStarted",
                Some(
                    r#""taskStartedEventDetails":{"resourceType":"lambda","resource":"invoke"}"#
                        .to_string(),
                ),
            ),
            4 => (
                "TaskSucceeded",
                Some(format!(
                    r#""taskSucceededEventDetails":{{"resourceType":"lambda","resource":"invoke","output":"{{\"StatusCode\":200,\"Payload\":{{\"result\":{}}}}}","outputDetails":{{"truncated":false}}}}"#,
                    iteration * 2
                )),
            ),
            5 => (
                "TaskStateExited",
                Some(format!(
                    r#""stateExitedEventDetails":{{"name":"Transform","output":"{{\"result\":{}}}","outputDetails":{{"truncated":false}}}}"#,
                    iteration * 2
                )),
            ),
            _ => {
                iteration += 1;
                (
                    "MapIterationSucceeded",
                    Some(format!(
                        r#""mapIterationSucceededEventDetails":{{"name":"ProcessItems","index":{}}}"#,
                        iteration - 1
                    )),
                )
            }
        };
        pushed = push(&mut out, kind, details);
        made += 1;
    }
    let left = events.saturating_sub(pushed);
    for kind in tail.iter().take(left) {
        let details = match *kind {
            "MapStateExited" => Some(r#""stateExitedEventDetails":{"name":"ProcessItems","output":"[2,4,6]","outputDetails":{"truncated":false}}"#.to_string()),
            "ExecutionSucceeded" => Some(r#""executionSucceededEventDetails":{"output":"[2,4,6]","outputDetails":{"truncated":false}}"#.to_string()),
            _ => None,
        };
        push(&mut out, kind, details);
    }
    out.push_str("]}");
    out
}

/// A `ListExecutionsOutput` body with `items` executions and a next token.
pub fn execution_list(items: usize) -> String {
    let mut out = String::with_capacity(items * 380 + 128);
    out.push_str(r#"{"executions":["#);
    let machine = format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:OrderProcessing");
    for i in 0..items {
        if i > 0 {
            out.push(',');
        }
        let start = 1_700_000_000_123u64 + i as u64 * 60_017;
        let status = ["SUCCEEDED", "FAILED", "RUNNING", "SUCCEEDED", "TIMED_OUT", "ABORTED"][i % 6];
        let _ = write!(
            out,
            r#"{{"executionArn":"arn:aws:states:us-east-1:{ACCOUNT}:execution:OrderProcessing:order-{i:08}-5f1c9a2e-7b3d-4e8f-9a01-23456789abcd","stateMachineArn":"{machine}","name":"order-{i:08}-5f1c9a2e-7b3d-4e8f-9a01-23456789abcd","status":"{status}","startDate":{}"#,
            timestamp(start)
        );
        if status != "RUNNING" {
            let _ = write!(out, r#","stopDate":{}"#, timestamp(start + 4_321));
        }
        let _ = write!(
            out,
            r#","stateMachineVersionArn":"{machine}:{}","redriveCount":{}}}"#,
            1 + i % 3,
            i % 2
        );
    }
    out.push_str(
        r#"],"nextToken":"AAAAKgAAAAIAAAAAAAAAAeyJzdGF0ZU1hY2hpbmVBcm4iOiJhcm46YXdzOnN0YXRlcyJ9"}"#,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_with_every_event_and_item() {
        assert_eq!(timestamp(1_700_000_000_123), "1.700000000123E9");
        assert_eq!(timestamp(1_700_000_000_000), "1.7E9");
        for n in [1, 2, 6, 7, 13, 1000] {
            let out: sfn_client::operation::get_execution_history::GetExecutionHistoryOutput =
                awsjson_runtime::json::from_slice(execution_history(n).as_bytes()).unwrap();
            assert_eq!(out.events.len(), n);
            assert!(out.events.iter().enumerate().all(|(i, e)| e.id == i as i64 + 1));
        }
        let out: sfn_client::operation::get_execution_history::GetExecutionHistoryOutput =
            awsjson_runtime::json::from_slice(execution_history(1000).as_bytes()).unwrap();
        let e = &out.events[1];
        assert_eq!(e.timestamp.to_millis(), 1_700_000_000_157);
        assert!(
            out.events.iter().filter(|e| e.task_succeeded_event_details.is_some()).count() > 100
        );
        let out: sfn_client::operation::list_executions::ListExecutionsOutput =
            awsjson_runtime::json::from_slice(execution_list(1000).as_bytes()).unwrap();
        assert_eq!(out.executions.len(), 1000);
        assert_eq!(out.executions[0].start_date.to_millis(), 1_700_000_000_123);
        assert!(out.next_token.is_some());
    }
}
