//! The client handle generated clients wrap: it runs one operation call from input to output.
//!
//! A call checks the input, fills idempotency tokens once, encodes the body once, resolves the
//! region and endpoint, then makes attempts: load credentials, sign, send, read. Failures that may
//! not happen again (throttling, 5xx, I/O failures, timeouts, clock skew errors: see
//! [`crate::clock::ClockSkew`]) are retried with backoff, within the
//! retry quota; the whole call can be bounded by an operation timeout.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use tracing::Instrument as _;

use crate::clock::{uuid_v4, AsyncSleep, ClockSkew};
use crate::config::Config;
use crate::config::ConfigOverride;
use crate::endpoint::{EndpointParams, ParamValue};
use crate::error::{
    DispatchFailure, ErrorMetadata, RawResponse, ResponseError, SdkError, ServiceError,
    TimeoutError, TimeoutKind,
};
use crate::http::{
    ConnectorErrorKind, HttpConnector, HttpRequest, HyperConnector, SharedHttpConnector,
};
use crate::interceptor::{
    AfterAttempt, AfterExecution, BeforeSigning, BeforeTransmit, Intercept, InterceptorError,
    SharedInterceptor,
};
use crate::operation::{Auth, Operation, OperationError};
use crate::protocol::RequestTemplate;
use crate::retry::{classify_service_error, RetryKind, RetryQuota};
use crate::service::ServiceMeta;

const AMZ_SDK_INVOCATION_ID: HeaderName = HeaderName::from_static("amz-sdk-invocation-id");
const AMZ_SDK_REQUEST: HeaderName = HeaderName::from_static("amz-sdk-request");

/// A configured client of one service. Cheap to clone: clones share the configuration, the
/// connection pool and the retry quota.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Handle {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    service: &'static ServiceMeta,
    connector: SharedHttpConnector,
    endpoint_url: Option<String>,
    /// The `User-Agent` of every request (or why the configured app name cannot be in one).
    user_agent: Result<HeaderValue, String>,
    quota: RetryQuota,
    /// The offset of the service's clock from ours, learned from skew errors: every call signs
    /// at the corrected time.
    skew: ClockSkew,
    /// The request template of the endpoint the service's rules give for this client's own
    /// endpoint parameters, resolved by the first call that uses them: the rules are a pure
    /// function of the parameters, which the client's configuration fixes. Calls whose override
    /// changes a parameter, and configurations with their own resolver (which may answer
    /// differently from call to call), resolve per call.
    endpoint: OnceLock<Arc<RequestTemplate>>,
}

/// The endpoint parameters of one call, borrowed from its configuration.
#[derive(Clone, Copy, PartialEq)]
struct EndpointKey<'a> {
    region: &'a str,
    use_fips: bool,
    use_dual_stack: bool,
    endpoint_url: Option<&'a str>,
}

impl EndpointKey<'_> {
    fn to_params(self) -> EndpointParams {
        EndpointParams {
            region: Some(self.region.to_string()),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            endpoint: self.endpoint_url.map(str::to_string),
            other: Default::default(),
        }
    }
}

/// A function that changes the request of each attempt of one call, before signing.
type RequestMutator = Arc<dyn Fn(&mut HttpRequest) + Send + Sync>;

/// What one call changes of its client's behaviour: a configuration override, request
/// mutations and extra interceptors. Made by [`CustomizableOperation`].
#[derive(Clone, Default)]
pub struct CallOptions {
    config_override: Option<ConfigOverride>,
    request_mutators: Vec<RequestMutator>,
    interceptors: Vec<SharedInterceptor>,
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("config_override", &self.config_override)
            .field("request_mutators", &self.request_mutators.len())
            .field("interceptors", &self.interceptors)
            .finish()
    }
}

/// The configuration, endpoint URL and hooks of one call.
struct CallContext<'a> {
    config: &'a Config,
    endpoint_url: Option<&'a str>,
    interceptors: Vec<SharedInterceptor>,
    mutators: &'a [RequestMutator],
}

/// What a call's interceptors learn about it as it runs.
#[derive(Default)]
struct CallState {
    attempts: u32,
    request_id: Option<String>,
}

/// An operation call to customize before sending: returned by `customize()` on the fluent
/// builders. Changes apply to this call only; it shares the client's connection pool and retry
/// quota.
pub struct CustomizableOperation<O: Operation> {
    handle: Handle,
    input: O::Input,
    options: CallOptions,
}

