//! Client configuration: region, credentials, endpoint, retries, timeouts, HTTP connector, and
//! the injectable clock, sleep and randomness.
//!
//! [`Config::builder`] starts from nothing (explicit configuration only); [`Config::from_env`]
//! and [`ConfigBuilder::from_env`] read the environment and the shared files as the AWS SDKs do:
//! - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region` of the selected profile;
//! - credentials: the [`DefaultCredentialsChain`] (environment variables, the profile's static
//!   keys or `credential_process`, container credentials, EC2 instance metadata), asked when a
//!   call needs credentials and cached (see [`CredentialsCache`]);
//! - endpoint: `AWS_ENDPOINT_URL_<SDK_ID>` (e.g. `AWS_ENDPOINT_URL_SFN`), `AWS_ENDPOINT_URL`, the
//!   service's `endpoint_url` in the `[services NAME]` section the profile names (`services =
//!   NAME`), then the profile's `endpoint_url`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
//!   `ignore_configured_endpoint_urls`) is `true`;
//! - `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`, `AWS_USE_DUALSTACK_ENDPOINT` /
//!   `use_dualstack_endpoint`, `AWS_MAX_ATTEMPTS` / `max_attempts`;
//! - `AWS_RETRY_MODE` / `retry_mode`: `standard`, or `legacy` (run as standard mode); `adaptive`
//!   is refused (a construction error names the setting), never silently run as standard;
//! - `AWS_CA_BUNDLE` / `ca_bundle`: a PEM file whose certificates replace the default roots;
//! - `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (or lower case): see
//!   [`ProxyConfig::from_env`].
//!
//! The profile is `AWS_PROFILE`, else `default`; the files are `AWS_CONFIG_FILE` /
//! `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` / `~/.aws/credentials`. Invalid values are
//! reported when a call is made, as a construction failure; so is a missing region or missing
//! credentials.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::clock::{
    AsyncSleep, FastRandom, IdempotencyTokenProvider, RandomSource, SystemTimeSource, TimeSource,
    TokioSleep,
};
use crate::credentials::{
    CredentialsCache, DefaultCredentialsChain, ProvideCredentials, SharedCredentialsProvider,
};
use crate::endpoint::ResolveEndpoint;
use crate::env::{parse_bool, Env};
use crate::http::{CaBundle, HttpConnector, ProxyConfig, SharedHttpConnector};
use crate::interceptor::{Intercept, SharedInterceptor};
use crate::profile::{ProfileError, ProfileSet};
use crate::region::Region;
use crate::retry::RetryConfig;
use crate::service::ServiceMeta;

/// The default limit on the size of a response body: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 64 * 1024 * 1024;

/// Timeouts. `None` means no timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Option<Duration>,
    attempt: Option<Duration>,
    operation: Option<Duration>,
}

impl TimeoutConfig {
    /// The defaults: connect 3.1 s (as the AWS SDK for Rust), attempt 70 s (above the 60 s long
    /// polls of services such as Step Functions' `GetActivityTask`), no operation timeout.
    pub fn new() -> Self {
        TimeoutConfig {
            connect: Some(Duration::from_millis(3100)),
            attempt: Some(Duration::from_secs(70)),
            operation: None,
        }
    }

    /// No timeouts at all.
    pub fn disabled() -> Self {
        TimeoutConfig { connect: None, attempt: None, operation: None }
    }

    /// How long establishing a connection (TCP and TLS) may take (default connector only).
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.connect = d.into();
        self
    }

    /// How long one attempt (sending the request and reading the whole response) may take.
    pub fn attempt_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.attempt = d.into();
        self
    }

    /// How long a whole call, retries and backoff included, may take.
    pub fn operation_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.operation = d.into();
        self
    }

    pub fn connect(&self) -> Option<Duration> {
        self.connect
    }

    pub fn attempt(&self) -> Option<Duration> {
        self.attempt
    }

    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl TimeoutConfig {
    /// A builder that starts from the defaults ([`TimeoutConfig::new`]), with the setter names
    /// of the AWS SDK for Rust.
    pub fn builder() -> TimeoutConfigBuilder {
        TimeoutConfigBuilder { config: TimeoutConfig::new() }
    }

    /// A builder starting from this configuration.
    pub fn to_builder(&self) -> TimeoutConfigBuilder {
        TimeoutConfigBuilder { config: *self }
    }
}

/// Builds a [`TimeoutConfig`]; unset timeouts keep their defaults (connect 3.1 s, attempt 70 s,
/// no operation timeout), `set_*(None)` removes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfigBuilder {
    config: TimeoutConfig,
}

impl Default for TimeoutConfigBuilder {
    fn default() -> Self {
        TimeoutConfig::builder()
    }
}

impl TimeoutConfigBuilder {
    /// How long establishing a connection (TCP and TLS) may take (default connector only).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect = Some(timeout);
        self
    }

    /// Sets the connect timeout (`None`: no limit).
    pub fn set_connect_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.config.connect = timeout;
        self
    }

    /// How long one attempt (sending the request and reading the whole response) may take.
    pub fn operation_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.attempt = Some(timeout);
        self
    }

    /// Sets the attempt timeout (`None`: no limit).
    pub fn set_operation_attempt_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.config.attempt = timeout;
        self
    }

    /// How long a whole call, retries and backoff included, may take.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.config.operation = Some(timeout);
        self
    }

    /// Sets the operation timeout (`None`: no limit).
    pub fn set_operation_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.config.operation = timeout;
        self
    }

    /// The timeouts.
    pub fn build(self) -> TimeoutConfig {
        self.config
    }
}

/// What loading from the environment found, kept for what depends on the service
/// (`AWS_ENDPOINT_URL_<SDK_ID>`) and for errors reported at call time.
#[derive(Debug, Clone)]
struct EnvSettings {
    env: Env,
    profile_endpoint_url: Option<String>,
    /// `endpoint_url`s of the selected profile's `services` section, by service key.
    profile_service_endpoints: std::collections::BTreeMap<String, String>,
    ignore_configured_endpoints: bool,
}

