//! Static facts about a service, emitted once per generated crate.

/// The version of the awsJson protocol a service speaks (`@awsJson1_0` or `@awsJson1_1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonVersion {
    /// awsJson 1.0: `Content-Type: application/x-amz-json-1.0`.
    V1_0,
    /// awsJson 1.1: `Content-Type: application/x-amz-json-1.1`.
    V1_1,
}

impl JsonVersion {
    /// The `Content-Type` of requests in this version.
    pub fn content_type(self) -> &'static str {
        match self {
            JsonVersion::V1_0 => "application/x-amz-json-1.0",
            JsonVersion::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// What the runtime needs to know about a service.
#[derive(Debug)]
pub struct ServiceMeta {
    /// The `X-Amz-Target` prefix, e.g. `AWSStepFunctions`.
    pub target_prefix: &'static str,
    /// The awsJson version of the protocol (the `Content-Type` of requests).
    pub json_version: JsonVersion,
    /// The SigV4 signing name, e.g. `states`.
    pub signing_name: &'static str,
    /// The SDK id, e.g. `SFN`: `AWS_ENDPOINT_URL_SFN` overrides the endpoint.
    pub sdk_id: &'static str,
    /// The model's API version, e.g. `2016-11-23`.
    pub api_version: &'static str,
    /// The leading product token of the `User-Agent`, e.g. `sfn-client/0.1.0`.
    pub user_agent: &'static str,
    /// The service's endpoint resolver (from the model's rule set), used unless the configuration
    /// supplies another.
    pub endpoint_resolver: &'static dyn crate::endpoint::ResolveEndpoint,
    /// The service keeps the error codes of the awsQuery protocol it replaced
    /// (`@awsQueryCompatible`): requests say `x-amzn-query-mode: true`, and an error's code is the
    /// one in the `x-amzn-query-error` header when present.
    pub query_compatible: bool,
}

impl ServiceMeta {
    /// The `Content-Type` of requests.
    pub fn content_type(&self) -> &'static str {
        self.json_version.content_type()
    }

    /// The name of the environment variable that overrides this service's endpoint:
    /// `AWS_ENDPOINT_URL_` and the SDK id upper-cased with spaces and dashes as underscores.
    pub fn endpoint_env_var(&self) -> String {
        format!("AWS_ENDPOINT_URL_{}", self.config_key().to_ascii_uppercase())
    }

    /// The key of this service in a `[services NAME]` section of the shared config file: the
    /// SDK id lower-cased with spaces and dashes as underscores (`sfn`, `cognito_identity_provider`).
    pub fn config_key(&self) -> String {
        self.sdk_id
            .chars()
            .map(|c| if matches!(c, ' ' | '-') { '_' } else { c.to_ascii_lowercase() })
            .collect()
    }
}

/// An SFN-like service for the runtime's unit tests (no endpoint rules).
#[cfg(test)]
pub(crate) static TEST_SERVICE: ServiceMeta = ServiceMeta {
    target_prefix: "AWSStepFunctions",
    json_version: JsonVersion::V1_0,
    signing_name: "states",
    sdk_id: "SFN",
    api_version: "2016-11-23",
    user_agent: "sfn-client/0.1.0",
    endpoint_resolver: &crate::endpoint::NO_RULES,
    query_compatible: false,
};
