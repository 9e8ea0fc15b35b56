//! Endpoint resolution: from a region and a few switches to the URL a request is sent to.
//!
//! Generated crates carry their service's `smithy.rules#endpointRuleSet` as static data that a
//! [`ResolveEndpoint`] implementation here evaluates; users may plug in their own resolver.

use std::collections::BTreeMap;
use std::fmt;

// The rules engine: the evaluator, its library functions and the partition data, for the static
// rule sets of generated crates (no API).
#[cfg(not(feature = "fuzzing"))]
mod functions;
// The rules engine's library functions, public only for the fuzz targets (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod functions;
#[doc(hidden)]
pub mod partition;
#[doc(hidden)]
pub mod region_regex;
#[doc(hidden)]
pub mod rules;

#[doc(hidden)]
pub use partition::{KnownRegion, Partition, PartitionOutputs, Partitions};
#[doc(hidden)]
pub use rules::RuleSet;

/// The inputs of endpoint resolution: the AWS built-ins every rule set may use, plus any other
/// parameter of the rule set by name.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct EndpointParams {
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `AWS::UseFIPS`.
    pub use_fips: bool,
    /// `AWS::UseDualStack`.
    pub use_dual_stack: bool,
    /// `SDK::Endpoint`: an endpoint URL the user set.
    pub endpoint: Option<String>,
    /// Parameters that are not built-ins, by their rule-set name.
    pub other: BTreeMap<String, ParamValue>,
}

impl EndpointParams {
    /// No region, FIPS and dual-stack off, no endpoint override, no other parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `AWS::Region`.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets `AWS::UseFIPS`.
    pub fn with_use_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = use_fips;
        self
    }

    /// Sets `AWS::UseDualStack`.
    pub fn with_use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = use_dual_stack;
        self
    }

    /// Sets `SDK::Endpoint`.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Sets a parameter that is not one of the built-ins above, by its rule-set name.
    pub fn with_other(mut self, name: impl Into<String>, value: ParamValue) -> Self {
        self.other.insert(name.into(), value);
        self
    }
}

/// The value of a non-built-in endpoint parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    String(String),
    Bool(bool),
    StringArray(Vec<String>),
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Endpoint {
    /// The URL requests are sent to, e.g. `https://states.us-east-1.amazonaws.com`.
    pub url: String,
    /// Headers the endpoint requires, by name.
    pub headers: BTreeMap<String, Vec<String>>,
    /// Endpoint properties (such as `authSchemes`), as documents.
    pub properties: BTreeMap<String, crate::types::Document>,
}

impl Endpoint {
    /// An endpoint with only a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Endpoint { url: url.into(), ..Default::default() }
    }
}

/// Why no endpoint could be resolved (an `error` rule of the rule set, or invalid parameters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    message: String,
}

impl EndpointError {
    /// An error with this message (for an `error` rule: the rule's message, verbatim).
    pub fn new(message: impl Into<String>) -> Self {
        EndpointError { message: message.into() }
    }

    /// The message alone, without the "endpoint resolution failed" prefix of `Display`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "endpoint resolution failed: {}", self.message)
    }
}

impl std::error::Error for EndpointError {}

/// Something that turns [`EndpointParams`] into an [`Endpoint`].
pub trait ResolveEndpoint: Send + Sync + fmt::Debug {
    fn resolve_endpoint(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError>;
}

/// The resolver of a service whose model has no endpoint rule set: it uses the endpoint URL the
/// user configured, and fails clearly without one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRules;

/// The [`NoRules`] resolver, for `ServiceMeta::endpoint_resolver`.
pub static NO_RULES: NoRules = NoRules;

impl ResolveEndpoint for NoRules {
    fn resolve_endpoint(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError> {
        match &params.endpoint {
            Some(url) => Ok(Endpoint::new(url.clone())),
            None => Err(EndpointError::new(
                "the service model has no endpoint rules: configure an endpoint URL (`endpoint_url` or AWS_ENDPOINT_URL)",
            )),
        }
    }
}
