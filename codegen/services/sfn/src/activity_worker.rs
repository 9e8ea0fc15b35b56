//! An activity worker: polls `GetActivityTask` for the tasks of one activity, runs your async
//! handler on each task's input, sends `SendTaskHeartbeat` while it runs, and reports the result
//! with `SendTaskSuccess` or `SendTaskFailure`.
//!
//! - **Polling.** `GetActivityTask` is a long poll: the service holds it for up to 60 seconds
//!   and answers with an empty task token when no task came. The worker's polls have their own
//!   attempt timeout, 70 s by default ([`ActivityWorkerBuilder::poll_timeout`]), whatever the
//!   client's timeouts are. A poll starts only when a slot is free: at most
//!   [`ActivityWorkerBuilder::concurrency`] tasks run at once.
//! - **Errors while polling.** Throttling, `ActivityWorkerLimitExceeded`, timeouts, connection and
//!   server errors (once the client's own retries are spent) are reported as
//!   [`WorkerEvent::PollFailed`], and polling resumes after a backoff that doubles up to a
//!   maximum, with jitter ([`ActivityWorkerBuilder::poll_backoff`]). Errors that retrying cannot
//!   fix (the activity does not exist, its ARN is invalid, the request cannot be built) stop the
//!   worker: it stops polling, the tasks in flight end as at shutdown (below), and
//!   [`ActivityWorker::run`] returns [`WorkerError`].
//! - **Heartbeats.** With [`ActivityWorkerBuilder::heartbeat_interval`], `SendTaskHeartbeat` is
//!   sent at that interval while the handler runs. When the service answers that the task timed
//!   out or no longer exists (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`), the handler is
//!   cancelled (at its next `.await`) and nothing more is sent: [`TaskOutcome::Abandoned`]. Other
//!   heartbeat errors are reported ([`WorkerEvent::HeartbeatFailed`]) and the task goes on.
//! - **Results.** An output is sent with `SendTaskSuccess`. A [`TaskError`] is sent with
//!   `SendTaskFailure`, its error and cause truncated to the service's limits
//!   ([`MAX_ERROR_CHARS`], [`MAX_CAUSE_CHARS`]). A handler that panics is reported too, as the
//!   error [`PANIC_ERROR`] with the panic message as the cause. When a report itself fails (after
//!   the client's retries), [`TaskReport::report_error`] says so: the service will time the task
//!   out.
//! - **Shutdown.** When the `shutdown` future given to [`ActivityWorker::run`] completes, the
//!   worker stops polling (a poll in progress is dropped) and waits for the tasks in flight, at
//!   most [`ActivityWorkerBuilder::shutdown_timeout`]; the handlers still running then are
//!   cancelled and their tasks reported as failed with [`SHUTDOWN_ERROR`]. `run` returns when
//!   every task is reported.
//!
//! Every finished task is given to the [`ActivityWorkerBuilder::on_event`] callback
//! ([`WorkerEvent::TaskFinished`]) and counted in the [`WorkerSummary`] `run` returns. Task
//! inputs, outputs, errors and causes are `@sensitive` in the service's model: no `Debug` of
//! this module prints them.
//!
//! Handlers run as tokio tasks (so a panic is caught and reported): they must be `Send` and
//! `'static`, and `run` must be called within a tokio runtime.
//!
//! ```no_run
//! use std::time::Duration;
//! use sfn_client::activity_worker::{ActivityTask, ActivityWorker, TaskError};
//!
//! # async fn example(client: sfn_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let arn = "arn:aws:states:us-east-1:123456789012:activity:double";
//! let worker = ActivityWorker::builder(&client, arn)
//!     .worker_name("doubler-1")
//!     .concurrency(4)
//!     .heartbeat_interval(Duration::from_secs(20))
//!     .build();
//! // `stop.send(())` (from a signal handler, say) shuts the worker down.
//! # drop(stop);
//! let summary = worker
//!     .run(
//!         |task: ActivityTask| async move {
//!             let n: i64 = task.input().trim().parse()?; // a parse error fails the task
//!             Ok::<_, TaskError>((2 * n).to_string())
//!         },
//!         async move {
//!             let _ = stopped.await;
//!         },
//!     )
//!     .await?;
//! println!("{} tasks succeeded", summary.succeeded);
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{watch, Semaphore};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::config::{ConfigOverride, FastRandom, RandomSource};
use crate::error::{DisplayErrorContext, SdkError};
use crate::operation::get_activity_task::{GetActivityTaskError, GetActivityTaskOutput};
use crate::operation::send_task_failure::SendTaskFailureError;
use crate::operation::send_task_heartbeat::SendTaskHeartbeatError;
use crate::operation::send_task_success::SendTaskSuccessError;
use crate::Client;

