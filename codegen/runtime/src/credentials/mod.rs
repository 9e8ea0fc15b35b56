//! Credentials: the runtime's own [`Credentials`], [`ProvideCredentials`] trait and
//! [`CredentialsError`], the [`CredentialsCache`] every configuration puts around its provider,
//! and the providers of the default chain ([`DefaultCredentialsChain`]): the environment, the
//! shared files' profile (static keys, `credential_process`), ECS/EKS container credentials and
//! EC2 instance metadata (IMDSv2).
//!
//! Sources that need an AWS call of their own (assuming a role, web identity, SSO) are those of
//! the `aws-config` crate: with the `aws-config` feature, `SharedCredentialsProvider::from_aws`
//! adapts its providers (`Config::from(&SdkConfig)` does so for the SdkConfig's provider).

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

mod cache;
mod chain;
mod container;
mod fetch;
mod imds;
mod process;
mod profile;

pub use cache::{
    CredentialsCache, CredentialsCacheBuilder, DEFAULT_BUFFER_TIME, DEFAULT_EXPIRATION,
    DEFAULT_LOAD_TIMEOUT,
};
pub use chain::DefaultCredentialsChain;
pub use container::ContainerCredentials;
pub use imds::ImdsCredentials;
pub use process::CredentialProcess;
pub use profile::{EnvironmentCredentials, ProfileCredentials};

/// AWS credentials: an access key id, a secret access key, an optional session token and expiry,
/// and the name of the provider that made them. Cheap to clone; `Debug` hides the secret and token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(Arc<Inner>);

#[derive(PartialEq, Eq)]
struct Inner {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts (the argument order of `aws-credential-types`' `Credentials::new`).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Credentials(Arc::new(Inner {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry,
            provider_name,
        }))
    }

    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When these credentials stop being valid; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// The provider that made these credentials (e.g. `Environment`, `IMDS`).
    pub fn provider_name(&self) -> &'static str {
        self.0.provider_name
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("provider_name", &self.0.provider_name)
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &"** redacted **");
        if self.0.session_token.is_some() {
            d.field("session_token", &"** redacted **");
        }
        if let Some(expiry) = self.0.expiry {
            match expiry.duration_since(SystemTime::UNIX_EPOCH) {
                Ok(since) => d.field("expiry_unix_secs", &since.as_secs()),
                Err(_) => d.field("expiry", &expiry),
            };
        }
        d.finish()
    }
}

/// What went wrong loading credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The provider has nothing to offer here (its source is not configured or not present); a
    /// chain goes on to its next provider.
    NotLoaded,
    /// The provider's source is configured, but wrongly: a chain stops with this error.
    InvalidConfiguration,
    /// The provider's source failed (a process exited non-zero, a server answered an error).
    ProviderError,
    /// The provider did not answer in time.
    ProviderTimedOut,
}

/// A failure to load credentials, naming the provider. `Display` gives the whole cause chain
/// (so `source` is left empty and nothing is printed twice); it never contains secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    provider: Cow<'static, str>,
    message: String,
}

impl CredentialsError {
    /// An error of `kind` from `provider`.
    pub fn new(
        kind: CredentialsErrorKind,
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        CredentialsError { kind, provider: provider.into(), message: message.into() }
    }

    pub fn not_loaded(provider: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::NotLoaded, provider, message)
    }

    pub fn invalid_configuration(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(CredentialsErrorKind::InvalidConfiguration, provider, message)
    }

    pub fn provider_error(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(CredentialsErrorKind::ProviderError, provider, message)
    }

    /// The provider did not answer within `after`.
    pub fn provider_timed_out(provider: impl Into<Cow<'static, str>>, after: Duration) -> Self {
        Self::new(
            CredentialsErrorKind::ProviderTimedOut,
            provider,
            format!("no answer within {after:?}"),
        )
    }

    /// Appends a cause (its whole chain) to the message.
    pub fn with_cause(mut self, cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut next = Some(cause);
        while let Some(e) = next {
            self.message.push_str(": ");
            self.message.push_str(&e.to_string());
            next = e.source();
        }
        self
    }

    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The name of the provider that failed.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// What went wrong, without the provider's name.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn is_not_loaded(&self) -> bool {
        self.kind == CredentialsErrorKind::NotLoaded
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            CredentialsErrorKind::NotLoaded => "no credentials",
            CredentialsErrorKind::InvalidConfiguration => "invalid configuration",
            CredentialsErrorKind::ProviderError => "provider error",
            CredentialsErrorKind::ProviderTimedOut => "timed out",
        };
        write!(f, "{} credentials provider: {what}: {}", self.provider, self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// The future [`ProvideCredentials::provide_credentials`] returns.
pub struct ProvideCredentialsFuture<'a>(
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>,
);

