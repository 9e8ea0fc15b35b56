//! The crate-level files: `lib.rs`, the client, the service-wide error, module indexes and
//! `Cargo.toml`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{deprecated, doc, doc_lines, ident, rt};
use crate::ir::Service;
use crate::naming::unraw;

/// What the crate is called and where it finds its runtime.
#[derive(Debug, Clone)]
pub struct CrateInfo {
    pub package_name: String,
    pub version: String,
    /// Path of the runtime crate relative to the generated crate's directory.
    pub runtime_path: String,
    /// The crate may be published to crates.io (the service crate); test crates may not.
    pub publish: bool,
}

/// The version of the runtime crate generated crates depend on (with its path, so that the
/// generated crate can be packaged and published).
pub const RUNTIME_VERSION: &str = "0.1.0";

pub fn lib_rs(service: &Service, info: &CrateInfo) -> TokenStream {
    let rt = rt();
    let mut lines = vec![
        format!("A client for {} (API version {}).", service.title, service.version),
        String::new(),
    ];
    lines.extend(service.docs.iter().cloned());
    lines.extend(guide(service, info));
    if !service.unsupported.is_empty() {
        lines.extend(["".to_string(), "# Not supported".to_string(), String::new()]);
        lines.push("What this client leaves out of the model or does not honour:".to_string());
        lines.push(String::new());
        lines.extend(service.unsupported.iter().map(|u| format!("- {}.", u.describe())));
    }
    let docs: Vec<TokenStream> = lines
        .iter()
        .map(|l| {
            let l = if l.is_empty() { String::new() } else { format!(" {l}") };
            quote!(#![doc = #l])
        })
        .collect();
    let target_prefix = &service.target_prefix;
    // The crate's own code (serializers, builders, client methods) uses its `#[deprecated]` items;
    // users of the crate still get the warning where they use them.
    let allow_deprecated = uses_deprecated(service).then(|| quote!(#![allow(deprecated)]));
    let json_version = match service.protocol {
        crate::ir::Protocol::AwsJson1_0 => quote!(#rt::service::JsonVersion::V1_0),
        crate::ir::Protocol::AwsJson1_1 => quote!(#rt::service::JsonVersion::V1_1),
    };
    let signing_name = &service.signing_name;
    let sdk_id = &service.sdk_id;
    let api_version = &service.version;
    let user_agent = format!("{}/{}", info.package_name, info.version);
    let query_compatible = service.query_compatible;
    let (endpoint_mod, resolver) = if service.endpoint_rule_set.is_some() {
        (
            quote!(
                #[doc(hidden)]
                pub mod endpoint_rules;
            ),
            quote!(&endpoint_rules::RULES),
        )
    } else {
        (quote!(), quote!(&#rt::endpoint::NO_RULES))
    };
    let pagination = service.operations.iter().any(|op| op.paginated.is_some()).then(|| {
        quote! {
            /// The streams paginators return (`into_paginator()` on the builders of paginated
            /// operations).
            pub mod pagination {
                pub use #rt::paginator::{ItemStream, PageStream, PageToken, RepeatedToken};
            }
        }
    });
    let waiters_mod = super::waiters::module_decl(service);
    let op_infos = service.operations.iter().map(|op| {
        let name = &op.name;
        let errors = op.errors.iter().map(|e| &e.code);
        let paginated = op.paginated.is_some();
        quote!(#rt::test_util::OperationInfo { name: #name, errors: &[#(#errors),*], paginated: #paginated },)
    });
    let op_paths = service.operations.iter().map(|op| {
        let module = ident(&op.fn_name);
        let ty = ident(&op.name);
        quote!(#module::#ty,)
    });
    quote! {
        #(#docs)*
        #![forbid(unsafe_code)]
        #allow_deprecated

        pub mod client;
        pub mod config;
        #endpoint_mod
        pub mod error;
        pub mod operation;
        pub mod primitives;
        pub mod types;
        #pagination
        #waiters_mod

        /// Testing without a network (feature `test-util`): typed mocks by rule
        /// ([`test_util::MockRule`], [`test_util::MockConnector`]), a connector that captures
        /// requests in full ([`test_util::CapturingConnector`]), fixtures of recorded exchanges,
        /// a connector that replays them and checks the requests, one that records them from a
        /// real server, and [`Client::call_json`].
        ///
        /// To test code that calls the service, give a client a [`test_util::ReplayConnector`]
        /// made from a fixture file, run the code, then check that it sent the recorded requests
        /// with [`test_util::ReplayConnector::assert_requests_match`].
        #[cfg(feature = "test-util")]
        pub mod test_util {
            pub use #rt::test_util::*;

            /// Every operation of the service: its name, the errors the model lists for it, and
            /// whether it is paginated.
            pub const OPERATIONS: &[OperationInfo] = &[#(#op_infos)*];

            /// Calls the macro `$m` with every operation as `module::Type,` (the module under
            /// `operation` and the operation type), in model order: for tests that must do the
            /// same for each operation, without writing the list by hand.
            #[macro_export]
            macro_rules! for_each_operation {
                ($m:ident) => {
                    $m! { #(#op_paths)* }
                };
            }
            #[doc(inline)]
            pub use crate::for_each_operation;
        }

        pub use client::Client;
        pub use config::Config;
        pub use error::Error;

        /// What the runtime needs to know about this service (public for generated tests).
        #[doc(hidden)]
        pub static SERVICE: #rt::service::ServiceMeta = #rt::service::ServiceMeta {
            target_prefix: #target_prefix,
            json_version: #json_version,
            signing_name: #signing_name,
            sdk_id: #sdk_id,
            api_version: #api_version,
            user_agent: #user_agent,
            endpoint_resolver: #resolver,
            query_compatible: #query_compatible,
        };
    }
}

/// The crate-level guide: getting started, calling an operation, handling errors, pagination,
/// testing, features. Its examples are doctests; they call the operation the IR picks for
/// examples (one that needs no input), and are left out when the service has none.
fn guide(service: &Service, info: &CrateInfo) -> Vec<String> {
    let krate = info.package_name.replace('-', "_");
    let mut g: Vec<String> = Vec::new();
    let mut add = |text: &str| g.extend(text.lines().map(str::to_owned));
    add("
# Getting started

Add the crate (and tokio) to `Cargo.toml`, make a [`Config`] — region, credentials, and optionally
an endpoint URL, retries and timeouts ([`config`]) — and a [`Client`] from it. [`Client::from_env`]
reads the environment and the shared config files as the AWS SDKs do.
");
    let example = service.example_operation();
    if let Some(op) = example {
        let f = &op.fn_name;
        add(&format!(
            "
```no_run
use {krate}::config::Credentials;
use {krate}::{{Client, Config}};

# async fn example() -> Result<(), {krate}::Error> {{
let config = Config::builder()
    .region(\"us-east-1\")
    .credentials_provider(Credentials::new(\"AKID\", \"SECRET\", None, None, \"example\"))
    .build();
let client = Client::from_conf(config);
let output = client.{f}().send().await?;
println!(\"{{output:?}}\");
# Ok(())
# }}
```
"
        ));
    }
    add("
# Calling an operation

Each operation is a method of [`Client`] returning a fluent builder: set the input members with
the methods named after them, then `send().await`. A method's documentation lists the members a
call must set, the output and the error type. A missing required member fails the call before
anything is sent. `customize()` instead of `send()` changes one call only: a configuration
override (retries, timeouts, endpoint, region, credentials), a change to the request, or an
interceptor ([`config::Intercept`], also set for every call on the configuration).

# Handling errors

A call fails with [`error::SdkError`]`<`*Operation*`Error>`. `SdkError::ServiceError` holds the
error the service answered with: an enum of the errors the model lists for the operation, plus
`Unhandled` for any other; every error gives its code and message through
[`error::ProvideErrorMetadata`], and its request id (as every output does) through
[`error::RequestId`]. Other variants say the request could not be built, sent, read, or timed
out; [`error::DisplayErrorContext`] prints an error with all its causes. Every error converts
into the service-wide [`Error`] with `?`.
");
    if let Some(op) = example {
        let f = &op.fn_name;
        add(&format!(
            "
```no_run
use {krate}::error::{{ProvideErrorMetadata, SdkError}};

# async fn example(client: {krate}::Client) {{
match client.{f}().send().await {{
    Ok(output) => println!(\"{{output:?}}\"),
    Err(SdkError::ServiceError(e)) => {{
        let err = e.err();
        eprintln!(\"the service answered {{:?}}: {{:?}}\", err.code(), err.message());
    }}
    Err(other) => eprintln!(\"the call failed: {{other}}\"),
}}
# }}
```
"
        ));
    }
    if let Some(op) = service.example_paginated_operation() {
        let f = &op.fn_name;
        add(&format!(
            "
# Pagination

Paginated operations' builders have `into_paginator()`: its `send()` gives a stream of pages
(`futures::Stream`, or call `next()`), its `items().send()` one of the items of every page. A
token the service repeats ends the stream with an error, or quietly after
`stop_on_duplicate_token(true)`.

```no_run
# async fn example(client: {krate}::Client) -> Result<(), {krate}::Error> {{
let mut pages = client.{f}().into_paginator().send();
while let Some(page) = pages.next().await {{
    println!(\"{{:?}}\", page?);
}}
# Ok(())
# }}
```
"
        ));
    }
    add("
# Testing: fixtures and mocks

With the `test-util` feature, `test_util` runs the real client (signing, encoding, decoding,
error mapping, retries) without a network:

- `MockRule` / `MockConnector`: typed mocks by rule — \"this operation returns this output, then
  this error\" — encoded as the service would send them; unmatched requests and rules used more
  than their count fail naming the operation, `assert_all_used` checks every rule was used.
- `CapturingConnector`: keeps every request in full (`Host`, `Content-Length`, the signed
  headers, the body) and answers a canned response.
- `ReplayConnector`: replays recorded fixture files and checks the requests against them.
");
    if let Some(op) = example {
        let f = &op.fn_name;
        let module = unraw(&op.fn_name);
        let (name, output) = (&op.name, &op.output.rust_name);
        // A service without endpoint rules needs an endpoint URL.
        let config = if service.endpoint_rule_set.is_some() {
            "mocks.client_config()".to_owned()
        } else {
            "mocks.client_config().to_builder().endpoint_url(\"https://example.com\").build()"
                .to_owned()
        };
        add(&format!(
            "
```
use {krate}::operation::{module}::{{{name}, {output}}};
use {krate}::test_util::{{MockConnector, MockRule, RuleMode}};

# #[tokio::main(flavor = \"current_thread\")]
# async fn main() {{
let rule = MockRule::for_operation::<{name}>().then_output({output}::default);
let mocks = MockConnector::new(RuleMode::Sequential, [rule]);
let client = {krate}::Client::from_conf({config});
client.{f}().send().await.expect(\"the mocked output\");
mocks.assert_all_used();
let request = &mocks.requests()[0];
assert!(request.signed_headers().iter().any(|h| h == \"host\"));
# }}
```
"
        ));
    }
    add("
# Features

- `test-util`: the test kit above (module `test_util`).
- `aws-config`: `Client::new` takes an `aws_types::SdkConfig` as loaded by the `aws-config` crate.
- `native-roots`: the operating system's certificate store instead of the bundled Mozilla roots.
");
    g
}

pub fn primitives_rs() -> TokenStream {
    let rt = rt();
    quote! {
        //! Value types used by the shapes: timestamps, blobs and documents.
        pub use #rt::types::{Blob, DateTime, Document, Number, TimestampFormat};
    }
}

pub fn config_rs() -> TokenStream {
    let rt = rt();
    quote! {
        //! Client configuration: region, credentials, endpoint, retries, timeouts, HTTP, the
        //! injectable clock, sleep and randomness, and interceptors.
        pub use #rt::clock::{
            AsyncSleep, FastRandom, IdempotencyTokenProvider, RandomSource, Sleep, StaticTimeSource, SystemTimeSource,
            TimeSource, TokioSleep,
        };
        pub use #rt::config::{Config, ConfigBuilder as Builder, ConfigOverride, TimeoutConfig};
        pub use #rt::credentials::{
            Credentials, CredentialsCache, CredentialsCacheBuilder, CredentialsError, CredentialsErrorKind,
            DefaultCredentialsChain, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
        };
        pub use #rt::endpoint::{Endpoint, EndpointError, EndpointParams, ResolveEndpoint};
        pub use #rt::env::Env;
        pub use #rt::http::{
            CaBundle, ConnectorError, ConnectorErrorKind, HttpConnector, HttpFuture, HttpRequest, HttpResponse,
            HttpSettingError, HyperConnector, ProxyConfig, SharedHttpConnector,
        };
        pub use #rt::interceptor::{Intercept, SharedInterceptor};
        pub use #rt::region::Region;
        pub use #rt::retry::RetryConfig;

        /// Types needed to configure endpoint resolution.
        pub mod endpoint {
            pub use #rt::endpoint::{Endpoint, EndpointError, EndpointParams as Params, ResolveEndpoint};
        }

        /// HTTP request and response types, and the connector requests are sent through.
        pub mod http {
            pub use #rt::http::{
                ConnectorError, ConnectorErrorKind, HttpConnector, HttpFuture, HttpRequest, HttpResponse, HyperConnector,
                SharedHttpConnector,
            };
        }

        /// What the hooks of an `Intercept` get, and the error of a failed hook.
        pub mod interceptors {
            pub use #rt::interceptor::{AfterAttempt, AfterExecution, BeforeSigning, BeforeTransmit, InterceptorError};
        }

        /// Retry configuration.
        pub mod retry {
            pub use #rt::retry::RetryConfig;
        }

        /// Timeout configuration.
        pub mod timeout {
            pub use #rt::config::TimeoutConfig;
        }
    }
}

/// `operation.rs`: one module per operation, and the `RequestId` trait where `aws-sdk-*` has it.
pub fn operation_rs(modules: &[syn::Ident]) -> TokenStream {
    let rt = rt();
    quote! {
        //! One module per operation: its input, output, error and fluent builder.
        pub use #rt::error::RequestId;
        #(pub mod #modules;)*
    }
}

pub fn client_rs(service: &Service) -> TokenStream {
    let rt = rt();
    let methods = service.operations.iter().map(|op| {
        let f = ident(&op.fn_name);
        let module = ident(&op.fn_name);
        let fluent = format_ident!("{}", op.fluent_builder());
        let docs = doc_lines(&method_docs(op));
        let dep = deprecated(&op.deprecated);
        quote! {
            #docs
            #dep
            pub fn #f(&self) -> crate::operation::#module::#fluent {
                crate::operation::#module::#fluent::new(self.handle.clone())
            }
        }
    });
    let call_arms = service.operations.iter().map(|op| {
        let name = &op.name;
        let module = ident(&op.fn_name);
        let marker = format_ident!("{}", op.name);
        quote!(#name => #rt::test_util::call_json::<crate::operation::#module::#marker>(&self.handle, input).await,)
    });
    let title = &service.title;
    let client_doc = doc(&format!(
        "A client for {title}.\n\nCheap to clone: clones share the configuration and the connection pool.\nOne method per operation returns a fluent builder; set its input and call `send()`."
    ));
    quote! {
        //! The client: one method per operation.

        /// Per-call customization: `customize()` on a fluent builder returns a
        /// `CustomizableOperation`.
        pub mod customize {
            pub use #rt::client::CustomizableOperation;
        }

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) handle: #rt::client::Handle,
        }

        impl Client {
            /// Creates a client from a configuration.
            pub fn from_conf(config: crate::Config) -> Self {
                Client { handle: #rt::client::Handle::new(config, &crate::SERVICE) }
            }

            /// Creates a client configured from the environment: `AWS_REGION`, `AWS_PROFILE` and
            /// the shared config and credentials files, `AWS_ENDPOINT_URL_*`, and the default
            /// credentials chain (environment, profile, container, EC2 instance metadata).
            pub fn from_env() -> Self {
                Self::from_conf(crate::Config::from_env())
            }

            /// Creates a client from an `aws-config` `SdkConfig` (feature `aws-config`).
            #[cfg(feature = "aws-config")]
            pub fn new(sdk_config: &#rt::aws_types::SdkConfig) -> Self {
                Self::from_conf(crate::Config::from(sdk_config))
            }

            /// The configuration of this client.
            pub fn config(&self) -> &crate::Config {
                self.handle.config()
            }

            #(#methods)*
        }

        #[cfg(feature = "test-util")]
        impl Client {
            /// Calls the operation named `operation` (`"StartExecution"`) with its input in JSON
            /// wire form, and returns the output in JSON wire form (feature `test-util`). The
            /// input is decoded and the output encoded by the same code as typed calls: it is how
            /// fixtures are replayed without naming each operation's types.
            pub async fn call_json(
                &self,
                operation: &str,
                input: #rt::test_util::Value,
            ) -> Result<#rt::test_util::Value, #rt::test_util::CallJsonError> {
                match operation {
                    #(#call_arms)*
                    other => Err(#rt::test_util::CallJsonError::UnknownOperation(other.to_owned())),
                }
            }
        }
    }
}

/// The docs of a client method: the operation's docs, then what to set (the required members, as
/// links to their setters), what comes back and which error.
fn method_docs(op: &crate::ir::Operation) -> Vec<String> {
    let module = unraw(&op.fn_name);
    let fluent = op.fluent_builder();
    let path = |item: &str| format!("crate::operation::{module}::{item}");
    let mut lines = op.docs.clone();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("Set the input on the returned [`{fluent}`] and call `send()`:"));
    lines.push(String::new());
    let required: Vec<String> = op
        .required_inputs()
        .map(|m| format!("[`{}`]({}::{})", unraw(&m.field), path(&fluent), m.field))
        .collect();
    if required.is_empty() {
        lines.push("- Required members: none.".to_owned());
    } else {
        lines.push(format!(
            "- Required members: {} (checked before anything is sent).",
            required.join(", ")
        ));
    }
    lines.push(format!(
        "- On success: [`{}`]({}).",
        op.output.rust_name,
        path(&op.output.rust_name)
    ));
    let errors: Vec<String> = op.errors.iter().map(|e| format!("`{}`", e.rust_name)).collect();
    let listed = if errors.is_empty() { String::new() } else { format!(": {}", errors.join(", ")) };
    lines.push(format!(
        "- On failure: [`SdkError`](crate::error::SdkError)`<`[`{}`]({})`>`; service errors{listed}, or `Unhandled`.",
        op.error_type(),
        path(&op.error_type())
    ));
    if op.paginated.is_some() {
        lines.push(format!("- Paginated: [`into_paginator()`]({}::into_paginator) sends the requests page by page.", path(&fluent)));
    }
    lines.push(String::new());
    lines.push(format!("[`{fluent}`]: {}", path(&fluent)));
    lines
}

/// The service-wide error: every modeled error of every operation, and `Unhandled`.
pub fn error_rs(service: &Service) -> TokenStream {
    let rt = rt();
    let variants = service.errors.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let d = doc(&e
            .docs
            .first()
            .cloned()
            .unwrap_or_else(|| format!("The `{}` error.", e.id.name())));
        quote!(#d #v(crate::types::error::#v),)
    });
    let names: Vec<_> = service.errors.iter().map(|e| format_ident!("{}", e.rust_name)).collect();
    let allow_large = super::large_variant_allow(
        service.errors.iter().any(crate::ir::Structure::holds_aggregates),
    );
    let from_ops = service.operations.iter().map(|op| {
        let module = ident(&op.fn_name);
        let err = super::ident(&op.error_type());
        let arms = op.errors.iter().map(|e| {
            let v = format_ident!("{}", e.rust_name);
            quote!(crate::operation::#module::#err::#v(e) => Error::#v(e),)
        });
        quote! {
            impl From<crate::operation::#module::#err> for Error {
                fn from(err: crate::operation::#module::#err) -> Self {
                    match err {
                        #(#arms)*
                        crate::operation::#module::#err::Unhandled(e) => Error::Unhandled(e),
                    }
                }
            }
        }
    });
    quote! {
        //! Errors: the service-wide [`Error`] every operation error converts into, and the
        //! runtime's error types.

        pub use #rt::error::{
            BoxError, BuildError, ConstructionFailure, DispatchFailure, DisplayErrorContext, ErrorMetadata,
            ErrorMetadataBuilder, ProvideErrorMetadata, RawResponse, RequestId, ResponseError, SdkError, ServiceError,
            TimeoutError, TimeoutKind, Unhandled, MAX_RAW_BODY_SIZE,
        };
        pub use #rt::http::{ConnectorError, ConnectorErrorKind};
        pub use #rt::interceptor::InterceptorError;
        pub use #rt::json::DeserializeError;
        pub use #rt::types::UnknownVariantError;

        /// Any error of any operation of this service.
        ///
        /// Every operation error and every `SdkError` converts into it with `?`, so application
        /// code can use one error type for all calls.
        #[non_exhaustive]
        #[derive(Debug)]
        #allow_large
        pub enum Error {
            #(#variants)*
            /// An error that is not a modeled error of the service: unknown error codes,
            /// construction, dispatch, timeout and response errors.
            Unhandled(Unhandled),
        }

        impl Error {
            /// The error this one holds: `Display`, `source` and the metadata delegate to it.
            fn inner(&self) -> &dyn Inner {
                match self {
                    #(Error::#names(e) => e,)*
                    Error::Unhandled(e) => e,
                }
            }
        }

        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.inner(), f)
            }
        }

        impl std::error::Error for Error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(self.inner().as_error())
            }
        }

        impl RequestId for Error {
            fn request_id(&self) -> Option<&str> {
                self.meta().request_id()
            }
        }

        impl ProvideErrorMetadata for Error {
            fn meta(&self) -> &ErrorMetadata {
                self.inner().meta()
            }
        }

        /// What every error enum of this crate delegates to: one of its variants' errors.
        pub(crate) trait Inner: std::error::Error + ProvideErrorMetadata + 'static {
            /// The error as a `source()` (no trait upcasting before Rust 1.86).
            fn as_error(&self) -> &(dyn std::error::Error + 'static);
        }

        impl<T: std::error::Error + ProvideErrorMetadata + 'static> Inner for T {
            fn as_error(&self) -> &(dyn std::error::Error + 'static) {
                self
            }
        }

        impl<E> From<SdkError<E>> for Error
        where
            E: Into<Error> + std::error::Error + Send + Sync + 'static,
        {
            fn from(err: SdkError<E>) -> Self {
                match err {
                    SdkError::ServiceError(e) => e.into_err().into(),
                    other => Error::Unhandled(Unhandled::new(Box::new(other), Default::default())),
                }
            }
        }

        #(#from_ops)*
    }
}