/// The longest `error` `SendTaskFailure` accepts, in characters; longer ones are truncated.
pub const MAX_ERROR_CHARS: usize = 256;
/// The longest `cause` `SendTaskFailure` accepts, in characters; longer ones are truncated.
pub const MAX_CAUSE_CHARS: usize = 32_768;
/// The error reported for a task whose handler panicked (the cause is the panic message).
pub const PANIC_ERROR: &str = "ActivityWorker.HandlerPanicked";
/// The error reported for a task whose handler was still running at the shutdown deadline.
pub const SHUTDOWN_ERROR: &str = "ActivityWorker.ShutDown";

/// One task given to the handler: its token and its input (a JSON text).
pub struct ActivityTask {
    task_token: String,
    input: String,
}

impl ActivityTask {
    /// The token the worker reports the task with.
    pub fn task_token(&self) -> &str {
        &self.task_token
    }

    /// The task's input, a JSON text (empty if the service sent none).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The input, by value.
    pub fn into_input(self) -> String {
        self.input
    }
}

impl std::fmt::Debug for ActivityTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityTask")
            .field("task_token", &self.task_token)
            .field("input", &"*** Sensitive Data Redacted ***")
            .finish()
    }
}

/// What a handler fails with: the `error` and `cause` reported with `SendTaskFailure` (a state
/// machine's `Catch` and `Retry` match the error).
///
/// Any [`std::error::Error`] converts into one (so `?` works in a handler): the error is the
/// error type's name (`ParseIntError`), the cause its message and the messages of its sources.
pub struct TaskError {
    error: String,
    cause: String,
}

impl TaskError {
    /// A failure with this error name and cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        TaskError { error: error.into(), cause: cause.into() }
    }

    /// The error name.
    pub fn error(&self) -> &str {
        &self.error
    }

    /// The cause.
    pub fn cause(&self) -> &str {
        &self.cause
    }
}

impl<E: std::error::Error> From<E> for TaskError {
    fn from(e: E) -> Self {
        let full = std::any::type_name::<E>();
        let path = full.split('<').next().unwrap_or(full);
        let name = path.rsplit("::").next().unwrap_or(path);
        TaskError { error: name.to_string(), cause: DisplayErrorContext(&e).to_string() }
    }
}

impl std::fmt::Debug for TaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskError")
            .field("error", &"*** Sensitive Data Redacted ***")
            .field("cause", &"*** Sensitive Data Redacted ***")
            .finish()
    }
}

/// How a task ended.
#[non_exhaustive]
#[derive(Debug)]
pub enum TaskOutcome {
    /// The handler returned an output, sent with `SendTaskSuccess`.
    Succeeded,
    /// The handler returned a [`TaskError`], sent with `SendTaskFailure`.
    Failed,
    /// The handler panicked; sent with `SendTaskFailure` as [`PANIC_ERROR`].
    Panicked,
    /// The handler was still running at the shutdown deadline: cancelled, and sent with
    /// `SendTaskFailure` as [`SHUTDOWN_ERROR`].
    ShutDown,
    /// A heartbeat was answered with this error (the task timed out or no longer exists): the
    /// handler was cancelled and nothing was reported.
    Abandoned(SdkError<SendTaskHeartbeatError>),
}

/// A report that the service did not accept.
#[non_exhaustive]
#[derive(Debug)]
pub enum ReportError {
    /// `SendTaskSuccess` failed.
    Success(SdkError<SendTaskSuccessError>),
    /// `SendTaskFailure` failed.
    Failure(SdkError<SendTaskFailureError>),
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::Success(e) => {
                write!(f, "SendTaskSuccess failed: {}", DisplayErrorContext(e))
            }
            ReportError::Failure(e) => {
                write!(f, "SendTaskFailure failed: {}", DisplayErrorContext(e))
            }
        }
    }
}

