//! Generating a client crate for any awsJson model (`cargo xtask codegen --model FILE --out DIR`)
//! and for every model of a folder (`cargo xtask codegen-all`).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use codegen::emit::crate_files::CrateInfo;
use codegen::generate::{self, Options};
use codegen::ir::endpoints::Partitions;
use codegen::model::{Model, Shape, ShapeId};
use serde_json::Value;

/// One crate generated from a model file.
pub struct Generated {
    pub package: String,
    pub service: ShapeId,
    pub files: BTreeMap<String, String>,
    /// What the generator left out or cannot honour, one line each (naming the operation).
    pub warnings: Vec<String>,
}

/// Generates the crate of `model_path` for the directory `out` (which need not exist):
/// `runtime` is the runtime crate's path as the crate's `Cargo.toml` should write it (relative to
/// `out`, or absolute). With `pinned_sha256`, a model file with another sha256 is refused. The one
/// way a crate is generated from a model file: `codegen --out`, `codegen-all` and
/// `aws-e2e-clients` all come here.
pub fn generate_model(
    model_path: &Path,
    pinned_sha256: Option<&str>,
    package: Option<&str>,
    service: Option<&str>,
    runtime: &str,
    partitions: &Partitions,
) -> Result<Generated, String> {
    let origin = model_path.display().to_string();
    let bytes = std::fs::read(model_path).map_err(|e| format!("cannot read {origin}: {e}"))?;
    if let Some(expected) = pinned_sha256 {
        crate::inputs::verify(&bytes, expected).map_err(|e| format!("{origin}: {e}"))?;
    }
    let sha256 = crate::inputs::sha256_hex(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| format!("{origin}: not UTF-8"))?;
    let model = Model::from_json(&text, &origin).map_err(|e| e.to_string())?;
    let service = generate::pick_service(&model, service.map(ShapeId::new).as_ref())
        .map_err(|e| e.to_string())?;
    let package = match package {
        Some(p) => p.to_string(),
        None => default_package_name(&model, &service),
    };
    if package.is_empty()
        || !package.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("`{package}` is not a valid package name (letters, digits, `-`, `_`)"));
    }
    let name =
        model_path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let options = Options {
        service: Some(service.clone()),
        crate_info: CrateInfo {
            package_name: package.clone(),
            version: "0.1.0".into(),
            runtime_path: runtime.into(),
            publish: false,
        },
        model_source: BTreeMap::from([("file".to_string(), name), ("sha256".to_string(), sha256)]),
        partitions: Some(partitions.clone()),
        // Hand-written additions belong to the crates of this repository, not to any model.
        additions: None,
    };
    let generated = generate::generate_with_report(&model, &options)
        .map_err(|e| format!("cannot generate {service}:\n{e}"))?;
    Ok(Generated { package, service, files: generated.files, warnings: generated.warnings })
}

/// `<sdkId>-client` in lower case with `-` for spaces (`DynamoDB` → `dynamodb-client`,
/// `CloudWatch Logs` → `cloudwatch-logs-client`), else the service shape's name.
pub fn default_package_name(model: &Model, service: &ShapeId) -> String {
    let sdk_id = match model.shapes.get(service) {
        Some(Shape::Service(s)) => {
            s.traits.get("aws.api#service").and_then(|t| t.get("sdkId")).and_then(Value::as_str)
        }
        _ => None,
    };
    let base = sdk_id.unwrap_or(service.name());
    let mut out = String::new();
    for c in base.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    format!("{}-client", out.trim_end_matches('-'))
}

/// `to` relative to the directory `from` (both absolute and normalised), with `/` separators.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> =
        std::iter::repeat_n("..".to_string(), from.len() - common).collect();
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// `dir` made absolute and normalised without requiring it to exist (`.` and `..` resolved
/// lexically against the nearest existing ancestor's canonical path).
pub fn absolute(dir: &Path) -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let joined = if dir.is_absolute() { dir.to_path_buf() } else { cwd.join(dir) };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().map_err(|e| format!("{}: {e}", existing.display()))?;
    for name in rest.into_iter().rev() {
        match Path::new(&name).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => out.push(name),
        }
    }
    Ok(out)
}