impl<'a> ProvideCredentialsFuture<'a> {
    /// Wraps a future.
    pub fn new(
        future: impl Future<Output = Result<Credentials, CredentialsError>> + Send + 'a,
    ) -> Self {
        ProvideCredentialsFuture(Box::pin(future))
    }

    /// A future that is already done.
    pub fn ready(result: Result<Credentials, CredentialsError>) -> Self {
        Self::new(std::future::ready(result))
    }
}

impl Future for ProvideCredentialsFuture<'_> {
    type Output = Result<Credentials, CredentialsError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl fmt::Debug for ProvideCredentialsFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProvideCredentialsFuture")
    }
}

/// A source of credentials. Object safe; clients call it through a [`CredentialsCache`], never
/// once per request.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Loads credentials.
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_>;

    /// The name errors give this provider (e.g. when it times out).
    fn provider_name(&self) -> &str {
        "custom"
    }
}

/// Static credentials are their own provider.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(Ok(self.clone()))
    }

    fn provider_name(&self) -> &str {
        self.provider_name()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide_credentials()
    }

    fn provider_name(&self) -> &str {
        (**self).provider_name()
    }
}

/// A credentials provider behind an `Arc`. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        SharedCredentialsProvider(Arc::new(provider))
    }

    /// Whether both share one provider.
    pub fn ptr_eq(&self, other: &SharedCredentialsProvider) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        self.0.provide_credentials()
    }

    fn provider_name(&self) -> &str {
        self.0.provider_name()
    }
}

#[cfg(feature = "aws-config")]
mod aws {
    //! Providers of `aws-credential-types` (those of `aws-config`) as providers of this crate.

    use super::*;
    use aws_credential_types::provider::error::CredentialsError as AwsError;
    use aws_credential_types::provider::{
        ProvideCredentials as _, SharedCredentialsProvider as AwsProvider,
    };

    /// An `aws-credential-types` provider used through [`ProvideCredentials`].
    #[derive(Debug, Clone)]
    pub(super) struct AwsCredentialsProvider(pub(super) AwsProvider);

    impl ProvideCredentials for AwsCredentialsProvider {
        fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
            ProvideCredentialsFuture::new(async move {
                match self.0.provide_credentials().await {
                    Ok(c) => Ok(Credentials::new(
                        c.access_key_id(),
                        c.secret_access_key(),
                        c.session_token().map(str::to_string),
                        c.expiry(),
                        "aws-config",
                    )),
                    Err(e) => Err(convert_error(&e)),
                }
            })
        }

        fn provider_name(&self) -> &str {
            "aws-config"
        }
    }

    fn convert_error(e: &AwsError) -> CredentialsError {
        let kind = match e {
            AwsError::CredentialsNotLoaded(_) => CredentialsErrorKind::NotLoaded,
            AwsError::ProviderTimedOut(_) => CredentialsErrorKind::ProviderTimedOut,
            AwsError::InvalidConfiguration(_) => CredentialsErrorKind::InvalidConfiguration,
            _ => CredentialsErrorKind::ProviderError,
        };
        let message = match std::error::Error::source(e) {
            Some(s) => {
                CredentialsError::new(kind, "aws-config", e.to_string()).with_cause(s).message
            }
            None => e.to_string(),
        };
        CredentialsError::new(kind, "aws-config", message)
    }
}

#[cfg(feature = "aws-config")]
impl SharedCredentialsProvider {
    /// An `aws-credential-types` provider (such as those of `aws-config`) as a provider of this crate.
    pub fn from_aws(provider: aws_credential_types::provider::SharedCredentialsProvider) -> Self {
        SharedCredentialsProvider::new(aws::AwsCredentialsProvider(provider))
    }
}

#[cfg(feature = "aws-config")]
impl From<aws_credential_types::provider::SharedCredentialsProvider> for SharedCredentialsProvider {
    fn from(provider: aws_credential_types::provider::SharedCredentialsProvider) -> Self {
        SharedCredentialsProvider::from_aws(provider)
    }
}