/// The configuration of a client. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    region: Option<Region>,
    credentials_provider: Option<SharedCredentialsProvider>,
    /// Made by [`ConfigBuilder::build`] around the provider.
    credentials_cache: Option<CredentialsCache>,
    endpoint_url: Option<String>,
    endpoint_resolver: Option<Arc<dyn ResolveEndpoint>>,
    use_fips: bool,
    use_dual_stack: bool,
    retry_config: RetryConfig,
    timeout_config: TimeoutConfig,
    disable_host_prefix: bool,
    http_connector: Option<SharedHttpConnector>,
    idempotency_token_provider: IdempotencyTokenProvider,
    time_source: Arc<dyn TimeSource>,
    sleep: Arc<dyn AsyncSleep>,
    retry_sleep: Option<Arc<dyn AsyncSleep>>,
    random_source: Arc<dyn RandomSource>,
    max_response_body_size: usize,
    app_name: Option<String>,
    proxy: Option<ProxyConfig>,
    ca_bundle: Option<CaBundle>,
    interceptors: Vec<SharedInterceptor>,
    env: Option<EnvSettings>,
    /// The `SdkConfig` this configuration came from: it resolves service-specific endpoints.
    #[cfg(feature = "aws-config")]
    sdk_config: Option<Arc<aws_types::SdkConfig>>,
    profile_error: Option<ProfileError>,
    problems: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: None,
            credentials_provider: None,
            credentials_cache: None,
            endpoint_url: None,
            endpoint_resolver: None,
            use_fips: false,
            use_dual_stack: false,
            retry_config: RetryConfig::standard(),
            timeout_config: TimeoutConfig::new(),
            disable_host_prefix: false,
            http_connector: None,
            idempotency_token_provider: IdempotencyTokenProvider::random(),
            time_source: Arc::new(SystemTimeSource),
            sleep: Arc::new(TokioSleep),
            retry_sleep: None,
            random_source: Arc::new(FastRandom),
            max_response_body_size: DEFAULT_MAX_RESPONSE_BODY_SIZE,
            app_name: None,
            proxy: None,
            ca_bundle: None,
            interceptors: Vec::new(),
            env: None,
            #[cfg(feature = "aws-config")]
            sdk_config: None,
            profile_error: None,
            problems: Vec::new(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("credentials_provider", &self.credentials_provider.as_ref().map(|_| "<set>"))
            .field("endpoint_url", &self.endpoint_url)
            .field("endpoint_resolver", &self.endpoint_resolver)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("retry_config", &self.retry_config)
            .field("timeout_config", &self.timeout_config)
            .field("disable_host_prefix", &self.disable_host_prefix)
            .field("http_connector", &self.http_connector)
            .field("max_response_body_size", &self.max_response_body_size)
            .field("app_name", &self.app_name)
            .field("proxy", &self.proxy)
            .field("ca_bundle", &self.ca_bundle)
            .field("interceptors", &self.interceptors)
            .field("from_env", &self.env.is_some())
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A builder with nothing set but the defaults; the environment is not read.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The configuration from the process environment and the shared files.
    pub fn from_env() -> Config {
        ConfigBuilder::from_env().build()
    }

    /// A builder holding this configuration.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder { config: self.clone(), touched: Touched::default() }
    }

    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    pub fn credentials_provider(&self) -> Option<&SharedCredentialsProvider> {
        self.credentials_provider.as_ref()
    }

    /// The cache around the credentials provider, which calls load credentials through (clones
    /// of this configuration, and clients made from them, share it).
    pub fn credentials_cache(&self) -> Option<&CredentialsCache> {
        self.credentials_cache.as_ref()
    }

    /// The endpoint URL set in this configuration (not the one from the environment, which
    /// depends on the service: see [`Config::configured_endpoint_url`]).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    pub fn endpoint_resolver(&self) -> Option<&Arc<dyn ResolveEndpoint>> {
        self.endpoint_resolver.as_ref()
    }

    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry_config
    }

    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeout_config
    }

    pub fn disable_host_prefix(&self) -> bool {
        self.disable_host_prefix
    }

    pub fn http_connector(&self) -> Option<&SharedHttpConnector> {
        self.http_connector.as_ref()
    }

    pub fn idempotency_token_provider(&self) -> &IdempotencyTokenProvider {
        &self.idempotency_token_provider
    }

    pub fn time_source(&self) -> &Arc<dyn TimeSource> {
        &self.time_source
    }

    /// What waits for timeouts (and, unless [`Config::retry_sleep`] is set apart, between
    /// retries).
    pub fn sleep(&self) -> &Arc<dyn AsyncSleep> {
        &self.sleep
    }

    /// What waits between retries: the one set with [`ConfigBuilder::retry_sleep`], else
    /// [`Config::sleep`].
    pub fn retry_sleep(&self) -> &Arc<dyn AsyncSleep> {
        self.retry_sleep.as_ref().unwrap_or(&self.sleep)
    }

    /// The interceptors every call runs, in order.
    pub fn interceptors(&self) -> &[SharedInterceptor] {
        &self.interceptors
    }

    pub fn random_source(&self) -> &Arc<dyn RandomSource> {
        &self.random_source
    }

    pub fn max_response_body_size(&self) -> usize {
        self.max_response_body_size
    }

    pub fn app_name(&self) -> Option<&str> {
        self.app_name.as_deref()
    }

    /// The proxies of the default connector.
    pub fn proxy(&self) -> Option<&ProxyConfig> {
        self.proxy.as_ref()
    }

    /// The certificates the default connector trusts instead of its default roots.
    pub fn ca_bundle(&self) -> Option<&CaBundle> {
        self.ca_bundle.as_ref()
    }

    /// The endpoint URL requests of `service` go to, if one is configured: this configuration's,
    /// else (for configurations loaded from the environment) `AWS_ENDPOINT_URL_<SDK_ID>`,
    /// `AWS_ENDPOINT_URL`, the profile's `services` section or its `endpoint_url`; for configurations made from an
    /// `SdkConfig`, as the AWS SDK for Rust resolves it: the `SdkConfig`'s endpoint URL if it was
    /// set in code, else the service-specific one of its environment (`AWS_ENDPOINT_URL_SFN`, the
    /// `services` section of the profile), else its endpoint URL (`AWS_ENDPOINT_URL`, the
    /// profile's `endpoint_url`). `aws-config` applies `ignore_configured_endpoint_urls` to both.
    pub fn configured_endpoint_url(&self, service: &ServiceMeta) -> Option<String> {
        if let Some(url) = &self.endpoint_url {
            return Some(url.clone());
        }
        #[cfg(feature = "aws-config")]
        if let Some(sdk) = &self.sdk_config {
            return sdk_endpoint_url(sdk, service);
        }
        let s = self.env.as_ref()?;
        if s.ignore_configured_endpoints {
            return None;
        }
        s.env
            .get(&service.endpoint_env_var())
            .or_else(|| s.env.get("AWS_ENDPOINT_URL"))
            .or_else(|| s.profile_service_endpoints.get(&service.config_key()).cloned())
            .or_else(|| s.profile_endpoint_url.clone())
    }

    /// Problems found while loading the configuration, reported when a call is made.
    pub(crate) fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Why the shared files could not be read, if they could not.
    pub(crate) fn profile_error(&self) -> Option<&ProfileError> {
        self.profile_error.as_ref()
    }
}

/// Builds a [`Config`].
#[derive(Clone, Debug, Default)]
pub struct ConfigBuilder {
    config: Config,
    /// The settings given through this builder's setters (not those loaded from the
    /// environment): what a builder used as a per-call override changes.
    touched: Touched,
}

