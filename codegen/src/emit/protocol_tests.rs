//! `tests/protocol_tests.rs`: the model's protocol compliance cases (`smithy.test#httpRequestTests`
//! on operations, `smithy.test#httpResponseTests` on operations and error structures) as Rust
//! tests, one `#[tokio::test]` per case that applies to clients.
//!
//! A request case builds its input from the case's `params` with the generated fluent builder,
//! sends it through the real client to a capturing connector, and checks the request. A response
//! case decodes the case's response with the client's decoder and compares the output (or the
//! modeled error) with a value built from `params`. The checks are in the runtime
//! (`awsjson_runtime::protocol_test`). The cases were read and checked in lowering
//! ([`crate::ir::protocol_tests`]): this module only spells them in Rust, and cannot fail.
//!
//! Cases that cannot pass are listed, with the reason, in
//! [`EXCEPTIONS`](crate::ir::protocol_tests::EXCEPTIONS) — the one place — and are generated as
//! `#[ignore = "reason"]` tests, so they are compiled and reported, never dropped.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote, ToTokens as _};

use super::ident;
use crate::ir::protocol_tests::{
    CaseKind, ExpectedRequest, ExpectedStructure, Float, OperationRef, ProtocolTests,
    StructureValue, TestCase, TestResponse, TestValue, Timestamp,
};
use crate::naming;

/// The test file, or `None` when the service has no client cases.
pub fn protocol_tests(tests: &ProtocolTests, crate_ident: &str) -> Option<TokenStream> {
    if tests.cases.is_empty() {
        return None;
    }
    let g = Gen { krate: ident(crate_ident) };
    let tests = tests.cases.iter().map(|case| g.test(case));
    Some(quote! {
        //! The model's protocol compliance test cases (`smithy.test#httpRequestTests` and
        //! `smithy.test#httpResponseTests`) that apply to clients, one test each.

        #(#tests)*
    })
}

struct Gen {
    krate: Ident,
}