/// Parses the `Expiration` of a credentials document (RFC 3339).
pub(crate) fn parse_expiration(value: &str) -> Option<SystemTime> {
    crate::types::DateTime::parse(value, crate::types::TimestampFormat::DateTime)
        .ok()
        .map(SystemTime::from)
}

/// The parts of a JSON credentials document (`credential_process`, container, IMDS) under the
/// given key names; errors name the missing key, never a value.
pub(crate) fn credentials_from_json(
    doc: &crate::types::Document,
    token_key: &str,
    provider_name: &'static str,
) -> Result<Credentials, String> {
    use crate::types::Document;
    let text = |key: &str| doc.get(key).and_then(Document::as_str).filter(|s| !s.is_empty());
    let akid = text("AccessKeyId").ok_or("the document has no `AccessKeyId` string")?;
    let secret = text("SecretAccessKey").ok_or("the document has no `SecretAccessKey` string")?;
    let token = text(token_key).map(str::to_string);
    let expiry = match doc.get("Expiration") {
        None | Some(Document::Null) => None,
        Some(Document::String(s)) => Some(
            parse_expiration(s)
                .ok_or_else(|| format!("`Expiration` is not an RFC 3339 date-time: `{s}`"))?,
        ),
        Some(_) => return Err("`Expiration` is not a string".into()),
    };
    Ok(Credentials::new(akid, secret, token, expiry, provider_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKID", "SECRETVALUE", Some("TOKENVALUE".into()), None, "test");
        let d = format!("{c:?}");
        assert!(
            d.contains("AKID") && !d.contains("SECRETVALUE") && !d.contains("TOKENVALUE"),
            "{d}"
        );
    }

    #[test]
    fn errors_name_the_provider_and_the_causes() {
        let io = std::io::Error::other("disk on fire");
        let e = CredentialsError::provider_error("Profile", "cannot read the token file")
            .with_cause(&io);
        assert_eq!(e.to_string(), "Profile credentials provider: provider error: cannot read the token file: disk on fire");
        assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
        assert_eq!(e.provider(), "Profile");
    }

    #[cfg(feature = "aws-config")]
    #[tokio::test]
    async fn aws_config_providers_are_adapted() {
        use aws_credential_types::provider::{
            error::CredentialsError as AwsError, future, ProvideCredentials as AwsProvide,
        };

        #[derive(Debug)]
        struct Failing;
        impl AwsProvide for Failing {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::ready(Err(AwsError::provider_error(
                    std::io::Error::other("STS said no"),
                )))
            }
        }
        let ok =
            aws_credential_types::Credentials::new("AKID", "S", Some("T".into()), None, "test");
        let ok = SharedCredentialsProvider::from_aws(
            aws_credential_types::provider::SharedCredentialsProvider::new(ok),
        );
        let c = ok.provide_credentials().await.unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "S", Some("T"))
        );
        let failing = SharedCredentialsProvider::from(
            aws_credential_types::provider::SharedCredentialsProvider::new(Failing),
        );
        let e = failing.provide_credentials().await.unwrap_err();
        assert_eq!((e.kind(), e.provider()), (CredentialsErrorKind::ProviderError, "aws-config"));
        assert!(e.to_string().contains("STS said no"), "{e}");
    }

    fn parse(text: &str) -> crate::types::Document {
        crate::json::from_slice(text.as_bytes()).unwrap()
    }

    #[test]
    fn json_documents() {
        let doc = parse(
            r#"{"AccessKeyId": "A", "SecretAccessKey": "S", "Token": "T", "Expiration": "2030-01-02T03:04:05Z"}"#,
        );
        let c = credentials_from_json(&doc, "Token", "t").unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("A", "S", Some("T"))
        );
        assert_eq!(
            c.expiry().unwrap().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_893_553_445
        );
        let e = credentials_from_json(
            &parse(r#"{"AccessKeyId": "A", "SecretAccessKey": "SECRETX", "Expiration": "soon"}"#),
            "Token",
            "t",
        )
        .unwrap_err();
        assert!(e.contains("`Expiration` is not an RFC 3339") && !e.contains("SECRETX"), "{e}");
        let e = credentials_from_json(&parse(r#"{"AccessKeyId": "A"}"#), "Token", "t").unwrap_err();
        assert!(e.contains("SecretAccessKey"), "{e}");
    }
}