impl std::error::Error for ReportError {}

/// One finished task.
#[non_exhaustive]
#[derive(Debug)]
pub struct TaskReport {
    /// The task's token.
    pub task_token: String,
    /// How it ended.
    pub outcome: TaskOutcome,
    /// Set when the report of the outcome failed (the service will time the task out).
    pub report_error: Option<ReportError>,
}

/// What the worker tells the [`ActivityWorkerBuilder::on_event`] callback.
#[non_exhaustive]
#[derive(Debug)]
pub enum WorkerEvent<'a> {
    /// A poll failed; the next one starts after `retry_in`.
    PollFailed {
        /// The poll's error.
        error: &'a SdkError<GetActivityTaskError>,
        /// The backoff before the next poll.
        retry_in: Duration,
    },
    /// A heartbeat failed with an error that does not end the task; the handler goes on.
    HeartbeatFailed {
        /// The task's token.
        task_token: &'a str,
        /// The heartbeat's error.
        error: &'a SdkError<SendTaskHeartbeatError>,
    },
    /// A task ended (and its outcome was reported, or [`TaskReport::report_error`] says why not).
    TaskFinished(&'a TaskReport),
}

/// What a run of the worker did: how many tasks ended each way.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerSummary {
    /// Tasks whose handler returned an output.
    pub succeeded: usize,
    /// Tasks whose handler returned an error.
    pub failed: usize,
    /// Tasks whose handler panicked.
    pub panicked: usize,
    /// Tasks cancelled at the shutdown deadline.
    pub shut_down: usize,
    /// Tasks a heartbeat found timed out or gone.
    pub abandoned: usize,
    /// Tasks (of any of the above) whose report the service did not accept.
    pub unreported: usize,
}

impl WorkerSummary {
    fn add(&mut self, report: &TaskReport) {
        match report.outcome {
            TaskOutcome::Succeeded => self.succeeded += 1,
            TaskOutcome::Failed => self.failed += 1,
            TaskOutcome::Panicked => self.panicked += 1,
            TaskOutcome::ShutDown => self.shut_down += 1,
            TaskOutcome::Abandoned(_) => self.abandoned += 1,
        }
        if report.report_error.is_some() {
            self.unreported += 1;
        }
    }
}

/// The worker stopped because polling failed with an error that retrying cannot fix.
#[derive(Debug)]
pub struct WorkerError {
    error: SdkError<GetActivityTaskError>,
    summary: WorkerSummary,
}

impl WorkerError {
    /// The poll's error.
    pub fn error(&self) -> &SdkError<GetActivityTaskError> {
        &self.error
    }

    /// The tasks the worker ran before it stopped (all of them finished and reported).
    pub fn summary(&self) -> &WorkerSummary {
        &self.summary
    }
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the activity worker stopped: GetActivityTask failed: {}",
            DisplayErrorContext(&self.error)
        )
    }
}

impl std::error::Error for WorkerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

type EventCallback = Arc<dyn Fn(&WorkerEvent<'_>) + Send + Sync>;

/// Polls one activity and runs a handler on its tasks. Made by [`ActivityWorker::builder`];
/// started by [`ActivityWorker::run`]. Cheap to clone.
#[derive(Clone)]
pub struct ActivityWorker {
    shared: Arc<Shared>,
}

struct Shared {
    client: Client,
    activity_arn: String,
    worker_name: Option<String>,
    concurrency: usize,
    heartbeat_interval: Option<Duration>,
    poll_timeout: Duration,
    backoff_initial: Duration,
    backoff_max: Duration,
    shutdown_timeout: Duration,
    on_event: Option<EventCallback>,
}

impl std::fmt::Debug for ActivityWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.shared;
        f.debug_struct("ActivityWorker")
            .field("activity_arn", &s.activity_arn)
            .field("worker_name", &s.worker_name)
            .field("concurrency", &s.concurrency)
            .field("heartbeat_interval", &s.heartbeat_interval)
            .field("poll_timeout", &s.poll_timeout)
            .field("poll_backoff", &(s.backoff_initial, s.backoff_max))
            .field("shutdown_timeout", &s.shutdown_timeout)
            .finish_non_exhaustive()
    }
}

