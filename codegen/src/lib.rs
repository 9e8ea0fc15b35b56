//! A generator of Rust client crates from AWS Smithy JSON (AST 2.0) models.
//!
//! Data flows one way, one module per stage:
//! [`model`] (parsed AST) → [`index`] (validated shape index) → [`ir`] (Rust-oriented IR) →
//! [`emit`] (tokens) → [`render`] (formatted files). See ARCHITECTURE.md at the repository root.
#![forbid(unsafe_code)]

pub mod additions;
pub mod diff;
pub mod docs;
pub mod endpoints;
pub mod error;
pub mod index;
pub mod ir;
pub mod model;
pub mod naming;
pub mod traits;
pub mod emit;
pub mod generate;
pub mod render;
pub mod test_models;
