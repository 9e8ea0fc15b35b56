//! `json_differential`: the runtime's JSON reader (`awsjson_runtime::json::from_slice` into a
//! `types::Document`, the path of every `document` member and of error bodies) against serde_json
//! (`serde_json::Value`, with `float_roundtrip`: correctly rounded floats, as `str::parse::<f64>`)
//! on arbitrary bytes: the same value, or both errors.
//!
//! Normalisation, the only places where the two may legitimately differ:
//! - a body that is empty or all ASCII whitespace is `{}` for the runtime (an empty response
//!   body means "no members"), an error for serde_json: the expected value is `{}`;
//! - arrays and objects nested deeper than [`MAX_DEPTH`] (127) levels are an error for the
//!   runtime (its depth limit); serde_json's own limit (128) is not compared;
//! - numbers map as serde_json maps them: an integer literal that fits `u64` is `PosInt`, a
//!   negative one that fits `i64` is `NegInt` (`-0` is the float `-0.0`), anything else is a float,
//!   compared bit for bit (`0.0` and `-0.0` differ); a float literal out of `f64` range is an error
//!   for both;
//! - objects are compared as maps; a repeated key keeps its last value in both.
//!
//! Also: the runtime's encoding of a document it read (`json::to_string`) reads back as an equal
//! document — numbers equal in value: the writer prints a float with an integral value as an
//! integer (`150.0` → `150`, `-0.0` → `0`), so only the value, not the kind, survives — and every
//! error has a message.

use std::collections::HashMap;

use awsjson_runtime::json::{self, MAX_DEPTH};
use awsjson_runtime::types::{Document, Number};
use serde_json::Value;

/// The target body.
pub fn run(data: &[u8]) {
    let ours = json::from_slice::<Document>(data);
    let reference = reference(data);
    match (&ours, &reference) {
        (Ok(a), Some(Ok(b))) => assert!(
            same(a, b),
            "the readers disagree on {:?}:\n ours: {a:?}\n serde_json: {b:?}",
            lossy(data)
        ),
        (Err(e), Some(Err(_))) => assert!(!e.to_string().is_empty()),
        (Err(e), None) => assert!(!e.to_string().is_empty()),
        (Ok(a), None) => {
            panic!("nested deeper than {MAX_DEPTH} levels, yet read: {:?} as {a:?}", lossy(data))
        }
        (a, Some(b)) => {
            panic!("the readers disagree on {:?}:\n ours: {a:?}\n serde_json: {b:?}", lossy(data))
        }
    }
    if let Ok(document) = &ours {
        let encoded = json::to_string(document);
        let again = json::from_slice::<Document>(encoded.as_bytes()).unwrap_or_else(|e| {
            panic!("the encoding `{encoded}` of {document:?} does not read back: {e}")
        });
        assert!(
            equal_values(document, &again),
            "`{encoded}` reads back as {again:?}, not {document:?}"
        );
    }
}

/// serde_json's reading, normalised as the module docs say: `None` when the runtime must fail
/// whatever serde_json says (too deep).
fn reference(data: &[u8]) -> Option<Result<Document, String>> {
    if data.iter().all(u8::is_ascii_whitespace) {
        return Some(Ok(Document::Object(HashMap::new())));
    }
    match serde_json::from_slice::<Value>(data) {
        Ok(v) if depth(&v) > MAX_DEPTH => None,
        Ok(v) => Some(Ok(to_document(v))),
        Err(e) => Some(Err(e.to_string())),
    }
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn to_document(v: Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(b),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().expect("a serde_json number is u64, i64 or f64"))
        }),
        Value::String(s) => Document::String(s),
        Value::Array(a) => Document::Array(a.into_iter().map(to_document).collect()),
        Value::Object(o) => {
            Document::Object(o.into_iter().map(|(k, v)| (k, to_document(v))).collect())
        }
    }
}

/// The same document, floats compared bit for bit.
pub fn same(a: &Document, b: &Document) -> bool {
    match (a, b) {
        (Document::Number(Number::Float(x)), Document::Number(Number::Float(y))) => {
            x.to_bits() == y.to_bits()
        }
        (Document::Array(x), Document::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Document::Object(x), Document::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The same document up to the kind of numbers: integers compared exactly, any other pair as
/// `f64` values (so `0` and `-0.0` are equal).
pub fn equal_values(a: &Document, b: &Document) -> bool {
    match (a, b) {
        (
            Document::Number(x @ (Number::PosInt(_) | Number::NegInt(_))),
            Document::Number(y @ (Number::PosInt(_) | Number::NegInt(_))),
        ) => x == y,
        (Document::Number(x), Document::Number(y)) => x.to_f64() == y.to_f64(),
        (Document::Array(x), Document::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal_values(x, y))
        }
        (Document::Object(x), Document::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal_values(v, w)))
        }
        _ => a == b,
    }
}

fn lossy(data: &[u8]) -> String {
    String::from_utf8_lossy(&data[..data.len().min(2000)]).into_owned()
}
