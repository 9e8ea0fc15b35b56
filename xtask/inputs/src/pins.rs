//! The generator's pinned inputs (`model/pin.json`, the one place their sha256 is written): where
//! to find them, how to verify and fetch them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The key of the SFN model in `pin.json`.
pub const SFN: &str = "sfn";
/// The key of the AWS partition table in `pin.json`.
pub const PARTITIONS: &str = "partitions";
/// The key of the AWS protocol compliance test models in `pin.json`.
pub const PROTOCOL_TESTS: &str = "protocol-tests";

/// One pinned input file.
#[derive(Debug, Clone)]
pub struct Pin {
    pub description: String,
    pub repository: String,
    pub path: String,
    pub commit: String,
    pub sha256: String,
    pub url: String,
    /// The git-ignored file name in `model/`.
    pub file: String,
    /// The environment variable that may name the file.
    pub env: String,
}

pub struct Pins {
    pub sfn: Pin,
    pub partitions: Pin,
    /// Every pinned input, by its key in `pin.json` (`sfn`, `partitions`, `protocol-tests`, ...).
    pub all: std::collections::BTreeMap<String, Pin>,
}

impl Pins {
    pub fn load(root: &Path) -> Result<Pins, String> {
        let path = root.join("model/pin.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let pin = |key: &str| -> Result<Pin, String> {
            let o = v.get(key).ok_or_else(|| format!("{}: no `{key}` entry", path.display()))?;
            let field = |f: &str| -> Result<String, String> {
                o.get(f)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("{}: `{key}.{f}` is missing", path.display()))
            };
            Ok(Pin {
                description: field("description")?,
                repository: field("repository")?,
                path: field("path")?,
                commit: field("commit")?,
                sha256: field("sha256")?,
                url: field("url")?,
                file: field("file")?,
                env: field("env")?,
            })
        };
        let keys: Vec<String> = v
            .as_object()
            .ok_or_else(|| format!("{}: expected an object", path.display()))?
            .keys()
            .cloned()
            .collect();
        let mut all = std::collections::BTreeMap::new();
        for k in keys {
            all.insert(k.clone(), pin(&k)?);
        }
        Ok(Pins { sfn: pin(SFN)?, partitions: pin(PARTITIONS)?, all })
    }

    /// The pin named `key`, or an error naming the keys there are.
    pub fn get(&self, key: &str) -> Result<&Pin, String> {
        self.all.get(key).ok_or_else(|| {
            format!(
                "model/pin.json has no `{key}` entry (entries: {})",
                self.all.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }
}

impl Pin {
    /// The input file: the explicit option, else the environment variable, else `model/<file>`.
    /// When none exists, the error says how to obtain it.
    pub fn locate(&self, root: &Path, explicit: Option<PathBuf>) -> Result<PathBuf, String> {
        if let Some(p) = explicit {
            return if p.is_file() { Ok(p) } else { Err(format!("{}: no such file", p.display())) };
        }
        if let Some(p) = std::env::var_os(&self.env) {
            let p = PathBuf::from(p);
            return if p.is_file() {
                Ok(p)
            } else {
                Err(format!("{} is set to {}, which is not a file", self.env, p.display()))
            };
        }
        let default = root.join("model").join(&self.file);
        if default.is_file() {
            return Ok(default);
        }
        Err(format!(
            "{} not found. Provide it in one of these ways:\n  \
             - run `cargo xtask fetch-model` (downloads {} and checks sha256 {});\n  \
             - put the file at {} (it is git-ignored);\n  \
             - set {}=/path/to/file or pass it on the command line.\n\
             Upstream: {} `{}` at commit {}.",
            self.description,
            self.url,
            self.sha256,
            default.display(),
            self.env,
            self.repository,
            self.path,
            self.commit
        ))
    }

    /// What identifies the input in a generated crate's `MODEL` file: repository, path, commit
    /// and sha256.
    pub fn source_record(&self) -> std::collections::BTreeMap<String, String> {
        std::collections::BTreeMap::from([
            ("repository".to_string(), self.repository.clone()),
            ("path".to_string(), self.path.clone()),
            ("commit".to_string(), self.commit.clone()),
            ("sha256".to_string(), self.sha256.clone()),
        ])
    }

    /// Reads the file and refuses it unless its sha256 is the pinned one.
    pub fn read_verified(&self, path: &Path) -> Result<Vec<u8>, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        verify(&bytes, &self.sha256).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(bytes)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn verify(bytes: &[u8], expected: &str) -> Result<(), String> {
    let actual = sha256_hex(bytes);
    if actual == expected {
        Ok(())
    } else {
        Err(format!("sha256 mismatch: expected {expected}, found {actual} (not the pinned file; refusing it)"))
    }
}

/// Downloads `url` with curl, verifies its sha256, and only then writes it to `dest`.
pub fn fetch(url: &str, sha256: &str, dest: &Path) -> Result<(), String> {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "--location", "--max-time", "120", url])
        .output()
        .map_err(|e| format!("cannot run curl (needed to download {url}): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "downloading {url} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    verify(&output.stdout, sha256).map_err(|e| format!("{url}: {e}"))?;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(dest, &output.stdout).map_err(|e| format!("{}: {e}", dest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Serves `body` once over HTTP/1.1 on a loopback port; returns the URL.
    fn serve_once(body: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(body).unwrap();
        });
        format!("http://127.0.0.1:{port}/model.json")
    }

    #[test]
    fn fetch_accepts_the_pinned_bytes_and_refuses_tampered_ones() {
        let good: &'static [u8] = br#"{"smithy":"2.0","shapes":{}}"#;
        let pinned = sha256_hex(good);
        let dir = std::env::temp_dir().join(format!("xtask-fetch-{}", std::process::id()));
        let dest = dir.join("model.json");

        fetch(&serve_once(good), &pinned, &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), good);

        std::fs::remove_file(&dest).unwrap();
        let err = fetch(&serve_once(br#"{"smithy":"2.0","shapes":{"x":1}}"#), &pinned, &dest)
            .unwrap_err();
        assert!(err.contains("sha256 mismatch"), "{err}");
        assert!(!dest.exists(), "a tampered download is never written");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn read_verified_refuses_a_file_that_is_not_the_pinned_one() {
        let dir = std::env::temp_dir().join(format!("xtask-verify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.json");
        std::fs::write(&path, b"{}").unwrap();
        let pin = Pin {
            description: "test".into(),
            repository: "r".into(),
            path: "p".into(),
            commit: "c".into(),
            sha256: sha256_hex(b"other"),
            url: "u".into(),
            file: "m.json".into(),
            env: "XTASK_TEST_UNSET_VARIABLE".into(),
        };
        let err = pin.read_verified(&path).unwrap_err();
        assert!(err.contains("sha256 mismatch"), "{err}");
        let missing = pin.locate(&dir.join("nowhere"), None).unwrap_err();
        assert!(missing.contains("cargo xtask fetch-model"), "{missing}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