/// The names of the settings a [`ConfigBuilder`]'s setters were given, sorted and without
/// duplicates. A sorted `Vec` rather than a `BTreeSet`: a few dozen names at most, and the
/// runtime compiles no B-tree for `&str` keys (each B-tree key and value type is a few
/// thousand lines of LLVM IR in every debug build).
#[derive(Clone, Debug, Default)]
struct Touched(Vec<&'static str>);

impl Touched {
    fn insert(&mut self, name: &'static str) {
        if let Err(at) = self.0.binary_search(&name) {
            self.0.insert(at, name);
        }
    }
}

impl ConfigBuilder {
    /// A builder preloaded from the process environment and the shared files.
    pub fn from_env() -> Self {
        Self::from_env_with(Env::real())
    }

    /// A builder preloaded from the given environment (and the shared files it names).
    pub fn from_env_with(env: Env) -> Self {
        let mut c = Config::default();
        let (profiles, profile_error) = match ProfileSet::load(&env, None) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e)),
        };
        let profile = profiles.as_ref().and_then(ProfileSet::selected);
        let from_profile = |key: &str| profile.and_then(|p| p.get(key)).map(str::to_string);
        let mut problems = Vec::new();

        c.region = env
            .get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .or_else(|| from_profile("region"))
            .map(Region::from);

        let mut flag = |var: &str, key: &str| -> bool {
            match env.get_bool(var) {
                Ok(Some(b)) => return b,
                Ok(None) => {}
                Err(e) => {
                    problems.push(e);
                    return false;
                }
            }
            match from_profile(key) {
                Some(v) => parse_bool(&v).unwrap_or_else(|| {
                    problems.push(format!(
                        "`{key}` in the shared config file must be `true` or `false`, not `{v}`"
                    ));
                    false
                }),
                None => false,
            }
        };
        c.use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
        c.use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
        let ignore_configured_endpoints =
            flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls");

        let attempts = env.get("AWS_MAX_ATTEMPTS").map(|v| ("AWS_MAX_ATTEMPTS", v)).or_else(|| {
            from_profile("max_attempts").map(|v| ("`max_attempts` in the shared config file", v))
        });
        if let Some((what, v)) = attempts {
            match v.parse::<u32>() {
                Ok(n) if n >= 1 => c.retry_config = c.retry_config.with_max_attempts(n),
                _ => {
                    problems.push(format!("{what} must be a whole number of at least 1, not `{v}`"))
                }
            }
        }
        let mode = env.get("AWS_RETRY_MODE").map(|v| ("AWS_RETRY_MODE", v)).or_else(|| {
            from_profile("retry_mode").map(|v| ("`retry_mode` in the shared config file", v))
        });
        if let Some((what, v)) = mode {
            if let Err(e) = check_retry_mode(what, &v) {
                problems.push(e);
            }
        }

        match ProxyConfig::from_env(&env) {
            Ok(proxy) => c.proxy = proxy,
            Err(e) => problems.push(e.to_string()),
        }
        match CaBundle::from_env(&env, from_profile("ca_bundle")) {
            Ok(bundle) => c.ca_bundle = bundle,
            Err(e) => problems.push(e.to_string()),
        }

        c.credentials_provider =
            Some(SharedCredentialsProvider::new(DefaultCredentialsChain::with_env(env.clone())));
        c.env = Some(EnvSettings {
            profile_endpoint_url: from_profile("endpoint_url"),
            profile_service_endpoints: profiles
                .as_ref()
                .map(ProfileSet::service_endpoint_urls)
                .unwrap_or_default(),
            env,
            ignore_configured_endpoints,
        });
        c.profile_error = profile_error;
        c.problems = problems;
        ConfigBuilder { config: c, touched: Touched::default() }
    }

    /// The region requests are sent to and signed for.
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.touched.insert("region");
        self.config.region = Some(region.into());
        self
    }

    /// Sets the region (`None`: none).
    pub fn set_region(&mut self, region: Option<Region>) -> &mut Self {
        self.touched.insert("region");
        self.config.region = region;
        self
    }

    /// Where credentials come from: static [`Credentials`](crate::credentials::Credentials), one of
    /// this crate's providers, one's own, or (feature `aws-config`) an aws-config provider through
    /// `SharedCredentialsProvider::from_aws`. The configuration puts a [`CredentialsCache`]
    /// around it: it is not asked for every request.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.touched.insert("credentials_provider");
        self.set_credentials_provider(Some(SharedCredentialsProvider::new(provider)));
        self
    }

    /// Sets the credentials provider (`None`: none).
    pub fn set_credentials_provider(
        &mut self,
        provider: Option<SharedCredentialsProvider>,
    ) -> &mut Self {
        self.touched.insert("credentials_provider");
        self.config.credentials_provider = provider;
        self.config.credentials_cache = None;
        self
    }

    /// Sends requests to this URL (e.g. `http://localhost:8083` for a local server), given to the
    /// endpoint resolver as the `Endpoint` parameter.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.touched.insert("endpoint_url");
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// Sets the endpoint URL (`None`: the service's endpoint for the region).
    pub fn set_endpoint_url(&mut self, url: Option<String>) -> &mut Self {
        self.touched.insert("endpoint_url");
        self.config.endpoint_url = url;
        self
    }

    /// Replaces the service's endpoint resolver.
    pub fn endpoint_resolver(mut self, resolver: impl ResolveEndpoint + 'static) -> Self {
        self.touched.insert("endpoint_resolver");
        self.config.endpoint_resolver = Some(Arc::new(resolver));
        self
    }

    /// Sets the endpoint resolver (`None`: the service's own rules).
    pub fn set_endpoint_resolver(
        &mut self,
        resolver: Option<Arc<dyn ResolveEndpoint>>,
    ) -> &mut Self {
        self.touched.insert("endpoint_resolver");
        self.config.endpoint_resolver = resolver;
        self
    }

    /// Uses FIPS endpoints.
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.touched.insert("use_fips");
        self.config.use_fips = use_fips;
        self
    }

    /// Sets whether FIPS endpoints are used (`None`: no).
    pub fn set_use_fips(&mut self, use_fips: Option<bool>) -> &mut Self {
        self.touched.insert("use_fips");
        self.config.use_fips = use_fips.unwrap_or(false);
        self
    }

    /// Uses dual-stack (IPv4 and IPv6) endpoints.
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.touched.insert("use_dual_stack");
        self.config.use_dual_stack = use_dual_stack;
        self
    }

    /// Sets whether dual-stack endpoints are used (`None`: no).
    pub fn set_use_dual_stack(&mut self, use_dual_stack: Option<bool>) -> &mut Self {
        self.touched.insert("use_dual_stack");
        self.config.use_dual_stack = use_dual_stack.unwrap_or(false);
        self
    }

    pub fn retry_config(mut self, retry_config: RetryConfig) -> Self {
        self.touched.insert("retry_config");
        self.config.retry_config = retry_config;
        self
    }

    /// Sets the retry configuration (`None`: the default, [`RetryConfig::standard`]).
    pub fn set_retry_config(&mut self, retry_config: Option<RetryConfig>) -> &mut Self {
        self.touched.insert("retry_config");
        self.config.retry_config = retry_config.unwrap_or_else(RetryConfig::standard);
        self
    }

    pub fn timeout_config(mut self, timeout_config: TimeoutConfig) -> Self {
        self.touched.insert("timeout_config");
        self.config.timeout_config = timeout_config;
        self
    }

    /// Sets the timeouts (`None`: the defaults, [`TimeoutConfig::new`]).
    pub fn set_timeout_config(&mut self, timeout_config: Option<TimeoutConfig>) -> &mut Self {
        self.touched.insert("timeout_config");
        self.config.timeout_config = timeout_config.unwrap_or_default();
        self
    }

    /// Does not put operations' host prefixes (such as `sync-`) before the endpoint's host:
    /// needed with endpoints such as local servers whose prefixed names do not resolve.
    pub fn disable_host_prefix(mut self, disable: bool) -> Self {
        self.touched.insert("disable_host_prefix");
        self.config.disable_host_prefix = disable;
        self
    }

    /// Sets whether host prefixes are left out (`None`: they are not).
    pub fn set_disable_host_prefix(&mut self, disable: Option<bool>) -> &mut Self {
        self.touched.insert("disable_host_prefix");
        self.config.disable_host_prefix = disable.unwrap_or(false);
        self
    }

    /// Sends requests through this connector instead of the default hyper one.
    pub fn http_connector(mut self, connector: impl HttpConnector + 'static) -> Self {
        self.touched.insert("http_connector");
        self.config.http_connector = Some(SharedHttpConnector::new(connector));
        self
    }

    /// Sets the connector (`None`: the default hyper one).
    pub fn set_http_connector(&mut self, connector: Option<SharedHttpConnector>) -> &mut Self {
        self.touched.insert("http_connector");
        self.config.http_connector = connector;
        self
    }

    /// Makes the values of unset `@idempotencyToken` members (default: random UUIDs).
    pub fn idempotency_token_provider(mut self, provider: IdempotencyTokenProvider) -> Self {
        self.touched.insert("idempotency_token_provider");
        self.config.idempotency_token_provider = provider;
        self
    }

    /// Sets the idempotency token provider (`None`: random UUIDs).
    pub fn set_idempotency_token_provider(
        &mut self,
        provider: Option<IdempotencyTokenProvider>,
    ) -> &mut Self {
        self.touched.insert("idempotency_token_provider");
        self.config.idempotency_token_provider =
            provider.unwrap_or_else(IdempotencyTokenProvider::random);
        self
    }

    /// The clock requests are signed with.
    pub fn time_source(mut self, time_source: impl TimeSource + 'static) -> Self {
        self.touched.insert("time_source");
        self.config.time_source = Arc::new(time_source);
        self.config.credentials_cache = None;
        self
    }

    /// Sets the clock (`None`: the system clock).
    pub fn set_time_source(&mut self, time_source: Option<Arc<dyn TimeSource>>) -> &mut Self {
        self.touched.insert("time_source");
        self.config.time_source = time_source.unwrap_or_else(|| Arc::new(SystemTimeSource));
        self.config.credentials_cache = None;
        self
    }

    /// How to wait between retries and for timeouts (default: tokio's timer).
    pub fn sleep(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.touched.insert("sleep");
        self.config.sleep = Arc::new(sleep);
        self.config.credentials_cache = None;
        self
    }

    /// Sets how to wait (`None`: tokio's timer).
    pub fn set_sleep(&mut self, sleep: Option<Arc<dyn AsyncSleep>>) -> &mut Self {
        self.touched.insert("sleep");
        self.config.sleep = sleep.unwrap_or_else(|| Arc::new(TokioSleep));
        self.config.credentials_cache = None;
        self
    }

    /// How to wait between retries only; timeouts keep [`Self::sleep`]. A sleep that returns at
    /// once makes retries instant (in tests) while attempt and operation timeouts still apply.
    pub fn retry_sleep(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.touched.insert("retry_sleep");
        self.config.retry_sleep = Some(Arc::new(sleep));
        self
    }

    /// Sets how to wait between retries (`None`: as for timeouts, [`Self::sleep`]).
    pub fn set_retry_sleep(&mut self, sleep: Option<Arc<dyn AsyncSleep>>) -> &mut Self {
        self.touched.insert("retry_sleep");
        self.config.retry_sleep = sleep;
        self
    }

    /// Adds an interceptor every call runs (after the ones added before). See
    /// [`crate::interceptor`].
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.touched.insert("interceptors");
        self.config.interceptors.push(SharedInterceptor::new(interceptor));
        self
    }

    /// Adds a shared interceptor every call runs (after the ones added before).
    pub fn push_interceptor(&mut self, interceptor: SharedInterceptor) -> &mut Self {
        self.touched.insert("interceptors");
        self.config.interceptors.push(interceptor);
        self
    }

    /// Replaces the interceptors every call runs with `interceptors`, in order.
    pub fn set_interceptors(
        &mut self,
        interceptors: impl IntoIterator<Item = SharedInterceptor>,
    ) -> &mut Self {
        self.touched.insert("interceptors");
        self.config.interceptors = interceptors.into_iter().collect();
        self
    }

    /// The random numbers of the retry jitter.
    pub fn random_source(mut self, random: impl RandomSource + 'static) -> Self {
        self.touched.insert("random_source");
        self.config.random_source = Arc::new(random);
        self
    }

    /// Sets the random numbers of the retry jitter (`None`: [`crate::clock::FastRandom`]).
    pub fn set_random_source(&mut self, random: Option<Arc<dyn RandomSource>>) -> &mut Self {
        self.touched.insert("random_source");
        self.config.random_source = random.unwrap_or_else(|| Arc::new(FastRandom));
        self
    }

    /// The largest response body read (default 64 MiB); a larger one fails the call.
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.touched.insert("max_response_body_size");
        self.config.max_response_body_size = bytes;
        self
    }

    /// Sets the largest response body read (`None`: 64 MiB).
    pub fn set_max_response_body_size(&mut self, bytes: Option<usize>) -> &mut Self {
        self.touched.insert("max_response_body_size");
        self.config.max_response_body_size = bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BODY_SIZE);
        self
    }

    /// A name of the application, added to the `User-Agent` as `app/<name>`.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.touched.insert("app_name");
        self.config.app_name = Some(name.into());
        self
    }

    /// Sends the requests of the default connector through these proxies (replacing those of
    /// the environment). See [`ProxyConfig`].
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.touched.insert("proxy");
        self.config.proxy = Some(proxy);
        self
    }

    /// Sets or clears (`None`: connect directly, whatever the environment says) the proxies.
    pub fn set_proxy(&mut self, proxy: Option<ProxyConfig>) -> &mut Self {
        self.touched.insert("proxy");
        self.config.proxy = proxy;
        self
    }

    /// Trusts the certificates of `bundle` instead of the default roots (default connector).
    pub fn ca_bundle(mut self, bundle: CaBundle) -> Self {
        self.touched.insert("ca_bundle");
        self.config.ca_bundle = Some(bundle);
        self
    }

    /// Sets or clears (`None`: the default roots) the CA bundle.
    pub fn set_ca_bundle(&mut self, bundle: Option<CaBundle>) -> &mut Self {
        self.touched.insert("ca_bundle");
        self.config.ca_bundle = bundle;
        self
    }

    /// Trusts the certificates of this PEM text instead of the default roots. An invalid bundle
    /// makes every call fail with a construction error saying why.
    pub fn ca_bundle_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.touched.insert("ca_bundle");
        match CaBundle::from_pem(pem.as_ref()) {
            Ok(b) => self.config.ca_bundle = Some(b),
            Err(e) => self.config.problems.push(e.to_string()),
        }
        self
    }

    /// Trusts the certificates of the PEM file at `path` instead of the default roots. A file
    /// that cannot be read or is not a valid bundle makes every call fail with a construction
    /// error naming the file.
    pub fn ca_bundle_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.touched.insert("ca_bundle");
        match CaBundle::from_file(path) {
            Ok(b) => self.config.ca_bundle = Some(b),
            Err(e) => self.config.problems.push(e.to_string()),
        }
        self
    }

    /// Sets the application name (`None`: none).
    pub fn set_app_name(&mut self, name: Option<String>) -> &mut Self {
        self.touched.insert("app_name");
        self.config.app_name = name;
        self
    }

    /// The configuration; a [`CredentialsCache`] (checking expiry with the configuration's clock)
    /// goes around the credentials provider, unless this builder came from a configuration that
    /// has one for the same provider, clock and sleep.
    pub fn build(mut self) -> Config {
        if let (Some(provider), None) =
            (&self.config.credentials_provider, &self.config.credentials_cache)
        {
            self.config.credentials_cache = Some(
                CredentialsCache::builder()
                    .time_source(self.config.time_source.clone())
                    .sleep(self.config.sleep.clone())
                    .build_shared(provider.clone()),
            );
        }
        self.config
    }
}

