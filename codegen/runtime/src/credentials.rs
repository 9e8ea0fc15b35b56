//! Credentials: the provider trait of `aws-credential-types` (so providers of `aws-config` and
//! users' own plug in), and the providers that read the environment and the shared files.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use aws_credential_types::provider::error::CredentialsError;
pub use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
pub use aws_credential_types::Credentials;

use crate::env::Env;
use crate::profile::{describe_paths, ProfileSet};

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentCredentials {
    env: Env,
}

impl EnvironmentCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    pub fn with_env(env: Env) -> Self {
        EnvironmentCredentials { env }
    }

    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some(access_key_id) = self.env.get("AWS_ACCESS_KEY_ID") else {
            return Err(CredentialsError::not_loaded("AWS_ACCESS_KEY_ID is not set"));
        };
        let Some(secret) = self.env.get("AWS_SECRET_ACCESS_KEY") else {
            return Err(CredentialsError::invalid_configuration(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            ));
        };
        let token = self.env.get("AWS_SESSION_TOKEN");
        Ok(Credentials::new(access_key_id, secret, token, None, "Environment"))
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(self.load())
    }
}

/// Profile properties that name a way of getting credentials this runtime does not implement
/// (the `aws-config` crate does; see the `aws-config` feature).
const UNSUPPORTED_PROFILE_SOURCES: &[&str] = &[
    "role_arn",
    "credential_process",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
    "login_session",
];

/// Static credentials from a profile of the shared files (`aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`), the profile being the given one, else
/// `AWS_PROFILE`, else `default`.
#[derive(Debug, Clone, Default)]
pub struct ProfileCredentials {
    env: Env,
    profile: Option<String>,
}

impl ProfileCredentials {
    /// Reads the process environment and the files it names.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    pub fn with_env(env: Env) -> Self {
        ProfileCredentials { env, profile: None }
    }

    /// Uses this profile instead of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let set = ProfileSet::load(&self.env, self.profile.as_deref()).map_err(CredentialsError::invalid_configuration)?;
        credentials_from_profiles(&set, &self.env, self.profile.is_some() || self.env.get("AWS_PROFILE").is_some())
    }
}

fn credentials_from_profiles(set: &ProfileSet, env: &Env, chosen: bool) -> Result<Credentials, CredentialsError> {
    let name = set.selected_name();
    let Some(profile) = set.selected() else {
        let (config, creds) = describe_paths(env);
        let msg = format!("profile `{name}` is not in {} or {}", config.display(), creds.display());
        // A profile the user asked for by name must exist; `default` need not.
        return Err(if chosen {
            CredentialsError::invalid_configuration(msg)
        } else {
            CredentialsError::not_loaded(msg)
        });
    };
    match (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => {
            let token = profile.get("aws_session_token").map(str::to_string);
            Ok(Credentials::new(id, secret, token, None, "Profile"))
        }
        (Some(_), None) => Err(CredentialsError::invalid_configuration(format!(
            "profile `{name}` has aws_access_key_id but no aws_secret_access_key"
        ))),
        (None, _) => match UNSUPPORTED_PROFILE_SOURCES.iter().find(|k| profile.get(k).is_some()) {
            Some(k) => Err(CredentialsError::invalid_configuration(format!(
                "profile `{name}` gets credentials through `{k}`, which this client does not implement: \
                 enable the `aws-config` feature and pass an aws-config credentials provider"
            ))),
            None => Err(CredentialsError::not_loaded(format!("profile `{name}` has no aws_access_key_id"))),
        },
    }
}

/// How long credentials without an expiry, read from the environment or the shared files, are
/// reused before being read again.
const CACHE_TTL: Duration = Duration::from_secs(15 * 60);

/// The environment variables, then the shared files' profile; the first found are reused for
/// 15 minutes.
#[derive(Debug, Default)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentCredentials,
    profile: ProfileCredentials,
    cache: Mutex<Option<(Credentials, Instant)>>,
}

impl DefaultCredentialsChain {
    /// Reads the process environment and the files it names.
    pub fn new() -> Self {
        Self::with_env(Env::real())
    }

    pub fn with_env(env: Env) -> Self {
        DefaultCredentialsChain {
            environment: EnvironmentCredentials::with_env(env.clone()),
            profile: ProfileCredentials::with_env(env),
            cache: Mutex::new(None),
        }
    }

