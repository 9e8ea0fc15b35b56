//! Time, sleeping and randomness, injectable so tests are deterministic.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

/// The current time, used to sign requests.
pub trait TimeSource: Send + Sync + fmt::Debug {
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimeSource;

impl TimeSource for SystemTimeSource {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that always says the same time (for tests).
#[derive(Debug, Clone, Copy)]
pub struct StaticTimeSource(pub SystemTime);

impl StaticTimeSource {
    /// The given number of seconds after the Unix epoch.
    pub fn from_secs(secs: u64) -> Self {
        StaticTimeSource(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    }
}

impl TimeSource for StaticTimeSource {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A future that completes after a delay.
pub struct Sleep(Pin<Box<dyn Future<Output = ()> + Send + 'static>>);

impl Sleep {
    pub fn new(future: impl Future<Output = ()> + Send + 'static) -> Self {
        Sleep(Box::pin(future))
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleep")
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

/// Waits: between retries, and for timeouts.
pub trait AsyncSleep: Send + Sync + fmt::Debug {
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// Sleeps on the tokio timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl AsyncSleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        Sleep::new(tokio::time::sleep(duration))
    }
}

/// Random numbers for retry jitter.
pub trait RandomSource: Send + Sync + fmt::Debug {
    /// A number in `[0, 1)`.
    fn next_f64(&self) -> f64;
}

/// A fast non-cryptographic generator (jitter does not need more).
#[derive(Debug, Clone, Copy, Default)]
pub struct FastRandom;

impl RandomSource for FastRandom {
    fn next_f64(&self) -> f64 {
        fastrand::f64()
    }
}

/// Makes the values of `@idempotencyToken` members left unset.
#[derive(Clone)]
pub struct IdempotencyTokenProvider(Arc<dyn Fn() -> String + Send + Sync>);

impl IdempotencyTokenProvider {
    /// Random RFC 4122 version 4 UUIDs (the default).
    pub fn random() -> Self {
        IdempotencyTokenProvider(Arc::new(uuid_v4))
    }

    /// Tokens made by a function.
    pub fn from_fn(f: impl Fn() -> String + Send + Sync + 'static) -> Self {
        IdempotencyTokenProvider(Arc::new(f))
    }

    /// Always the same token (for tests).
    pub fn fixed(token: impl Into<String>) -> Self {
        let token = token.into();
        IdempotencyTokenProvider(Arc::new(move || token.clone()))
    }

    pub fn make_token(&self) -> String {
        (self.0)()
    }
}

impl Default for IdempotencyTokenProvider {
    fn default() -> Self {
        Self::random()
    }
}

impl fmt::Debug for IdempotencyTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdempotencyTokenProvider")
    }
}

/// A random RFC 4122 version 4 UUID in its lower-case hyphenated form.
pub fn uuid_v4() -> String {
    let mut b = fastrand::u128(..).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from_digit((byte >> 4) as u32, 16).unwrap_or('0'));
        s.push(char::from_digit((byte & 0xf) as u32, 16).unwrap_or('0'));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let a = uuid_v4();
        let b = uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn token_providers() {
        assert_eq!(IdempotencyTokenProvider::fixed("t").make_token(), "t");
        let n = std::sync::atomic::AtomicU32::new(0);
        let p = IdempotencyTokenProvider::from_fn(move || {
            format!("tok-{}", n.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        });
        assert_eq!(p.make_token(), "tok-0");
        assert_eq!(p.make_token(), "tok-1");
    }
}