/// Settings of an [`ActivityWorker`].
#[derive(Clone)]
pub struct ActivityWorkerBuilder {
    shared: Shared,
}

impl Clone for Shared {
    fn clone(&self) -> Self {
        Shared {
            client: self.client.clone(),
            activity_arn: self.activity_arn.clone(),
            worker_name: self.worker_name.clone(),
            on_event: self.on_event.clone(),
            ..*self
        }
    }
}

impl std::fmt::Debug for ActivityWorkerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let worker = ActivityWorker { shared: Arc::new(self.shared.clone()) };
        f.debug_tuple("ActivityWorkerBuilder").field(&worker).finish()
    }
}

impl ActivityWorker {
    /// A worker for the activity `activity_arn`, calling the service with `client`. Defaults:
    /// one task at a time, no heartbeats, polls with a 70 s attempt timeout, poll backoff from
    /// 1 s up to 60 s, 30 s for the tasks in flight at shutdown.
    pub fn builder(client: &Client, activity_arn: impl Into<String>) -> ActivityWorkerBuilder {
        ActivityWorkerBuilder {
            shared: Shared {
                client: client.clone(),
                activity_arn: activity_arn.into(),
                worker_name: None,
                concurrency: 1,
                heartbeat_interval: None,
                poll_timeout: Duration::from_secs(70),
                backoff_initial: Duration::from_secs(1),
                backoff_max: Duration::from_secs(60),
                shutdown_timeout: Duration::from_secs(30),
                on_event: None,
            },
        }
    }

    /// Polls for tasks and runs `handler` on each, until `shutdown` completes (then as the module
    /// documentation says) or polling fails with an error that retrying cannot fix. A handler
    /// returns the task's output (a JSON text) or a [`TaskError`].
    pub async fn run<H, Fut>(
        &self,
        handler: H,
        shutdown: impl Future<Output = ()>,
    ) -> Result<WorkerSummary, WorkerError>
    where
        H: Fn(ActivityTask) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, TaskError>> + Send + 'static,
    {
        let shared = &self.shared;
        let handler = Arc::new(handler);
        let slots = Arc::new(Semaphore::new(shared.concurrency));
        let (stop, stopped) = watch::channel(false);
        let mut tasks: JoinSet<TaskReport> = JoinSet::new();
        let mut summary = WorkerSummary::default();
        let mut backoff = shared.backoff_initial;
        let mut shutdown = std::pin::pin!(shutdown);
        let fatal = loop {
            while let Some(done) = tasks.try_join_next() {
                summary.add(&finished(done));
            }
            let slot = match first(shutdown.as_mut(), slots.clone().acquire_owned()).await {
                Either::Left(()) => break None,
                Either::Right(slot) => slot.expect("the semaphore is never closed"),
            };
            let polled = match first(shutdown.as_mut(), shared.poll()).await {
                Either::Left(()) => break None,
                Either::Right(polled) => polled,
            };
            match polled {
                Ok(out) => {
                    backoff = shared.backoff_initial;
                    let Some(task_token) = out.task_token.filter(|t| !t.is_empty()) else {
                        continue;
                    };
                    let task = ActivityTask { task_token, input: out.input.unwrap_or_default() };
                    let (shared, handler) = (self.shared.clone(), handler.clone());
                    let stopped = stopped.clone();
                    tasks.spawn(async move {
                        let report = shared.run_task(&*handler, task, stopped).await;
                        shared.event(&WorkerEvent::TaskFinished(&report));
                        drop(slot);
                        report
                    });
                }
                Err(error) if is_fatal(&error) => break Some(error),
                Err(error) => {
                    // Equal jitter: between half the backoff and all of it.
                    let retry_in = backoff.mul_f64(0.5 + 0.5 * FastRandom.next_f64());
                    shared.event(&WorkerEvent::PollFailed { error: &error, retry_in });
                    backoff = (backoff * 2).min(shared.backoff_max);
                    if let Either::Left(()) =
                        first(shutdown.as_mut(), tokio::time::sleep(retry_in)).await
                    {
                        break None;
                    }
                }
            }
        };
        // Stop polling; let the tasks in flight finish until the deadline, then cancel them.
        let mut deadline = std::pin::pin!(tokio::time::sleep(shared.shutdown_timeout));
        let mut cancelled = false;
        loop {
            let timer = async {
                if cancelled {
                    std::future::pending::<()>().await
                } else {
                    deadline.as_mut().await
                }
            };
            match first(tasks.join_next(), timer).await {
                Either::Left(Some(done)) => summary.add(&finished(done)),
                Either::Left(None) => break,
                Either::Right(()) => {
                    cancelled = true;
                    stop.send_replace(true);
                }
            }
        }
        match fatal {
            Some(error) => Err(WorkerError { error, summary }),
            None => Ok(summary),
        }
    }
}

