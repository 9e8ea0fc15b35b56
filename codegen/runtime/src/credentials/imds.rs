//! EC2 instance metadata (IMDSv2) credentials.

use std::time::Duration;

use super::fetch::{request, snippet, FetchError, Fetcher};
use super::{
    credentials_from_json, Credentials, CredentialsError, ProvideCredentials,
    ProvideCredentialsFuture,
};
use crate::env::Env;
use crate::profile::ProfileSet;

const PROVIDER: &str = "IMDS";
const DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
const ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const IPV4_ENDPOINT: &str = "http://169.254.169.254";
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";
/// The lifetime asked for the session token, in seconds (6 hours, as the AWS SDKs).
const TOKEN_TTL: &str = "21600";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// Credentials of the EC2 instance's role, from the instance metadata service (IMDSv2): a session
/// token (`PUT /latest/api/token`), the role's name, then its credentials; each request waits at
/// most 1 s and is tried up to 3 times.
///
/// `AWS_EC2_METADATA_DISABLED=true` turns it off; the endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`,
/// else the profile's `ec2_metadata_service_endpoint`, else `http://169.254.169.254`
/// (`http://[fd00:ec2::254]` when `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` or the profile's
/// `ec2_metadata_service_endpoint_mode` is `IPv6`).
#[derive(Debug)]
pub struct ImdsCredentials {
    env: Env,
    profile: Option<String>,
    fetcher: Fetcher,
}

impl ImdsCredentials {
    /// Reads the process environment (and the shared files it names).
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    /// Reads the given environment (and the shared files it names).
    pub fn with_env(env: Env) -> Self {
        ImdsCredentials { env, profile: None, fetcher: Fetcher::new(Duration::from_secs(1), 3) }
    }

    /// Reads this profile's settings instead of `AWS_PROFILE`'s.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The endpoint, or why there is none (disabled).
    fn endpoint(&self) -> Result<String, CredentialsError> {
        match self.env.get_bool(DISABLED) {
            Ok(Some(true)) => {
                return Err(CredentialsError::not_loaded(PROVIDER, format!("{DISABLED} is true")))
            }
            Ok(_) => {}
            Err(e) => return Err(CredentialsError::invalid_configuration(PROVIDER, e)),
        }
        if let Some(e) = self.env.get(ENDPOINT) {
            return Ok(e);
        }
        let profiles = ProfileSet::load(&self.env, self.profile.as_deref()).ok();
        let from_profile = |key: &str| {
            profiles
                .as_ref()
                .and_then(ProfileSet::selected)
                .and_then(|p| p.get(key))
                .map(str::to_string)
        };
        if let Some(e) = from_profile("ec2_metadata_service_endpoint") {
            return Ok(e);
        }
        let (what, mode) = match self.env.get(ENDPOINT_MODE) {
            Some(m) => (ENDPOINT_MODE.to_string(), m),
            None => match from_profile("ec2_metadata_service_endpoint_mode") {
                Some(m) => ("the profile's ec2_metadata_service_endpoint_mode".to_string(), m),
                None => return Ok(IPV4_ENDPOINT.into()),
            },
        };
        if mode.eq_ignore_ascii_case("ipv4") {
            Ok(IPV4_ENDPOINT.into())
        } else if mode.eq_ignore_ascii_case("ipv6") {
            Ok(IPV6_ENDPOINT.into())
        } else {
            Err(CredentialsError::invalid_configuration(
                PROVIDER,
                format!("{what} must be `IPv4` or `IPv6`, not `{mode}`"),
            ))
        }
    }

    /// Asks the instance metadata service.
    pub async fn load(&self) -> Result<Credentials, CredentialsError> {
        let endpoint = self.endpoint()?;
        let base = endpoint.trim_end_matches('/');
        let unreachable = |m: String| {
            CredentialsError::not_loaded(
                PROVIDER,
                format!("no instance metadata service answered: {m}"),
            )
        };
        let failed = |e: FetchError| match e {
            FetchError::Unreachable(m) => unreachable(m),
            FetchError::Other(m) => CredentialsError::provider_error(PROVIDER, m),
        };

        let token_uri = format!("{base}/latest/api/token");
        let response = self
            .fetcher
            .send(|| {
                request(
                    http::Method::PUT,
                    &token_uri,
                    &[("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL)],
                )
            })
            .await
            .map_err(failed)?;
        if !response.status().is_success() {
            return Err(CredentialsError::provider_error(
                PROVIDER,
                format!(
                    "the session token request to {token_uri} was answered {}",
                    response.status()
                ),
            ));
        }
        let token = String::from_utf8(response.body().to_vec())
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && http::HeaderValue::from_str(t).is_ok())
            .ok_or_else(|| {
                CredentialsError::provider_error(
                    PROVIDER,
                    format!("{token_uri} answered an unusable session token"),
                )
            })?;
        let get = |uri: String| {
            let token = token.clone();
            async move {
                let r = self
                    .fetcher
                    .send(|| {
                        request(
                            http::Method::GET,
                            &uri,
                            &[("x-aws-ec2-metadata-token", token.as_str())],
                        )
                    })
                    .await
                    .map_err(failed)?;
                Ok::<_, CredentialsError>((uri, r))
            }
        };

        let (uri, response) = get(format!("{base}{ROLE_PATH}")).await?;
        if response.status() == http::StatusCode::NOT_FOUND {
            return Err(CredentialsError::not_loaded(
                PROVIDER,
                "the instance has no IAM role (instance profile)",
            ));
        }
        if !response.status().is_success() {
            return Err(CredentialsError::provider_error(
                PROVIDER,
                format!("{uri} answered {}", response.status()),
            ));
        }
        let roles = String::from_utf8_lossy(response.body()).into_owned();
        let Some(role) = roles.lines().map(str::trim).find(|l| !l.is_empty()) else {
            return Err(CredentialsError::not_loaded(
                PROVIDER,
                "the instance has no IAM role (instance profile)",
            ));
        };
        if role.contains(['/', '?', '#', '%']) {
            return Err(CredentialsError::provider_error(
                PROVIDER,
                format!("{uri} answered an invalid role name `{role}`"),
            ));
        }

        let (uri, response) = get(format!("{base}{ROLE_PATH}{role}")).await?;
        if !response.status().is_success() {
            return Err(CredentialsError::provider_error(
                PROVIDER,
                format!("{uri} answered {}: {}", response.status(), snippet(response.body())),
            ));
        }
        let doc: crate::types::Document =
            crate::json::from_slice(response.body()).map_err(|_| {
                CredentialsError::provider_error(
                    PROVIDER,
                    format!("the answer of {uri} is not JSON"),
                )
            })?;
        match doc.get("Code").and_then(crate::types::Document::as_str) {
            Some("Success") | None => {}
            Some(code) => {
                let message =
                    doc.get("Message").and_then(crate::types::Document::as_str).unwrap_or("");
                return Err(CredentialsError::provider_error(
                    PROVIDER,
                    format!("{uri} answered Code `{code}`: {message}"),
                ));
            }
        }
        credentials_from_json(&doc, "Token", PROVIDER).map_err(|e| {
            CredentialsError::provider_error(
                PROVIDER,
                format!("the answer of {uri} is not usable: {e}"),
            )
        })
    }
}

impl Default for ImdsCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for ImdsCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }

    fn provider_name(&self) -> &str {
        PROVIDER
    }
}
