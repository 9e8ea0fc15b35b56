//! Hand-written, service-specific Rust source that a generated crate takes in: real `.rs` files
//! in a directory of their own (for SFN, `codegen/services/sfn/`), listed by a manifest
//! (`additions.json`) that also names the extra dependencies and features they need.
//!
//! [`Additions::load`] reads the directory (the only step that touches the file system);
//! [`crate::generate::generate`] then copies each file into the crate's `src/` with a header
//! naming where it comes from, declares it as a module of `lib.rs`, and adds its dependencies
//! and features to `Cargo.toml`. The files are copied as written (not reformatted), so `cargo
//! xtask codegen --check` fails when a copy in the crate differs from its source.
//!
//! The manifest:
//!
//! ```json
//! {
//!   "modules": [
//!     { "module": "activity_worker", "file": "src/activity_worker.rs", "feature": null }
//!   ],
//!   "dependencies": {
//!     "tokio": { "version": "1", "default-features": false, "features": ["rt", "time"] }
//!   },
//!   "features": {}
//! }
//! ```
//!
//! `file` is relative to the directory; the module's own `//!` documentation describes it in the
//! crate's documentation. `feature`, when set, compiles the module only with that cargo feature
//! (which `features` must then define). Dependency values are cargo's: a version string, or a
//! table of strings, booleans and lists of strings. Every `.rs` file under the directory must be listed, so
//! that a file cannot be left out by mistake.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Errors};

/// The manifest's file name in an additions directory.
pub const MANIFEST: &str = "additions.json";

/// The hand-written additions of one generated crate, read from their directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Additions {
    /// How the directory is named in the copies' headers: a path relative to the repository
    /// root (never a path of the machine, so that output does not depend on where it runs).
    pub shown_as: String,
    pub modules: Vec<Module>,
    /// Extra `[dependencies]` entries, as TOML values, by crate name.
    pub dependencies: BTreeMap<String, String>,
    /// Extra `[features]` entries, by feature name.
    pub features: BTreeMap<String, Vec<String>>,
}

/// One hand-written module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Its name in the crate (`src/<module>.rs`, `pub mod <module>;`).
    pub module: String,
    /// Its source file, relative to the additions directory.
    pub file: String,
    /// The cargo feature the module needs, if any.
    pub feature: Option<String>,
    /// The file's text.
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    modules: Vec<ManifestModule>,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    features: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestModule {
    module: String,
    file: String,
    #[serde(default)]
    feature: Option<String>,
}

/// Modules every generated crate has (or may have): an addition may not take their names.
const GENERATED_MODULES: &[&str] = &[
    "client",
    "config",
    "endpoint_rules",
    "error",
    "operation",
    "pagination",
    "primitives",
    "test_util",
    "types",
];