/// Checks a retry mode setting: `standard`, and `legacy` (the older mode of some SDKs, which
/// this client runs as standard mode), are accepted; `adaptive` (client-side rate limiting) is
/// refused rather than silently run as standard mode.
fn check_retry_mode(what: &str, value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("standard") || v.eq_ignore_ascii_case("legacy") {
        Ok(())
    } else if v.eq_ignore_ascii_case("adaptive") {
        Err(format!(
            "{what} is `adaptive`, which this client does not support (it has the `standard` retry mode \
             only): set it to `standard` or leave it unset"
        ))
    } else {
        Err(format!("{what} must be `standard`, `legacy` or `adaptive`, not `{value}`"))
    }
}

/// The endpoint URL of `service` for a configuration made from `sdk`, as aws-sdk-rust resolves it.
#[cfg(feature = "aws-config")]
fn sdk_endpoint_url(sdk: &aws_types::SdkConfig, service: &ServiceMeta) -> Option<String> {
    let shared = sdk.endpoint_url().map(str::to_string);
    if sdk.get_origin("endpoint_url").is_client_config() {
        return shared;
    }
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id(service.sdk_id)
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build();
    let specific = match (sdk.service_config(), key) {
        (Some(loader), Ok(key)) => loader.load_config(key),
        _ => None,
    };
    specific.or(shared)
}

