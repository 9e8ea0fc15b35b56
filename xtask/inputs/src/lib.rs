//! What the repository knows about itself, kept out of the generator library (which stays
//! layout-agnostic: it takes a parsed model and options, and returns files):
//!
//! - [`pins`]: the pinned third-party inputs of `model/pin.json` — the one place that locates
//!   them (explicit path, else environment variable, else the git-ignored `model/<file>`),
//!   verifies their sha256 and fetches them;
//! - [`test_crates`]: the crates generated beside the SFN crate (the kitchen sink and the AWS
//!   protocol test services) and where they live;
//! - [`read_overlays`] / [`overlay_record`]: our own overlays of the SFN model (`model/overlays/`),
//!   applied by `cargo xtask codegen` and the tests that compare the checked-in crate;
//! - [`repo_root`], and [`read_pinned`] / [`pinned_model`] / [`pinned_partitions`] for tests and
//!   tools that take no options.
//!
//! Used by `xtask` and by tests (`codegen`'s, `fuzz`'s): a dev-only crate, never a dependency of a
//! generated crate or of the generator.

pub mod pins;
pub mod test_crates;

use std::path::{Path, PathBuf};

use codegen::ir::endpoints::Partitions;
use codegen::model::Model;

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
/// ([`codegen::ir::endpoints::parse_partitions`]).
pub fn pinned_partitions() -> Result<Partitions, String> {
    let (path, bytes) = read_pinned(pins::PARTITIONS)?;
    codegen::ir::endpoints::parse_partitions(&bytes, &path.display().to_string())
        .map_err(|e| e.to_string())
}

/// Where the repository keeps its overlays of the SFN model (relative to the repository root).
pub const OVERLAYS_DIR: &str = "model/overlays";

/// The overlays of the SFN model (`model/overlays/*.json`, our own files, reviewed like code):
/// `(path relative to the repository, text)`, sorted by path; none when the directory is absent.
pub fn read_overlays(root: &Path) -> Result<Vec<(String, String)>, String> {
    let dir = root.join(OVERLAYS_DIR);
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == "json") {
            let name =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            out.push((format!("{OVERLAYS_DIR}/{name}"), text));
        }
    }
    out.sort();
    Ok(out)
}

/// The line of the generated crate's `MODEL` file that names an overlay: its path and sha256.
pub fn overlay_record(path: &str, text: &str) -> (String, String) {
    let hex = pins::sha256_hex(text.as_bytes());
    (format!("overlay {path}"), format!("sha256 {hex}"))
}
