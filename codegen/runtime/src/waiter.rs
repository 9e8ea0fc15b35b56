//! Waiters: poll an operation until the service reaches a state (`smithy.waiters#waitable`).
//!
//! A generated waiter is a [`WaiterSpec`] (its acceptors and delays, from the model) and a
//! fluent builder whose `wait(max_wait)` calls [`wait`]. Each attempt calls the operation (with
//! the client's own retries for transient errors), then tries the acceptors in model order: the
//! first that matches decides — success, failure, or retry. When none matches, a successful
//! response means retry and an error means [`WaiterError::OperationFailed`].
//!
//! Path matchers evaluate a JMESPath expression ([`jmespath`]) over the JSON wire form of the
//! output (`output`), or over `{"input": ..., "output": ...}` (`inputOutput`).
//!
//! Between attempts the waiter sleeps per the Smithy waiters specification ("Waiter retries"):
//! retry `n`'s delay is drawn uniformly from `[minDelay, min(maxDelay, minDelay * 2^(n-1))]`
//! ([`delay`]); when the time left before `max_wait` minus that delay is at most `minDelay`, the
//! delay becomes the whole time left and that retry is the last one. So the waiter never sleeps
//! past its deadline, never makes an attempt sooner than `minDelay` after the previous one
//! unless the previous one found less than `minDelay` left, and its last attempt is made at the
//! deadline (as in the specification's example schedule); after the last attempt, or when no
//! time is left, it gives up ([`WaiterError::TimedOut`]). Time, sleep and randomness are the client's: its time source
//! ([`crate::config::Config::time_source`]), the sleep it waits between retries with
//! ([`crate::config::Config::retry_sleep`]: the waiter's delays are retries too; timeouts keep
//! their own sleep) and its random source ([`crate::config::Config::random_source`]), so tests
//! run waiters on a fake clock.

pub mod jmespath;

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::client::Handle;
use crate::error::SdkError;
use crate::json::ToJson;
use crate::operation::{Operation, OperationError};
use crate::types::Document;
use jmespath::{Expr, Value};

/// The state an acceptor moves the waiter to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// How a path's result is compared with the expected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Comparator {
    /// The result is a string equal to the expected one.
    StringEquals,
    /// The result is a boolean equal to the expected one (`"true"` or `"false"`).
    BooleanEquals,
    /// The result is a non-empty list whose items are all strings equal to the expected one.
    AllStringEquals,
    /// The result is a list with at least one string equal to the expected one.
    AnyStringEquals,
}

/// An `output` or `inputOutput` matcher: a JMESPath expression, the expected value and the
/// comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathMatcher {
    pub path: &'static str,
    pub expected: &'static str,
    pub comparator: Comparator,
}

impl PathMatcher {
    pub const fn new(path: &'static str, expected: &'static str, comparator: Comparator) -> Self {
        PathMatcher { path, expected, comparator }
    }

    /// Whether `result` (the path's value) matches.
    pub fn compare(&self, result: &Value) -> bool {
        let expected = self.expected;
        match (self.comparator, result) {
            (Comparator::StringEquals, Value::String(s)) => s == expected,
            (Comparator::BooleanEquals, Value::Bool(b)) => {
                (if *b { "true" } else { "false" }) == expected
            }
            (Comparator::AllStringEquals, Value::Array(a)) => {
                !a.is_empty() && a.iter().all(|x| matches!(x, Value::String(s) if s == expected))
            }
            (Comparator::AnyStringEquals, Value::Array(a)) => {
                a.iter().any(|x| matches!(x, Value::String(s) if s == expected))
            }
            _ => false,
        }
    }
}

/// What an acceptor looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Matcher {
    /// A path over the output (matches successful responses only).
    Output(PathMatcher),
    /// A path over `{"input": ..., "output": ...}` (matches successful responses only).
    InputOutput(PathMatcher),
    /// `true`: any successful response; `false`: any error.
    Success(bool),
    /// A service error whose code is this shape name (the name part of an absolute shape id
    /// is compared).
    ErrorType(&'static str),
}

/// One acceptor: a matcher, and the state it moves the waiter to when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

impl Acceptor {
    pub const fn new(state: AcceptorState, matcher: Matcher) -> Self {
        Acceptor { state, matcher }
    }
}

/// A waiter of the model: its name, its delays and its acceptors (tried in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterSpec {
    pub name: &'static str,
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub acceptors: &'static [Acceptor],
}

impl WaiterSpec {
    /// The specification's defaults for delays the model leaves out.
    pub const DEFAULT_MIN_DELAY: Duration = Duration::from_secs(2);
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(120);