/// Settings that replace the client's for one call (`customize().config_override(...)`): only
/// what is set here changes; everything else, the connection pool and the retry quota are the
/// client's. A changed region or endpoint URL resolves the endpoint again for the call.
///
/// The connect timeout of the default connector is fixed when the client is made: an
/// override's [`TimeoutConfig::connect`] does not apply.
#[derive(Clone, Default)]
pub struct ConfigOverride {
    region: Option<Region>,
    credentials_provider: Option<SharedCredentialsProvider>,
    /// The cache around `credentials_provider`, made by the first call (clones share it).
    credentials_cache: Arc<OnceLock<CredentialsCache>>,
    endpoint_url: Option<String>,
    retry_config: Option<RetryConfig>,
    timeout_config: Option<TimeoutConfig>,
    idempotency_token_provider: Option<IdempotencyTokenProvider>,
    time_source: Option<Arc<dyn TimeSource>>,
    sleep: Option<Arc<dyn AsyncSleep>>,
    retry_sleep: Option<Arc<dyn AsyncSleep>>,
    interceptors: Vec<SharedInterceptor>,
    /// Settings of a [`ConfigBuilder`] turned into this override that cannot change per call.
    not_per_call: Vec<&'static str>,
}

impl fmt::Debug for ConfigOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigOverride")
            .field("region", &self.region)
            .field("credentials_provider", &self.credentials_provider.as_ref().map(|_| "<set>"))
            .field("endpoint_url", &self.endpoint_url)
            .field("retry_config", &self.retry_config)
            .field("timeout_config", &self.timeout_config)
            .field("interceptors", &self.interceptors)
            .finish_non_exhaustive()
    }
}