impl Additions {
    /// Reads `dir/additions.json` and the files it lists. `shown_as` names `dir` in the headers
    /// of the copies (a repository-relative path). Every problem is reported, each naming its file.
    pub fn load(dir: &Path, shown_as: &str) -> Result<Additions, Errors> {
        let manifest_path = dir.join(MANIFEST);
        let at = |file: &str| format!("{shown_as}/{file}");
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| Error::model(&at(MANIFEST), format!("cannot read the manifest: {e}")))?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| Error::model(&at(MANIFEST), format!("invalid manifest: {e}")))?;
        let mut errors = Vec::new();
        let mut additions = Additions { shown_as: shown_as.to_string(), ..Default::default() };
        for m in manifest.modules {
            let path = dir.join(&m.file);
            match std::fs::read_to_string(&path) {
                Ok(source) => additions.modules.push(Module {
                    module: m.module,
                    file: m.file,
                    feature: m.feature,
                    source,
                }),
                Err(e) => errors.push(Error::model(&at(&m.file), format!("cannot read it: {e}"))),
            }
        }
        for (name, value) in manifest.dependencies {
            match toml_value(&value) {
                Some(v) => {
                    additions.dependencies.insert(name, v);
                }
                None => errors.push(Error::model(
                    &at(MANIFEST),
                    format!(
                        "dependency `{name}`: expected a version string or a table of \
                         strings, booleans and lists of strings"
                    ),
                )),
            }
        }
        additions.features = manifest.features;
        let mut listed: Vec<String> = additions.modules.iter().map(|m| m.file.clone()).collect();
        listed.sort();
        for file in rust_files(dir, "") {
            if listed.binary_search(&file).is_err() {
                errors.push(Error::model(
                    &at(&file),
                    format!("not listed in {MANIFEST}: list it as a module or remove it"),
                ));
            }
        }
        errors.extend(additions.validate());
        if errors.is_empty() {
            Ok(additions)
        } else {
            Err(Errors(errors))
        }
    }

    /// Checks names: valid, unique, not a generated module's, features defined.
    pub fn validate(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        let manifest = format!("{}/{MANIFEST}", self.shown_as);
        let mut seen = std::collections::BTreeSet::new();
        for m in &self.modules {
            let valid = !m.module.is_empty()
                && m.module.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && m.module
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && syn::parse_str::<syn::Ident>(&m.module).is_ok();
            if !valid {
                errors.push(Error::model(
                    &manifest,
                    format!("module `{}`: not a snake_case Rust identifier", m.module),
                ));
            } else if GENERATED_MODULES.contains(&m.module.as_str()) {
                errors.push(Error::model(
                    &manifest,
                    format!("module `{}`: the generated crate has a module of that name", m.module),
                ));
            } else if !seen.insert(m.module.as_str()) {
                errors.push(Error::model(
                    &manifest,
                    format!("module `{}` is listed twice", m.module),
                ));
            }
            if let Some(f) = &m.feature {
                if !self.features.contains_key(f) {
                    errors.push(Error::model(
                        &manifest,
                        format!("module `{}`: feature `{f}` is not in `features`", m.module),
                    ));
                }
            }
        }
        if self.dependencies.contains_key("awsjson-runtime") {
            errors.push(Error::model(
                &manifest,
                "dependency `awsjson-runtime`: every generated crate has it already",
            ));
        }
        errors
    }

    /// The declarations of the modules in the crate's `lib.rs`.
    pub fn lib_items(&self) -> proc_macro2::TokenStream {
        let items = self.modules.iter().map(|m| {
            let name = crate::emit::ident(&m.module);
            match &m.feature {
                Some(f) => quote::quote!(#[cfg(feature = #f)] pub mod #name;),
                None => quote::quote!(pub mod #name;),
            }
        });
        quote::quote!(#(#items)*)
    }

    /// The files of the crate: `src/<module>.rs`, each its source under [`Additions::header`].
    pub fn files(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.modules
            .iter()
            .map(|m| (format!("src/{}.rs", m.module), format!("{}\n{}", self.header(m), m.source)))
    }

    /// The header of the copy of `module` in the generated crate.
    pub fn header(&self, module: &Module) -> String {
        format!(
            "// @generated by `cargo xtask codegen`: a copy of the hand-written\n\
             // `{}/{}`. Edit that file, not this one.\n",
            self.shown_as, module.file
        )
    }
}

/// The `.rs` files under `dir`, relative to it with `/` separators, sorted.
fn rust_files(dir: &Path, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path, &rel));
        } else if name.ends_with(".rs") {
            out.push(rel);
        }
    }
    out.sort();
    out
}

/// A manifest dependency value as a TOML value: `"1"` or `{ version = "1", features = [...] }`.
fn toml_value(v: &Value) -> Option<String> {
    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(toml_string(s)),
            Value::Bool(b) => Some(b.to_string()),
            Value::Array(items) => {
                let items: Option<Vec<String>> =
                    items.iter().map(|i| i.as_str().map(toml_string)).collect();
                Some(format!("[{}]", items?.join(", ")))
            }
            _ => None,
        }
    }
    match v {
        Value::Object(table) => {
            let entries: Option<Vec<String>> =
                table.iter().map(|(k, v)| Some(format!("{k} = {}", scalar(v)?))).collect();
            Some(format!("{{ {} }}", entries?.join(", ")))
        }
        Value::String(_) => scalar(v),
        _ => None,
    }
}

fn toml_string(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_values_become_toml() {
        let v: Value =
            serde_json::json!({ "version": "1", "default-features": false, "features": ["rt"] });
        assert_eq!(
            toml_value(&v).unwrap(),
            r#"{ default-features = false, features = ["rt"], version = "1" }"#
        );
        assert_eq!(toml_value(&serde_json::json!("0.3")).unwrap(), r#""0.3""#);
        assert_eq!(toml_value(&serde_json::json!(3)), None);
        assert_eq!(toml_value(&serde_json::json!({ "features": [1] })), None);
    }

    fn module(name: &str, feature: Option<&str>) -> Module {
        Module {
            module: name.into(),
            file: format!("{name}.rs"),
            feature: feature.map(str::to_string),
            source: String::new(),
        }
    }

    #[test]
    fn bad_names_are_errors_naming_the_manifest_and_module() {
        let a = Additions {
            shown_as: "codegen/services/x".into(),
            modules: vec![
                module("client", None),
                module("Worker", None),
                module("w", Some("nope")),
                module("w", None),
            ],
            ..Default::default()
        };
        let errors: Vec<String> = a.validate().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            [
                "codegen/services/x/additions.json: module `client`: the generated crate has a module of that name",
                "codegen/services/x/additions.json: module `Worker`: not a snake_case Rust identifier",
                "codegen/services/x/additions.json: module `w`: feature `nope` is not in `features`",
                "codegen/services/x/additions.json: module `w` is listed twice",
            ]
        );
    }
}
