//! `generator`: the generator's front end — model loader (`Model::from_json`: parse, `apply`,
//! mixins), service choice, validation (`ShapeIndex::build`) and the IR (`ir::build`, which
//! lowers and checks the endpoint rule set and endpoint tests too) — over arbitrary (mostly mutated
//! Smithy JSON) input. Nothing is formatted or written.
//!
//! Invariants: every stage returns `Ok` or an `Err` whose message is not empty; no panic, stack
//! overflow or hang (libFuzzer's `-timeout`) on any input, deeply nested JSON included.

use codegen::index::ShapeIndex;
use codegen::model::Model;
use codegen::{generate, ir};

/// The target body.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        // The loader takes text; reading the file as UTF-8 is `std`'s job, not ours.
        return;
    };
    if let Err(message) = front_end(text) {
        assert!(!message.trim().is_empty(), "an error without a message");
    }
}

/// Model text → validated index → IR (with the lowered endpoint rules); the first error as
/// text.
pub fn front_end(text: &str) -> Result<ir::Service, String> {
    let model = Model::from_json(text, "fuzz input").map_err(|e| e.to_string())?;
    let service = generate::pick_service(&model, None).map_err(|e| e.to_string())?;
    let index = ShapeIndex::build(&model, &service).map_err(|e| e.to_string())?;
    ir::build(&index).map_err(|e| e.to_string())
}
