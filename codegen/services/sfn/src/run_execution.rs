//! Start an execution and wait for its result: `send_and_wait` on the `StartExecution` builder.
//!
//! ```no_run
//! # async fn example(client: sfn_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use sfn_client::run_execution::RunExecutionError;
//!
//! let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
//! match client.start_execution().state_machine_arn(arn).input(r#"{"order":42}"#)
//!     .send_and_wait(Duration::from_secs(600)).await
//! {
//!     Ok(done) => println!("output: {}", done.output().unwrap_or("null")),
//!     Err(RunExecutionError::Failed(f)) => {
//!         println!("{:?}: {:?} ({:?})", f.status(), f.error(), f.cause())
//!     }
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! It starts the execution (`StartExecution`), then waits with the `ExecutionComplete` waiter
//! (`DescribeExecution` until the execution stops; see [`crate::waiters`]). Only standard
//! workflows can be described this way; an express workflow's execution is not kept by the
//! service (use `StartSyncExecution` for those).

use std::fmt;
use std::time::Duration;

use crate::error::SdkError;
use crate::operation::describe_execution::{DescribeExecutionError, DescribeExecutionOutput};
use crate::operation::start_execution::{StartExecutionError, StartExecutionFluentBuilder};
use crate::types::ExecutionStatus;
use crate::waiters::WaiterError;

impl StartExecutionFluentBuilder {
    /// Starts the execution, then waits until it stops (at most `max_wait`, counted from the
    /// start): its output when it succeeded, else a [`RunExecutionError`] — the execution
    /// failed, timed out or was aborted (with its `error` and `cause`), the wait ran out of
    /// time, or a call failed.
    pub async fn send_and_wait(
        self,
        max_wait: Duration,
    ) -> Result<CompletedExecution, RunExecutionError> {
        let client = crate::Client { handle: self.handle.clone() };
        let started = self.send().await.map_err(RunExecutionError::Start)?;
        let arn = started.execution_arn().to_string();
        let outcome =
            client.wait_until_execution_complete().execution_arn(&arn).wait(max_wait).await;
        match outcome {
            Ok(poll) => match poll.into_result() {
                Ok(description) => Ok(CompletedExecution { description }),
                Err(e) => Err(RunExecutionError::Describe(e)),
            },
            Err(WaiterError::FailureState(poll)) => match poll.into_result() {
                Ok(description) => Err(RunExecutionError::Failed(ExecutionFailed {
                    description: Box::new(description),
                })),
                Err(e) => Err(RunExecutionError::Describe(e)),
            },
            Err(WaiterError::TimedOut(t)) => {
                Err(RunExecutionError::StillRunning { execution_arn: arn, max_wait: t.max_wait() })
            }
            Err(WaiterError::OperationFailed(e)) => Err(RunExecutionError::Describe(e)),
            Err(other) => Err(RunExecutionError::Waiter(other.to_string())),
        }
    }
}

/// An execution that succeeded.
#[derive(Debug, Clone)]
pub struct CompletedExecution {
    description: DescribeExecutionOutput,
}

impl CompletedExecution {
    /// The execution's output (JSON text), if the service returned it.
    pub fn output(&self) -> Option<&str> {
        self.description.output()
    }

    pub fn execution_arn(&self) -> &str {
        self.description.execution_arn()
    }

    /// Everything `DescribeExecution` said about the execution.
    pub fn description(&self) -> &DescribeExecutionOutput {
        &self.description
    }

    pub fn into_description(self) -> DescribeExecutionOutput {
        self.description
    }
}

/// An execution that stopped without succeeding: `FAILED`, `TIMED_OUT` or `ABORTED`.
#[derive(Debug, Clone)]
pub struct ExecutionFailed {
    description: Box<DescribeExecutionOutput>,
}

impl ExecutionFailed {
    pub fn status(&self) -> &ExecutionStatus {
        self.description.status()
    }

    /// The error code of the failure (`States.TaskFailed`, a state's own error name, ...).
    pub fn error(&self) -> Option<&str> {
        self.description.error()
    }

    /// The cause of the failure, as the service described it.
    pub fn cause(&self) -> Option<&str> {
        self.description.cause()
    }

    pub fn execution_arn(&self) -> &str {
        self.description.execution_arn()
    }

    /// Everything `DescribeExecution` said about the execution.
    pub fn description(&self) -> &DescribeExecutionOutput {
        &self.description
    }
}

/// Why [`StartExecutionFluentBuilder::send_and_wait`] did not return an output.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunExecutionError {
    /// `StartExecution` failed: nothing was started.
    Start(SdkError<StartExecutionError>),
    /// The execution stopped without succeeding.
    Failed(ExecutionFailed),
    /// `max_wait` passed while the execution was still running (it keeps running).
    StillRunning { execution_arn: String, max_wait: Duration },
    /// `DescribeExecution` failed while waiting.
    Describe(SdkError<DescribeExecutionError>),
    /// Another waiter error (the waiter error type may gain variants).
    Waiter(String),
}

impl fmt::Display for RunExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunExecutionError::Start(e) => write!(f, "cannot start the execution: {e}"),
            RunExecutionError::Failed(x) => write!(
                f,
                "execution {} ended {}: {}: {}",
                x.execution_arn(),
                x.status().as_str(),
                x.error().unwrap_or("no error code"),
                x.cause().unwrap_or("no cause given")
            ),
            RunExecutionError::StillRunning { execution_arn, max_wait } => {
                write!(f, "execution {execution_arn} still running after {max_wait:?}")
            }
            RunExecutionError::Describe(e) => write!(f, "cannot describe the execution: {e}"),
            RunExecutionError::Waiter(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RunExecutionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunExecutionError::Start(e) => Some(e),
            RunExecutionError::Describe(e) => Some(e),
            _ => None,
        }
    }
}