impl ConfigOverride {
    /// An override that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The region of this call (its endpoint is resolved again).
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The credentials of this call, through a [`CredentialsCache`] of this override's own: calls
    /// made with this override (or its clones) share it.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials_provider = Some(SharedCredentialsProvider::new(provider));
        self.credentials_cache = Arc::new(OnceLock::new());
        self
    }

    /// The endpoint URL of this call (its endpoint is resolved again).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The retry configuration of this call (it still draws on the client's retry quota).
    pub fn retry_config(mut self, retry_config: RetryConfig) -> Self {
        self.retry_config = Some(retry_config);
        self
    }

    /// The attempt and operation timeouts of this call.
    pub fn timeout_config(mut self, timeout_config: TimeoutConfig) -> Self {
        self.timeout_config = Some(timeout_config);
        self
    }

    /// Makes the values of this call's unset `@idempotencyToken` members.
    pub fn idempotency_token_provider(mut self, provider: IdempotencyTokenProvider) -> Self {
        self.idempotency_token_provider = Some(provider);
        self
    }

    /// The clock this call is signed with.
    pub fn time_source(mut self, time_source: impl TimeSource + 'static) -> Self {
        self.time_source = Some(Arc::new(time_source));
        self
    }

    /// How this call waits between retries and for timeouts.
    pub fn sleep(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// How this call waits between retries only.
    pub fn retry_sleep(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.retry_sleep = Some(Arc::new(sleep));
        self
    }

    /// Adds an interceptor, run after the client's.
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.interceptors.push(SharedInterceptor::new(interceptor));
        self
    }

    /// The endpoint URL set here.
    pub(crate) fn endpoint_url_override(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// `base` with what this override sets.
    pub(crate) fn apply(&self, base: &Config) -> Config {
        let mut c = base.clone();
        if let Some(r) = &self.region {
            c.region = Some(r.clone());
        }
        if let Some(t) = &self.time_source {
            c.time_source = t.clone();
        }
        if let Some(s) = &self.sleep {
            c.sleep = s.clone();
        }
        if let Some(p) = &self.credentials_provider {
            c.credentials_provider = Some(p.clone());
            let cache = self.credentials_cache.get_or_init(|| {
                CredentialsCache::builder()
                    .time_source(c.time_source.clone())
                    .sleep(c.sleep.clone())
                    .build_shared(p.clone())
            });
            c.credentials_cache = Some(cache.clone());
        }
        if let Some(u) = &self.endpoint_url {
            c.endpoint_url = Some(u.clone());
        }
        if let Some(r) = &self.retry_config {
            c.retry_config = r.clone();
        }
        if let Some(t) = self.timeout_config {
            c.timeout_config = t;
        }
        if let Some(p) = &self.idempotency_token_provider {
            c.idempotency_token_provider = p.clone();
        }
        if let Some(s) = &self.retry_sleep {
            c.retry_sleep = Some(s.clone());
        }
        c.interceptors.extend(self.interceptors.iter().cloned());
        for name in &self.not_per_call {
            c.problems.push(format!(
                "`{name}` cannot be changed for one call (config_override): set it in the client's configuration"
            ));
        }
        c
    }
}

/// The settings given to a builder's setters, as an override: `config_override(Config::builder()
/// .retry_config(..))` changes the retry configuration of one call, as with aws-sdk-sfn. Settings
/// that cannot change per call (the connector, proxies, FIPS, ...) make that call fail with a
/// construction error naming them, rather than being ignored.
impl From<ConfigBuilder> for ConfigOverride {
    fn from(builder: ConfigBuilder) -> Self {
        let ConfigBuilder { config: c, touched } = builder;
        let mut o = ConfigOverride::new();
        for name in touched.0 {
            match name {
                "region" => o.region = c.region.clone(),
                "credentials_provider" => match &c.credentials_provider {
                    Some(p) => {
                        o.credentials_provider = Some(p.clone());
                        o.credentials_cache = Arc::new(OnceLock::new());
                    }
                    None => o.not_per_call.push("credentials_provider (unset)"),
                },
                "endpoint_url" => match &c.endpoint_url {
                    Some(u) => o.endpoint_url = Some(u.clone()),
                    None => o.not_per_call.push("endpoint_url (unset)"),
                },
                "retry_config" => o.retry_config = Some(c.retry_config.clone()),
                "timeout_config" => o.timeout_config = Some(c.timeout_config),
                "idempotency_token_provider" => {
                    o.idempotency_token_provider = Some(c.idempotency_token_provider.clone())
                }
                "time_source" => o.time_source = Some(c.time_source.clone()),
                "sleep" => o.sleep = Some(c.sleep.clone()),
                "retry_sleep" => o.retry_sleep = c.retry_sleep.clone(),
                "interceptors" => o.interceptors = c.interceptors.clone(),
                other => o.not_per_call.push(other),
            }
        }
        o
    }
}

#[cfg(feature = "aws-config")]
impl ConfigBuilder {
    /// A builder holding what an `aws_types::SdkConfig` (as `aws_config::load_defaults` returns)
    /// sets: region, credentials provider, endpoint URL (with the service-specific endpoint of its
    /// environment: see [`Config::configured_endpoint_url`]), FIPS and dual-stack switches, the
    /// attempts and backoff of its retry configuration, its timeouts and its app name.
    ///
    /// Its retry mode must be `standard`: an `adaptive` one makes calls fail with a
    /// construction error (this client has no client-side rate limiting), as does a reconnect
    /// mode other than the default `ReconnectOnTransientError` (which the default connector
    /// follows: a 5xx response closes its connection). Proxies and a CA bundle are not part of an `SdkConfig`:
    /// set them with [`ConfigBuilder::proxy`] and [`ConfigBuilder::ca_bundle_file`].
    pub fn from_sdk_config(sdk: &aws_types::SdkConfig) -> Self {
        let mut c = Config {
            region: sdk.region().cloned().map(Region::from),
            // The SdkConfig's identity cache is not used: the configuration puts its own cache
            // around the provider.
            credentials_provider: sdk
                .credentials_provider()
                .map(SharedCredentialsProvider::from_aws),
            use_fips: sdk.use_fips().unwrap_or(false),
            use_dual_stack: sdk.use_dual_stack().unwrap_or(false),
            app_name: sdk.app_name().map(|a| a.to_string()),
            sdk_config: Some(Arc::new(sdk.clone())),
            ..Config::default()
        };
        if let Some(r) = sdk.retry_config() {
            use aws_smithy_types::retry::{ReconnectMode, RetryMode};
            match r.mode() {
                RetryMode::Standard => {}
                RetryMode::Adaptive => c.problems.push(
                    "the retry mode of the SdkConfig (AWS_RETRY_MODE or `retry_mode`) is `adaptive`, which this \
                     client does not support (it has the `standard` retry mode only): use `standard`"
                        .to_string(),
                ),
                other => c.problems.push(format!("the retry mode of the SdkConfig (`{other:?}`) is not supported")),
            }
            if r.reconnect_mode() != ReconnectMode::ReconnectOnTransientError {
                c.problems.push(format!(
                    "the reconnect mode of the SdkConfig's retry configuration (`{:?}`) is not supported",
                    r.reconnect_mode()
                ));
            }
            c.retry_config = RetryConfig::standard()
                .with_max_attempts(r.max_attempts())
                .with_initial_backoff(r.initial_backoff())
                .with_max_backoff(r.max_backoff());
        }
        if let Some(t) = sdk.timeout_config() {
            let mut timeouts = TimeoutConfig::new();
            if let Some(d) = t.connect_timeout() {
                timeouts = timeouts.connect_timeout(d);
            }
            if let Some(d) = t.operation_attempt_timeout() {
                timeouts = timeouts.attempt_timeout(d);
            }
            if let Some(d) = t.operation_timeout() {
                timeouts = timeouts.operation_timeout(d);
            }
            c.timeout_config = timeouts;
        }
        ConfigBuilder { config: c, touched: Touched::default() }
    }
}