    /// Uses this profile instead of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = self.profile.profile_name(name);
        self
    }

    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        if let Ok(cache) = self.cache.lock() {
            if let Some((c, at)) = &*cache {
                if at.elapsed() < CACHE_TTL {
                    return Ok(c.clone());
                }
            }
        }
        let env_err = match self.environment.load() {
            Ok(c) => return Ok(self.remember(c)),
            Err(CredentialsError::CredentialsNotLoaded(_)) => "AWS_ACCESS_KEY_ID is not set".to_string(),
            Err(e) => return Err(e),
        };
        match self.profile.load() {
            Ok(c) => Ok(self.remember(c)),
            Err(e @ CredentialsError::CredentialsNotLoaded(_)) => {
                let profile = std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default();
                Err(CredentialsError::not_loaded(format!(
                    "no credentials found: {env_err}, and {profile}; set the environment variables, \
                     the shared credentials file, or a credentials provider in the configuration"
                )))
            }
            Err(e) => Err(e),
        }
    }

    fn remember(&self, c: Credentials) -> Credentials {
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((c.clone(), Instant::now()));
        }
        c
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(self.load())
    }
}

/// The message of a credentials error with its causes (the error types of
/// `aws-credential-types` keep the detail in their source).
pub(crate) fn describe_credentials_error(e: &CredentialsError) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("awsjson-creds-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn environment_credentials() {
        let env = Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let c = EnvironmentCredentials::with_env(env).load().unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("AKID", "SECRET", Some("TOKEN")));
        let e = EnvironmentCredentials::with_env(Env::from_vars([("AWS_ACCESS_KEY_ID", "AKID")])).load().unwrap_err();
        assert!(describe_credentials_error(&e).contains("AWS_SECRET_ACCESS_KEY is not"));
        let e = EnvironmentCredentials::with_env(Env::from_vars::<&str, &str>([])).load().unwrap_err();
        assert!(matches!(e, CredentialsError::CredentialsNotLoaded(_)));
    }

    #[test]
    fn profile_credentials_and_chain() {
        let dir = temp_dir("chain");
        std::fs::write(
            dir.join("credentials"),
            "[default]\naws_access_key_id = DEFAULTID\naws_secret_access_key = DEFAULTSECRET\n\
             [dev]\naws_access_key_id = DEVID\naws_secret_access_key = DEVSECRET\naws_session_token = DEVTOKEN\n\
             [half]\naws_access_key_id = X\n",
        )
        .unwrap();
        std::fs::write(dir.join("config"), "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n")
            .unwrap();
        let base = [
            ("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials").to_string_lossy().into_owned()),
            ("AWS_CONFIG_FILE", dir.join("config").to_string_lossy().into_owned()),
        ];
        let env = |extra: &[(&str, &str)]| {
            let mut v: Vec<(String, String)> = base.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            v.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            Env::from_vars(v)
        };

        let c = ProfileCredentials::with_env(env(&[])).load().unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("DEFAULTID", None));
        let c = ProfileCredentials::with_env(env(&[("AWS_PROFILE", "dev")])).load().unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("DEVID", "DEVSECRET", Some("DEVTOKEN")));
        let c = ProfileCredentials::with_env(env(&[("AWS_PROFILE", "dev")])).profile_name("default").load().unwrap();
        assert_eq!(c.access_key_id(), "DEFAULTID");

        let e = ProfileCredentials::with_env(env(&[("AWS_PROFILE", "half")])).load().unwrap_err();
        assert!(describe_credentials_error(&e).contains("profile `half` has aws_access_key_id but no aws_secret_access_key"));
        let e = ProfileCredentials::with_env(env(&[("AWS_PROFILE", "role")])).load().unwrap_err();
        assert!(describe_credentials_error(&e).contains("through `role_arn`"));
        let e = ProfileCredentials::with_env(env(&[("AWS_PROFILE", "nope")])).load().unwrap_err();
        assert!(matches!(e, CredentialsError::InvalidConfiguration(_)));
        assert!(describe_credentials_error(&e).contains("profile `nope` is not in"));

        // The environment wins over the files.
        let chain = DefaultCredentialsChain::with_env(env(&[
            ("AWS_ACCESS_KEY_ID", "ENVID"),
            ("AWS_SECRET_ACCESS_KEY", "ENVSECRET"),
            ("AWS_PROFILE", "dev"),
        ]));
        assert_eq!(chain.load().unwrap().access_key_id(), "ENVID");
        let chain = DefaultCredentialsChain::with_env(env(&[("AWS_PROFILE", "dev")]));
        assert_eq!(chain.load().unwrap().access_key_id(), "DEVID");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn chain_without_any_source_says_where_it_looked() {
        let dir = temp_dir("empty");
        let env = Env::from_vars([("HOME", dir.to_string_lossy().into_owned())]);
        let e = DefaultCredentialsChain::with_env(env).load().unwrap_err();
        assert!(matches!(e, CredentialsError::CredentialsNotLoaded(_)));
        let msg = describe_credentials_error(&e);
        assert!(msg.contains("AWS_ACCESS_KEY_ID is not set"), "{msg}");
        assert!(msg.contains("profile `default` is not in"), "{msg}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
