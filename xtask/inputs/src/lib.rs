//! What the repository knows about itself, kept out of the generator library (which stays
//! layout-agnostic: it takes a parsed model and options, and returns files):
//!
//! - [`pins`]: the pinned third-party inputs of `model/pin.json` — the one place that locates
//!   them (explicit path, else environment variable, else the git-ignored `model/<file>`),
//!   verifies their sha256 and fetches them;
//! - [`test_crates`]: the crates generated beside the SFN crate (the kitchen sink and the AWS
//!   protocol test services) and where they live;
//! - [`repo_root`], and [`read_pinned`] / [`pinned_model`] / [`pinned_partitions`] for tests and
//!   tools that take no options.
//!
//! Used by `xtask` and by tests (`codegen`'s, `fuzz`'s): a dev-only crate, never a dependency of a
//! generated crate or of the generator.

pub mod pins;
pub mod test_crates;

use std::path::{Path, PathBuf};

use codegen::model::Model;
use serde_json::Value;

pub use pins::{Pin, Pins};

/// The repository root (this crate is `xtask/inputs/`).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).expect("xtask/inputs lives two levels below the root").to_path_buf()
}

/// The pinned input `key` of `model/pin.json`, located without an explicit path (its environment
/// variable, else `model/<file>`) and verified: its path and bytes. The error says how to obtain
/// a missing file.
pub fn read_pinned(key: &str) -> Result<(PathBuf, Vec<u8>), String> {
    let root = repo_root();
    let pins = Pins::load(&root)?;
    let pin = pins.get(key)?;
    let path = pin.locate(&root, None)?;
    let bytes = pin.read_verified(&path)?;
    Ok((path, bytes))
}

/// The pinned model `key` (`sfn`, `protocol-tests`), located, verified and parsed.
pub fn pinned_model(key: &str) -> Result<Model, String> {
    let (path, bytes) = read_pinned(key)?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    Model::from_json(&text, &path.display().to_string()).map_err(|e| e.to_string())
}

/// The pinned partition table, located, verified and parsed
/// ([`codegen::endpoints::parse_partitions`]).
pub fn pinned_partitions() -> Result<Value, String> {
    let (path, bytes) = read_pinned(pins::PARTITIONS)?;
    codegen::endpoints::parse_partitions(&bytes, &path.display().to_string()).map_err(|e| e.to_string())
}