impl<O: Operation> CustomizableOperation<O> {
    /// A call of `O` with `input` through `handle` (generated `customize()` methods make it).
    #[doc(hidden)]
    pub fn new(handle: Handle, input: O::Input) -> Self {
        CustomizableOperation { handle, input, options: CallOptions::default() }
    }

    /// Replaces settings of the client's configuration for this call: only those set on
    /// `config_override` change (a second override replaces the first).
    pub fn config_override(mut self, config_override: impl Into<ConfigOverride>) -> Self {
        self.options.config_override = Some(config_override.into());
        self
    }

    /// Changes the request of every attempt before it is signed (so the change is signed), e.g.
    /// to add a header.
    pub fn mutate_request(mut self, f: impl Fn(&mut HttpRequest) + Send + Sync + 'static) -> Self {
        self.options.request_mutators.push(Arc::new(f));
        self
    }

    /// Adds an interceptor to this call, run after the client's.
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.options.interceptors.push(SharedInterceptor::new(interceptor));
        self
    }

    /// Sends the request and waits for the response.
    pub async fn send(self) -> Result<O::Output, SdkError<O::Error>> {
        self.handle.call_with::<O>(self.input, self.options).await
    }
}

impl<O: Operation> std::fmt::Debug for CustomizableOperation<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomizableOperation")
            .field("operation", &O::NAME)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Handle {
    /// A client of `service` with `config`. Nothing is checked or connected here: problems
    /// (no region, no credentials) are reported by the calls.
    pub fn new(config: Config, service: &'static ServiceMeta) -> Handle {
        let connector = match config.http_connector() {
            Some(c) => c.clone(),
            None => SharedHttpConnector::new(HyperConnector::for_config(&config)),
        };
        let endpoint_url = config.configured_endpoint_url(service);
        let mut user_agent = format!(
            "{} awsjson-runtime/{} os/{} lang/rust api/{}",
            service.user_agent,
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            service.api_version
        );
        if let Some(app) = config.app_name() {
            user_agent.push_str(" app/");
            user_agent.push_str(app);
        }
        let user_agent = HeaderValue::try_from(&user_agent)
            .map_err(|e| format!("the user agent `{user_agent}` is not a valid header value: {e}"));
        let inner = Inner {
            config,
            service,
            connector,
            endpoint_url,
            user_agent,
            quota: RetryQuota::default(),
            skew: ClockSkew::default(),
            endpoint: OnceLock::new(),
        };
        Handle { inner: Arc::new(inner) }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn service(&self) -> &'static ServiceMeta {
        self.inner.service
    }

    /// Calls operation `O` with `input`.
    pub async fn call<O: Operation>(
        &self,
        input: O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        self.call_with::<O>(input, CallOptions::default()).await
    }

    /// Calls operation `O` with `input` and per-call `options` (`customize()`): the call shares
    /// the connection pool and the retry quota of this client.
    ///
    /// Only the input and the output are typed here: the call itself (endpoint, signing,
    /// attempts, retries, interceptors) is one function for every operation, which sees the
    /// operation through a type-erased view of the call.
    pub async fn call_with<O: Operation>(
        &self,
        input: O::Input,
        options: CallOptions,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let op = OperationInfo {
            name: O::NAME,
            target: if O::TARGET.is_empty() {
                None
            } else {
                // Checked when the program is compiled: no work per call.
                Some(const { HeaderValue::from_static(O::TARGET) })
            },
            request_compression: O::REQUEST_COMPRESSION,
            auth: O::AUTH,
        };
        let mut call = TypedCall::<O> { input: Some(input), result: None, success: None };
        self.call_erased(&op, options, &mut call).await;
        call.result.unwrap_or_else(|| {
            Err(SdkError::construction_failure("the call ended without an outcome"))
        })
    }

    /// The call of any operation: runs it, then its interceptors' `read_after_execution`; the
    /// outcome is left in `call`.
    async fn call_erased(
        &self,
        op: &OperationInfo,
        options: CallOptions,
        call: &mut (dyn ErasedCall + '_),
    ) {
        let span =
            tracing::debug_span!("call", service = self.inner.service.sdk_id, operation = op.name);
        let overridden = options.config_override.as_ref().map(|o| o.apply(&self.inner.config));
        let config = overridden.as_ref().unwrap_or(&self.inner.config);
        let endpoint_url =
            match options.config_override.as_ref().and_then(|o| o.endpoint_url_override()) {
                Some(url) => Some(url),
                None => self.inner.endpoint_url.as_deref(),
            };
        let mut interceptors = config.interceptors().to_vec();
        interceptors.extend(options.interceptors.iter().cloned());
        let context =
            CallContext { config, endpoint_url, interceptors, mutators: &options.request_mutators };
        let timeout = config.timeout_config().operation();
        let sleep = config.sleep().clone();
        async move {
            let start = std::time::Instant::now();
            let mut state = CallState::default();
            match with_timeout(
                &*sleep,
                timeout,
                self.call_inner(op, &context, &mut state, &mut *call),
            )
            .await
            {
                Some(Ok(())) => {}
                Some(Err(e)) => call.fail(e),
                None => {
                    let after = timeout.unwrap_or_default();
                    tracing::debug!(?after, "operation timeout expired");
                    call.fail(SdkError::TimeoutError(TimeoutError::new(
                        TimeoutKind::Operation,
                        after,
                    )));
                }
            }
            let failed = {
                let after = AfterExecution {
                    operation: op.name,
                    attempts: state.attempts,
                    duration: start.elapsed(),
                    request_id: state.request_id.as_deref(),
                    error: call.error(),
                };
                context.interceptors.iter().find_map(|i| {
                    i.read_after_execution(&after)
                        .err()
                        .map(|e| InterceptorError::new(i, "read_after_execution", e))
                })
            };
            if let Some(e) = failed {
                call.fail(SdkError::ResponseError(ResponseError::new(e, None)));
            }
        }
        .instrument(span)
        .await
    }

    /// Checks and encodes the input, resolves the endpoint, then makes attempts. `Ok` when the
    /// outcome (output or error) of the last attempt is in `call`; `Err` for a failure of the
    /// call itself.
    async fn call_inner(
        &self,
        op: &OperationInfo,
        call: &CallContext<'_>,
        state: &mut CallState,
        typed: &mut (dyn ErasedCall + '_),
    ) -> Result<(), SdkError<Infallible>> {
        let inner = &*self.inner;
        let config = call.config;
        let Prepared { host_prefix, body, endpoint_params } = typed.prepare(config)?;
        let (body, compressed) = crate::protocol::compress_body(body, op.request_compression);

        if let Some(problem) = config.problems().first() {
            return Err(SdkError::construction_failure(format!(
                "invalid configuration: {problem}"
            )));
        }
        let Some(region) = config.region() else {
            let mut msg = String::from(
                "no region is configured: set it in the configuration (ConfigBuilder::region), \
                 in AWS_REGION, or as `region` in the shared config file profile",
            );
            if let Some(e) = config.profile_error() {
                msg.push_str(&format!(" (the shared config could not be read: {e})"));
            }
            return Err(SdkError::construction_failure(msg));
        };
        let key = EndpointKey {
            region: region.as_str(),
            use_fips: config.use_fips(),
            use_dual_stack: config.use_dual_stack(),
            endpoint_url: call.endpoint_url,
        };
        let template = self.request_template(config, key, endpoint_params)?;
        let target = match &op.target {
            Some(target) => target.clone(),
            None => HeaderValue::try_from(format!("{}.{}", inner.service.target_prefix, op.name))
                .map_err(SdkError::construction_failure)?,
        };
        // Each attempt sends a request of its own, built from these parts (the body is `Bytes`:
        // every request shares it); none is copied.
        let build = || {
            let mut request = template
                .build(op.name, target.clone(), host_prefix.as_deref(), body.clone())
                .map_err(SdkError::construction_failure)?;
            if compressed {
                request
                    .headers_mut()
                    .insert(http::header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Ok::<_, SdkError<Infallible>>(request)
        };
        let request = build()?;
        let signing_region = template.signing_region(region.as_str());
        let signing_name = template.signing_name(inner.service.signing_name);
        tracing::debug!(endpoint = %request.uri(), "resolved endpoint");

        let retry = config.retry_config();
        let max_attempts = retry.max_attempts();
        let invocation_id =
            HeaderValue::from_str(&uuid_v4()).map_err(SdkError::construction_failure)?;
        let mut attempt = 1u32;
        let mut last_retry_cost = None;
        let mut first = Some(request);
        loop {
            let credentials = match (op.auth, config.credentials_cache()) {
                (Auth::None, _) => None,
                (Auth::Optional, None) => {
                    tracing::debug!("no credentials provider: sending unsigned (optional auth)");
                    None
                }
                (Auth::Optional, Some(cache)) => match cache.get().await {
                    Ok(credentials) => Some(credentials),
                    Err(e) => {
                        tracing::debug!(error = %e, "no credentials: sending unsigned (optional auth)");
                        None
                    }
                },
                (_, None) => {
                    return Err(SdkError::construction_failure(
                        "no credentials provider is configured: set one in the configuration \
                         (ConfigBuilder::credentials_provider) or load the configuration from the environment",
                    ))
                }
                (_, Some(cache)) => Some(
                    cache
                        .get()
                        .await
                        .map_err(|e| SdkError::construction_failure(format!("failed to load credentials: {e}")))?,
                ),
            };
            let mut req = match first.take() {
                Some(request) => request,
                None => build()?,
            };
            for mutate in call.mutators {
                mutate(&mut req);
            }
            for i in &call.interceptors {
                let mut context = BeforeSigning { operation: op.name, attempt, request: &mut req };
                if let Err(e) = i.modify_before_signing(&mut context) {
                    return Err(SdkError::construction_failure(InterceptorError::new(
                        i,
                        "modify_before_signing",
                        e,
                    )));
                }
            }
            if let Some(credentials) = &credentials {
                let signing_time = inner.skew.corrected(config.time_source().now());
                crate::sign::sign_request(
                    &mut req,
                    credentials,
                    signing_region,
                    signing_name,
                    signing_time,
                )
                .map_err(SdkError::construction_failure)?;
            }
            let length = HeaderValue::from(req.body().len());
            let headers = req.headers_mut();
            headers.insert(CONTENT_LENGTH, length);
            headers.insert(AMZ_SDK_INVOCATION_ID, invocation_id.clone());
            if let Some(v) = amz_sdk_request(attempt, max_attempts) {
                headers.insert(AMZ_SDK_REQUEST, v);
            }
            for i in &call.interceptors {
                let context = BeforeTransmit { operation: op.name, attempt, request: &req };
                if let Err(e) = i.read_before_transmit(&context) {
                    return Err(SdkError::construction_failure(InterceptorError::new(
                        i,
                        "read_before_transmit",
                        e,
                    )));
                }
            }

            state.attempts = attempt;
            let span = tracing::debug_span!("attempt", attempt);
            let mut retry_kind = self.attempt(config, req, &mut *typed).instrument(span).await;
            if let Some((meta, raw)) = typed.service_error() {
                // A skew error: later attempts and calls sign at the service's time; this one is
                // tried again.
                let date = raw.headers().get(http::header::DATE).and_then(|v| v.to_str().ok());
                if inner.skew.learn(meta.code(), meta.message(), date, config.time_source().now()) {
                    retry_kind = Some(RetryKind::Transient);
                }
            }
            // The outcome is borrowed in this block only: none of it is held across the sleep.
            let delay = {
                let response = typed.response();
                state.request_id = response.and_then(RawResponse::request_id).map(str::to_string);
                {
                    let context = AfterAttempt {
                        operation: op.name,
                        attempt,
                        response,
                        error: typed.error(),
                    };
                    for i in &call.interceptors {
                        if let Err(e) = i.read_after_attempt(&context) {
                            let e = InterceptorError::new(i, "read_after_attempt", e);
                            return Err(SdkError::ResponseError(ResponseError::new(
                                e,
                                response.cloned(),
                            )));
                        }
                    }
                }
                let Some(err) = typed.error() else {
                    if retry.retry_quota() {
                        inner.quota.release(last_retry_cost);
                    }
                    return Ok(());
                };
                let Some(kind) = retry_kind else {
                    tracing::debug!(attempt, error = %err, "attempt failed; not retryable");
                    return Ok(());
                };
                if attempt >= max_attempts {
                    tracing::debug!(attempt, error = %err, "attempt failed; no attempts left");
                    return Ok(());
                }
                if retry.retry_quota() {
                    match inner.quota.acquire(kind) {
                        Some(cost) => last_retry_cost = Some(cost),
                        None => {
                            tracing::debug!(attempt, error = %err, "attempt failed; retry quota exhausted");
                            return Ok(());
                        }
                    }
                }
                let delay = retry.backoff(attempt, config.random_source().next_f64());
                tracing::debug!(attempt, ?kind, ?delay, error = %err, "attempt failed; retrying");
                delay
            };
            config.retry_sleep().sleep(delay).await;
            attempt += 1;
        }
    }

    /// The request template of the endpoint for `key`: the client's own, resolved once, when
    /// `key` is the client's and the service's rules resolve it; else resolved for this call.
    /// The request template of a call: its endpoint resolved from `key` and the call's own
    /// parameters `extra`. Calls without parameters of their own share the one of the client's
    /// configuration, resolved once.
    fn request_template<E>(
        &self,
        config: &Config,
        key: EndpointKey<'_>,
        extra: BTreeMap<String, ParamValue>,
    ) -> Result<Arc<RequestTemplate>, SdkError<E>> {
        let inner = &*self.inner;
        let custom = config.endpoint_resolver();
        let cacheable = extra.is_empty()
            && custom.is_none()
            && inner.config.endpoint_resolver().is_none()
            && key == self.client_endpoint_key();
        if cacheable {
            if let Some(template) = inner.endpoint.get() {
                return Ok(template.clone());
            }
        }
        let mut params = key.to_params();
        params.other.extend(extra);
        let resolved = match custom {
            Some(r) => r.resolve_endpoint(&params),
            None => inner.service.endpoint_resolver.resolve_endpoint(&params),
        };
        let endpoint = resolved.map_err(SdkError::construction_failure)?;
        let user_agent = inner.user_agent.clone().map_err(SdkError::construction_failure)?;
        let template = Arc::new(
            RequestTemplate::new(inner.service, endpoint, user_agent)
                .map_err(SdkError::construction_failure)?,
        );
        if cacheable {
            // Two first calls at once may both resolve: either result is the same.
            return Ok(inner.endpoint.get_or_init(|| template).clone());
        }
        Ok(template)
    }

    /// The endpoint parameters of the client's own configuration (`""` as the region when it
    /// has none: no call gets as far as the endpoint then).
    fn client_endpoint_key(&self) -> EndpointKey<'_> {
        let config = &self.inner.config;
        EndpointKey {
            region: config.region().map_or("", |r| r.as_str()),
            use_fips: config.use_fips(),
            use_dual_stack: config.use_dual_stack(),
            endpoint_url: self.inner.endpoint_url.as_deref(),
        }
    }

    /// One attempt: send, read, decode; the outcome is left in `typed`. Also says whether (and
    /// why) a failure may be retried.
    async fn attempt(
        &self,
        config: &Config,
        request: http::Request<Bytes>,
        typed: &mut (dyn ErasedCall + '_),
    ) -> Option<RetryKind> {
        let max_body = config.max_response_body_size();
        let timeout = config.timeout_config().attempt();
        let sent =
            with_timeout(&**config.sleep(), timeout, self.inner.connector.call(request, max_body))
                .await;
        let response = match sent {
            None => {
                let after = timeout.unwrap_or_default();
                typed.fail(SdkError::TimeoutError(TimeoutError::new(TimeoutKind::Attempt, after)));
                return Some(RetryKind::Timeout);
            }
            Some(Err(e)) => {
                let kind = e.kind();
                let retry = match kind {
                    ConnectorErrorKind::Io | ConnectorErrorKind::ResponseBody => {
                        Some(RetryKind::Transient)
                    }
                    ConnectorErrorKind::Timeout => Some(RetryKind::Timeout),
                    _ => None,
                };
                let err = match kind {
                    ConnectorErrorKind::ResponseBody | ConnectorErrorKind::BodyTooLarge => {
                        let (_, source, raw) = e.into_parts();
                        SdkError::ResponseError(ResponseError::new(source, raw))
                    }
                    _ => SdkError::DispatchFailure(DispatchFailure::new(e)),
                };
                typed.fail(err);
                return retry;
            }
            Some(Ok(r)) => r,
        };
        typed.decode(self.inner.service, response, max_body)
    }
}

/// What the call of any operation needs to know of it besides its input and output.
struct OperationInfo {
    name: &'static str,
    /// `X-Amz-Target`, when the operation gives it (else made from the service's prefix).
    target: Option<HeaderValue>,
    request_compression: bool,
    auth: Auth,
}

/// The encoded input of a call.
struct Prepared {
    host_prefix: Option<String>,
    /// The call's own endpoint parameters (context parameters of the operation and its input).
    endpoint_params: BTreeMap<String, ParamValue>,
    body: Bytes,
}

/// The typed side of one call, as the call of any operation sees it: encodes the input, decodes
/// responses, and keeps the outcome of the latest attempt (an output or an `SdkError` of the
/// operation's error type, so interceptors see the same error the caller gets).
trait ErasedCall: Send {
    /// Checks the input, fills its idempotency tokens, makes its host prefix and encodes it.
    fn prepare(&mut self, config: &Config) -> Result<Prepared, SdkError<Infallible>>;
    /// Decodes a response into the outcome; says whether (and why) an error may be retried.
    fn decode(
        &mut self,
        service: &ServiceMeta,
        response: http::Response<Bytes>,
        max_body: usize,
    ) -> Option<RetryKind>;
    /// Makes a failure that is not the service's the outcome.
    fn fail(&mut self, error: SdkError<Infallible>);
    /// The error of the outcome, if it is one.
    fn error(&self) -> Option<&(dyn std::error::Error + 'static)>;
    /// The response of the outcome, if one came back.
    fn response(&self) -> Option<&RawResponse>;
    /// The metadata and the response of the outcome, if it is an error of the service.
    fn service_error(&self) -> Option<(&ErrorMetadata, &RawResponse)>;
}

/// [`ErasedCall`] of operation `O`.
struct TypedCall<O: Operation> {
    input: Option<O::Input>,
    result: Option<Result<O::Output, SdkError<O::Error>>>,
    /// The status and headers of a successful response (an error holds its own).
    success: Option<RawResponse>,
}

impl<O: Operation> ErasedCall for TypedCall<O> {
    fn prepare(&mut self, config: &Config) -> Result<Prepared, SdkError<Infallible>> {
        let Some(mut input) = self.input.take() else {
            return Err(SdkError::construction_failure("the input of the call was already sent"));
        };
        O::validate(&input).map_err(SdkError::construction_failure)?;
        // Once per call: every attempt sends the same tokens.
        let tokens = config.idempotency_token_provider();
        O::fill_idempotency_token(&mut input, &mut || tokens.make_token());
        let host_prefix = if config.disable_host_prefix() {
            None
        } else {
            O::host_prefix(&input).map_err(SdkError::construction_failure)?
        };
        let mut endpoint_params = BTreeMap::new();
        O::endpoint_params(&input, &mut endpoint_params);
        let body = Bytes::from(crate::json::to_string(&input));
        Ok(Prepared { host_prefix, body, endpoint_params })
    }

    fn decode(
        &mut self,
        service: &ServiceMeta,
        response: http::Response<Bytes>,
        max_body: usize,
    ) -> Option<RetryKind> {
        let (result, retry, success) = decode::<O>(service, response, max_body);
        self.result = Some(result);
        self.success = success;
        retry
    }

    fn fail(&mut self, error: SdkError<Infallible>) {
        self.result = Some(Err(error.map_service_error(|never| match never {})));
        self.success = None;
    }

    fn error(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.result {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }

    fn response(&self) -> Option<&RawResponse> {
        match &self.result {
            Some(Ok(_)) => self.success.as_ref(),
            Some(Err(e)) => e.raw_response(),
            None => None,
        }
    }

    fn service_error(&self) -> Option<(&ErrorMetadata, &RawResponse)> {
        match &self.result {
            Some(Err(SdkError::ServiceError(e))) => Some((e.err().meta(), e.raw())),
            _ => None,
        }
    }
}

/// The outcome of one attempt, whether (and why) a failure may be retried, and the status and
/// headers of a successful response (an error holds its own).
type AttemptResult<O> = (
    Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>,
    Option<RetryKind>,
    Option<RawResponse>,
);

/// Decodes a response of operation `O` as the client does: a 2xx body into the output, anything
/// else into the operation's error (modeled or unhandled). For tests and replays that bypass the
/// client's transport.
#[doc(hidden)]
pub fn decode_response<O: Operation>(
    service: &ServiceMeta,
    response: http::Response<Bytes>,
) -> Result<O::Output, SdkError<O::Error>> {
    decode::<O>(service, response, usize::MAX).0
}

/// A response as the call of any operation sorts it, before the operation's types are made of
/// it (the typed part of [`decode`] is small: it is compiled once per operation).
enum Received {
    /// A 2xx response: the output is decoded from `body`.
    Success { raw: RawResponse, body: Bytes },
    /// An error response naming the error `code`: the modeled error is decoded from `body`
    /// (the whole body: `raw` may keep only its start), or from `{}` when the body is not a
    /// JSON object.
    Modeled { raw: RawResponse, code: String, body: Option<Bytes>, meta: ErrorMetadata },
    /// An error response that names no error: `why`.
    Unnamed { raw: RawResponse, why: String, meta: ErrorMetadata },
    /// The body is over the limit.
    TooLarge(ResponseError),
}

/// Sorts a response (see [`Received`]).
fn receive(service: &ServiceMeta, response: http::Response<Bytes>, max_body: usize) -> Received {
    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    let raw = RawResponse::new(status, parts.headers);
    tracing::debug!(status, request_id = raw.request_id(), "response received");
    if body.len() > max_body {
        let e = crate::http::ConnectorError::body_too_large(max_body, None);
        return Received::TooLarge(ResponseError::new(e, Some(raw)));
    }
    if (200..300).contains(&status) {
        return Received::Success { raw, body };
    }
    let raw = raw.with_body(body.clone());
    let parsed = crate::protocol::parse_error_response(
        status,
        raw.headers(),
        &body,
        service.query_compatible,
    );
    match parsed.code {
        Some(code) => {
            let body = parsed.body_error.is_none().then_some(body);
            Received::Modeled { raw, code, body, meta: parsed.meta }
        }
        None => {
            let why = match parsed.body_error {
                Some(e) => format!("the error response (HTTP {status}) names no error, and its body is unreadable: {e}"),
                None => format!("the error response (HTTP {status}) names no error"),
            };
            Received::Unnamed { raw, why, meta: parsed.meta }
        }
    }
}

/// Decodes a response; also says whether (and why) a failure may be retried.
fn decode<O: Operation>(
    service: &ServiceMeta,
    response: http::Response<Bytes>,
    max_body: usize,
) -> AttemptResult<O> {
    let (error, raw) = match receive(service, response, max_body) {
        Received::TooLarge(e) => return (Err(SdkError::ResponseError(e)), None, None),
        // The body of a success is not kept in errors: it may hold sensitive members.
        Received::Success { raw, body } => {
            return match crate::json::from_slice::<O::Output>(&body) {
                Ok(mut output) => {
                    O::set_request_id(&mut output, raw.request_id().map(str::to_string));
                    (Ok(output), None, Some(raw))
                }
                Err(e) => {
                    (Err(SdkError::ResponseError(ResponseError::new(e, Some(raw)))), None, None)
                }
            };
        }
        Received::Modeled { raw, code, body, meta } => {
            (O::Error::from_response(&code, body.as_deref().unwrap_or(b"{}"), meta), raw)
        }
        Received::Unnamed { raw, why, meta } => (O::Error::unhandled(why.into(), meta), raw),
    };
    let kind = classify_service_error(error.retry_kind(), error.meta().code(), raw.status());
    (Err(SdkError::ServiceError(ServiceError::new(error, raw))), kind, None)
}

/// `amz-sdk-request: attempt=N; max=M`, from static text for the usual retry settings.
fn amz_sdk_request(attempt: u32, max_attempts: u32) -> Option<HeaderValue> {
    const STATIC: [[&str; 5]; 5] = [
        ["attempt=1; max=1", "", "", "", ""],
        ["attempt=1; max=2", "attempt=2; max=2", "", "", ""],
        ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3", "", ""],
        ["attempt=1; max=4", "attempt=2; max=4", "attempt=3; max=4", "attempt=4; max=4", ""],
        [
            "attempt=1; max=5",
            "attempt=2; max=5",
            "attempt=3; max=5",
            "attempt=4; max=5",
            "attempt=5; max=5",
        ],
    ];
    if (1..=max_attempts).contains(&attempt) && max_attempts <= 5 {
        return Some(HeaderValue::from_static(
            STATIC[max_attempts as usize - 1][attempt as usize - 1],
        ));
    }
    HeaderValue::try_from(format!("attempt={attempt}; max={max_attempts}")).ok()
}

/// Runs `future`, or gives up (`None`) after `timeout`. One poll loop for both cases, so that
/// the (large) state machine of `future` is polled from one place in the program.
async fn with_timeout<F: Future>(
    sleep: &dyn AsyncSleep,
    timeout: Option<Duration>,
    future: F,
) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut timer = timeout.map(|t| sleep.sleep(t));
    poll_fn(|cx| {
        if let Poll::Ready(v) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        match timer.as_mut().map(|t| std::pin::Pin::new(t).poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(None),
            _ => Poll::Pending,
        }
    })
    .await
}
