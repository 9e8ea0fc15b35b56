//! The response bodies of the canned benchmark server, written once: `bench-server` serves them
//! to both clients (ours and aws-sdk-sfn), so both decode byte-identical responses.
//!
//! The bodies look like what Step Functions answers: a Map workflow's history (execution start,
//! a Map state and its map run, iterations that call Lambda through the optimized `lambda:invoke`
//! integration and through the legacy `LambdaFunction*` events, with their `*EventDetails` filled
//! with JSON strings that need escapes, ARNs and ids), executions of a map run, and timestamps in
//! the service's `1.700000000123E9` form (epoch seconds as a Java double with an exponent).

use std::fmt::Write as _;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const MACHINE: &str = "order-fulfilment";
const EXECUTION: &str = "8a3c5e7f-1b2d-4c6e-9f0a-2b4d6f8a0c1e";

/// The first timestamp of every body, in milliseconds since the epoch.
const EPOCH_MS: u64 = 1_700_000_000_123;

/// A timestamp the way the service writes it: `1.700000000123E9` (trailing zeros of the
/// fraction dropped, as Java's `Double.toString` does).
pub fn service_timestamp(ms: u64) -> String {
    let digits = ms.to_string();
    let (first, rest) = digits.split_at(1);
    let rest = rest.trim_end_matches('0');
    let rest = if rest.is_empty() { "0" } else { rest };
    format!("{first}.{rest}E{}", digits.len() - 4)
}

fn state_machine_arn() -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{MACHINE}")
}

fn execution_arn() -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE}:{EXECUTION}")
}

fn map_run_arn() -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:mapRun:{MACHINE}/ProcessOrders:0f1e2d3c-4b5a-6978")
}

fn lambda_arn() -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:reserve-stock:live")
}

/// `text` as the contents of a JSON string (quotes, backslashes and control characters escaped).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out
}

/// The JSON document an iteration works on, as the string a `*EventDetails` member carries.
fn order_json(i: usize) -> String {
    escape(&format!(
        r#"{{"orderId":"ord-{i:06}","customer":{{"id":"c-{c:05}","name":"Zoë O\"Brien","note":"leave at door\nring twice"}},"items":[{{"sku":"SKU-{i:04}-A","qty":2,"price":19.99}},{{"sku":"SKU-{i:04}-B","qty":1,"price":5.5}}],"priority":{p}}}"#,
        c = i * 7 % 100_000,
        p = i.is_multiple_of(3)
    ))
}

fn result_json(i: usize) -> String {
    escape(&format!(
        r#"{{"ExecutedVersion":"7","Payload":{{"orderId":"ord-{i:06}","reserved":true,"warehouse":"eu-west\\dock-{w}"}},"StatusCode":200}}"#,
        w = i % 9
    ))
}