/// `("name", "value"),` for each header.
fn headers(headers: &[(String, String)]) -> TokenStream {
    let pairs = headers.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(#(#pairs),*)
}

/// An `Option<&str>` literal.
fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

impl Gen {
    fn test(&self, case: &TestCase) -> TokenStream {
        let attrs = attributes(case);
        let f = format_ident!("{}", case.test_fn);
        let body = match &case.kind {
            CaseKind::Request { operation, input, expected } => {
                self.request_test(operation, input, expected)
            }
            CaseKind::Response { operation, response, expected, request_id } => {
                self.response_test(operation, response, expected, request_id.as_deref())
            }
            CaseKind::Error { operation, variant, response, expected, code, error_type } => self
                .error_test(
                    operation,
                    variant,
                    response,
                    expected,
                    code.as_deref(),
                    error_type.as_deref(),
                ),
        };
        quote! {
            #attrs
            async fn #f() {
                #body
            }
        }
    }

    fn request_test(
        &self,
        op: &OperationRef,
        input: &[crate::ir::protocol_tests::MemberValue],
        expected: &ExpectedRequest,
    ) -> TokenStream {
        let krate = &self.krate;
        let fn_name = ident(&op.fn_name);
        let setters = self.setters(input);
        let ExpectedRequest { method, uri, forbid_headers, require_headers, .. } = expected;
        let host = opt_str(&expected.host);
        let resolved_host = opt_str(&expected.resolved_host);
        let headers = headers(&expected.headers);
        let body = opt_str(&expected.body);
        let media_type = opt_str(&expected.body_media_type);
        quote! {
            let connector = ::awsjson_runtime::protocol_test::CapturingConnector::new();
            let client = #krate::Client::from_conf(::awsjson_runtime::protocol_test::test_config(&connector, #host));
            let sent = client.#fn_name() #(#setters)* .send().await;
            let request = connector.request(&sent);
            ::awsjson_runtime::protocol_test::assert_request(
                &request,
                &::awsjson_runtime::protocol_test::ExpectedRequest {
                    method: #method,
                    uri: #uri,
                    resolved_host: #resolved_host,
                    headers: &[#headers],
                    forbid_headers: &[#(#forbid_headers),*],
                    require_headers: &[#(#require_headers),*],
                    body: #body,
                    body_media_type: #media_type,
                },
            );
        }
    }

    fn response_call(&self, op: &OperationRef, response: &TestResponse) -> TokenStream {
        let krate = &self.krate;
        let module = ident(&op.fn_name);
        let marker = format_ident!("{}", op.name);
        let status = Literal::u16_unsuffixed(response.status);
        let headers = headers(&response.headers);
        let body = &response.body;
        quote! {
            ::awsjson_runtime::client::decode_response::<#krate::operation::#module::#marker>(
                &#krate::SERVICE,
                ::awsjson_runtime::protocol_test::response(#status, &[#headers], #body),
            )
        }
    }

    fn response_test(
        &self,
        op: &OperationRef,
        response: &TestResponse,
        expected: &ExpectedStructure,
        request_id: Option<&str>,
    ) -> TokenStream {
        let call = self.response_call(op, response);
        let krate = &self.krate;
        let (set_request_id, check_request_id) = match request_id {
            Some(id) => {
                let set = format_ident!("{}", naming::REQUEST_ID_FIELD);
                (
                    quote!(.#set(#id)),
                    quote!(assert_eq!(#krate::operation::RequestId::request_id(&actual), Some(#id), "request id");),
                )
            }
            None => (quote!(), quote!()),
        };
        let (expected, fixups) = self.expected_structure(expected, set_request_id);
        let binding =
            if fixups.is_empty() { quote!(let expected) } else { quote!(let mut expected) };
        let actual_binding =
            if fixups.is_empty() { quote!(let actual) } else { quote!(let mut actual) };
        quote! {
            #actual_binding = #call.expect("the response decodes");
            #check_request_id
            #binding = #expected;
            #(#fixups)*
            assert_eq!(actual, expected);
        }
    }

    fn error_test(
        &self,
        op: &OperationRef,
        variant: &str,
        response: &TestResponse,
        expected: &ExpectedStructure,
        code: Option<&str>,
        error_type: Option<&str>,
    ) -> TokenStream {
        let krate = &self.krate;
        let module = ident(&op.fn_name);
        let op_error = ident(&op.error_type);
        let variant = format_ident!("{variant}");
        let call = self.response_call(op, response);
        // The metadata (code, message, request id) comes from the response, not from `params`.
        let (expected, fixups) = self.expected_structure(expected, quote!(.meta(meta)));
        let binding =
            if fixups.is_empty() { quote!(let expected) } else { quote!(let mut expected) };
        let actual_binding = if fixups.is_empty() { quote!(actual) } else { quote!(mut actual) };
        // `ErrorCodeParams` vendor parameters: the code (and fault type) the metadata must carry.
        let code = code.map(|code| quote!(assert_eq!(meta.code(), Some(#code), "error code");));
        let error_type =
            error_type.map(|t| quote!(assert_eq!(meta.error_type(), Some(#t), "error type");));
        quote! {
            let err = match #call {
                Err(#krate::error::SdkError::ServiceError(e)) => e.into_err(),
                other => panic!("expected a service error, got {other:?}"),
            };
            let #krate::operation::#module::#op_error::#variant(#actual_binding) = err else {
                panic!("expected the modeled error, got {err:?}");
            };
            let meta = #krate::error::ProvideErrorMetadata::meta(&actual).clone();
            #code
            #error_type
            #binding = #expected;
            #(#fixups)*
            assert_eq!(actual, expected);
        }
    }

    /// The expected value, and statements fixing up what `==` cannot compare (top-level NaN
    /// floats are checked with `is_nan` and then cleared on both sides).
    fn expected_structure(
        &self,
        expected: &ExpectedStructure,
        extra: TokenStream,
    ) -> (TokenStream, Vec<TokenStream>) {
        let fixups = expected
            .nan_fields
            .iter()
            .map(|n| {
                let f = ident(&n.field);
                let check = if n.optional {
                    quote!(assert!(actual.#f.is_some_and(|v| v.is_nan()), "expected NaN");)
                } else {
                    quote!(assert!(actual.#f.is_nan(), "expected NaN");)
                };
                // NaN != NaN: checked, then cleared on both sides before `==`.
                quote!(#check actual.#f = Default::default(); expected.#f = Default::default();)
            })
            .collect();
        (self.structure_value(&expected.value, extra), fixups)
    }

    /// `.set_x(Some(value))` for each member set.
    fn setters(&self, members: &[crate::ir::protocol_tests::MemberValue]) -> Vec<TokenStream> {
        members
            .iter()
            .map(|m| {
                let set = ident(&m.setter);
                let value = self.value(&m.value);
                quote!(.#set(Some(#value)))
            })
            .collect()
    }

    /// `Path::builder().set_x(Some(..))...build()`; `extra` is called on the builder last.
    fn structure_value(&self, s: &StructureValue, extra: TokenStream) -> TokenStream {
        let setters = self.setters(&s.members);
        let path = self.path(&s.path);
        let unwrap =
            if s.build_is_fallible { quote!(.expect("the case's params build")) } else { quote!() };
        quote!(#path::builder() #(#setters)* #extra .build() #unwrap)
    }

    fn path(&self, path: &[String]) -> TokenStream {
        let krate = &self.krate;
        let segs = path.iter().map(|s| ident(s));
        quote!(#krate #(::#segs)*)
    }

    /// The Rust expression of a case value.
    fn value(&self, v: &TestValue) -> TokenStream {
        let krate = &self.krate;
        match v {
            TestValue::Null => quote!(None),
            TestValue::String(s) => quote!(String::from(#s)),
            TestValue::Bool(b) => quote!(#b),
            TestValue::I8(n) => Literal::i8_suffixed(*n).into_token_stream(),
            TestValue::I16(n) => Literal::i16_suffixed(*n).into_token_stream(),
            TestValue::I32(n) => Literal::i32_suffixed(*n).into_token_stream(),
            TestValue::I64(n) => Literal::i64_suffixed(*n).into_token_stream(),
            TestValue::F32(x) => float(quote!(f32), x, |x| Literal::f32_suffixed(*x)),
            TestValue::F64(x) => float(quote!(f64), x, |x| Literal::f64_suffixed(*x)),
            TestValue::Timestamp(Timestamp::Secs(secs)) => {
                let secs = Literal::i64_suffixed(*secs);
                quote!(#krate::primitives::DateTime::from_secs(#secs).expect("a valid timestamp"))
            }
            TestValue::Timestamp(Timestamp::Millis(millis)) => {
                let millis = Literal::i64_suffixed(*millis);
                quote!(#krate::primitives::DateTime::from_millis(#millis).expect("a valid timestamp"))
            }
            TestValue::Timestamp(Timestamp::SecsF64(secs)) => {
                let secs = Literal::f64_suffixed(*secs);
                quote!(#krate::primitives::DateTime::from_secs_f64(#secs).expect("a valid timestamp"))
            }
            TestValue::Blob(s) => quote!(#krate::primitives::Blob::from(#s)),
            TestValue::Document(text) => quote!(::awsjson_runtime::json::document_literal(#text)),
            TestValue::Enum { path, value } => {
                let p = self.path(path);
                quote!(#p::from(#value))
            }
            TestValue::IntEnum { path, value } => {
                let p = self.path(path);
                let n = Literal::i32_suffixed(*value);
                quote!(#p::from(#n))
            }
            TestValue::Structure(s) => self.structure_value(s, quote!()),
            TestValue::Union { path, variant, value, boxed } => {
                let p = self.path(path);
                let id = format_ident!("{}", variant);
                match value {
                    None => quote!(#p::#id),
                    Some(inner) => {
                        let inner = self.value(inner);
                        if *boxed {
                            quote!(#p::#id(Box::new(#inner)))
                        } else {
                            quote!(#p::#id(#inner))
                        }
                    }
                }
            }
            TestValue::List { sparse, items } => {
                let items = items.iter().map(|x| self.collection_item(*sparse, x));
                quote!(vec![#(#items),*])
            }
            TestValue::Map { entries, .. } if entries.is_empty() => {
                quote!(std::collections::HashMap::new())
            }
            TestValue::Map { sparse, entries } => {
                let entries = entries.iter().map(|(k, x)| {
                    let x = self.collection_item(*sparse, x);
                    quote!((String::from(#k), #x))
                });
                quote!(std::collections::HashMap::from([#(#entries),*]))
            }
        }
    }

    /// An item of a sparse collection is an `Option`.
    fn collection_item(&self, sparse: bool, v: &TestValue) -> TokenStream {
        match (sparse, v) {
            (true, TestValue::Null) => quote!(None),
            (true, v) => {
                let x = self.value(v);
                quote!(Some(#x))
            }
            (false, v) => self.value(v),
        }
    }
}

/// `#[tokio::test]` and, for an exception, `#[ignore = "reason"]`; the case's documentation.
fn attributes(case: &TestCase) -> TokenStream {
    let docs = super::doc_lines(&case.docs);
    let ignore = case.exception.map(|reason| quote!(#[ignore = #reason]));
    quote!(#docs #[tokio::test] #ignore)
}

/// A float literal, or the type's constant for a special value.
fn float<T>(ty: TokenStream, x: &Float<T>, literal: impl Fn(&T) -> Literal) -> TokenStream {
    match x {
        Float::Finite(x) => literal(x).into_token_stream(),
        Float::NaN => quote!(#ty::NAN),
        Float::Infinity => quote!(#ty::INFINITY),
        Float::NegInfinity => quote!(#ty::NEG_INFINITY),
    }
}
