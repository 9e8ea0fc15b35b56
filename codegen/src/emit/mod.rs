//! Stage 4: IR → Rust tokens. One submodule per kind of generated file; helpers shared by all
//! live here. Emitters make no decisions the IR has not made: they only spell them in Rust.

pub mod crate_files;
pub mod operation;
pub mod protocol_tests;
pub mod shapes;
pub mod smoke_tests;
pub mod waiters;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::RustType;

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
pub fn large_variant_allow<'a>(errors: impl IntoIterator<Item = &'a crate::ir::Structure>) -> TokenStream {
    if errors.into_iter().any(crate::ir::Structure::holds_aggregates) {
        quote!(#[allow(clippy::large_enum_variant)])
    } else {
        quote!()
    }
}
