//! The default credentials chain.

use super::{
    ContainerCredentials, Credentials, CredentialsError, EnvironmentCredentials, ImdsCredentials,
    ProfileCredentials, ProvideCredentials, ProvideCredentialsFuture,
};
use crate::env::Env;

const PROVIDER: &str = "DefaultChain";

/// The sources of credentials in the order the AWS SDKs try them:
/// 1. the environment variables ([`EnvironmentCredentials`]);
/// 2. the shared files' profile: static keys or `credential_process` ([`ProfileCredentials`]);
/// 3. web identity (`AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, EKS IRSA): needs an STS call,
///    so setting either variable is an error naming the `aws-config` feature;
/// 4. ECS / EKS Pod Identity container credentials ([`ContainerCredentials`]);
/// 5. EC2 instance metadata ([`ImdsCredentials`]).
///
/// A source that is absent is skipped; one that is configured but fails stops the chain with its
/// error. When none has credentials, the error lists every source and why it was skipped.
/// The chain does not cache: the client configuration puts a [`CredentialsCache`](super::CredentialsCache)
/// around it.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    env: Env,
    environment: EnvironmentCredentials,
    profile: ProfileCredentials,
    container: ContainerCredentials,
    imds: ImdsCredentials,
}

impl DefaultCredentialsChain {
    /// Reads the process environment and the files it names.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    /// Reads the given environment and the files it names.
    pub fn with_env(env: Env) -> Self {
        DefaultCredentialsChain {
            environment: EnvironmentCredentials::with_env(env.clone()),
            profile: ProfileCredentials::with_env(env.clone()),
            container: ContainerCredentials::with_env(env.clone()),
            imds: ImdsCredentials::with_env(env.clone()),
            env,
        }
    }

    /// Uses this profile instead of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.profile = self.profile.profile_name(name.clone());
        self.imds = self.imds.profile_name(name);
        self
    }

    /// Resolves `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against this base instead of
    /// `http://169.254.170.2` (for tests, with a loopback server).
    pub fn container_relative_uri_base(mut self, base: impl Into<String>) -> Self {
        self.container = self.container.relative_uri_base(base);
        self
    }

    /// Tries the sources in order.
    pub async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut skipped: Vec<String> = Vec::new();
        let mut next = |source: &str, r: Result<Credentials, CredentialsError>| match r {
            Err(e) if e.is_not_loaded() => {
                skipped.push(format!("{source}: {}", e.message()));
                None
            }
            other => Some(other),
        };
        if let Some(r) = next("environment", self.environment.load()) {
            return r;
        }
        if let Some(r) = next("profile", self.profile.load().await) {
            return r;
        }
        if let Some(r) = next("web identity", self.web_identity()) {
            return r;
        }
        if let Some(r) = next("container", self.container.load().await) {
            return r;
        }
        if let Some(r) = next("instance metadata", self.imds.load().await) {
            return r;
        }
        Err(CredentialsError::not_loaded(
            PROVIDER,
            format!(
                "no credentials found; tried {}; set the environment variables, the shared files, \
                 or a credentials provider in the configuration",
                skipped.join("; ")
            ),
        ))
    }

    fn web_identity(&self) -> Result<Credentials, CredentialsError> {
        match (self.env.get("AWS_ROLE_ARN"), self.env.get("AWS_WEB_IDENTITY_TOKEN_FILE")) {
            (None, None) => Err(CredentialsError::not_loaded(
                "WebIdentityToken",
                "neither AWS_ROLE_ARN nor AWS_WEB_IDENTITY_TOKEN_FILE is set",
            )),
            (role, file) => {
                let set: Vec<&str> =
                    [role.map(|_| "AWS_ROLE_ARN"), file.map(|_| "AWS_WEB_IDENTITY_TOKEN_FILE")]
                        .into_iter()
                        .flatten()
                        .collect();
                Err(CredentialsError::invalid_configuration(
                    "WebIdentityToken",
                    format!(
                        "{} set: web identity credentials need an STS AssumeRoleWithWebIdentity call, which this \
                         client does not make: enable the `aws-config` feature and configure the client from an \
                         aws-config SdkConfig",
                        set.join(" and ")
                    ),
                ))
            }
        }
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }

    fn provider_name(&self) -> &str {
        PROVIDER
    }
}
