//! Standard-mode retries: which failures are retried, how long to wait, and the retry quota.
//!
//! As in the AWS SDKs' standard retry mode: up to 3 attempts by default; the delay before retry
//! `n` (1-based) is `r * min(initial_backoff * 2^(n-1), max_backoff)` with `r` uniform in
//! `[0, 1)` ("full jitter"), `initial_backoff` 1 s and `max_backoff` 20 s; a retry quota of 500
//! tokens, of which a retry takes 5 (10 after a timeout) and a successful retried call gives them
//! back (a call that succeeds on its first attempt gives back 1), stops retry storms against a
//! service that is down.
//!
//! This is the only retry mode. `legacy` (`AWS_RETRY_MODE`, the profile's `retry_mode`) runs as
//! standard mode; `adaptive` (client-side rate limiting) is refused when the configuration is
//! used, not run as standard mode. Connector failures that cannot succeed when tried again (TLS
//! certificate and handshake failures, invalid URLs, proxy authentication) are not retried.

use std::sync::Mutex;
use std::time::Duration;

/// How calls are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    quota: bool,
}

impl RetryConfig {
    /// Standard mode: 3 attempts, backoff from 1 s up to 20 s, with the retry quota.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            quota: true,
        }
    }

    /// No retries: one attempt.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1, ..Self::standard() }
    }

    /// The number of attempts, the first included (`0` counts as `1`).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    pub fn with_initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Turns the retry quota (token bucket) on or off.
    pub fn with_retry_quota(mut self, enabled: bool) -> Self {
        self.quota = enabled;
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    pub fn retry_quota(&self) -> bool {
        self.quota
    }

    /// The upper bound of the delay before retry `retry` (1 for the first retry).
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// The delay before retry `retry`, given a random number in `[0, 1)`.
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let r = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
        self.backoff_ceiling(retry).mul_f64(r)
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Why a failure may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// The service asked the client to slow down.
    Throttling,
    /// A failure that may not happen again: 5xx, connection failures, timeouts.
    Transient,
    /// An attempt timed out (costs more of the retry quota).
    Timeout,
}

/// Error codes that mean "slow down".
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of failures that may not happen again.
pub const TRANSIENT_ERROR_CODES: &[&str] =
    &["RequestTimeout", "RequestTimeoutException", "InternalError"];

/// HTTP statuses of failures that may not happen again.
pub const TRANSIENT_STATUS_CODES: &[u16] = &[500, 502, 503, 504];

/// Classifies a service error response: the kind its `@retryable` trait gives
/// ([`crate::operation::OperationError::retry_kind`]), else by its code and status.
pub fn classify_service_error(
    modeled: Option<RetryKind>,
    code: Option<&str>,
    status: u16,
) -> Option<RetryKind> {
    if modeled.is_some() {
        return modeled;
    }
    if let Some(code) = code {
        if THROTTLING_ERROR_CODES.contains(&code) {
            return Some(RetryKind::Throttling);
        }
        if TRANSIENT_ERROR_CODES.contains(&code) {
            return Some(RetryKind::Transient);
        }
    }
    TRANSIENT_STATUS_CODES.contains(&status).then_some(RetryKind::Transient)
}

const QUOTA_MAX: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// The retry token bucket, shared by the calls of one client.
#[derive(Debug)]
pub struct RetryQuota {
    available: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota { available: Mutex::new(QUOTA_MAX) }
    }
}

impl RetryQuota {
    /// Takes the cost of a retry; `None` when the quota is exhausted (do not retry).
    pub fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = if kind == RetryKind::Timeout { TIMEOUT_RETRY_COST } else { RETRY_COST };
        let mut available = self.available.lock().unwrap_or_else(|p| p.into_inner());
        if *available < cost {
            return None;
        }
        *available -= cost;
        Some(cost)
    }

    /// Records a successful call: gives back what its last retry took, or 1 for a call that needed
    /// no retry.
    pub fn release(&self, last_retry_cost: Option<u32>) {
        let mut available = self.available.lock().unwrap_or_else(|p| p.into_inner());
        *available = (*available + last_retry_cost.unwrap_or(1)).min(QUOTA_MAX);
    }

    pub fn available(&self) -> u32 {
        *self.available.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_capped_at_20_seconds() {
        let c = RetryConfig::standard();
        assert_eq!(c.max_attempts(), 3);
        assert_eq!(c.backoff_ceiling(1), Duration::from_secs(1));
        assert_eq!(c.backoff_ceiling(2), Duration::from_secs(2));
        assert_eq!(c.backoff_ceiling(5), Duration::from_secs(16));
        assert_eq!(c.backoff_ceiling(6), Duration::from_secs(20));
        assert_eq!(c.backoff_ceiling(60), Duration::from_secs(20));
        assert_eq!(c.backoff(3, 0.5), Duration::from_secs(2));
        assert_eq!(c.backoff(3, 0.0), Duration::ZERO);
        assert_eq!(c.backoff(3, f64::NAN), Duration::ZERO);
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(RetryConfig::standard().with_max_attempts(0).max_attempts(), 1);
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify_service_error(None, Some("ThrottlingException"), 400),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify_service_error(None, Some("SlowDown"), 400),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify_service_error(None, Some("RequestTimeout"), 400),
            Some(RetryKind::Transient)
        );
        assert_eq!(classify_service_error(None, Some("InvalidArn"), 400), None);
        assert_eq!(classify_service_error(None, None, 503), Some(RetryKind::Transient));
        assert_eq!(classify_service_error(None, Some("InvalidArn"), 501), None);
        assert_eq!(
            classify_service_error(Some(RetryKind::Throttling), Some("X"), 400),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify_service_error(Some(RetryKind::Transient), Some("X"), 400),
            Some(RetryKind::Transient)
        );
    }

    #[test]
    fn quota_drains_and_refills() {
        let q = RetryQuota::default();
        for _ in 0..50 {
            assert_eq!(q.acquire(RetryKind::Timeout), Some(10));
        }
        assert_eq!(q.acquire(RetryKind::Transient), None);
        q.release(Some(5));
        assert_eq!(q.available(), 5);
        q.release(None);
        assert_eq!(q.available(), 6);
        assert_eq!(q.acquire(RetryKind::Throttling), Some(5));
        for _ in 0..1000 {
            q.release(None);
        }
        assert_eq!(q.available(), 500);
    }
}
