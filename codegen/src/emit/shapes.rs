//! Structures (with their builders), unions, enums and intEnums.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{deprecated, doc, doc_lines, field_link, ident, member_docs, rt, rust_type, REDACTED};
use crate::ir::{DefaultValue, Enum, IntEnum, Member, RustType, Structure, StructureRole, Union};
use crate::naming::{self, unraw, REQUEST_ID_FIELD};
use crate::traits::TimestampFormat;

fn format_tokens(f: TimestampFormat) -> TokenStream {
    let rt = rt();
    match f {
        TimestampFormat::EpochSeconds => quote!(#rt::types::TimestampFormat::EpochSeconds),
        TimestampFormat::DateTime => quote!(#rt::types::TimestampFormat::DateTime),
        TimestampFormat::HttpDate => quote!(#rt::types::TimestampFormat::HttpDate),
    }
}

/// The field type, with its `Option` when optional.
fn field_type(m: &Member) -> TokenStream {
    let ty = rust_type(&m.ty);
    let ty = if m.boxed { quote!(Box<#ty>) } else { ty };
    if m.optional {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// The Rust expression for a member's `@default`, or `None` when the type's `Default` already
/// gives that value (so the structure can derive `Default`).
fn default_expr(m: &Member) -> Option<TokenStream> {
    let rt = rt();
    Some(match m.default.as_ref()? {
        DefaultValue::Zero => return None,
        DefaultValue::String(s) => quote!(String::from(#s)),
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Int(n) => {
            let lit = Literal::i64_unsuffixed(*n);
            quote!(#lit)
        }
        DefaultValue::Float(n) => {
            let lit = Literal::f64_unsuffixed(*n);
            quote!(#lit)
        }
        DefaultValue::EpochSeconds(n) => {
            let secs = Literal::f64_unsuffixed(*n);
            quote!(crate::primitives::DateTime::from_secs_f64(#secs).unwrap_or_default())
        }
        DefaultValue::DateTimeText(s) => {
            quote!(crate::primitives::DateTime::parse(#s, #rt::types::TimestampFormat::DateTime).unwrap_or_default())
        }
        DefaultValue::Blob(s) => quote!(#rt::json::blob_literal(#s)),
        DefaultValue::Enum(s) => {
            let ty = rust_type(&m.ty);
            quote!(#ty::from(#s))
        }
        DefaultValue::IntEnum(n) => {
            let ty = rust_type(&m.ty);
            let lit = Literal::i64_unsuffixed(*n);
            quote!(#ty::from(#lit))
        }
        DefaultValue::Document(text) => quote!(#rt::json::document_literal(#text)),
    })
}

/// A getter returning a borrowed view of the field.
fn getter(m: &Member) -> TokenStream {
    let f = ident(&m.field);
    let docs = doc(&format!("Returns {}.", field_link("Self", &m.field)));
    let dep = deprecated(&m.deprecated);
    let ty = rust_type(&m.ty);
    let (ret, body) = match (&m.ty, m.optional) {
        (_, true) if m.boxed => (quote!(Option<&#ty>), quote!(self.#f.as_deref())),
        (_, false) if m.boxed => (quote!(&#ty), quote!(&self.#f)),
        (RustType::String, true) => (quote!(Option<&str>), quote!(self.#f.as_deref())),
        (RustType::String, false) => (quote!(&str), quote!(&self.#f)),
        (RustType::List { item, sparse }, true) => {
            let item = rust_type(item);
            let item = if *sparse { quote!(Option<#item>) } else { item };
            (quote!(&[#item]), quote!(self.#f.as_deref().unwrap_or_default()))
        }
        (t, true) if t.is_copy() => (quote!(Option<#ty>), quote!(self.#f)),
        (t, false) if t.is_copy() => (quote!(#ty), quote!(self.#f)),
        (_, true) => (quote!(Option<&#ty>), quote!(self.#f.as_ref())),
        (_, false) => (quote!(&#ty), quote!(&self.#f)),
    };
    quote! {
        #docs
        #dep
        pub fn #f(&self) -> #ret {
            #body
        }
    }
}

/// The builder's three methods for one member: the setter taking the value (or appending one
/// item / inserting one entry for collections), `set_` taking an `Option`, and `get_`. `owner` is
/// the built structure: a builder's methods refer to its field's docs; a fluent builder's setter
/// (`delegate` is `Some`) carries them in full.
pub fn builder_methods(m: &Member, owner: &str, delegate: Option<&TokenStream>) -> TokenStream {
    let f = ident(&m.field);
    let set = ident(&naming::option_setter(&m.field));
    let get = ident(&naming::builder_getter(&m.field));
    let link = field_link(owner, &m.field);
    let docs = match delegate {
        Some(_) => doc_lines(&member_docs(m)),
        None => doc(&format!("Sets {link}.")),
    };
    // The full docs under the one-line summary of a fluent collection setter.
    let more_docs = match (delegate, member_docs(m)) {
        (Some(_), full) if !full.is_empty() => {
            let lines: Vec<String> = std::iter::once(String::new()).chain(full).collect();
            doc_lines(&lines)
        }
        _ => quote!(),
    };
    let dep = deprecated(&m.deprecated);
    let full = {
        let ty = rust_type(&m.ty);
        quote!(Option<#ty>)
    };
    // `delegate` is the path to the inner builder for fluent builders (`self.inner`).
    let (setter, set_body, get_body) = match (&m.ty, delegate) {
        (RustType::List { item, sparse }, None) => {
            let item = rust_type(item);
            let item = if *sparse { quote!(Option<#item>) } else { item };
            let doc_append = doc(&format!(
                "Appends an item to {link}. To set the whole list, use [`Self::{set}`]."
            ));
            (
                quote! {
                    #doc_append
                    #dep
                    pub fn #f(mut self, input: impl Into<#item>) -> Self {
                        self.#f.get_or_insert_with(Vec::new).push(input.into());
                        self
                    }
                },
                quote!(self.#f = input; self),
                quote!(&self.#f),
            )
        }
        (RustType::Map { value, sparse }, None) => {
            let value = rust_type(value);
            let value = if *sparse { quote!(Option<#value>) } else { value };
            let doc_insert = doc(&format!(
                "Inserts an entry into {link}. To set the whole map, use [`Self::{set}`]."
            ));
            (
                quote! {
                    #doc_insert
                    #dep
                    pub fn #f(mut self, k: impl Into<String>, v: impl Into<#value>) -> Self {
                        self.#f.get_or_insert_with(Default::default).insert(k.into(), v.into());
                        self
                    }
                },
                quote!(self.#f = input; self),
                quote!(&self.#f),
            )
        }
        (RustType::List { item, sparse }, Some(inner)) => {
            let item = rust_type(item);
            let item = if *sparse { quote!(Option<#item>) } else { item };
            let doc_append = doc(&format!(
                "Appends an item to {link}. To set the whole list, use [`Self::{set}`]."
            ));
            (
                quote! {
                    #doc_append
                    #more_docs
                    #dep
                    pub fn #f(mut self, input: impl Into<#item>) -> Self {
                        #inner = #inner.#f(input);
                        self
                    }
                },
                quote!(#inner = #inner.#set(input); self),
                quote!(#inner.#get()),
            )
        }
        (RustType::Map { value, sparse }, Some(inner)) => {
            let value = rust_type(value);
            let value = if *sparse { quote!(Option<#value>) } else { value };
            let doc_insert = doc(&format!(
                "Inserts an entry into {link}. To set the whole map, use [`Self::{set}`]."
            ));
            (
                quote! {
                    #doc_insert
                    #more_docs
                    #dep
                    pub fn #f(mut self, k: impl Into<String>, v: impl Into<#value>) -> Self {
                        #inner = #inner.#f(k, v);
                        self
                    }
                },
                quote!(#inner = #inner.#set(input); self),
                quote!(#inner.#get()),
            )
        }
        (ty, delegate) => {
            let ty = rust_type(ty);
            let body = match delegate {
                None => quote!(self.#f = Some(input.into());),
                Some(inner) => quote!(#inner = #inner.#f(input);),
            };
            (
                quote! {
                    #docs
                    #dep
                    pub fn #f(mut self, input: impl Into<#ty>) -> Self {
                        #body
                        self
                    }
                },
                match delegate {
                    None => quote!(self.#f = input; self),
                    Some(inner) => quote!(#inner = #inner.#set(input); self),
                },
                match delegate {
                    None => quote!(&self.#f),
                    Some(inner) => quote!(#inner.#get()),
                },
            )
        }
    };
    let set_doc = doc(&format!("Sets {link} (`None` unsets it)."));
    let get_doc = doc(&format!("Returns {link} as set so far."));
    quote! {
        #setter
        #set_doc
        #dep
        pub fn #set(mut self, input: #full) -> Self {
            #set_body
        }
        #get_doc
        #dep
        pub fn #get(&self) -> &#full {
            #get_body
        }
    }
}

/// A manual `Debug` that prints [`REDACTED`] for sensitive members (or for everything, for a
/// sensitive structure).
fn debug_impl(
    name: &syn::Ident,
    display_name: &str,
    members: &[Member],
    whole_sensitive: bool,
    request_id: bool,
) -> TokenStream {
    let request_id = request_id.then(|| {
        let f = format_ident!("{}", REQUEST_ID_FIELD);
        quote!(.field(#REQUEST_ID_FIELD, &self.#f))
    });
    let fields = members.iter().map(|m| {
        let f = ident(&m.field);
        let label = unraw(&m.field);
        if m.sensitive || whole_sensitive {
            quote!(.field(#label, &#REDACTED))
        } else {
            quote!(.field(#label, &self.#f))
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#display_name)
                    #(#fields)*
                    #request_id
                    .finish()
            }
        }
    }
}

/// The `ToJson` impl writing a structure's members.
fn to_json_impl(name: &syn::Ident, members: &[Member]) -> TokenStream {
    let rt = rt();
    let lines = members.iter().map(|m| {
        let f = ident(&m.field);
        let wire = &m.wire_name;
        match m.timestamp_format {
            Some(fmt) => {
                let fmt = format_tokens(fmt);
                if m.optional {
                    quote!(o.timestamp(#wire, self.#f.as_ref(), #fmt);)
                } else {
                    quote!(o.timestamp(#wire, Some(&self.#f), #fmt);)
                }
            }
            None => quote!(o.member(#wire, &self.#f);),
        }
    });
    let o = if members.is_empty() { quote!(o) } else { quote!(mut o) };
    quote! {
        impl #rt::json::ToJson for #name {
            fn write_json(&self, w: &mut #rt::json::JsonWriter) {
                let #o = w.object();
                #(#lines)*
                o.end();
            }
        }
    }
}

/// The `FromJson` impl reading a structure's members in place, in one pass over the body;
/// unknown members are skipped. An error's message member (`message_field`) is read from any of
/// the spellings the runtime lists.
fn from_json_impl(
    name: &syn::Ident,
    shape_name: &str,
    members: &[Member],
    message_field: Option<&str>,
    in_list: bool,
) -> TokenStream {
    let rt = rt();
    let arms = members.iter().map(|m| {
        let f = ident(&m.field);
        let wire = &m.wire_name;
        let pattern = if message_field == Some(m.field.as_str()) {
            quote!(k if #rt::protocol::is_error_message_key(k))
        } else {
            quote!(#wire)
        };
        let read = match m.timestamp_format {
            Some(fmt) => {
                let fmt = format_tokens(fmt);
                quote!(o.read_timestamp(#wire, #fmt, &mut self.#f))
            }
            None => quote!(o.read_member(#wire, &mut self.#f)),
        };
        quote!(#pattern => #read,)
    });
    if members.is_empty() {
        return quote! {
            impl #rt::json::FromJson for #name {
                fn read_json(r: &mut #rt::json::JsonReader<'_>) -> Result<Self, #rt::json::DeserializeError> {
                    r.object(#shape_name)?.skip_all()?;
                    Ok(Self::default())
                }
            }
        };
    }
    // Members are read in place: a structure in a list is built in the list's buffer, never
    // moved (some are kilobytes: `HistoryEvent`). Only the items of lists get that override:
    // it instantiates the list's growth code once per structure.
    let read_json_into = in_list.then(|| {
        quote! {
            fn read_json_into(r: &mut #rt::json::JsonReader<'_>, items: &mut Vec<Self>) -> Result<(), #rt::json::DeserializeError> {
                #rt::json::push_in_place(r, items)
            }
        }
    });
    quote! {
        impl #rt::json::FromJson for #name {
            fn read_json(r: &mut #rt::json::JsonReader<'_>) -> Result<Self, #rt::json::DeserializeError> {
                let mut out = Self::default();
                #rt::json::FromJson::read_json_in_place(&mut out, r)?;
                Ok(out)
            }

            fn read_json_in_place(&mut self, r: &mut #rt::json::JsonReader<'_>) -> Result<(), #rt::json::DeserializeError> {
                let mut o = r.object(#shape_name)?;
                while let Some(key) = o.next_member()? {
                    match &*key {
                        #(#arms)*
                        _ => o.skip(),
                    }?;
                }
                Ok(())
            }

            #read_json_into
        }
    }
}

/// A structure, its builder, and its JSON impls. Errors also get `Display`, `Error` and their
/// metadata; inputs get `validate`.
pub fn structure(s: &Structure) -> TokenStream {
    let rt = rt();
    let name = format_ident!("{}", s.rust_name);
    let builder = ident(&naming::builder_type(&s.rust_name));
    let shape_name = s.rust_name.as_str();
    let docs = doc_lines(&s.docs);
    let dep = deprecated(&s.deprecated);
    let is_error = s.role == StructureRole::Error;
    let is_output = s.role == StructureRole::Output;
    let request_id_field = format_ident!("{}", REQUEST_ID_FIELD);
    let redacting = s.sensitive || s.members.iter().any(|m| m.sensitive);
    let manual_default = s.members.iter().any(|m| !m.optional && default_expr(m).is_some());

    let fields = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let ty = field_type(m);
        let docs = doc_lines(&member_docs(m));
        let dep = deprecated(&m.deprecated);
        quote!(#docs #dep pub #f: #ty,)
    });
    let meta_field = if is_error {
        quote! {
            pub(crate) meta: #rt::error::ErrorMetadata,
        }
    } else if is_output {
        quote! {
            pub(crate) #request_id_field: Option<String>,
        }
    } else {
        quote!()
    };
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !manual_default {
        derives.push(quote!(Default));
    }
    if !redacting {
        derives.push(quote!(Debug));
    }
    let getters = s.members.iter().map(getter);

    let default_impl = if manual_default {
        let inits = s.members.iter().map(|m| {
            let f = ident(&m.field);
            match (m.optional, default_expr(m)) {
                (false, Some(e)) => quote!(#f: #e,),
                _ => quote!(#f: Default::default(),),
            }
        });
        let meta_init = if is_error {
            quote!(meta: Default::default(),)
        } else if is_output {
            quote!(#request_id_field: None,)
        } else {
            quote!()
        };
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self { #(#inits)* #meta_init }
                }
            }
        }
    } else {
        quote!()
    };
    let debug = if redacting {
        debug_impl(&name, shape_name, &s.members, s.sensitive, is_output)
    } else {
        quote!()
    };

    // The builder.
    let builder_fields = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let ty = rust_type(&m.ty);
        quote!(pub(crate) #f: Option<#ty>,)
    });
    let builder_meta = if is_error {
        quote!(meta: #rt::error::ErrorMetadata,)
    } else if is_output {
        quote!(#request_id_field: Option<String>,)
    } else {
        quote!()
    };
    let builder_methods = s.members.iter().map(|m| builder_methods(m, &s.rust_name, None));
    let assigns = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let wire = &m.wire_name;
        if m.boxed {
            // Cycles only close through structures and unions, which default to their zero value.
            if m.optional {
                quote!(#f: self.#f.map(Box::new),)
            } else if m.must_be_set() {
                quote!(#f: Box::new(#rt::error::BuildError::require(self.#f, #shape_name, #wire)?),)
            } else {
                quote!(#f: Box::new(self.#f.unwrap_or_default()),)
            }
        } else if m.optional {
            quote!(#f: self.#f,)
        } else if let Some(e) = default_expr(m) {
            if m.default.as_ref().is_some_and(DefaultValue::is_const) {
                quote!(#f: self.#f.unwrap_or(#e),)
            } else {
                quote!(#f: self.#f.unwrap_or_else(|| #e),)
            }
        } else if m.must_be_set() {
            quote!(#f: #rt::error::BuildError::require(self.#f, #shape_name, #wire)?,)
        } else {
            quote!(#f: self.#f.unwrap_or_default(),)
        }
    });
    let meta_assign = if is_error {
        quote!(meta: self.meta,)
    } else if is_output {
        quote!(#request_id_field: self.#request_id_field,)
    } else {
        quote!()
    };
    let build = if s.role == StructureRole::Input {
        quote! {
            /// Builds the input, checking that every `@required` member is set.
            pub fn build(self) -> Result<#name, #rt::error::BuildError> {
                let input = self.build_unchecked();
                input.validate()?;
                Ok(input)
            }

            /// Builds the input without checks (the client checks before sending).
            pub(crate) fn build_unchecked(self) -> #name {
                #name { #(#assigns)* }
            }
        }
    } else if s.build_is_fallible {
        quote! {
            /// Builds the value; fails naming the first `@required` member that is not set.
            pub fn build(self) -> Result<#name, #rt::error::BuildError> {
                Ok(#name { #(#assigns)* #meta_assign })
            }
        }
    } else {
        quote! {
            /// Builds the value.
            pub fn build(self) -> #name {
                #name { #(#assigns)* #meta_assign }
            }
        }
    };
    let builder_meta_setter = if is_error {
        quote! {
            /// Sets the error metadata (code, message, request id).
            pub fn meta(mut self, meta: #rt::error::ErrorMetadata) -> Self {
                self.meta = meta;
                self
            }
        }
    } else if is_output {
        let set = format_ident!("_set{}", REQUEST_ID_FIELD);
        quote! {
            /// Sets the request id `RequestId::request_id` returns (the client sets it from the
            /// response; for tests and mocks).
            #[doc(hidden)]
            pub fn #request_id_field(mut self, request_id: impl Into<String>) -> Self {
                self.#request_id_field = Some(request_id.into());
                self
            }

            /// Sets or clears the request id.
            #[doc(hidden)]
            pub fn #set(mut self, request_id: Option<String>) -> Self {
                self.#request_id_field = request_id;
                self
            }
        }
    } else {
        quote!()
    };
    let mut builder_derives = vec![quote!(Clone), quote!(PartialEq), quote!(Default)];
    if !redacting {
        builder_derives.push(quote!(Debug));
    }
    let builder_debug = if redacting {
        let all_optional: Vec<Member> =
            s.members.iter().map(|m| Member { optional: true, ..m.clone() }).collect();
        debug_impl(
            &builder,
            &naming::builder_type(shape_name),
            &all_optional,
            s.sensitive,
            is_output,
        )
    } else {
        quote!()
    };
    let builder_doc = doc(&format!("A builder for [`{shape_name}`]."));

    let validate = if s.role == StructureRole::Input {
        let checks = s.members.iter().filter(|m| m.must_be_set()).map(|m| {
            let f = ident(&m.field);
            let wire = &m.wire_name;
            quote! {
                if self.#f.is_none() {
                    return Err(#rt::error::BuildError::missing_field(#shape_name, #wire));
                }
            }
        });
        quote! {
            /// Checks that every `@required` member is set.
            pub(crate) fn validate(&self) -> Result<(), #rt::error::BuildError> {
                #(#checks)*
                Ok(())
            }
        }
    } else {
        quote!()
    };

    let error_impls = if is_error {
        let code = s.id.name();
        let message_field = s.error.as_ref().and_then(|e| e.message_field.as_deref()).map(ident);
        let message_expr = match &message_field {
            Some(f) => quote!(self.#f.as_deref().or(self.meta.message())),
            None => quote!(self.meta.message()),
        };
        quote! {
            impl #name {
                /// The error message, if the service sent one.
                pub fn message_text(&self) -> Option<&str> {
                    #message_expr
                }
            }
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(#code)?;
                    if let Some(m) = self.message_text() {
                        write!(f, ": {m}")?;
                    }
                    Ok(())
                }
            }
            impl std::error::Error for #name {}
            impl #rt::error::ProvideErrorMetadata for #name {
                fn meta(&self) -> &#rt::error::ErrorMetadata {
                    &self.meta
                }
            }
            impl #rt::error::RequestId for #name {
                fn request_id(&self) -> Option<&str> {
                    self.meta.request_id()
                }
            }
            impl #rt::error_shape::ErrorShape for #name {
                fn set_meta(&mut self, meta: #rt::error::ErrorMetadata) {
                    self.meta = meta;
                }
            }
        }
    } else {
        quote!()
    };

    let request_id_impl = is_output.then(|| {
        quote! {
            impl #rt::error::RequestId for #name {
                fn request_id(&self) -> Option<&str> {
                    self.#request_id_field.as_deref()
                }
            }
        }
    });
    let to_json = to_json_impl(&name, &s.members);
    let message_member = s.error.as_ref().and_then(|e| e.message_field.as_deref());
    let from_json = from_json_impl(&name, shape_name, &s.members, message_member, s.in_list);
    let builder_fn_doc = doc(&format!("Creates a new builder for [`{shape_name}`]."));
    let allow_operator_names =
        s.setters_shadow_operator_trait.then(|| quote!(#[allow(clippy::should_implement_trait)]));

    quote! {
        #docs
        #dep
        #[non_exhaustive]
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #meta_field
        }

        impl #name {
            #builder_fn_doc
            pub fn builder() -> #builder {
                #builder::default()
            }
            #(#getters)*
            #validate
        }

        #default_impl
        #debug
        #error_impls
        #request_id_impl

        #builder_doc
        #[derive(#(#builder_derives),*)]
        pub struct #builder {
            #(#builder_fields)*
            #builder_meta
        }

        #allow_operator_names
        impl #builder {
            #(#builder_methods)*
            #builder_meta_setter
            #build
        }

        #builder_debug
        #to_json
        #from_json
    }
}

/// The pieces string enums and intEnums share, one entry per known variant: the variant with its
/// docs, `Self::V => value` and `value => Self::V` match arms, and the value literal.
struct Variants {
    variants: Vec<TokenStream>,
    to_wire: Vec<TokenStream>,
    from_wire: Vec<TokenStream>,
    values: Vec<TokenStream>,
}

fn variants<V: std::fmt::Display>(
    name: &proc_macro2::Ident,
    model: &[(String, V, Vec<String>)],
    literal: impl Fn(&V) -> TokenStream,
) -> Variants {
    let mut out = Variants {
        variants: Vec::new(),
        to_wire: Vec::new(),
        from_wire: Vec::new(),
        values: Vec::new(),
    };
    for (variant, value, docs) in model {
        let v = format_ident!("{variant}");
        let mut d = docs.clone();
        if !d.is_empty() {
            d.push(String::new());
        }
        d.push(format!("The value `{value}`."));
        let d = doc_lines(&d);
        let lit = literal(value);
        out.variants.push(quote!(#d #v,));
        out.to_wire.push(quote!(#name::#v => #lit,));
        out.from_wire.push(quote!(#lit => #name::#v,));
        out.values.push(lit);
    }
    out
}

/// A string enum with a catch-all `Unknown` variant that keeps unrecognised values.
pub fn enumeration(e: &Enum) -> TokenStream {
    let rt = rt();
    let name = format_ident!("{}", e.rust_name);
    // The model's docs (if any), then what `Unknown` is for: no empty first line.
    let mut lines = e.docs.clone();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(
        "Values this version of the crate does not know are kept in [`Self::Unknown`], so a".into(),
    );
    lines.push("response with a value added to the service later still decodes.".into());
    let docs = doc_lines(&lines);
    let Variants { variants, to_wire: as_str, from_wire: from, values } =
        variants(&name, &e.variants, |v| quote!(#v));
    let name_str = &e.rust_name;
    quote! {
        #docs
        #[non_exhaustive]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know (kept as received).
            Unknown(String),
        }

        impl #name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #name::Unknown(value) => value,
                }
            }

            /// Every value this version of the crate knows, in model order.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }

            /// Parses a value this version of the crate knows; any other fails (where
            /// `From<&str>` keeps it in [`Self::Unknown`]).
            pub fn try_parse(value: &str) -> Result<Self, #rt::types::UnknownVariantError> {
                match #name::from(value) {
                    #name::Unknown(_) => Err(#rt::types::UnknownVariantError::new(#name_str, value)),
                    known => Ok(known),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from)*
                    other => #name::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                #name::from(value.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(#name::from(s))
            }
        }

        impl Default for #name {
            /// An empty unknown value: what a response that omits a required member decodes to.
            fn default() -> Self {
                #name::Unknown(String::new())
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #rt::json::ToJson for #name {
            fn write_json(&self, w: &mut #rt::json::JsonWriter) {
                w.string(self.as_str())
            }
        }

        impl #rt::json::FromJson for #name {
            fn read_json(r: &mut #rt::json::JsonReader<'_>) -> Result<Self, #rt::json::DeserializeError> {
                r.str_value().map(|s| #name::from(&*s))
            }
        }
    }
}

/// An intEnum: like a string enum, over `i32`.
pub fn int_enum(e: &IntEnum) -> TokenStream {
    let rt = rt();
    let name = format_ident!("{}", e.rust_name);
    let docs = doc_lines(&e.docs);
    let Variants { variants, to_wire: to, from_wire: from, values } =
        variants(&name, &e.variants, |v| {
            let lit = Literal::i32_unsuffixed(*v as i32);
            quote!(#lit)
        });
    quote! {
        #docs
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know (kept as received).
            Unknown(i32),
        }

        impl #name {
            /// The value as it is written on the wire.
            pub fn value(self) -> i32 {
                match self {
                    #(#to)*
                    #name::Unknown(value) => value,
                }
            }

            /// Every value this version of the crate knows, in model order.
            pub const fn values() -> &'static [i32] {
                &[#(#values),*]
            }
        }

        impl From<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #(#from)*
                    other => #name::Unknown(other),
                }
            }
        }

        impl Default for #name {
            fn default() -> Self {
                #name::Unknown(0)
            }
        }

        impl #rt::json::ToJson for #name {
            fn write_json(&self, w: &mut #rt::json::JsonWriter) {
                w.integer(i64::from(self.value()))
            }
        }

        impl #rt::json::FromJson for #name {
            fn read_json(r: &mut #rt::json::JsonReader<'_>) -> Result<Self, #rt::json::DeserializeError> {
                <i32 as #rt::json::FromJson>::read_json(r).map(#name::from)
            }
        }
    }
}

/// A union: one variant per member plus `Unknown` for members added to the model later.
pub fn union(u: &Union) -> TokenStream {
    let rt = rt();
    let name = format_ident!("{}", u.rust_name);
    let shape_name = u.rust_name.as_str();
    let docs = doc_lines(&u.docs);
    let variants = u.variants.iter().map(|v| {
        let id = format_ident!("{}", v.variant);
        let d = doc_lines(&v.docs);
        match &v.ty {
            Some(t) => {
                let t = rust_type(t);
                let t = if v.boxed { quote!(Box<#t>) } else { t };
                quote!(#d #id(#t),)
            }
            None => quote!(#d #id,),
        }
    });
    let accessors = u.variants.iter().map(|v| {
        let id = format_ident!("{}", v.variant);
        let snake = crate::naming::field_name(&v.variant);
        let is = ident(&naming::is_variant(&snake));
        let as_ = ident(&naming::as_variant(&snake));
        let is_doc = doc(&format!("Whether this is [`{shape_name}::{}`].", v.variant));
        match &v.ty {
            Some(t) => {
                let t = rust_type(t);
                let as_doc = doc(&format!(
                    "The value of [`{shape_name}::{}`], or `Err(self)` for another variant.",
                    v.variant
                ));
                let value = if v.boxed { quote!(&**v) } else { quote!(v) };
                quote! {
                    #as_doc
                    pub fn #as_(&self) -> Result<&#t, &Self> {
                        if let #name::#id(v) = self { Ok(#value) } else { Err(self) }
                    }
                    #is_doc
                    pub fn #is(&self) -> bool {
                        self.#as_().is_ok()
                    }
                }
            }
            None => quote! {
                #is_doc
                pub fn #is(&self) -> bool {
                    matches!(self, #name::#id)
                }
            },
        }
    });
    let write_arms = u.variants.iter().map(|v| {
        let id = format_ident!("{}", v.variant);
        let wire = &v.wire_name;
        match (&v.ty, v.timestamp_format) {
            (Some(_), Some(fmt)) => {
                let fmt = format_tokens(fmt);
                quote!(#name::#id(v) => o.timestamp(#wire, Some(v), #fmt),)
            }
            (Some(_), None) => quote!(#name::#id(v) => o.member(#wire, v),),
            (None, _) => quote!(#name::#id => o.member(#wire, &#rt::json::Unit),),
        }
    });
    let read_arms = u.variants.iter().map(|v| {
        let id = format_ident!("{}", v.variant);
        let wire = &v.wire_name;
        match (&v.ty, v.timestamp_format) {
            (Some(_), Some(fmt)) => {
                let fmt = format_tokens(fmt);
                quote!(#wire => #name::#id(u.timestamp(#wire, #fmt)?),)
            }
            (Some(_), None) => quote!(#wire => #name::#id(u.member(#wire)?),),
            (None, _) => quote!(#wire => u.skip_as(#name::#id)?,),
        }
    });
    let debug = if u.sensitive {
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(#REDACTED)
                }
            }
        }
    } else {
        quote!()
    };
    let derive_debug = if u.sensitive { quote!() } else { quote!(Debug,) };
    // Variants hold the model's structures inline (boxing them would change how callers match).
    let holds_aggregates = u.variants.iter().any(|v| {
        !v.boxed
            && matches!(
                v.ty,
                Some(crate::ir::RustType::Named {
                    kind: crate::ir::NamedKind::Structure | crate::ir::NamedKind::Union,
                    ..
                })
            )
    });
    let allow_large = holds_aggregates.then(|| quote!(#[allow(clippy::large_enum_variant)]));
    quote! {
        #docs
        #[non_exhaustive]
        #[derive(Clone, PartialEq, Default, #derive_debug)]
        #allow_large
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know (also the value a response that
            /// omits a required union decodes to). It cannot be sent.
            #[default]
            Unknown,
        }

        impl #name {
            #(#accessors)*
            /// Whether this is a member this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, #name::Unknown)
            }
        }

        #debug

        impl #rt::json::ToJson for #name {
            fn write_json(&self, w: &mut #rt::json::JsonWriter) {
                let mut o = w.object();
                match self {
                    #(#write_arms)*
                    #name::Unknown => {}
                }
                o.end();
            }
        }

        impl #rt::json::FromJson for #name {
            fn read_json(r: &mut #rt::json::JsonReader<'_>) -> Result<Self, #rt::json::DeserializeError> {
                let mut u = r.union(#shape_name)?;
                while let Some(key) = u.next_member()? {
                    let value = match &*key {
                        #(#read_arms)*
                        _ => u.skip_as(#name::Unknown)?,
                    };
                    u.set(value)?;
                }
                u.finish()
            }
        }
    }
}