/// One history event: `kind` is its type, `details` the `"…EventDetails":{…}` member or empty.
fn event(out: &mut String, id: usize, previous: usize, kind: &str, details: &str) {
    if id > 1 {
        out.push(',');
    }
    let ts = service_timestamp(EPOCH_MS + id as u64 * 37);
    write!(out, r#"{{"id":{id},"previousEventId":{previous},"timestamp":{ts},"type":"{kind}""#)
        .unwrap();
    if !details.is_empty() {
        out.push(',');
        out.push_str(details);
    }
    out.push('}');
}

/// The body of a GetExecutionHistory answer with exactly `n` events (n ≥ 1), a Map workflow's
/// history cut after `n` events, and a `nextToken`.
pub fn execution_history(n: usize) -> String {
    let mut out = String::with_capacity(n * 320 + 256);
    out.push_str(r#"{"events":["#);
    let mut id = 0;
    let mut push = |out: &mut String, previous_back: usize, kind: &str, details: String| -> bool {
        if id == n {
            return false;
        }
        id += 1;
        let previous = id.saturating_sub(previous_back);
        event(out, id, previous, kind, &details);
        true
    };
    let input = order_json(0);
    let role =
        format!("arn:aws:iam::{ACCOUNT}:role/service-role/StepFunctions-{MACHINE}-role-0a1b2c3d");
    let _ = push(
        &mut out,
        1,
        "ExecutionStarted",
        format!(
            r#""executionStartedEventDetails":{{"input":"{input}","inputDetails":{{"truncated":false}},"roleArn":"{role}","stateMachineVersionArn":"{}:7"}}"#,
            state_machine_arn()
        ),
    );
    let _ = push(
        &mut out,
        1,
        "MapStateEntered",
        format!(
            r#""stateEnteredEventDetails":{{"name":"ProcessOrders","input":"{input}","inputDetails":{{"truncated":false}}}}"#
        ),
    );
    let _ = push(
        &mut out,
        1,
        "MapStateStarted",
        r#""mapStateStartedEventDetails":{"length":1000}"#.to_string(),
    );
    let _ = push(
        &mut out,
        1,
        "MapRunStarted",
        format!(r#""mapRunStartedEventDetails":{{"mapRunArn":"{}"}}"#, map_run_arn()),
    );
    let lambda = lambda_arn();
    let mut i = 0;
    loop {
        let item = order_json(i + 1);
        let result = result_json(i + 1);
        let iteration = format!(r#"{{"name":"ProcessOrders","index":{i}}}"#);
        let more = push(
            &mut out,
            1,
            "MapIterationStarted",
            format!(r#""mapIterationStartedEventDetails":{iteration}"#),
        ) && push(
            &mut out,
            1,
            "TaskStateEntered",
            format!(
                r#""stateEnteredEventDetails":{{"name":"ReserveStock","input":"{item}","inputDetails":{{"truncated":false}}}}"#
            ),
        ) && if i.is_multiple_of(2) {
            // The optimized integration: arn:aws:states:::lambda:invoke.
            let parameters = escape(&format!(
                r#"{{"FunctionName":"{lambda}","Payload":{{"orderId":"ord-{:06}"}}}}"#,
                i + 1
            ));
            push(
                &mut out,
                1,
                "TaskScheduled",
                format!(
                    r#""taskScheduledEventDetails":{{"resourceType":"lambda","resource":"invoke","region":"{REGION}","parameters":"{parameters}","timeoutInSeconds":60,"heartbeatInSeconds":20}}"#
                ),
            ) && push(
                &mut out,
                1,
                "TaskStarted",
                r#""taskStartedEventDetails":{"resourceType":"lambda","resource":"invoke"}"#.into(),
            ) && push(
                &mut out,
                1,
                "TaskSucceeded",
                format!(
                    r#""taskSucceededEventDetails":{{"resourceType":"lambda","resource":"invoke","output":"{result}","outputDetails":{{"truncated":false}}}}"#
                ),
            )
        } else {
            // The legacy Lambda state: "Resource": the function ARN.
            push(
                &mut out,
                1,
                "LambdaFunctionScheduled",
                format!(
                    r#""lambdaFunctionScheduledEventDetails":{{"resource":"{lambda}","input":"{item}","inputDetails":{{"truncated":false}},"timeoutInSeconds":60}}"#
                ),
            ) && push(&mut out, 1, "LambdaFunctionStarted", String::new())
                && push(
                    &mut out,
                    1,
                    "LambdaFunctionSucceeded",
                    format!(
                        r#""lambdaFunctionSucceededEventDetails":{{"output":"{result}","outputDetails":{{"truncated":false}}}}"#
                    ),
                )
        } && push(
            &mut out,
            1,
            "TaskStateExited",
            format!(
                r#""stateExitedEventDetails":{{"name":"ReserveStock","output":"{result}","outputDetails":{{"truncated":false}},"assignedVariables":{{"reserved":"true","warehouse":"\"dock-{}\""}},"assignedVariablesDetails":{{"truncated":false}}}}"#,
                (i + 1) % 9
            ),
        ) && push(
            &mut out,
            1,
            "MapIterationSucceeded",
            format!(r#""mapIterationSucceededEventDetails":{iteration}"#),
        );
        if !more {
            break;
        }
        i += 1;
    }
    write!(out, r#"],"nextToken":"{}"}}"#, next_token()).unwrap();
    out
}

fn next_token() -> &'static str {
    "AAAAKgAAAAIAAAAAAAAAAQdsA9fQmZy2Vn0m4O1pG8uYk7wVhJbXcRt3LqEaN5sDzI2oPfC6gHyWxUjMlKv0TbQeSiFnRoA4"
}

/// The body of a ListExecutions answer with exactly `n` executions of a map run, and a
/// `nextToken`.
pub fn list_executions(n: usize) -> String {
    let mut out = String::with_capacity(n * 400 + 256);
    out.push_str(r#"{"executions":["#);
    let machine = state_machine_arn();
    let map_run = map_run_arn();
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let start = EPOCH_MS + i as u64 * 1_013;
        let status = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "RUNNING"][i % 5];
        write!(
            out,
            r#"{{"executionArn":"arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE}/ProcessOrders:{i:08x}-2c4e-4f60-8a1b","stateMachineArn":"{machine}/ProcessOrders","name":"{i:08x}-2c4e-4f60-8a1b","status":"{status}","startDate":{}"#,
            service_timestamp(start)
        )
        .unwrap();
        if status != "RUNNING" {
            write!(
                out,
                r#","stopDate":{}"#,
                service_timestamp(start + 2_480 + (i as u64 % 7) * 111)
            )
            .unwrap();
        }
        write!(
            out,
            r#","mapRunArn":"{map_run}","itemCount":{},"redriveCount":{}}}"#,
            1 + i % 40,
            usize::from(i.is_multiple_of(11))
        )
        .unwrap();
    }
    write!(out, r#"],"nextToken":"{}"}}"#, next_token()).unwrap();
    out
}

/// The body of a StartExecution answer.
pub fn start_execution() -> String {
    format!(
        r#"{{"executionArn":"{}","startDate":{}}}"#,
        execution_arn(),
        service_timestamp(EPOCH_MS)
    )
}

/// The body of a DescribeExecution answer: a finished standard execution with its input and
/// output.
pub fn describe_execution() -> String {
    format!(
        r#"{{"executionArn":"{}","stateMachineArn":"{}","name":"{EXECUTION}","status":"SUCCEEDED","startDate":{},"stopDate":{},"input":"{}","inputDetails":{{"included":true}},"output":"{}","outputDetails":{{"included":true}},"redriveCount":0,"redriveStatus":"NOT_REDRIVABLE","redriveStatusReason":"Execution is SUCCEEDED and cannot be redriven","stateMachineVersionArn":"{}:7"}}"#,
        execution_arn(),
        state_machine_arn(),
        service_timestamp(EPOCH_MS),
        service_timestamp(EPOCH_MS + 4_321),
        order_json(1),
        result_json(1),
        state_machine_arn()
    )
}

/// The answer to the operation `target` names (`AWSStepFunctions.<Operation>`), `max_results`
/// elements for the list operations: `(status, body)`.
pub fn answer(target: &str, max_results: usize) -> (u16, String) {
    match target.strip_prefix("AWSStepFunctions.") {
        Some("StartExecution") => (200, start_execution()),
        Some("DescribeExecution") => (200, describe_execution()),
        Some("GetExecutionHistory") => (200, execution_history(max_results.max(1))),
        Some("ListExecutions") => (200, list_executions(max_results.max(1))),
        _ => (
            400,
            format!(
                r#"{{"__type":"com.amazon.coral.service#UnknownOperationException","message":"bench-server does not answer {}"}}"#,
                escape(target)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_in_the_service_form() {
        assert_eq!(service_timestamp(1_700_000_000_123), "1.700000000123E9");
        assert_eq!(service_timestamp(1_700_000_000_100), "1.7000000001E9");
        assert_eq!(service_timestamp(1_700_000_000_000), "1.7E9");
    }

    /// Counts the top-level elements of the array member `key` (a crude scan that is right for
    /// these bodies: ids only appear at the event level as `{"id":`).
    fn count(body: &str, needle: &str) -> usize {
        body.matches(needle).count()
    }

    #[test]
    fn bodies_have_the_asked_element_count() {
        for n in [1, 2, 7, 999, 1000] {
            assert_eq!(count(&execution_history(n), r#"{"id":"#), n, "history of {n}");
            assert_eq!(count(&list_executions(n), r#"{"executionArn":"#), n, "list of {n}");
        }
        let history = execution_history(1000);
        assert!(history.ends_with(r#""}"#));
        assert!(history.contains(r#""id":1000,"previousEventId":999"#));
        for kind in [
            "MapRunStarted",
            "TaskSucceeded",
            "LambdaFunctionSucceeded",
            "MapIterationSucceeded",
            "TaskStateExited",
        ] {
            assert!(history.contains(&format!(r#""type":"{kind}""#)), "{kind}");
        }
    }
}
