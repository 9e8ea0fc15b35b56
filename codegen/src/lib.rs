//! A generator of Rust client crates from AWS Smithy JSON (AST 2.0) models.
//!
//! Data flows one way, one module per stage:
//! [`model`] (parsed AST) → [`index`] (validated shape index) → [`ir`] (Rust-oriented IR) →
//! [`emit`] (tokens) → [`render`] (formatted files); [`generate::generate`] runs them all and
//! returns the files of a crate. [`diff`] compares two models' APIs. See ARCHITECTURE.md at the
//! repository root.
//!
//! The library knows nothing of the repository it lives in: it reads no environment and no file
//! but the ones it is given (`Model::from_path`), and verifies no pin. Locating and verifying the
//! pinned inputs, and the list of crates generated beside the SFN crate, are dev-only
//! (`xtask/inputs`, crate `xtask-inputs`).
#![forbid(unsafe_code)]

pub mod additions;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod error;
pub mod generate;
pub mod index;
pub mod ir;
pub mod model;
pub mod naming;
pub mod render;
pub mod traits;
