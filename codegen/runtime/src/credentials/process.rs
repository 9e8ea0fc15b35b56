//! `credential_process`: credentials printed by a command of the profile.

use std::process::{Command, Output, Stdio};

use super::{
    credentials_from_json, Credentials, CredentialsError, ProvideCredentials,
    ProvideCredentialsFuture,
};

const PROVIDER: &str = "CredentialProcess";
/// How much of the command's stderr an error quotes.
const STDERR_LIMIT: usize = 1024;

/// Runs a profile's `credential_process` command through the shell (`sh -c` on Unix, `cmd /C`
/// on Windows, as the AWS CLI does), off the async threads, and reads the JSON it prints:
/// `Version` 1, `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and `Expiration`
/// (RFC 3339). Errors name the profile and never quote the output (it holds secrets); a command
/// that exits non-zero is an error quoting its stderr (at most 1 KiB).
#[derive(Debug, Clone)]
pub struct CredentialProcess {
    profile: String,
    command: String,
}

impl CredentialProcess {
    /// The `command` of the profile named `profile` (the name is for errors).
    pub fn new(profile: impl Into<String>, command: impl Into<String>) -> Self {
        CredentialProcess { profile: profile.into(), command: command.into() }
    }

    /// Runs the command and parses what it prints.
    pub async fn load(&self) -> Result<Credentials, CredentialsError> {
        let command = self.command.clone();
        let output = match tokio::runtime::Handle::try_current() {
            Ok(rt) => rt
                .spawn_blocking(move || run(&command))
                .await
                .map_err(|e| self.error(format!("the command did not finish: {e}")))?,
            Err(_) => run(&command),
        }
        .map_err(|e| self.error(format!("cannot run the command: {e}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let mut stderr = stderr.trim();
            if stderr.len() > STDERR_LIMIT {
                let mut end = STDERR_LIMIT;
                while !stderr.is_char_boundary(end) {
                    end -= 1;
                }
                stderr = &stderr[..end];
            }
            return Err(self.error(format!(
                "the command exited with {}; its stderr: {stderr}",
                output.status
            )));
        }
        let doc: crate::types::Document = crate::json::from_slice(&output.stdout)
            .map_err(|e| self.error(format!("the command's output is not JSON ({e})")))?;
        match doc.get("Version") {
            Some(v) if v.as_u64() == Some(1) => {}
            Some(_) => return Err(self.error("the command's output has a `Version` other than 1")),
            None => return Err(self.error("the command's output has no `Version` (expected 1)")),
        }
        credentials_from_json(&doc, "SessionToken", PROVIDER)
            .map_err(|e| self.error(format!("the command's output is not usable: {e}")))
    }

    fn error(&self, message: impl AsRef<str>) -> CredentialsError {
        CredentialsError::provider_error(
            PROVIDER,
            format!("credential_process of profile `{}`: {}", self.profile, message.as_ref()),
        )
    }
}

fn run(command: &str) -> std::io::Result<Output> {
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd.exe");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).output()
}

impl ProvideCredentials for CredentialProcess {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }

    fn provider_name(&self) -> &str {
        PROVIDER
    }
}
