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

/// Error codes that always mean the request's signing time was too far from the service's clock.
pub const CLOCK_SKEW_ERROR_CODES: &[&str] =
    &["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"];

/// Error codes that mean a bad signature, which a skewed clock is one cause of: they count as
/// skew errors when the response's `Date` is more than [`CLOCK_SKEW_THRESHOLD`] from the
/// client's (corrected) clock, or (`InvalidSignatureException`) when the message says the
/// signature expired or is not yet current.
pub const POSSIBLE_CLOCK_SKEW_ERROR_CODES: &[&str] =
    &["InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure", "InvalidSignature"];

/// How far the service's clock must be from the client's for a signature error to be taken as
/// a skew error (AWS SDKs use 4 minutes; services reject signatures 5 minutes or more off).
pub const CLOCK_SKEW_THRESHOLD: Duration = Duration::from_secs(4 * 60);

/// The offset between the service's clock and the client's, learned from skew errors; shared by
/// every call of one client. Requests are signed at [`TimeSource::now`] plus the offset.
#[derive(Debug, Default)]
pub struct ClockSkew {
    /// Service time minus client time, in milliseconds.
    offset_millis: std::sync::atomic::AtomicI64,
}

impl ClockSkew {
    /// The offset in milliseconds (service time minus client time; 0 until a skew error is seen).
    pub fn offset_millis(&self) -> i64 {
        self.offset_millis.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `now` corrected by the offset: the time to sign with.
    pub fn corrected(&self, now: SystemTime) -> SystemTime {
        shift(now, self.offset_millis())
    }

    /// Learns from an error response: when it is a skew error (its code, its message and its
    /// `Date` header, `server_date`, say so; see [`CLOCK_SKEW_ERROR_CODES`] and
    /// [`POSSIBLE_CLOCK_SKEW_ERROR_CODES`]), records the offset between `server_date` and `now`
    /// (the client's uncorrected time at receipt) and returns `true`: the call should be retried,
    /// signed at the corrected time. Without a readable `Date` nothing can be corrected.
    pub fn learn(
        &self,
        code: Option<&str>,
        message: Option<&str>,
        server_date: Option<&str>,
        now: SystemTime,
    ) -> bool {
        let Some(code) = code else { return false };
        let expired = |m: &str| {
            let m = m.to_ascii_lowercase();
            m.contains("signature expired") || m.contains("signature not yet current")
        };
        let definite = CLOCK_SKEW_ERROR_CODES.contains(&code)
            || (code == "InvalidSignatureException" && message.is_some_and(expired));
        if !definite && !POSSIBLE_CLOCK_SKEW_ERROR_CODES.contains(&code) {
            return false;
        }
        let Some(server) = server_date.and_then(|d| {
            crate::types::DateTime::parse(d.trim(), crate::types::TimestampFormat::HttpDate).ok()
        }) else {
            return false;
        };
        let offset = server.to_millis().saturating_sub(millis_since_epoch(now));
        let off_by = offset.saturating_sub(self.offset_millis()).unsigned_abs();
        if !definite && off_by <= CLOCK_SKEW_THRESHOLD.as_millis() as u64 {
            // The clocks agree: a genuine signature error.
            return false;
        }
        self.offset_millis.store(offset, std::sync::atomic::Ordering::Relaxed);
        tracing::debug!(
            code,
            offset_ms = offset,
            "clock skew: signing at the service's time from now on"
        );
        true
    }
}

fn millis_since_epoch(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
    }
}

fn shift(t: SystemTime, millis: i64) -> SystemTime {
    let d = Duration::from_millis(millis.unsigned_abs());
    let shifted = if millis >= 0 { t.checked_add(d) } else { t.checked_sub(d) };
    shifted.unwrap_or(t)
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
        let there: Vec<u64> =
            std::thread::spawn(|| (0..4).map(|_| random_u64()).collect()).join().unwrap();
        assert_ne!(here, there);
        let uuids: std::collections::HashSet<String> = (0..1000).map(|_| uuid_v4()).collect();
        assert_eq!(uuids.len(), 1000);
    }

    #[test]
    fn clock_skew_is_learned_from_skew_errors_only() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600); // 2026-01-01T00:00:00Z
        let an_hour_later = Some("Thu, 01 Jan 2026 01:00:00 GMT");
        let a_minute_later = Some("Thu, 01 Jan 2026 00:01:00 GMT");
        let skew = ClockSkew::default();
        assert_eq!(skew.corrected(now), now);
        // Not skew errors, or nothing to correct from.
        assert!(!skew.learn(Some("ThrottlingException"), None, an_hour_later, now));
        assert!(!skew.learn(None, None, an_hour_later, now));
        assert!(!skew.learn(Some("RequestTimeTooSkewed"), None, None, now));
        assert!(!skew.learn(Some("RequestTimeTooSkewed"), None, Some("yesterday"), now));
        // A signature error with clocks that agree is a genuine one.
        assert!(!skew.learn(Some("SignatureDoesNotMatch"), None, a_minute_later, now));
        assert!(!skew.learn(Some("InvalidSignatureException"), Some("bad"), a_minute_later, now));
        assert_eq!(skew.offset_millis(), 0);
        // ... and a skew error with a clock far off.
        assert!(skew.learn(Some("SignatureDoesNotMatch"), None, an_hour_later, now));
        assert_eq!(skew.offset_millis(), 3_600_000);
        assert_eq!(skew.corrected(now), now + Duration::from_secs(3600));
        // Measured against the corrected clock: no new skew, no retry.
        assert!(!skew.learn(Some("SignatureDoesNotMatch"), None, an_hour_later, now));
        // Definite codes and the expiry message correct whatever the distance.
        assert!(skew.learn(
            Some("InvalidSignatureException"),
            Some("Signature expired: 20260101T000000Z is now earlier than 20260101T005500Z"),
            a_minute_later,
            now
        ));
        assert_eq!(skew.offset_millis(), 60_000);
        assert!(skew.learn(
            Some("RequestInTheFuture"),
            None,
            Some("Wed, 31 Dec 2025 23:00:00 GMT"),
            now
        ));
        assert_eq!(skew.offset_millis(), -3_600_000);
        assert_eq!(skew.corrected(now), now - Duration::from_secs(3600));
        for code in ["RequestTimeTooSkewed", "RequestExpired"] {
            assert!(skew.learn(Some(code), None, an_hour_later, now), "{code}");
        }
        assert_eq!(millis_since_epoch(SystemTime::UNIX_EPOCH - Duration::from_millis(5)), -5);
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