    pub const fn new(
        name: &'static str,
        min_delay_secs: u64,
        max_delay_secs: u64,
        acceptors: &'static [Acceptor],
    ) -> Self {
        WaiterSpec {
            name,
            min_delay: Duration::from_secs(min_delay_secs),
            max_delay: Duration::from_secs(max_delay_secs),
            acceptors,
        }
    }
}

/// The sleep before a retry, and whether that retry is the waiter's last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    pub duration: Duration,
    /// The time left after this sleep would be at most `minDelay`: the sleep takes all of it and
    /// the retry after it is the last.
    pub last: bool,
}

/// The delay before retry attempt `attempt` (1 for the first retry) with `remaining` left
/// before the deadline: uniform in `[min_delay, min(max_delay, min_delay * 2^(attempt-1))]` by
/// `random` in `[0, 1)`; when `remaining` minus that is at most `min_delay`, all of `remaining`,
/// marked [`Delay::last`] (the specification's `if remainingTime - delay <= minDelay: delay =
/// remainingTime`, "perform one last retry").
pub fn delay(
    min_delay: Duration,
    max_delay: Duration,
    attempt: u32,
    remaining: Duration,
    random: f64,
) -> Delay {
    let max_delay = max_delay.max(min_delay);
    let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
    let ceiling = min_delay.checked_mul(factor).map_or(max_delay, |d| d.min(max_delay));
    let span = ceiling.saturating_sub(min_delay);
    let jittered = min_delay + span.mul_f64(random.clamp(0.0, 1.0));
    // `remaining - jittered <= min_delay`, without going below zero.
    if remaining <= jittered + min_delay {
        Delay { duration: remaining, last: true }
    } else {
        Delay { duration: jittered, last: false }
    }
}

/// The response that ended a wait in success (a successful output, or the error an
/// `errorType` or `success: false` acceptor accepted).
pub struct FinalPoll<O, E> {
    response: Result<O, SdkError<E>>,
    attempts: u32,
}

impl<O, E> FinalPoll<O, E> {
    /// The output, if the last response was a successful one.
    pub fn output(&self) -> Option<&O> {
        self.response.as_ref().ok()
    }

    pub fn as_result(&self) -> Result<&O, &SdkError<E>> {
        self.response.as_ref()
    }

    pub fn into_result(self) -> Result<O, SdkError<E>> {
        self.response
    }

    /// How many times the operation was called.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<O: fmt::Debug, E: fmt::Debug> fmt::Debug for FinalPoll<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FinalPoll")
            .field("response", &self.response)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Why a wait did not end in success.
#[non_exhaustive]
pub enum WaiterError<O, E> {
    /// An acceptor moved the waiter to the failure state: the response it matched.
    FailureState(FinalPoll<O, E>),
    /// `max_wait` passed before an acceptor moved the waiter to success or failure.
    TimedOut(TimedOut),
    /// The operation failed with an error no acceptor matched (or could not be called).
    OperationFailed(SdkError<E>),
}

/// See [`WaiterError::TimedOut`].
#[derive(Debug, Clone)]
pub struct TimedOut {
    waiter: &'static str,
    max_wait: Duration,
    attempts: u32,
}

impl TimedOut {
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<O, E> WaiterError<O, E> {
    /// The response of a [`WaiterError::FailureState`].
    pub fn failure_state(&self) -> Option<&FinalPoll<O, E>> {
        match self {
            WaiterError::FailureState(p) => Some(p),
            _ => None,
        }
    }

    pub fn is_timed_out(&self) -> bool {
        matches!(self, WaiterError::TimedOut(_))
    }

    /// The error of a [`WaiterError::OperationFailed`].
    pub fn operation_error(&self) -> Option<&SdkError<E>> {
        match self {
            WaiterError::OperationFailed(e) => Some(e),
            _ => None,
        }
    }
}

impl<O: fmt::Debug, E: fmt::Debug> fmt::Debug for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::FailureState(p) => f.debug_tuple("FailureState").field(p).finish(),
            WaiterError::TimedOut(t) => f.debug_tuple("TimedOut").field(t).finish(),
            WaiterError::OperationFailed(e) => f.debug_tuple("OperationFailed").field(e).finish(),
        }
    }
}

impl<O, E: fmt::Display> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::FailureState(p) => {
                write!(f, "the waiter reached a failure state (after {} attempts)", p.attempts)
            }
            WaiterError::TimedOut(t) => write!(
                f,
                "waiter `{}` timed out after {:?} ({} attempts)",
                t.waiter, t.max_wait, t.attempts
            ),
            WaiterError::OperationFailed(e) => write!(f, "the waiter's operation failed: {e}"),
        }
    }
}

impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::FailureState(p) => p.response.as_ref().err().map(|e| e as _),
            WaiterError::TimedOut(_) => None,
            WaiterError::OperationFailed(e) => Some(e),
        }
    }
}

/// The JSON wire form of a value as a [`Value`] (what path matchers see).
pub fn to_value<T: ToJson + ?Sized>(v: &T) -> Value {
    let text = crate::json::to_string(v);
    match crate::json::from_slice::<Document>(text.as_bytes()) {
        Ok(doc) => document_value(&doc),
        Err(_) => Value::Null,
    }
}

fn document_value(doc: &Document) -> Value {
    match doc {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(n) => Value::Number(n.to_f64()),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(a) => Value::Array(a.iter().map(document_value).collect()),
        Document::Object(o) => {
            // Inserted one by one rather than collected: `BTreeMap::from_iter` sorts its input
            // first, a stable sort compiled for this element type alone.
            let mut object = std::collections::BTreeMap::new();
            for (k, v) in o {
                object.insert(k.clone(), document_value(v));
            }
            Value::Object(object)
        }
    }
}

/// The acceptors of a waiter with their paths parsed, ready to match responses.
struct Compiled {
    acceptors: Vec<(Acceptor, Option<Expr>)>,
    needs_input: bool,
}

impl Compiled {
    fn new(spec: &WaiterSpec) -> Result<Self, String> {
        let mut acceptors = Vec::with_capacity(spec.acceptors.len());
        for a in spec.acceptors {
            let expr = match a.matcher {
                Matcher::Output(p) | Matcher::InputOutput(p) => Some(
                    jmespath::parse(p.path)
                        .map_err(|e| format!("waiter `{}`: path `{}`: {e}", spec.name, p.path))?,
                ),
                _ => None,
            };
            acceptors.push((*a, expr));
        }
        let needs_input =
            spec.acceptors.iter().any(|a| matches!(a.matcher, Matcher::InputOutput(_)));
        Ok(Compiled { acceptors, needs_input })
    }

    /// The state of the first acceptor that matches `response`.
    fn matches<O: ToJson, E: OperationError>(
        &self,
        input: Option<&Value>,
        response: &Result<O, SdkError<E>>,
    ) -> Option<AcceptorState> {
        let mut output: Option<Value> = None;
        for (a, expr) in &self.acceptors {
            let hit = match (&a.matcher, response) {
                (Matcher::Success(want), r) => *want == r.is_ok(),
                (Matcher::ErrorType(name), Err(e)) => {
                    let want = name.rsplit('#').next().unwrap_or(name);
                    e.as_service_error().and_then(|e| e.meta().code()) == Some(want)
                }
                (Matcher::Output(p), Ok(o)) => {
                    let v = output.get_or_insert_with(|| to_value(o));
                    expr.as_ref().is_some_and(|e| p.compare(&e.search(v)))
                }
                (Matcher::InputOutput(p), Ok(o)) => {
                    let v = output.get_or_insert_with(|| to_value(o));
                    let mut both = std::collections::BTreeMap::new();
                    both.insert("input".to_string(), input.cloned().unwrap_or_default());
                    both.insert("output".to_string(), v.clone());
                    let both = Value::Object(both);
                    expr.as_ref().is_some_and(|e| p.compare(&e.search(&both)))
                }
                _ => false,
            };
            if hit {
                return Some(a.state);
            }
        }
        None
    }
}