/// One model's row of the `codegen-all` table.
pub struct Row {
    pub model: String,
    pub package: String,
    /// `Err` holds why the model did not generate.
    pub generated: Result<usize, String>,
    pub warnings: Vec<String>,
    pub compile: Option<Compile>,
}

/// The result of `cargo clippy --all-targets` on one generated crate.
pub struct Compile {
    pub ok: bool,
    pub warnings: usize,
    pub seconds: f64,
    /// The first error or warning messages, for the report.
    pub messages: Vec<String>,
}

/// The `[workspace]` manifest of the scratch workspace: its members and the repository's
/// profiles (so that a shared target dir reuses the dependencies the repository built).
pub fn workspace_manifest(members: &[String], root_manifest: &str) -> String {
    let mut out = String::from(
        "# Written by `cargo xtask codegen-all`: every generated crate, one workspace, one target dir.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n",
    );
    for m in members {
        out.push_str(&format!("    \"{m}\",\n"));
    }
    out.push_str("]\n");
    // The profile sections of the repository's manifest, as they are.
    let mut in_profile = false;
    for line in root_manifest.lines() {
        if line.starts_with('[') {
            in_profile = line.starts_with("[profile.");
        }
        if in_profile {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Runs `cargo clippy --all-targets` on one crate of the scratch workspace (which type-checks
/// everything `cargo check --tests` does, plus the lints) and counts its warnings and errors.
pub fn clippy(
    cargo: &str,
    workspace: &Path,
    target_dir: &Path,
    package: &str,
) -> Result<Compile, String> {
    let started = std::time::Instant::now();
    let output = std::process::Command::new(cargo)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .args(["clippy", "--quiet", "--all-targets", "--message-format=json", "-p", package])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut warnings = 0;
    let mut errors = 0;
    let mut messages = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
        if v.get("reason").and_then(Value::as_str) != Some("compiler-message") {
            continue;
        }
        let Some(msg) = v.get("message") else { continue };
        let level = msg.get("level").and_then(Value::as_str).unwrap_or("");
        let text = msg.get("message").and_then(Value::as_str).unwrap_or("");
        // rustc's own tallies ("3 warnings emitted", "aborting due to ...") are not findings.
        if text.ends_with("emitted") || text.starts_with("aborting due to") {
            continue;
        }
        match level {
            "warning" => warnings += 1,
            "error" => errors += 1,
            _ => continue,
        }
        if messages.len() < 5 {
            let rendered = msg.get("rendered").and_then(Value::as_str).unwrap_or(text);
            messages.push(rendered.lines().take(12).collect::<Vec<_>>().join("\n"));
        }
    }
    let ok = output.status.success() && errors == 0;
    if !output.status.success() && messages.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        messages.push(
            stderr
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    Ok(Compile { ok, warnings, seconds, messages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(Path::new("/a/b/c"), Path::new("/a/x/runtime")),
            "../../x/runtime"
        );
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a/runtime")), "runtime");
        assert_eq!(relative_path(Path::new("/tmp/out"), Path::new("/work/r")), "../../work/r");
    }

    #[test]
    fn package_names_come_from_the_sdk_id() {
        let model = Model::from_json(
            r#"{"smithy":"2.0","shapes":{"a.b#Svc":{"type":"service","traits":{"aws.api#service":{"sdkId":"CloudWatch Logs"}}},
                "a.b#Other":{"type":"service"}}}"#,
            "test",
        )
        .unwrap();
        assert_eq!(
            default_package_name(&model, &ShapeId::new("a.b#Svc")),
            "cloudwatch-logs-client"
        );
        assert_eq!(default_package_name(&model, &ShapeId::new("a.b#Other")), "other-client");
    }
}
