//! One module per operation: the operation marker type, its input and output, its error enum and
//! its fluent builder.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shapes::{builder_methods, structure};
use super::{doc, doc_lines, ident, rt, rust_type};
use crate::ir::{
    Auth, ContextValue, Operation, Pagination, PathStep, RetryKind, RustType, Service,
};
use crate::naming::{self, field_name, unraw, CUSTOMIZE_FN, REQUEST_ID_FIELD, SEND_WITH_FN};

pub fn operation(op: &Operation, service: &Service) -> TokenStream {
    let rt = rt();
    let marker = format_ident!("{}", op.name);
    let input = format_ident!("{}", op.input.rust_name);
    let input_builder = ident(&naming::builder_type(&op.input.rust_name));
    let output = format_ident!("{}", op.output.rust_name);
    let output_builder = ident(&naming::builder_type(&op.output.rust_name));
    let error = ident(&op.error_type());
    let fluent = ident(&op.fluent_builder());
    let name = op.name.as_str();
    let target = service.x_amz_target(op);
    let docs = doc_lines(&op.docs);
    let host_prefix = match &op.host_prefix {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    let fill_token = match &op.idempotency_token {
        Some(field) => {
            let f = ident(field);
            quote! {
                fn fill_idempotency_token(input: &mut #input, token: &mut dyn FnMut() -> String) {
                    if input.#f.is_none() {
                        input.#f = Some(token());
                    }
                }
            }
        }
        None => quote!(),
    };
    let compression = if op.request_compression {
        quote!(
            const REQUEST_COMPRESSION: bool = true;
        )
    } else {
        quote!()
    };
    let endpoint_params_fn = endpoint_params_fn(op);
    let auth = match op.auth {
        Auth::SigV4 => quote!(),
        Auth::None => quote!(const AUTH: #rt::operation::Auth = #rt::operation::Auth::None;),
        Auth::Optional => {
            quote!(const AUTH: #rt::operation::Auth = #rt::operation::Auth::Optional;)
        }
    };
    let host_prefix_fn = if op.host_labels.is_empty() {
        quote!()
    } else {
        let input_name = op.input.rust_name.as_str();
        let labels = op.host_labels.iter().map(|(label, field)| {
            let f = ident(field);
            quote!((#label, input.#f.as_deref()))
        });
        quote! {
            fn host_prefix(input: &#input) -> Result<Option<String>, #rt::error::BuildError> {
                Self::HOST_PREFIX
                    .map(|template| #rt::operation::expand_host_prefix(#input_name, template, &[#(#labels),*]))
                    .transpose()
            }
        }
    };
    let call_doc = doc(&format!(
        "The `{name}` operation: its wire name, input, output and errors. Call it with [`crate::Client::{}`].",
        unraw(&op.fn_name)
    ));
    let marker_doc =
        if op.docs.is_empty() { call_doc } else { quote!(#docs #[doc = ""] #call_doc) };
    let request_id_field = format_ident!("{}", REQUEST_ID_FIELD);
    let send_with = format_ident!("{}", SEND_WITH_FN);
    let client_fn = ident(&op.fn_name);
    let send_with_doc = doc(&format!(
        "Sends this input as a `{name}` request with `client` (as `client.{}()` with these members, then `send()`).",
        unraw(&op.fn_name)
    ));
    // A deprecated operation's `send_with` is deprecated too, and calls the client method quietly.
    let send_with_dep = super::deprecated(&op.deprecated);
    let allow_dep = op.deprecated.as_ref().map(|_| quote!(#[allow(deprecated)]));
    let input_struct = structure(&op.input);
    let output_struct = structure(&op.output);
    let error_enum = error_enum(op);
    let fluent_builder = fluent_builder(op);
    let paginator = op.paginated.as_ref().map(|p| paginator(op, p));
    let paginator_mod = op.paginated.as_ref().map(|p| {
        let pages = ident(&naming::paginator(&op.name));
        let items = p.items.as_ref().map(|_| ident(&naming::paginator_items(&op.name))).into_iter();
        quote! {
            /// The paginator of this operation, under the path other AWS SDKs use.
            pub mod paginator {
                pub use super::{#pages #(, #items)*};
            }
        }
    });
    // The module's summary: what it holds, each item linked.
    let pages_note = match &op.paginated {
        Some(_) => format!(", pages with [`{}`]", naming::paginator(&op.name)),
        None => String::new(),
    };
    let module_doc = format!(
        " The `{name}` operation ([`{name}`]): [`{}`] in, [`{}`] out, [`{}`] on failure; \
         [`crate::Client::{}`] returns [`{}`]{pages_note}.",
        op.input.rust_name,
        op.output.rust_name,
        op.error_type(),
        unraw(&op.fn_name),
        op.fluent_builder(),
    );
    quote! {
        #![doc = #module_doc]

        #marker_doc
        #[derive(Debug, Clone, Copy, Default)]
        #[non_exhaustive]
        pub struct #marker;

        impl #rt::operation::Operation for #marker {
            const NAME: &'static str = #name;
            const TARGET: &'static str = #target;
            const HOST_PREFIX: Option<&'static str> = #host_prefix;
            #compression
            #auth
            type Input = #input;
            type Output = #output;
            type Error = #error;
            fn validate(input: &#input) -> Result<(), #rt::error::BuildError> {
                input.validate()
            }
            #endpoint_params_fn
            #host_prefix_fn
            #fill_token
            fn set_request_id(output: &mut #output, request_id: Option<String>) {
                output.#request_id_field = request_id;
            }
        }

        #input_struct

        impl #input_builder {
            #send_with_doc
            #send_with_dep
            pub async fn #send_with(self, client: &crate::Client) -> Result<#output, #rt::error::SdkError<#error>> {
                #allow_dep
                let mut fluent = client.#client_fn();
                fluent.inner = self;
                fluent.send().await
            }
        }

        #output_struct
        #error_enum
        #fluent_builder
        #paginator

        /// The builders of this operation, under the path other AWS SDKs use.
        pub mod builders {
            pub use super::{#fluent, #input_builder, #output_builder};
        }
        #paginator_mod
    }
}

fn error_enum(op: &Operation) -> TokenStream {
    let rt = rt();
    let error = ident(&op.error_type());
    let name = op.name.as_str();
    let variants = op.errors.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let ty = format_ident!("{}", e.rust_name);
        // A reference, not the error's docs: a change to them touches one file.
        let d = doc(&format!("The [`{0}`](crate::types::error::{0}) error.", e.rust_name));
        quote!(#d #v(crate::types::error::#ty),)
    });
    let is_fns = op.errors.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let f = ident(&naming::is_variant(&field_name(&e.rust_name)));
        let d = doc(&format!("Whether this is the `{}` error.", e.code));
        quote!(#d pub fn #f(&self) -> bool { matches!(self, #error::#v(_)) })
    });
    let from_arms = op.errors.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let code = &e.code;
        quote!(#code => match #rt::error_shape::decode_modeled(body, meta) {
            Ok(e) => #error::#v(e),
            Err(e) => #error::Unhandled(e),
        },)
    });
    let retry_arms = op.errors.iter().filter_map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let kind =
            if e.retry? == RetryKind::Throttling { quote!(Throttling) } else { quote!(Transient) };
        Some(quote!(#error::#v(_) => Some(#rt::retry::RetryKind::#kind),))
    });
    let variant_names: Vec<_> =
        op.errors.iter().map(|e| format_ident!("{}", e.rust_name)).collect();
    let codes: Vec<&str> = op.errors.iter().map(|e| e.code.as_str()).collect();
    let allow_large = super::large_variant_allow(op.errors.iter().any(|e| e.holds_aggregates));
    // Without modeled errors the body is not read.
    let (code_param, body_param, from_body) = if op.errors.is_empty() {
        (
            quote!(_code),
            quote!(_body),
            quote!(#error::Unhandled(#rt::error::Unhandled::from_meta(meta))),
        )
    } else {
        (
            quote!(code),
            quote!(body),
            quote! {
                match code {
                    #(#from_arms)*
                    _ => #error::Unhandled(#rt::error::Unhandled::from_meta(meta)),
                }
            },
        )
    };
    let doc_text = doc(&format!("The errors `{name}` may return: the ones the model lists, and [`Self::Unhandled`] for any other."));
    quote! {
        #doc_text
        #[non_exhaustive]
        #[derive(Debug)]
        #allow_large
        pub enum #error {
            #(#variants)*
            /// An error the model does not list for this operation (or a modeled error whose body
            /// could not be read). Its code, message and request id are in its metadata.
            Unhandled(#rt::error::Unhandled),
        }

        impl #error {
            #(#is_fns)*
            /// Whether this is an error the model does not list for this operation.
            pub fn is_unhandled(&self) -> bool {
                matches!(self, #error::Unhandled(_))
            }

            /// The error this one holds: `Display`, `source` and the metadata delegate to it.
            fn inner(&self) -> &dyn crate::error::Inner {
                match self {
                    #(#error::#variant_names(e) => e,)*
                    #error::Unhandled(e) => e,
                }
            }
        }

        impl std::fmt::Display for #error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.inner(), f)
            }
        }

        impl std::error::Error for #error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(self.inner().as_error())
            }
        }

        impl #rt::error::ProvideErrorMetadata for #error {
            fn meta(&self) -> &#rt::error::ErrorMetadata {
                self.inner().meta()
            }
        }

        impl #rt::error::RequestId for #error {
            fn request_id(&self) -> Option<&str> {
                #rt::error::ProvideErrorMetadata::meta(self).request_id()
            }
        }

        impl #rt::operation::OperationError for #error {
            fn from_response(#code_param: &str, #body_param: &[u8], meta: #rt::error::ErrorMetadata) -> Self {
                #from_body
            }

            fn unhandled(source: Box<dyn std::error::Error + Send + Sync>, meta: #rt::error::ErrorMetadata) -> Self {
                #error::Unhandled(#rt::error::Unhandled::new(source, meta))
            }

            fn retry_kind(&self) -> Option<#rt::retry::RetryKind> {
                #[allow(clippy::match_single_binding)]
                match self {
                    #(#retry_arms)*
                    _ => None,
                }
            }

            fn meta(&self) -> &#rt::error::ErrorMetadata {
                #rt::error::ProvideErrorMetadata::meta(self)
            }

            fn modeled_shape(&self) -> Option<&'static str> {
                match self {
                    #(#error::#variant_names(_) => Some(#codes),)*
                    #error::Unhandled(_) => None,
                }
            }

            fn modeled_body(&self) -> Option<String> {
                match self {
                    #(#error::#variant_names(e) => Some(#rt::json::to_string(e)),)*
                    #error::Unhandled(_) => None,
                }
            }
        }
    }
}

