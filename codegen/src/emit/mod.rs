//! Stage 4: IR → Rust tokens. One submodule per kind of generated file; helpers shared by all
//! live here. Emitters make no decisions the IR has not made: they only spell them in Rust.

pub mod crate_files;
pub mod endpoints;
pub mod operation;
pub mod protocol_tests;
pub mod shapes;
pub mod smoke_tests;
pub mod waiters;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Member, RustType};
use crate::naming::unraw;
use crate::traits::Bounds;

/// The generated crate's name for the runtime crate (a dependency renamed in Cargo.toml).
pub fn rt() -> TokenStream {
    quote!(::awsjson_runtime)
}

/// An identifier, raw (`r#type`) when the name says so.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` attributes, one per line.
pub fn doc_lines(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// A member's full documentation (on its field and its fluent setter): the model's docs, then
/// its `@length`/`@range`/`@pattern`, which the client states but does not check.
pub fn member_docs(m: &Member) -> Vec<String> {
    let mut lines = m.docs.clone();
    let bounds = |b: &Bounds| match (b.min, b.max) {
        (Some(a), Some(z)) if a == z => Some(format!("exactly {a}")),
        (Some(a), Some(z)) => Some(format!("{a} to {z}")),
        (Some(a), None) => Some(format!("at least {a}")),
        (None, Some(z)) => Some(format!("at most {z}")),
        (None, None) => None,
    };
    let mut parts = Vec::new();
    if let Some(b) = m.length.as_ref().and_then(bounds) {
        parts.push(format!("length {b}"));
    }
    if let Some(b) = m.range.as_ref().and_then(bounds) {
        parts.push(format!("value {b}"));
    }
    if let Some(p) = &m.pattern {
        let fence = if p.contains('`') { "``" } else { "`" };
        parts.push(format!("matches {fence}{p}{fence}"));
    }
    if !parts.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("Constraints (the service checks them): {}.", parts.join("; ")));
    }
    lines
}

/// An intra-doc link to field `field` of `owner` (a type path, or `Self`), shown as its name.
/// `field@` tells it from the getter of the same name; links spell raw names plainly (`type`).
pub fn field_link(owner: &str, field: &str) -> String {
    let name = unraw(field);
    format!("[`{name}`](field@{owner}::{name})")
}

/// Doc attributes from one string (may hold several lines).
pub fn doc(text: &str) -> TokenStream {
    doc_lines(&text.lines().map(str::to_string).collect::<Vec<_>>())
}

/// A `#[deprecated]` attribute when the model says so.
pub fn deprecated(note: &Option<String>) -> TokenStream {
    match note {
        Some(n) if n.is_empty() => quote!(#[deprecated]),
        Some(n) => quote!(#[deprecated(note = #n)]),
        None => quote!(),
    }
}

/// The Rust spelling of an IR type.
pub fn rust_type(ty: &RustType) -> TokenStream {
    match ty {
        RustType::String => quote!(String),
        RustType::Bool => quote!(bool),
        RustType::I8 => quote!(i8),
        RustType::I16 => quote!(i16),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::DateTime => quote!(crate::primitives::DateTime),
        RustType::Blob => quote!(crate::primitives::Blob),
        RustType::Document => quote!(crate::primitives::Document),
        RustType::Named { path, .. } => {
            let segs = path.iter().map(|s| ident(s));
            quote!(crate #(::#segs)*)
        }
        RustType::List { item, sparse } => {
            let item = rust_type(item);
            if *sparse {
                quote!(Vec<Option<#item>>)
            } else {
                quote!(Vec<#item>)
            }
        }
        RustType::Map { value, sparse } => {
            let value = rust_type(value);
            if *sparse {
                quote!(std::collections::HashMap<String, Option<#value>>)
            } else {
                quote!(std::collections::HashMap<String, #value>)
            }
        }
    }
}

/// The text Debug prints in place of `@sensitive` data.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// `#[allow(clippy::large_enum_variant)]` for an error enum whose modeled errors hold structures
/// or unions inline: their sizes are the model's, and boxing them would change how callers match.
pub fn large_variant_allow(some_error_holds_aggregates: bool) -> TokenStream {
    if some_error_holds_aggregates {
        quote!(#[allow(clippy::large_enum_variant)])
    } else {
        quote!()
    }
}
