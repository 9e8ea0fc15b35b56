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

/// A fast non-cryptographic generator (jitter does not need more): [`random_u64`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FastRandom;

impl RandomSource for FastRandom {
    fn next_f64(&self) -> f64 {
        // The top 53 bits, as a fraction of 2^53.
        (random_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// A random `u64` from a per-thread wyrand generator (not for secrets: for retry jitter,
/// invocation ids and idempotency tokens). Each thread's generator is seeded from the standard
/// library's random hash keys (drawn from the operating system once per thread, and different
/// for every `RandomState`), the thread's id and the time.
pub fn random_u64() -> u64 {
    thread_local! {
        static STATE: std::cell::Cell<u64> = std::cell::Cell::new(seed());
    }
    STATE.with(|state| {
        let s = state.get().wrapping_add(0xa076_1d64_78bd_642f);
        state.set(s);
        let t = u128::from(s) * u128::from(s ^ 0xe703_7ed1_a0b4_28db);
        (t as u64) ^ ((t >> 64) as u64)
    })
}

fn seed() -> u64 {
    use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    std::thread::current().id().hash(&mut h);
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    h.write_u128(now.as_nanos());
    h.finish()
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
    let mut b = ((u128::from(random_u64()) << 64) | u128::from(random_u64())).to_be_bytes();
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
    fn random_numbers_are_spread_and_differ_across_threads() {
        let n = 20_000;
        let values: Vec<f64> = (0..n).map(|_| FastRandom.next_f64()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = values.iter().sum::<f64>() / n as f64;
        assert!((0.48..0.52).contains(&mean), "{mean}");
        // Every tenth of [0, 1) gets about a tenth of the values.
        for decile in 0..10 {
            let count = values.iter().filter(|v| (**v * 10.0) as usize == decile).count();
            assert!((1700..2300).contains(&count), "decile {decile}: {count}");
        }
        let here: Vec<u64> = (0..4).map(|_| random_u64()).collect();
        let there: Vec<u64> = std::thread::spawn(|| (0..4).map(|_| random_u64()).collect()).join().unwrap();
        assert_ne!(here, there);
        let uuids: std::collections::HashSet<String> = (0..1000).map(|_| uuid_v4()).collect();
        assert_eq!(uuids.len(), 1000);
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
