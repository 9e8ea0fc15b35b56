//! `sfn-run`, ported from aws-sdk-sfn to sfn-client: the kind of small operations tool a team
//! writes on top of the SDK. The original is `tests/port/aws-sdk-sfn/src/main.rs`;
//! `tests/port/check.sh` builds both and shows the difference, and README.md ("Porting from
//! aws-sdk-sfn") says why each changed line changed.
//!
//! - `sfn-run start <state-machine-arn> <name> <input-json>`: starts an execution (an existing one
//!   of the same name is reused), waits for it to finish and prints its output, or the error and
//!   cause of the state that failed, read from the execution history.
//! - `sfn-run recent <state-machine-arn>`: the executions of the last 24 hours that failed.
//!
//! Configuration comes from the environment (region, credentials, `AWS_ENDPOINT_URL_SFN`), with
//! more retries than the default and an attempt timeout above GetActivityTask's long poll.

use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use sfn_client::config::retry::RetryConfig;
use sfn_client::config::timeout::TimeoutConfig;
use sfn_client::error::{BoxError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use sfn_client::operation::describe_execution::DescribeExecutionOutput;
use sfn_client::operation::start_execution::StartExecutionError;
use sfn_client::operation::RequestId;
use sfn_client::primitives::DateTime;
use sfn_client::types::{ExecutionStatus, HistoryEventType};
use sfn_client::Client;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sdk_config = aws_config::defaults(BehaviorVersion::latest())
        .app_name(aws_config::AppName::new("sfn-run").expect("valid app name"))
        .load()
        .await;
    let config = sfn_client::config::Builder::from(&sdk_config)
        .retry_config(RetryConfig::standard().with_max_attempts(5))
        .timeout_config(
            TimeoutConfig::builder().operation_attempt_timeout(Duration::from_secs(70)).build(),
        )
        .build();
    let client = Client::from_conf(config);

    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["start", arn, name, input] => start_and_wait(&client, arn, name, input).await,
        ["recent", arn] => recent_failures(&client, arn).await,
        _ => Err("usage: sfn-run start ARN NAME INPUT | sfn-run recent ARN".into()),
    };
    if let Err(e) = result {
        eprintln!("sfn-run: {}", DisplayErrorContext(&*e));
        std::process::exit(1);
    }
}

async fn start_and_wait(
    client: &Client,
    arn: &str,
    name: &str,
    input: &str,
) -> Result<(), BoxError> {
    let execution_arn = match client
        .start_execution()
        .state_machine_arn(arn)
        .name(name)
        .input(input)
        .send()
        .await
    {
        Ok(started) => {
            println!(
                "started {} (request {})",
                started.execution_arn(),
                started.request_id().unwrap_or("-")
            );
            started.execution_arn().to_string()
        }
        Err(SdkError::ServiceError(e))
            if matches!(e.err(), StartExecutionError::ExecutionAlreadyExists(_)) =>
        {
            // Same name, different input: reuse the running one, as our runbooks say.
            let existing = format!("{}:{}", arn.replacen(":stateMachine:", ":execution:", 1), name);
            println!("already started: {existing}");
            existing
        }
        Err(e) => return Err(e.into()),
    };

    let finished = wait_for(client, &execution_arn).await?;
    match finished.status() {
        ExecutionStatus::Succeeded => {
            let took =
                finished.stop_date().map(|s| s.to_millis() - finished.start_date().to_millis());
            println!(
                "succeeded in {} ms: {}",
                took.unwrap_or(0),
                finished.output().unwrap_or("null")
            );
            Ok(())
        }
        status => {
            let (error, cause) = failure_of(client, &execution_arn).await?;
            Err(format!("{status}: {error}: {cause}").into())
        }
    }
}

/// Polls DescribeExecution until the execution leaves RUNNING; each poll has a short deadline of
/// its own and a single retry, so a slow answer does not hold the loop.
async fn wait_for(
    client: &Client,
    execution_arn: &str,
) -> Result<DescribeExecutionOutput, BoxError> {
    let mut delay = Duration::from_millis(500);
    loop {
        let out = client
            .describe_execution()
            .execution_arn(execution_arn)
            .customize()
            .config_override(
                sfn_client::config::Builder::default()
                    .retry_config(RetryConfig::standard().with_max_attempts(2))
                    .timeout_config(
                        TimeoutConfig::builder().operation_timeout(Duration::from_secs(10)).build(),
                    ),
            )
            .mutate_request(|req| {
                req.headers_mut()
                    .insert("x-sfn-run-poll", "1".parse().expect("a valid header value"));
            })
            .send()
            .await;
        match out {
            Ok(out) if out.status() != &ExecutionStatus::Running => return Ok(out),
            Ok(_) => {}
            Err(e) if e.code() == Some("ThrottlingException") => {}
            Err(e) => return Err(e.into()),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// The error and cause of the failed execution, from the last failure event of its history.
async fn failure_of(client: &Client, execution_arn: &str) -> Result<(String, String), BoxError> {
    let events: Vec<_> = client
        .get_execution_history()
        .execution_arn(execution_arn)
        .reverse_order(true)
        .into_paginator()
        .page_size(100)
        .items()
        .send()
        .try_collect()
        .await?;
    for event in events {
        if event.r#type() == &HistoryEventType::ExecutionFailed {
            if let Some(d) = event.execution_failed_event_details() {
                return Ok((
                    d.error().unwrap_or("-").to_string(),
                    d.cause().unwrap_or("-").to_string(),
                ));
            }
        }
        if let Some(d) = event.task_failed_event_details() {
            return Ok((
                d.error().unwrap_or("-").to_string(),
                d.cause().unwrap_or("-").to_string(),
            ));
        }
    }
    Ok(("unknown".into(), "the history has no failure event".into()))
}

async fn recent_failures(client: &Client, arn: &str) -> Result<(), BoxError> {
    let since = DateTime::from(SystemTime::now() - Duration::from_secs(24 * 3600));
    let mut pages = client
        .list_executions()
        .state_machine_arn(arn)
        .status_filter(ExecutionStatus::from("FAILED"))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                if let Some(raw) = e.raw_response() {
                    eprintln!("HTTP {} from ListExecutions", raw.status());
                }
                return Err(e.into());
            }
        };
        for e in page.executions() {
            if e.start_date().secs() >= since.secs() {
                println!("{}\t{}\t{}", e.name(), e.start_date(), e.status().as_str());
            }
        }
    }
    Ok(())
}