/// A task's report; a task that panicked outside the handler (in the `on_event` callback) passes
/// its panic on.
fn finished(done: Result<TaskReport, tokio::task::JoinError>) -> TaskReport {
    match done {
        Ok(report) => report,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Errors of `GetActivityTask` that polling again cannot fix.
fn is_fatal(error: &SdkError<GetActivityTaskError>) -> bool {
    match error {
        SdkError::ConstructionFailure(_) => true,
        SdkError::ServiceError(e) => {
            e.err().is_activity_does_not_exist() || e.err().is_invalid_arn()
        }
        _ => false,
    }
}

/// Heartbeat errors that say the task is over for this worker.
fn task_is_gone(error: &SdkError<SendTaskHeartbeatError>) -> bool {
    error.as_service_error().is_some_and(|e| {
        e.is_task_timed_out() || e.is_task_does_not_exist() || e.is_invalid_token()
    })
}

/// The first `max` characters of `s`.
fn truncate(mut s: String, max: usize) -> String {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
    }
    s
}

/// Aborts the handler's task when dropped (the worker's run was dropped, or the task ended).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Waits for `a` or `b`, whichever is ready first (`a` when both are): `tokio::select!` without
/// tokio's `macros` feature.
async fn first<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(x) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(x));
        }
        if let Poll::Ready(x) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(x));
        }
        Poll::Pending
    })
    .await
}