/// `sfn_client::config::Builder::from(&sdk_config)`, as with aws-sdk-sfn: see
/// [`ConfigBuilder::from_sdk_config`].
#[cfg(feature = "aws-config")]
impl From<&aws_types::SdkConfig> for ConfigBuilder {
    fn from(sdk: &aws_types::SdkConfig) -> Self {
        ConfigBuilder::from_sdk_config(sdk)
    }
}

#[cfg(feature = "aws-config")]
impl From<&aws_types::SdkConfig> for Config {
    fn from(sdk: &aws_types::SdkConfig) -> Self {
        ConfigBuilder::from_sdk_config(sdk).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::service::TEST_SERVICE as SERVICE;

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("awsjson-config-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(d.join(".aws")).unwrap();
        d
    }

    #[test]
    fn region_precedence() {
        let d = dir("region");
        std::fs::write(
            d.join(".aws/config"),
            "[default]\nregion = from-profile\n[profile p]\nregion = from-p\n",
        )
        .unwrap();
        let home = d.to_string_lossy().into_owned();
        let load = |vars: &[(&str, &str)]| {
            let mut v = vec![("HOME".to_string(), home.clone())];
            v.extend(vars.iter().map(|(k, x)| (k.to_string(), x.to_string())));
            ConfigBuilder::from_env_with(Env::from_vars(v)).build()
        };
        assert_eq!(load(&[]).region().unwrap().as_str(), "from-profile");
        assert_eq!(load(&[("AWS_PROFILE", "p")]).region().unwrap().as_str(), "from-p");
        assert_eq!(load(&[("AWS_DEFAULT_REGION", "dflt")]).region().unwrap().as_str(), "dflt");
        assert_eq!(
            load(&[("AWS_DEFAULT_REGION", "dflt"), ("AWS_REGION", "reg")])
                .region()
                .unwrap()
                .as_str(),
            "reg"
        );
        assert!(load(&[("AWS_PROFILE", "nothing")]).region().is_none());
        let c = ConfigBuilder::from_env_with(Env::from_vars([("HOME", home.as_str())]))
            .region("explicit")
            .build();
        assert_eq!(c.region().unwrap().as_str(), "explicit");
        assert!(Config::builder().build().region().is_none());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn endpoint_url_precedence() {
        let d = dir("endpoint");
        std::fs::write(
            d.join(".aws/config"),
            "[default]\nendpoint_url = http://profile:1\n[profile svc]\nservices = local\nendpoint_url = http://profile:5\n\
             [services local]\nsfn =\n  endpoint_url = http://services-section:6\n",
        )
        .unwrap();
        let home = d.to_string_lossy().into_owned();
        let load = |vars: &[(&str, &str)]| {
            let mut v = vec![("HOME".to_string(), home.clone())];
            v.extend(vars.iter().map(|(k, x)| (k.to_string(), x.to_string())));
            ConfigBuilder::from_env_with(Env::from_vars(v))
        };
        assert_eq!(
            load(&[]).build().configured_endpoint_url(&SERVICE).as_deref(),
            Some("http://profile:1")
        );
        let all =
            [("AWS_ENDPOINT_URL", "http://global:2"), ("AWS_ENDPOINT_URL_SFN", "http://sfn:3")];
        assert_eq!(
            load(&all[..1]).build().configured_endpoint_url(&SERVICE).as_deref(),
            Some("http://global:2")
        );
        assert_eq!(
            load(&all).build().configured_endpoint_url(&SERVICE).as_deref(),
            Some("http://sfn:3")
        );
        assert_eq!(
            load(&all)
                .endpoint_url("http://explicit:4")
                .build()
                .configured_endpoint_url(&SERVICE)
                .as_deref(),
            Some("http://explicit:4")
        );
        assert_eq!(
            load(&[all[0], all[1], ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")])
                .build()
                .configured_endpoint_url(&SERVICE),
            None
        );
        // The services section the profile names: after both variables, before the profile's own.
        assert_eq!(
            load(&[("AWS_PROFILE", "svc")]).build().configured_endpoint_url(&SERVICE).as_deref(),
            Some("http://services-section:6")
        );
        assert_eq!(
            load(&[("AWS_PROFILE", "svc"), all[0]])
                .build()
                .configured_endpoint_url(&SERVICE)
                .as_deref(),
            Some("http://global:2")
        );
        let other = ServiceMeta { sdk_id: "Other Service", ..SERVICE };
        assert_eq!(
            load(&[("AWS_PROFILE", "svc")]).build().configured_endpoint_url(&other).as_deref(),
            Some("http://profile:5")
        );
        assert_eq!(
            load(&[("AWS_PROFILE", "svc"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")])
                .build()
                .configured_endpoint_url(&SERVICE),
            None
        );
        // The plain builder does not read the environment.
        assert_eq!(Config::builder().build().configured_endpoint_url(&SERVICE), None);
        let spaced = ServiceMeta { sdk_id: "Cognito Identity-Provider", ..SERVICE };
        assert_eq!(spaced.endpoint_env_var(), "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER");
        assert_eq!(spaced.config_key(), "cognito_identity_provider");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn switches_and_problems() {
        let c = ConfigBuilder::from_env_with(Env::from_vars([
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
            ("AWS_MAX_ATTEMPTS", "5"),
        ]))
        .build();
        assert!(c.use_fips() && c.use_dual_stack());
        assert_eq!(c.retry_config().max_attempts(), 5);
        assert!(c.problems().is_empty());
        let c = ConfigBuilder::from_env_with(Env::from_vars([
            ("AWS_USE_FIPS_ENDPOINT", "yes"),
            ("AWS_MAX_ATTEMPTS", "0"),
        ]))
        .build();
        assert!(!c.use_fips());
        assert_eq!(c.problems().len(), 2);
        assert!(c.problems()[0].contains("AWS_USE_FIPS_ENDPOINT must be"));
        assert!(c.problems()[1].contains("AWS_MAX_ATTEMPTS must be a whole number"));
        let d = dir("malformed");
        std::fs::write(d.join(".aws/config"), "region = nowhere\n").unwrap();
        let c = ConfigBuilder::from_env_with(Env::from_vars([(
            "HOME",
            d.to_string_lossy().into_owned(),
        )]))
        .build();
        assert!(c.profile_error().unwrap().to_string().contains("line 1"));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn retry_mode_standard_and_legacy_run_standard_adaptive_is_refused() {
        let problems = |vars: &[(&str, &str)]| {
            ConfigBuilder::from_env_with(Env::from_vars(vars.iter().copied())).build().problems
        };
        assert!(problems(&[("AWS_RETRY_MODE", "standard")]).is_empty());
        assert!(problems(&[("AWS_RETRY_MODE", "LEGACY")]).is_empty());
        let p = problems(&[("AWS_RETRY_MODE", "adaptive")]);
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("AWS_RETRY_MODE is `adaptive`, which this client does not support"),
            "{p:?}"
        );
        let p = problems(&[("AWS_RETRY_MODE", "fast")]);
        assert!(
            p[0].contains("AWS_RETRY_MODE must be `standard`, `legacy` or `adaptive`, not `fast`"),
            "{p:?}"
        );
        let d = dir("retry-mode");
        std::fs::write(
            d.join(".aws/config"),
            "[default]\nretry_mode = adaptive\nmax_attempts = 4\n",
        )
        .unwrap();
        let home = d.to_string_lossy().into_owned();
        let c = ConfigBuilder::from_env_with(Env::from_vars([("HOME", home.as_str())])).build();
        assert_eq!(c.retry_config().max_attempts(), 4);
        assert!(
            c.problems()[0].starts_with("`retry_mode` in the shared config file is `adaptive`"),
            "{:?}",
            c.problems()
        );
        // The variable wins over the profile.
        let c = ConfigBuilder::from_env_with(Env::from_vars([
            ("HOME", home.as_str()),
            ("AWS_RETRY_MODE", "standard"),
        ]))
        .build();
        assert!(c.problems().is_empty());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn timeout_defaults_allow_long_polls() {
        let t = TimeoutConfig::default();
        assert!(t.attempt().unwrap() > Duration::from_secs(65));
        assert_eq!(t.operation(), None);
        assert_eq!(TimeoutConfig::disabled().connect(), None);
        assert_eq!(TimeoutConfig::new().attempt_timeout(None).attempt(), None);
    }

    #[cfg(feature = "aws-config")]
    #[test]
    fn from_sdk_config() {
        let creds = aws_credential_types::Credentials::new("AKID", "SECRET", None, None, "test");
        let sdk = aws_types::SdkConfig::builder()
            .region(aws_types::region::Region::new("eu-north-1"))
            .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
                creds,
            ))
            .endpoint_url("http://localhost:4566")
            .use_fips(true)
            .build();
        let c = Config::from(&sdk);
        assert_eq!(c.region().unwrap().as_str(), "eu-north-1");
        assert_eq!(c.configured_endpoint_url(&SERVICE).as_deref(), Some("http://localhost:4566"));
        // An explicit endpoint of the builder wins.
        let explicit =
            ConfigBuilder::from_sdk_config(&sdk).endpoint_url("http://explicit:1").build();
        assert_eq!(
            explicit.configured_endpoint_url(&SERVICE).as_deref(),
            Some("http://explicit:1")
        );
        assert!(c.use_fips() && !c.use_dual_stack());
        assert!(c.credentials_provider().is_some() && c.credentials_cache().is_some());
        assert_eq!(c.retry_config(), &RetryConfig::standard());
        assert!(c.problems().is_empty());

        use aws_smithy_types::retry::{RetryConfig as SdkRetry, RetryMode};
        let retry =
            SdkRetry::standard().with_max_attempts(7).with_max_backoff(Duration::from_secs(5));
        let c = Config::from(&sdk.to_builder().retry_config(retry).build());
        assert_eq!(c.retry_config().max_attempts(), 7);
        assert_eq!(c.retry_config().max_backoff(), Duration::from_secs(5));
        let adaptive = sdk
            .to_builder()
            .retry_config(SdkRetry::standard().with_retry_mode(RetryMode::Adaptive))
            .build();
        let c = Config::from(&adaptive);
        assert!(
            c.problems()[0].contains("is `adaptive`, which this client does not support"),
            "{:?}",
            c.problems()
        );
        let reuse = SdkRetry::standard()
            .with_reconnect_mode(aws_smithy_types::retry::ReconnectMode::ReuseAllConnections);
        let c = Config::from(&sdk.to_builder().retry_config(reuse).build());
        assert!(
            c.problems()[0].contains("reconnect mode")
                && c.problems()[0].contains("ReuseAllConnections")
        );
    }

    #[test]
    fn timeout_config_builder_starts_from_the_defaults() {
        let t = TimeoutConfig::builder().operation_timeout(Duration::from_secs(5)).build();
        assert_eq!(t.connect(), Some(Duration::from_millis(3100)));
        assert_eq!(t.attempt(), Some(Duration::from_secs(70)));
        assert_eq!(t.operation(), Some(Duration::from_secs(5)));
        let mut b = t
            .to_builder()
            .connect_timeout(Duration::from_secs(1))
            .operation_attempt_timeout(Duration::from_secs(2));
        b.set_operation_timeout(None);
        assert_eq!(
            b.build(),
            TimeoutConfig::disabled()
                .connect_timeout(Duration::from_secs(1))
                .attempt_timeout(Duration::from_secs(2))
        );
        let mut b = TimeoutConfig::builder();
        b.set_connect_timeout(None).set_operation_attempt_timeout(None);
        assert_eq!(b.build(), TimeoutConfig::disabled());
    }

    #[test]
    fn every_builder_option_has_a_setter_taking_an_option() {
        let mut b = Config::builder()
            .use_fips(true)
            .use_dual_stack(true)
            .disable_host_prefix(true)
            .max_response_body_size(10)
            .app_name("app")
            .retry_config(RetryConfig::disabled())
            .timeout_config(TimeoutConfig::disabled());
        b.set_use_fips(Some(false))
            .set_use_dual_stack(None)
            .set_disable_host_prefix(None)
            .set_max_response_body_size(None)
            .set_app_name(None)
            .set_retry_config(None)
            .set_timeout_config(None)
            .set_http_connector(None)
            .set_endpoint_resolver(None)
            .set_idempotency_token_provider(Some(IdempotencyTokenProvider::fixed("t")))
            .set_time_source(None)
            .set_sleep(None)
            .set_random_source(None)
            .set_retry_sleep(None)
            .set_interceptors([]);
        let c = b.build();
        assert!(c.interceptors().is_empty());
        assert!(Arc::ptr_eq(c.retry_sleep(), c.sleep()), "no retry sleep of its own");
        assert!(!c.use_fips() && !c.use_dual_stack() && !c.disable_host_prefix());
        assert_eq!(c.max_response_body_size(), DEFAULT_MAX_RESPONSE_BODY_SIZE);
        assert_eq!(c.app_name(), None);
        assert_eq!(c.retry_config(), &RetryConfig::standard());
        assert_eq!(c.timeout_config(), &TimeoutConfig::new());
        assert!(c.http_connector().is_none() && c.endpoint_resolver().is_none());
        assert_eq!(c.idempotency_token_provider().make_token(), "t");
        let mut b = c.to_builder();
        b.set_max_response_body_size(Some(7))
            .set_app_name(Some("x".into()))
            .set_use_fips(Some(true));
        let c = b.build();
        assert_eq!((c.max_response_body_size(), c.app_name(), c.use_fips()), (7, Some("x"), true));
    }
}
