//! Credentials from the environment variables and from the shared files' profile.

use super::{
    CredentialProcess, Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
};
use crate::env::Env;
use crate::profile::{describe_paths, ProfileSet};

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentCredentials {
    env: Env,
}

const ENVIRONMENT: &str = "Environment";

impl EnvironmentCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    /// Reads the given environment.
    pub fn with_env(env: Env) -> Self {
        EnvironmentCredentials { env }
    }

    /// The credentials the variables hold.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some(access_key_id) = self.env.get("AWS_ACCESS_KEY_ID") else {
            return Err(CredentialsError::not_loaded(ENVIRONMENT, "AWS_ACCESS_KEY_ID is not set"));
        };
        let Some(secret) = self.env.get("AWS_SECRET_ACCESS_KEY") else {
            return Err(CredentialsError::invalid_configuration(
                ENVIRONMENT,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            ));
        };
        let token = self.env.get("AWS_SESSION_TOKEN");
        Ok(Credentials::new(access_key_id, secret, token, None, ENVIRONMENT))
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(self.load())
    }

    fn provider_name(&self) -> &str {
        ENVIRONMENT
    }
}

/// Profile properties that name a way of getting credentials that needs an AWS call of its own,
/// which this runtime leaves to the `aws-config` crate.
const AWS_CONFIG_SOURCES: &[&str] = &[
    "role_arn",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
    "login_session",
];

const PROFILE: &str = "Profile";

/// Credentials from a profile of the shared files: its static keys (`aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`) or its `credential_process`. The profile is
/// the given one, else `AWS_PROFILE`, else `default`. A profile that assumes a role or uses
/// SSO or web identity is an error naming the `aws-config` feature.
#[derive(Debug, Clone, Default)]
pub struct ProfileCredentials {
    env: Env,
    profile: Option<String>,
}

/// What a profile says about credentials.
enum ProfileSource {
    Static(Credentials),
    Process(CredentialProcess),
}

impl ProfileCredentials {
    /// Reads the process environment and the files it names.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    /// Reads the given environment and the files it names.
    pub fn with_env(env: Env) -> Self {
        ProfileCredentials { env, profile: None }
    }

    /// Uses this profile instead of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads the files and loads the profile's credentials (running its `credential_process`).
    pub async fn load(&self) -> Result<Credentials, CredentialsError> {
        match self.source()? {
            ProfileSource::Static(c) => Ok(c),
            ProfileSource::Process(p) => p.load().await,
        }
    }

    fn source(&self) -> Result<ProfileSource, CredentialsError> {
        let set = ProfileSet::load(&self.env, self.profile.as_deref())
            .map_err(|e| CredentialsError::invalid_configuration(PROFILE, e.to_string()))?;
        let chosen = self.profile.is_some() || self.env.get("AWS_PROFILE").is_some();
        let name = set.selected_name();
        let Some(profile) = set.selected() else {
            let (config, creds) = describe_paths(&self.env);
            let msg =
                format!("profile `{name}` is not in {} or {}", config.display(), creds.display());
            // A profile the user asked for by name must exist; `default` need not.
            return Err(if chosen {
                CredentialsError::invalid_configuration(PROFILE, msg)
            } else {
                CredentialsError::not_loaded(PROFILE, msg)
            });
        };
        if profile.get("role_arn").is_some() {
            return Err(needs_aws_config(name, "role_arn"));
        }
        match (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
            (Some(id), Some(secret)) => {
                let token = profile.get("aws_session_token").map(str::to_string);
                return Ok(ProfileSource::Static(Credentials::new(
                    id, secret, token, None, PROFILE,
                )));
            }
            (Some(_), None) => {
                return Err(CredentialsError::invalid_configuration(
                    PROFILE,
                    format!("profile `{name}` has aws_access_key_id but no aws_secret_access_key"),
                ))
            }
            (None, _) => {}
        }
        if let Some(command) = profile.get("credential_process") {
            return Ok(ProfileSource::Process(CredentialProcess::new(name, command)));
        }
        match AWS_CONFIG_SOURCES.iter().find(|k| profile.get(k).is_some()) {
            Some(k) => Err(needs_aws_config(name, k)),
            None => Err(CredentialsError::not_loaded(
                PROFILE,
                format!("profile `{name}` has neither aws_access_key_id nor credential_process"),
            )),
        }
    }
}

fn needs_aws_config(profile: &str, key: &str) -> CredentialsError {
    CredentialsError::invalid_configuration(
        PROFILE,
        format!(
            "profile `{profile}` gets credentials through `{key}`, which needs an AWS call this client \
             does not make: enable the `aws-config` feature and configure the client from an aws-config SdkConfig"
        ),
    )
}

impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }

    fn provider_name(&self) -> &str {
        PROFILE
    }
}