fn fluent_builder(op: &Operation) -> TokenStream {
    let rt = rt();
    let marker = format_ident!("{}", op.name);
    let input_builder = ident(&naming::builder_type(&op.input.rust_name));
    let output = format_ident!("{}", op.output.rust_name);
    let error = ident(&op.error_type());
    let fluent = ident(&op.fluent_builder());
    let customize = format_ident!("{}", CUSTOMIZE_FN);
    let inner = quote!(self.inner);
    let setters =
        op.input.members.iter().map(|m| builder_methods(m, &op.input.rust_name, Some(&inner)));
    let d = doc(&format!(
        "Builds and sends a `{}` request: set the input with the methods named after its members, then call [`Self::send`].",
        op.name
    ));
    let into_paginator = op.paginated.as_ref().map(|_| {
        let pages = ident(&naming::paginator(&op.name));
        quote! {
            /// Sends the request page by page: the returned paginator's `send()` gives a stream of
            /// pages (and its `items()` one of their items), each request carrying the token of the
            /// page before.
            pub fn into_paginator(self) -> #pages {
                #pages { handle: self.handle, inner: self.inner }
            }
        }
    });
    let allow_operator_names = op
        .input
        .setters_shadow_operator_trait
        .then(|| quote!(#[allow(clippy::should_implement_trait)]));
    let send_doc = doc_lines(&[
        "Sends the request and waits for the response.".to_string(),
        String::new(),
        "`@required` members are checked first: a missing one fails with".to_string(),
        "`SdkError::ConstructionFailure` before anything is sent.".to_string(),
    ]);
    quote! {
        #d
        #[derive(Debug, Clone)]
        pub struct #fluent {
            pub(crate) handle: #rt::client::Handle,
            inner: #input_builder,
        }

        #allow_operator_names
        impl #fluent {
            pub(crate) fn new(handle: #rt::client::Handle) -> Self {
                #fluent { handle, inner: Default::default() }
            }

            /// The input built so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.inner
            }

            #send_doc
            pub async fn send(self) -> Result<#output, #rt::error::SdkError<#error>> {
                self.handle.call::<#marker>(self.inner.build_unchecked()).await
            }

            /// Customizes this call before sending it: a configuration override (retries,
            /// timeouts, endpoint), request mutations (an extra header), extra interceptors.
            /// `@required` members are checked when it is sent.
            pub fn #customize(self) -> #rt::client::CustomizableOperation<#marker> {
                #rt::client::CustomizableOperation::new(self.handle, self.inner.build_unchecked())
            }

            #into_paginator

            #(#setters)*
        }
    }
}