/// Waits for the next tick, or forever without an interval.
async fn tick(interval: &mut Option<Interval>) {
    match interval {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Completes when the worker's shutdown deadline passes (never, if the worker is gone).
async fn deadline_passed(mut stopped: watch::Receiver<bool>) {
    if stopped.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

impl Shared {
    fn event(&self, event: &WorkerEvent<'_>) {
        if let Some(f) = &self.on_event {
            f(event);
        }
    }

    async fn poll(&self) -> Result<GetActivityTaskOutput, SdkError<GetActivityTaskError>> {
        let mut call = self.client.get_activity_task().activity_arn(&self.activity_arn);
        if let Some(name) = &self.worker_name {
            call = call.worker_name(name);
        }
        // The long poll needs an attempt timeout above the service's 60 s, whatever the
        // client's; and no operation timeout shorter than that.
        let timeouts = self
            .client
            .config()
            .timeout_config()
            .attempt_timeout(self.poll_timeout)
            .operation_timeout(None);
        call.customize()
            .config_override(ConfigOverride::new().timeout_config(timeouts))
            .send()
            .await
    }

    async fn run_task<H, Fut>(
        &self,
        handler: &H,
        task: ActivityTask,
        stopped: watch::Receiver<bool>,
    ) -> TaskReport
    where
        H: Fn(ActivityTask) -> Fut,
        Fut: Future<Output = Result<String, TaskError>> + Send + 'static,
    {
        let task_token = task.task_token.clone();
        let mut work = AbortOnDrop(tokio::spawn(handler(task)));
        let mut heartbeats = self.heartbeat_interval.map(|every| {
            let mut i = tokio::time::interval_at(Instant::now() + every, every);
            i.set_missed_tick_behavior(MissedTickBehavior::Delay);
            i
        });
        let mut deadline = std::pin::pin!(deadline_passed(stopped));
        let report = |outcome, report_error| TaskReport {
            task_token: task_token.clone(),
            outcome,
            report_error,
        };
        let result = loop {
            match first(&mut work.0, first(tick(&mut heartbeats), deadline.as_mut())).await {
                Either::Left(result) => break result,
                Either::Right(Either::Left(())) => {
                    let beat =
                        self.client.send_task_heartbeat().task_token(&task_token).send().await;
                    if let Err(error) = beat {
                        if task_is_gone(&error) {
                            return report(TaskOutcome::Abandoned(error), None);
                        }
                        self.event(&WorkerEvent::HeartbeatFailed {
                            task_token: &task_token,
                            error: &error,
                        });
                    }
                }
                Either::Right(Either::Right(())) => {
                    work.0.abort();
                    let cause = "the worker shut down before the task finished";
                    let sent = self.fail(&task_token, SHUTDOWN_ERROR.into(), cause.into()).await;
                    return report(TaskOutcome::ShutDown, sent.err());
                }
            }
        };
        match result {
            Ok(Ok(output)) => {
                let sent = self
                    .client
                    .send_task_success()
                    .task_token(&task_token)
                    .output(output)
                    .send()
                    .await;
                report(TaskOutcome::Succeeded, sent.err().map(ReportError::Success))
            }
            Ok(Err(failure)) => {
                let sent = self.fail(&task_token, failure.error, failure.cause).await;
                report(TaskOutcome::Failed, sent.err())
            }
            Err(join) => {
                let cause = if join.is_panic() {
                    let panic = join.into_panic();
                    match panic.downcast::<String>() {
                        Ok(message) => *message,
                        Err(panic) => match panic.downcast::<&'static str>() {
                            Ok(message) => message.to_string(),
                            Err(_) => "the handler panicked".to_string(),
                        },
                    }
                } else {
                    "the handler's task was cancelled".to_string()
                };
                let sent = self.fail(&task_token, PANIC_ERROR.into(), cause).await;
                report(TaskOutcome::Panicked, sent.err())
            }
        }
    }

    async fn fail(
        &self,
        task_token: &str,
        error: String,
        cause: String,
    ) -> Result<(), ReportError> {
        self.client
            .send_task_failure()
            .task_token(task_token)
            .error(truncate(error, MAX_ERROR_CHARS))
            .cause(truncate(cause, MAX_CAUSE_CHARS))
            .send()
            .await
            .map(drop)
            .map_err(ReportError::Failure)
    }
}

impl ActivityWorkerBuilder {
    /// The name the service records for this worker in the execution history.
    pub fn worker_name(mut self, name: impl Into<String>) -> Self {
        self.shared.worker_name = Some(name.into());
        self
    }

    /// How many tasks may run at once (at least 1; default 1). The worker polls only when a slot
    /// is free.
    pub fn concurrency(mut self, tasks: usize) -> Self {
        self.shared.concurrency = tasks.max(1);
        self
    }

    /// Sends `SendTaskHeartbeat` at this interval while a handler runs (default: never). Pick it
    /// below the state's `HeartbeatSeconds`.
    pub fn heartbeat_interval(mut self, every: Duration) -> Self {
        self.shared.heartbeat_interval = Some(every);
        self
    }

    /// The attempt timeout of each `GetActivityTask` (default 70 s). Keep it above the service's
    /// 60 s long poll, or polls time out while no task comes.
    pub fn poll_timeout(mut self, timeout: Duration) -> Self {
        self.shared.poll_timeout = timeout;
        self
    }

    /// The backoff after a failed poll: `initial` after the first failure, doubling with each
    /// failure in a row up to `max`, each wait drawn between half and all of it (defaults 1 s
    /// and 60 s). A successful poll starts over from `initial`.
    pub fn poll_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.shared.backoff_initial = initial;
        self.shared.backoff_max = max.max(initial);
        self
    }

    /// How long the tasks in flight have to finish once shutdown is asked for (default 30 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shared.shutdown_timeout = timeout;
        self
    }

    /// Calls `f` with each [`WorkerEvent`]: failed polls and heartbeats, finished tasks. It runs
    /// on the worker's tasks: keep it short (log, count, send on a channel).
    pub fn on_event(mut self, f: impl Fn(&WorkerEvent<'_>) + Send + Sync + 'static) -> Self {
        self.shared.on_event = Some(Arc::new(f));
        self
    }

    /// The worker.
    pub fn build(self) -> ActivityWorker {
        ActivityWorker { shared: Arc::new(self.shared) }
    }
}