/// Calls operation `O` with `input` until an acceptor of `spec` moves the waiter to success or
/// failure, an error no acceptor matches comes back, or `max_wait` passes (see the module
/// docs). The first attempt is made at once.
pub async fn wait<O: Operation>(
    handle: &Handle,
    spec: &'static WaiterSpec,
    input: O::Input,
    max_wait: Duration,
) -> Result<FinalPoll<O::Output, O::Error>, WaiterError<O::Output, O::Error>>
where
    O::Input: Clone,
    O::Output: ToJson,
{
    let compiled = Compiled::new(spec)
        .map_err(|e| WaiterError::OperationFailed(SdkError::construction_failure(e)))?;
    let input_value = compiled.needs_input.then(|| to_value(&input));
    let config = handle.config();
    let (clock, sleep, random) = (
        config.time_source().clone(),
        config.retry_sleep().clone(),
        config.random_source().clone(),
    );
    let start = clock.now();
    let elapsed = |now: SystemTime| now.duration_since(start).unwrap_or_default();
    let mut attempts = 0u32;
    let mut last = false;
    loop {
        attempts += 1;
        let response = handle.call::<O>(input.clone()).await;
        let state = compiled.matches(input_value.as_ref(), &response);
        tracing::debug!(
            waiter = spec.name,
            attempt = attempts,
            ?state,
            ok = response.is_ok(),
            "waiter attempt"
        );
        match (state, response) {
            (Some(AcceptorState::Success), response) => {
                return Ok(FinalPoll { response, attempts })
            }
            (Some(AcceptorState::Failure), response) => {
                return Err(WaiterError::FailureState(FinalPoll { response, attempts }))
            }
            (None, Err(e)) => return Err(WaiterError::OperationFailed(e)),
            (Some(AcceptorState::Retry) | None, _) => {}
        }
        let remaining = max_wait.saturating_sub(elapsed(clock.now()));
        if last || remaining.is_zero() {
            return Err(WaiterError::TimedOut(TimedOut { waiter: spec.name, max_wait, attempts }));
        }
        let d = delay(spec.min_delay, spec.max_delay, attempts, remaining, random.next_f64());
        tracing::debug!(waiter = spec.name, delay = ?d.duration, last = d.last, "waiter sleeping");
        last = d.last;
        sleep.sleep(d.duration).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    #[test]
    fn delays_grow_exponentially_between_min_and_max() {
        let (min, max, far) = (s(2), s(120), s(10_000));
        // Highest draws: the ceiling doubles from minDelay up to maxDelay.
        let top: Vec<u64> =
            (1..=9).map(|n| delay(min, max, n, far, 0.999_999_999).duration.as_secs()).collect();
        // (Ceilings 2, 4, 8, ..., 64, then 120; a draw just under 1 lands just under each but the
        // first, whose range is the single point minDelay.)
        assert_eq!(top, [2, 3, 7, 15, 31, 63, 119, 119, 119]);
        // Lowest draws are minDelay; a middle draw lies in between.
        for n in 1..=40 {
            assert_eq!(delay(min, max, n, far, 0.0), Delay { duration: min, last: false });
        }
        assert_eq!(delay(min, max, 3, far, 0.5).duration, s(5));
        assert_eq!(delay(min, max, 1000, far, 1.0).duration, max);
    }

    #[test]
    fn the_last_retry_takes_all_the_time_left_once_at_most_min_delay_would_remain() {
        let (min, max) = (s(2), s(120));
        let last = |duration| Delay { duration, last: true };
        let not_last = |duration| Delay { duration, last: false };
        // Longer than what is left: cut to it.
        assert_eq!(delay(min, max, 7, s(30), 0.9), last(s(30)));
        // Shorter, but at most minDelay would be left after it: stretched to all of it (the
        // specification's example, 10 s left and a draw of 9: no attempt 1 s before the deadline).
        assert_eq!(delay(min, max, 4, s(10), 0.5), last(s(10)));
        // Exactly minDelay would be left: still the last (`<=`); a little more: not.
        assert_eq!(delay(min, max, 1, s(4), 0.0), last(s(4)));
        assert_eq!(delay(min, max, 1, s(4) + Duration::from_millis(1), 0.0), not_last(min));
        assert_eq!(delay(min, max, 4, s(11) + Duration::from_millis(1), 0.5), not_last(s(9)));
        // Less than minDelay left: all of it, last; none left: zero.
        assert_eq!(delay(min, max, 1, s(1), 0.0), last(s(1)));
        assert_eq!(delay(min, max, 1, Duration::ZERO, 0.5), last(Duration::ZERO));
    }

    #[test]
    fn comparators() {
        let m = |c, e| PathMatcher::new("p", e, c);
        let s = |x: &str| Value::String(x.into());
        let list = |xs: &[&str]| Value::Array(xs.iter().map(|x| s(x)).collect());
        assert!(m(Comparator::StringEquals, "A").compare(&s("A")));
        assert!(!m(Comparator::StringEquals, "A").compare(&s("a")));
        assert!(!m(Comparator::StringEquals, "1").compare(&Value::Number(1.0)));
        assert!(m(Comparator::BooleanEquals, "true").compare(&Value::Bool(true)));
        assert!(m(Comparator::BooleanEquals, "false").compare(&Value::Bool(false)));
        assert!(!m(Comparator::BooleanEquals, "true").compare(&s("true")));
        assert!(m(Comparator::AllStringEquals, "A").compare(&list(&["A", "A"])));
        assert!(!m(Comparator::AllStringEquals, "A").compare(&list(&["A", "B"])));
        assert!(!m(Comparator::AllStringEquals, "A").compare(&list(&[])));
        assert!(m(Comparator::AnyStringEquals, "B").compare(&list(&["A", "B"])));
        assert!(!m(Comparator::AnyStringEquals, "C").compare(&list(&["A", "B"])));
        assert!(!m(Comparator::AnyStringEquals, "A").compare(&s("A")));
    }
}