/// One entry of a module index: the module and the item (and builder, for structures) it defines.
pub struct IndexEntry {
    pub module: String,
    pub item: String,
    pub builder: bool,
}

/// A module index: `mod x; pub use x::X;` for each item, and `pub mod builders` re-exporting
/// the builders.
pub fn module_index(doc_text: &str, items: &[IndexEntry], extra: TokenStream) -> TokenStream {
    let d: Vec<TokenStream> = doc_text
        .lines()
        .map(|l| {
            let l = format!(" {l}");
            quote!(#![doc = #l])
        })
        .collect();
    let mods = items.iter().map(|e| {
        let m = ident(&e.module);
        let t = format_ident!("{}", e.item);
        quote!(mod #m; pub use #m::#t;)
    });
    let builders: Vec<TokenStream> = items
        .iter()
        .filter(|e| e.builder)
        .map(|e| {
            let m = ident(&e.module);
            let b = super::ident(&crate::naming::builder_type(&e.item));
            quote!(pub use super::#m::#b;)
        })
        .collect();
    let builders = if builders.is_empty() {
        quote!()
    } else {
        quote! {
            /// Builders of the structures of this module.
            pub mod builders {
                #(#builders)*
            }
        }
    };
    quote! {
        #(#d)*
        #extra
        #(#mods)*
        #builders
    }
}

/// `protocol_tests`: the crate has `tests/protocol_tests.rs`, which needs the runtime's test support.
/// Whether the model marks any operation, structure or member `@deprecated` (the crate's own code
/// and tests use them, and allow the lint).
pub fn uses_deprecated(service: &Service) -> bool {
    let ios = service.operations.iter().flat_map(|o| [&o.input, &o.output]);
    let mut structures = service.structures.iter().chain(&service.errors).chain(ios);
    service.operations.iter().any(|o| o.deprecated.is_some())
        || structures
            .any(|s| s.deprecated.is_some() || s.members.iter().any(|m| m.deprecated.is_some()))
}

pub fn cargo_toml(
    info: &CrateInfo,
    service: &Service,
    header: &str,
    protocol_tests: bool,
    additions: Option<&crate::additions::Additions>,
) -> String {
    let test_support = if protocol_tests {
        format!(
            "# The protocol compliance tests (tests/protocol_tests.rs) use the runtime's test support.\n\
             awsjson-runtime = {{ path = \"{}\", features = [\"test-util\"] }}\n",
            info.runtime_path
        )
    } else {
        String::new()
    };
    // gzip (and its crates) only for services that have `@requestCompression` operations.
    let runtime_features = if service.operations.iter().any(|op| op.request_compression) {
        r#", features = ["request-compression"]"#
    } else {
        ""
    };
    // The hand-written additions' dependencies and features (`crate::additions`).
    let (mut extra_deps, mut extra_features) = (String::new(), String::new());
    if let Some(a) = additions {
        if !a.dependencies.is_empty() {
            extra_deps =
                format!("# Used by the hand-written modules ({}/additions.json).\n", a.shown_as);
        }
        for (name, value) in &a.dependencies {
            extra_deps.push_str(&format!("{name} = {value}\n"));
        }
        for (name, enables) in &a.features {
            let enables: Vec<String> = enables.iter().map(|e| format!("{e:?}")).collect();
            extra_features.push_str(&format!("{name} = [{}]\n", enables.join(", ")));
        }
    }
    format!(
        r#"{header}
[package]
name = "{name}"
version = "{version}"
description = "A client for {title}, generated from its Smithy model."
edition = "2021"
license = "Apache-2.0"
{publish}rust-version = "1.85"
keywords = ["aws", "sdk", "client", "smithy"]
categories = ["api-bindings", "web-programming::http-client"]

[dependencies]
awsjson-runtime = {{ version = "{runtime_version}", path = "{runtime}"{runtime_features} }}
{extra_deps}
[features]
default = []
{extra_features}# Accept an `aws_types::SdkConfig` from the `aws-config` crate (`Client::new`).
aws-config = ["awsjson-runtime/aws-config"]
# The recording and replaying HTTP connectors, for tests.
test-util = ["awsjson-runtime/test-util"]
# Trust the operating system's certificate store instead of the bundled Mozilla roots.
native-roots = ["awsjson-runtime/native-roots"]
# `From`/`Into` conversions between `primitives::DateTime` and `time::OffsetDateTime`.
time = ["awsjson-runtime/time"]

[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
# The crate's own test kit, for the doctests of its documentation (not kept when packaged).
{name} = {{ path = ".", features = ["test-util"] }}
{test_support}"#,
        publish = if info.publish { "" } else { "publish = false\n" },
        runtime_version = RUNTIME_VERSION,
        name = info.package_name,
        version = info.version,
        title = service.title,
        runtime = info.runtime_path,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_runtime_version_is_the_runtime_crates() {
        let manifest = include_str!("../../runtime/Cargo.toml");
        assert!(
            manifest.contains(&format!("\nversion = \"{}\"\n", super::RUNTIME_VERSION)),
            "update RUNTIME_VERSION"
        );
    }
}