fn paginator(op: &Operation, p: &Pagination) -> TokenStream {
    let rt = rt();
    let marker = format_ident!("{}", op.name);
    let input_builder = ident(&naming::builder_type(&op.input.rust_name));
    let input = format_ident!("{}", op.input.rust_name);
    let output = format_ident!("{}", op.output.rust_name);
    let pages = ident(&naming::paginator(&op.name));
    let items_ty = ident(&naming::paginator_items(&op.name));
    let in_token = ident(&p.input_token);
    let out_token = ident(&p.output_token);
    let page_size = p.page_size.as_ref().map(|(field, ty)| {
        let f = ident(field);
        let ty = rust_type(ty);
        let d = doc(&format!("Sets the page size: the `{}` member of each request.", unraw(field)));
        quote! {
            #d
            pub fn page_size(mut self, size: #ty) -> Self {
                self.inner.#f = Some(size);
                self
            }
        }
    });
    // The stream types name the token type only when it is not the default, `String`.
    let token_ty = match &p.token {
        RustType::String => None,
        other => Some(rust_type(other)),
    };
    let page_stream = match &token_ty {
        None => quote!(#rt::paginator::PageStream<#marker>),
        Some(t) => quote!(#rt::paginator::PageStream<#marker, #t>),
    };
    let items = p.items.as_ref().map(|items| {
        let f = ident(&items.field);
        let item = rust_type(&items.item);
        let item = if items.sparse { quote!(Option<#item>) } else { item };
        let item = if items.map { quote!((String, #item)) } else { item };
        let take = if items.optional { quote!(page.#f.unwrap_or_default()) } else { quote!(page.#f) };
        let take = if items.map { quote!(#take.into_iter().collect()) } else { take };
        let item_stream = match &token_ty {
            None => quote!(#rt::paginator::ItemStream<#marker, #item>),
            Some(t) => quote!(#rt::paginator::ItemStream<#marker, #item, #t>),
        };
        let d = doc(&format!("The stream of the `{}` of every page, instead of the pages.", unraw(&items.field)));
        let items_doc = doc(&format!(
            "Pages through `{}` item by item: [`Self::send`] gives a stream of the `{}` of every page.",
            op.name,
            unraw(&items.field)
        ));
        (
            quote! {
                #d
                pub fn items(self) -> #items_ty {
                    #items_ty(self)
                }
            },
            quote! {
                #items_doc
                #[derive(Debug, Clone)]
                pub struct #items_ty(#pages);

                impl #items_ty {
                    /// Starts paging: a stream of items (`futures::Stream`, or call its `next()`).
                    pub fn send(self) -> #item_stream {
                        self.0.send().items(|page| #take)
                    }
                }
            },
        )
    });
    let (items_fn, items_struct) = items.unzip();
    let d = doc(&format!(
        "Pages through `{}`. Created by [`{}FluentBuilder::into_paginator`].",
        op.name, op.name
    ));
    quote! {
        #d
        #[derive(Debug, Clone)]
        pub struct #pages {
            handle: #rt::client::Handle,
            inner: #input_builder,
        }

        impl #pages {
            #page_size
            #items_fn

            /// Starts paging: a stream of pages (`futures::Stream`, or call its `next()`). It ends
            /// after the page without a next token, or with an error if the service repeats one.
            pub fn send(self) -> #page_stream {
                let input = self.inner.build_unchecked();
                let first = input.#in_token.clone();
                #rt::paginator::PageStream::new(self.handle, input, first, #rt::paginator::Pagination {
                    set_token: |input: &mut #input, token| input.#in_token = token,
                    next_token: |output: &#output| output.#out_token.as_ref(),
                })
            }
        }

        #items_struct
    }
}

/// `Operation::endpoint_params`: the operation's context parameters, bound from the input (none:
/// the runtime's default, which adds nothing).
fn endpoint_params_fn(op: &Operation) -> TokenStream {
    if op.endpoint_params.is_empty() {
        return quote!();
    }
    let rt = rt();
    let input = format_ident!("{}", op.input.rust_name);
    let binds = op.endpoint_params.iter().map(|p| {
        let name = &p.name;
        match &p.value {
            ContextValue::String(s) => quote! {
                params.insert(#name.to_string(), #rt::endpoint::ParamValue::String(#s.to_string()));
            },
            ContextValue::Bool(b) => quote! {
                params.insert(#name.to_string(), #rt::endpoint::ParamValue::Bool(#b));
            },
            ContextValue::StringArray(a) => quote! {
                params.insert(
                    #name.to_string(),
                    #rt::endpoint::ParamValue::StringArray(vec![#(#a.to_string()),*]),
                );
            },
            ContextValue::Path { steps, array: true, .. } => {
                let walk = path_walk(steps, quote!(input), 0, &|v| quote!(values.push(#v.clone());));
                let sort = steps.iter().any(|s| matches!(s, PathStep::Keys)).then(|| quote!(values.sort();));
                quote! {
                    let mut values: Vec<String> = Vec::new();
                    #walk
                    #sort
                    if !values.is_empty() {
                        params.insert(#name.to_string(), #rt::endpoint::ParamValue::StringArray(values));
                    }
                }
            }
            ContextValue::Path { steps, array: false, bool } => {
                let (leaf, wrap) = if *bool {
                    (quote!(bool), quote!(#rt::endpoint::ParamValue::Bool(value)))
                } else {
                    (quote!(String), quote!(#rt::endpoint::ParamValue::String(value)))
                };
                let take = move |v: TokenStream| if *bool { quote!(found = Some(*#v);) } else { quote!(found = Some(#v.clone());) };
                let walk = path_walk(steps, quote!(input), 0, &take);
                quote! {
                    let mut found: Option<#leaf> = None;
                    #walk
                    if let Some(value) = found {
                        params.insert(#name.to_string(), #wrap);
                    }
                }
            }
        }
    });
    quote! {
        fn endpoint_params(
            input: &#input,
            params: &mut std::collections::BTreeMap<String, #rt::endpoint::ParamValue>,
        ) {
            #({ #binds })*
        }
    }
}

/// The statements that walk `steps` from `cur` (a reference) and run `leaf` on each value reached.
fn path_walk(
    steps: &[PathStep],
    cur: TokenStream,
    depth: usize,
    leaf: &dyn Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let Some((step, rest)) = steps.split_first() else { return leaf(cur) };
    let v = format_ident!("v{}", depth);
    let inner = path_walk(rest, quote!(#v), depth + 1, leaf);
    match step {
        PathStep::Field { field, optional: true } => {
            let f = ident(field);
            quote!(if let Some(#v) = &#cur.#f { #inner })
        }
        PathStep::Field { field, optional: false } => {
            let f = ident(field);
            quote!({ let #v = &#cur.#f; #inner })
        }
        PathStep::Each => quote!(for #v in #cur.iter() { #inner }),
        PathStep::Keys => quote!(for #v in #cur.keys() { #inner }),
    }
}
