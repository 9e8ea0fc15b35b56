//! The credentials cache every client configuration puts around its provider.

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::{Duration, SystemTime};

use super::{
    Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
    SharedCredentialsProvider,
};
use crate::clock::{AsyncSleep, Sleep, SystemTimeSource, TimeSource, TokioSleep};

/// Credentials are refreshed this long before they expire (as aws-sdk-rust's lazy cache).
pub const DEFAULT_BUFFER_TIME: Duration = Duration::from_secs(10);
/// How long credentials without an expiry (static keys, the shared files) are reused before the
/// provider is asked again (as aws-sdk-rust).
pub const DEFAULT_EXPIRATION: Duration = Duration::from_secs(15 * 60);
/// How long one load may take before it fails as timed out (as aws-sdk-rust).
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Caches the credentials of a provider: they are reused until [`buffer_time`] before their
/// expiry (credentials without one: for [`default_expiration`]), then loaded again, once for all
/// concurrent callers (the others wait for that load). A load that fails or takes longer than
/// [`load_timeout`] is an error naming the provider, given to every caller that waited for it;
/// while the previous credentials have not yet expired (their last [`buffer_time`]) they are
/// used instead, and the next call tries again.
///
/// Cheap to clone: clones share the cache.
///
/// [`buffer_time`]: CredentialsCacheBuilder::buffer_time
/// [`default_expiration`]: CredentialsCacheBuilder::default_expiration
/// [`load_timeout`]: CredentialsCacheBuilder::load_timeout
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: SharedCredentialsProvider,
    buffer_time: Duration,
    default_expiration: Duration,
    load_timeout: Duration,
    time_source: Arc<dyn TimeSource>,
    sleep: Arc<dyn AsyncSleep>,
    state: Mutex<State>,
    /// Held by the one caller that loads.
    loading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    entry: Option<(Credentials, SystemTime)>,
    /// Counts finished loads, so a caller that waited knows one happened.
    loads: u64,
    last_error: Option<CredentialsError>,
}

/// Settings of a [`CredentialsCache`].
#[derive(Clone, Debug)]
pub struct CredentialsCacheBuilder {
    buffer_time: Duration,
    default_expiration: Duration,
    load_timeout: Duration,
    time_source: Arc<dyn TimeSource>,
    sleep: Arc<dyn AsyncSleep>,
}

impl Default for CredentialsCacheBuilder {
    fn default() -> Self {
        CredentialsCacheBuilder {
            buffer_time: DEFAULT_BUFFER_TIME,
            default_expiration: DEFAULT_EXPIRATION,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            time_source: Arc::new(SystemTimeSource),
            sleep: Arc::new(TokioSleep),
        }
    }
}

impl CredentialsCacheBuilder {
    /// How long before their expiry credentials are refreshed (default 10 s).
    pub fn buffer_time(mut self, d: Duration) -> Self {
        self.buffer_time = d;
        self
    }

    /// How long credentials without an expiry are reused (default 15 minutes).
    pub fn default_expiration(mut self, d: Duration) -> Self {
        self.default_expiration = d;
        self
    }

    /// How long one load may take (default 5 s).
    pub fn load_timeout(mut self, d: Duration) -> Self {
        self.load_timeout = d;
        self
    }

    /// The clock expiry is checked against (default: the system clock).
    pub fn time_source(mut self, time_source: Arc<dyn TimeSource>) -> Self {
        self.time_source = time_source;
        self
    }

    /// How the load timeout waits (default: tokio's timer).
    pub fn sleep(mut self, sleep: Arc<dyn AsyncSleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// A cache around `provider`.
    pub fn build(self, provider: impl ProvideCredentials + 'static) -> CredentialsCache {
        self.build_shared(SharedCredentialsProvider::new(provider))
    }

    /// A cache around a shared provider.
    pub fn build_shared(self, provider: SharedCredentialsProvider) -> CredentialsCache {
        CredentialsCache {
            inner: Arc::new(Inner {
                provider,
                buffer_time: self.buffer_time,
                default_expiration: self.default_expiration,
                load_timeout: self.load_timeout,
                time_source: self.time_source,
                sleep: self.sleep,
                state: Mutex::new(State::default()),
                loading: tokio::sync::Mutex::new(()),
            }),
        }
    }
}

impl CredentialsCache {
    /// A cache around `provider` with the default settings.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder().build(provider)
    }

    pub fn builder() -> CredentialsCacheBuilder {
        CredentialsCacheBuilder::default()
    }

    /// The provider this cache loads from.
    pub fn provider(&self) -> &SharedCredentialsProvider {
        &self.inner.provider
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is always consistent (plain assignments), so a panic elsewhere cannot
        // leave it half-written.
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self, state: &State, now: SystemTime) -> Option<Credentials> {
        let (c, expires) = state.entry.as_ref()?;
        (now + self.inner.buffer_time < *expires).then(|| c.clone())
    }

    /// Cached credentials, or freshly loaded ones.
    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        let seen = {
            let state = self.state();
            if let Some(c) = self.fresh(&state, self.inner.time_source.now()) {
                return Ok(c);
            }
            state.loads
        };
        let _loading = self.inner.loading.lock().await;
        let now = self.inner.time_source.now();
        {
            let state = self.state();
            if let Some(c) = self.fresh(&state, now) {
                return Ok(c);
            }
            if state.loads != seen {
                // A load finished while this caller waited, and failed: its answer is ours.
                if let Some(e) = &state.last_error {
                    return self.stale_or(&state, now, e.clone());
                }
            }
        }
        let result = self.load().await;
        let now = self.inner.time_source.now();
        let mut state = self.state();
        state.loads += 1;
        match result {
            Ok(c) => {
                let expires = c.expiry().unwrap_or(now + self.inner.default_expiration);
                state.entry = Some((c.clone(), expires));
                state.last_error = None;
                tracing::debug!(provider = c.provider_name(), "loaded credentials");
                Ok(c)
            }
            Err(e) => {
                state.last_error = Some(e.clone());
                self.stale_or(&state, now, e)
            }
        }
    }

    /// The cached credentials while they have not expired, else the error.
    fn stale_or(
        &self,
        state: &State,
        now: SystemTime,
        e: CredentialsError,
    ) -> Result<Credentials, CredentialsError> {
        match &state.entry {
            Some((c, expires)) if now < *expires => {
                tracing::warn!(error = %e, "refreshing credentials failed; using the previous ones until they expire");
                Ok(c.clone())
            }
            _ => Err(e),
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let provider = &self.inner.provider;
        let timeout = self.inner.load_timeout;
        let mut load = pin!(provider.provide_credentials());
        // The timer starts only if the load does not finish at once (static credentials never
        // reach the configured sleep).
        let mut sleep: Option<Sleep> = None;
        poll_fn(|cx| {
            if let Poll::Ready(r) = load.as_mut().poll(cx) {
                return Poll::Ready(r);
            }
            let sleep = sleep.get_or_insert_with(|| self.inner.sleep.sleep(timeout));
            match Pin::new(sleep).poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(CredentialsError::provider_timed_out(
                    provider.provider_name().to_string(),
                    timeout,
                ))),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .field("buffer_time", &self.inner.buffer_time)
            .field("default_expiration", &self.inner.default_expiration)
            .field("load_timeout", &self.inner.load_timeout)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.get())
    }

    fn provider_name(&self) -> &str {
        self.inner.provider.provider_name()
    }
}
