//! ECS and EKS Pod Identity container credentials.

use std::net::IpAddr;
use std::time::Duration;

use super::fetch::{request, snippet, FetchError, Fetcher};
use super::{
    credentials_from_json, Credentials, CredentialsError, ProvideCredentials,
    ProvideCredentialsFuture,
};
use crate::env::Env;

const PROVIDER: &str = "ContainerCredentials";
/// Where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative to (the ECS agent).
const RELATIVE_BASE: &str = "http://169.254.170.2";
const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// Credentials from the container credentials endpoint of ECS (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`,
/// relative to `http://169.254.170.2`) or of EKS Pod Identity and others
/// (`AWS_CONTAINER_CREDENTIALS_FULL_URI`: any `https` URL, or an `http` one to a loopback address or
/// the ECS/EKS link-local hosts 169.254.170.2, 169.254.170.23 and fd00:ec2::23). The
/// `Authorization` header is the content of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read for
/// each load), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
#[derive(Debug)]
pub struct ContainerCredentials {
    env: Env,
    relative_base: String,
    fetcher: Fetcher,
}

impl ContainerCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    /// Reads the given environment.
    pub fn with_env(env: Env) -> Self {
        ContainerCredentials {
            env,
            relative_base: RELATIVE_BASE.into(),
            fetcher: Fetcher::new(Duration::from_secs(2), 3),
        }
    }

    /// Resolves `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against this base instead of
    /// `http://169.254.170.2` (for tests, with a loopback server).
    pub fn relative_uri_base(mut self, base: impl Into<String>) -> Self {
        self.relative_base = base.into();
        self
    }

    /// Asks the container endpoint.
    pub async fn load(&self) -> Result<Credentials, CredentialsError> {
        let uri = match (self.env.get(RELATIVE_URI), self.env.get(FULL_URI)) {
            (Some(relative), _) => {
                let slash = if relative.starts_with('/') { "" } else { "/" };
                format!("{}{slash}{relative}", self.relative_base.trim_end_matches('/'))
            }
            (None, Some(full)) => {
                check_full_uri(&full).map_err(|e| {
                    CredentialsError::invalid_configuration(PROVIDER, format!("{FULL_URI}: {e}"))
                })?;
                full
            }
            (None, None) => {
                return Err(CredentialsError::not_loaded(
                    PROVIDER,
                    format!("neither {RELATIVE_URI} nor {FULL_URI} is set"),
                ))
            }
        };
        let token = self.authorization()?;
        let response = self
            .fetcher
            .send(|| {
                let mut headers = vec![("accept", "application/json")];
                if let Some(t) = &token {
                    headers.push(("authorization", t.as_str()));
                }
                request(http::Method::GET, &uri, &headers)
            })
            .await
            .map_err(|e| match e {
                FetchError::Unreachable(m) | FetchError::Other(m) => {
                    CredentialsError::provider_error(
                        PROVIDER,
                        format!("the container credentials endpoint did not answer: {m}"),
                    )
                }
            })?;
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
        credentials_from_json(&doc, "Token", PROVIDER).map_err(|e| {
            CredentialsError::provider_error(
                PROVIDER,
                format!("the answer of {uri} is not usable: {e}"),
            )
        })
    }

    fn authorization(&self) -> Result<Option<String>, CredentialsError> {
        let (what, token) = match self.env.get(TOKEN_FILE) {
            Some(path) => {
                let text = std::fs::read_to_string(self.env.expand_home(&path)).map_err(|e| {
                    CredentialsError::invalid_configuration(
                        PROVIDER,
                        format!("{TOKEN_FILE}: cannot read `{path}`: {e}"),
                    )
                })?;
                (TOKEN_FILE, text.trim().to_string())
            }
            None => match self.env.get(TOKEN) {
                Some(t) => (TOKEN, t),
                None => return Ok(None),
            },
        };
        if http::HeaderValue::from_str(&token).is_err() {
            return Err(CredentialsError::invalid_configuration(
                PROVIDER,
                format!("the token of {what} contains characters not allowed in an HTTP header"),
            ));
        }
        Ok(Some(token))
    }
}

impl Default for ContainerCredentials {
    fn default() -> Self {
        Self::new()
    }
}

/// A full URI must be `https`, or `http` to a loopback address or the ECS/EKS hosts.
fn check_full_uri(full: &str) -> Result<(), String> {
    let uri: http::Uri = full.parse().map_err(|e| format!("`{full}` is not a URL: {e}"))?;
    let host = uri.host().ok_or_else(|| format!("`{full}` has no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") => {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let allowed = match bare.parse::<IpAddr>() {
                Ok(ip) => {
                    ip.is_loopback()
                        || ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
                            .iter()
                            .any(|a| a.parse() == Ok(ip))
                }
                Err(_) => bare.eq_ignore_ascii_case("localhost"),
            };
            if allowed {
                Ok(())
            } else {
                Err(format!(
                    "`{full}`: plain http is allowed only to a loopback address or 169.254.170.2, 169.254.170.23, fd00:ec2::23; use https"
                ))
            }
        }
        _ => Err(format!("`{full}` is neither http nor https")),
    }
}

impl ProvideCredentials for ContainerCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }

    fn provider_name(&self) -> &str {
        PROVIDER
    }
}

#[cfg(test)]
mod tests {
    use super::check_full_uri;

    #[test]
    fn full_uri_hosts() {
        for ok in [
            "https://anything.example.com/creds",
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/creds",
            "http://[::1]:80/x",
            "http://localhost/x",
            "http://169.254.170.2/v2/credentials",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
        ] {
            assert_eq!(check_full_uri(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://example.com/creds",
            "http://169.254.169.254/",
            "http://10.0.0.1/",
            "ftp://127.0.0.1/",
            "http:///x",
        ] {
            assert!(check_full_uri(bad).is_err(), "{bad}");
        }
    }
}
