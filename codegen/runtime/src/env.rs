//! Reading the environment: the real process environment, or a fixed set of variables in tests
//! (so tests never mutate the process environment, which races with other threads).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A source of environment variables.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The process environment.
    pub fn real() -> Self {
        Env { vars: None }
    }

    /// A fixed set of variables (for tests); nothing else is visible.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env { vars: Some(Arc::new(vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect())) }
    }

    /// The value of a variable; unset, empty and non-UTF-8 values all read as `None`.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.vars {
            None => std::env::var(name).ok(),
            Some(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// A boolean variable (`true` / `false`, any case); other values are an error naming the variable.
    pub fn get_bool(&self, name: &str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => parse_bool(&v)
                .map(Some)
                .ok_or_else(|| format!("{name} must be `true` or `false`, not `{v}`")),
        }
    }

    /// The user's home directory (`HOME`, or `USERPROFILE` / `HOMEDRIVE`+`HOMEPATH` on Windows).
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(h) = self.get("HOME") {
            return Some(PathBuf::from(h));
        }
        if cfg!(windows) {
            if let Some(h) = self.get("USERPROFILE") {
                return Some(PathBuf::from(h));
            }
            if let (Some(d), Some(p)) = (self.get("HOMEDRIVE"), self.get("HOMEPATH")) {
                return Some(PathBuf::from(format!("{d}{p}")));
            }
        }
        None
    }

    /// Expands a leading `~` (as the shared-file path variables allow) to the home directory.
    pub fn expand_home(&self, path: &str) -> PathBuf {
        let rest = path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"));
        match (rest, self.home_dir()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ if path == "~" => self.home_dir().unwrap_or_else(|| PathBuf::from(path)),
            _ => PathBuf::from(path),
        }
    }
}

pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_env_and_home_expansion() {
        let env = Env::from_vars([("HOME", "/home/u"), ("EMPTY", ""), ("B", "TRUE"), ("X", "yes")]);
        assert_eq!(env.get("HOME").as_deref(), Some("/home/u"));
        assert_eq!(env.get("EMPTY"), None);
        assert_eq!(env.get("PATH"), None);
        assert_eq!(env.get_bool("B"), Ok(Some(true)));
        assert!(env.get_bool("X").unwrap_err().contains("X must be"));
        assert_eq!(env.expand_home("~/.aws/config"), PathBuf::from("/home/u/.aws/config"));
        assert_eq!(env.expand_home("/etc/aws"), PathBuf::from("/etc/aws"));
    }
}
