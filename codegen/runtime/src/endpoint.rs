//! Endpoint resolution: from a region and a few switches to the URL a request is sent to.
//!
//! Generated crates carry their service's `smithy.rules#endpointRuleSet` as static data that a
//! [`ResolveEndpoint`] implementation here evaluates; users may plug in their own resolver.

use std::collections::BTreeMap;
use std::fmt;

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
    /// Endpoint properties (such as `authSchemes`), as JSON.
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl Endpoint {
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
    pub fn new(message: impl Into<String>) -> Self {
        EndpointError { message: message.into() }
    }

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
