//! `tests/protocol_tests.rs`: the model's protocol compliance cases (`smithy.test#httpRequestTests`
//! on operations, `smithy.test#httpResponseTests` on operations and error structures) as Rust
//! tests, one `#[tokio::test]` per case that applies to clients.
//!
//! A request case builds its input from the case's `params` with the generated fluent builder,
//! sends it through the real client to a capturing connector, and checks the request. A response
//! case decodes the case's response with the client's decoder and compares the output (or the
//! modeled error) with a value built from `params`. The checks are in the runtime
//! (`awsjson_runtime::protocol_test`); this module only turns case data into Rust.
//!
//! Cases that cannot pass are listed, with the reason, in [`EXCEPTIONS`] — the one place — and are
//! generated as `#[ignore = "reason"]` tests, so they are compiled and reported, never dropped.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::ident;
use crate::error::Error;
use crate::ir::{Member, NamedKind, Operation, RustType, Service, Structure, StructureRole};
use crate::naming;

/// Protocol test cases this client does not pass, by case id, with the reason.
pub const EXCEPTIONS: &[(&str, &str)] = &[];

/// The reason a case is an exception, if it is one.
pub fn exception(case_id: &str) -> Option<&'static str> {
    EXCEPTIONS.iter().find(|(id, _)| *id == case_id).map(|(_, reason)| *reason)
}

/// How many client cases a service has, and how many are exceptions.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CaseCount {
    pub total: usize,
    pub exceptions: usize,
}

/// The protocol trait id of the service (`aws.protocols#awsJson1_0`): cases for other protocols
/// are not this client's.
pub fn protocol_trait(service: &Service) -> &'static str {
    match service.protocol {
        crate::ir::Protocol::AwsJson1_0 => crate::traits::AWS_JSON_1_0,
        crate::ir::Protocol::AwsJson1_1 => crate::traits::AWS_JSON_1_1,
    }
}

/// The client cases of a trait value (a list of cases).
fn client_cases<'a>(service: &Service, cases: Option<&'a Value>) -> Vec<&'a Value> {
    let protocol = protocol_trait(service);
    cases
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|c| {
                    matches!(c.get("appliesTo").and_then(Value::as_str), None | Some("client"))
                })
                .filter(|c| c.get("protocol").and_then(Value::as_str).is_none_or(|p| p == protocol))
                .collect()
        })
        .unwrap_or_default()
}

/// Counts the client cases of a service.
pub fn count_cases(service: &Service) -> CaseCount {
    let mut count = CaseCount::default();
    let mut add = |cases: Vec<&Value>| {
        for c in cases {
            count.total += 1;
            if c.get("id").and_then(Value::as_str).and_then(exception).is_some() {
                count.exceptions += 1;
            }
        }
    };
    for op in &service.operations {
        add(client_cases(service, op.request_tests.as_ref()));
        add(client_cases(service, op.response_tests.as_ref()));
    }
    for e in &service.errors {
        add(client_cases(service, e.response_tests.as_ref()));
    }
    count
}

/// The test file, or `None` when the service has no client cases.
pub fn protocol_tests(
    service: &Service,
    crate_ident: &str,
) -> Result<Option<TokenStream>, Vec<Error>> {
    let g = Gen { service, krate: ident(crate_ident) };
    let mut tests = BTreeMap::new();
    let mut errors = Vec::new();
    let mut add = |name: String, at: &str, result: Result<TokenStream, String>| match result {
        Ok(tokens) => {
            if tests.insert(name.clone(), tokens).is_some() {
                errors.push(Error::model(
                    at,
                    format!("two protocol test cases map to the test `{name}`"),
                ));
            }
        }
        Err(e) => errors.push(Error::model(at, e)),
    };
    for op in &service.operations {
        for case in client_cases(service, op.request_tests.as_ref()) {
            let (name, id) = g.test_name(case, "request");
            add(
                name.clone(),
                &format!("{} (request case {id})", op.id),
                g.request_test(op, case, &name),
            );
        }
        for case in client_cases(service, op.response_tests.as_ref()) {
            let (name, id) = g.test_name(case, "response");
            add(
                name.clone(),
                &format!("{} (response case {id})", op.id),
                g.response_test(op, case, &name),
            );
        }
    }
    for e in &service.errors {
        for case in client_cases(service, e.response_tests.as_ref()) {
            let (name, id) = g.test_name(case, "response");
            add(
                name.clone(),
                &format!("{} (response case {id})", e.id),
                g.error_test(e, case, &name),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if tests.is_empty() {
        return Ok(None);
    }
    let tests = tests.into_values();
    Ok(Some(quote! {
        //! The model's protocol compliance test cases (`smithy.test#httpRequestTests` and
        //! `smithy.test#httpResponseTests`) that apply to clients, one test each.

        #(#tests)*
    }))
}

struct Gen<'a> {
    service: &'a Service,
    krate: proc_macro2::Ident,
}

fn str_field<'v>(case: &'v Value, key: &str) -> Option<&'v str> {
    case.get(key).and_then(Value::as_str)
}

impl Gen<'_> {
    fn test_name(&self, case: &Value, kind: &str) -> (String, String) {
        let id = str_field(case, "id").unwrap_or("unnamed").to_string();
        (format!("{}_{kind}", naming::function_name(&id)), id)
    }

    /// `#[tokio::test]` and, for an exception, `#[ignore = "reason"]`; the case's documentation.
    fn attributes(&self, case: &Value) -> TokenStream {
        let id = str_field(case, "id").unwrap_or("unnamed");
        let mut lines = vec![format!("Case `{id}`.")];
        if let Some(d) = str_field(case, "documentation") {
            lines.push(String::new());
            lines.extend(crate::docs::html_to_markdown(d));
        }
        let docs = super::doc_lines(&lines);
        let ignore = match exception(id) {
            Some(reason) => quote!(#[ignore = #reason]),
            None => quote!(),
        };
        quote!(#docs #[tokio::test] #ignore)
    }

    fn request_test(
        &self,
        op: &Operation,
        case: &Value,
        name: &str,
    ) -> Result<TokenStream, String> {
        let krate = &self.krate;
        let f = format_ident!("{name}");
        let fn_name = ident(&op.fn_name);
        let setters = self.setters(&op.input, case.get("params"))?;
        for unsupported in ["queryParams", "forbidQueryParams", "requireQueryParams"] {
            if case.get(unsupported).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                return Err(format!("`{unsupported}` cannot apply to an awsJson request"));
            }
        }
        let method = str_field(case, "method").ok_or("the case has no `method`")?;
        let uri = str_field(case, "uri").ok_or("the case has no `uri`")?;
        // An optional string of the case, as a Rust `Option<&str>` literal.
        let opt = |key: &str| match str_field(case, key) {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let host = opt("host");
        let resolved_host = opt("resolvedHost");
        let headers = headers(case);
        let list = |key: &str| -> Vec<String> {
            case.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let forbid = list("forbidHeaders");
        let require = list("requireHeaders");
        let body = opt("body");
        let media_type = opt("bodyMediaType");
        let attrs = self.attributes(case);
        Ok(quote! {
            #attrs
            async fn #f() {
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
                        forbid_headers: &[#(#forbid),*],
                        require_headers: &[#(#require),*],
                        body: #body,
                        body_media_type: #media_type,
                    },
                );
            }
        })
    }

    fn response_call(&self, op: &Operation, case: &Value) -> Result<TokenStream, String> {
        let krate = &self.krate;
        let module = ident(&op.fn_name);
        let marker = format_ident!("{}", op.name);
        let status = case.get("code").and_then(Value::as_u64).ok_or("the case has no `code`")?;
        let status = Literal::u16_unsuffixed(
            u16::try_from(status).map_err(|_| "`code` is not an HTTP status")?,
        );
        let headers = headers(case);
        let body = str_field(case, "body").unwrap_or("");
        Ok(quote! {
            ::awsjson_runtime::client::decode_response::<#krate::operation::#module::#marker>(
                &#krate::SERVICE,
                ::awsjson_runtime::protocol_test::response(#status, &[#headers], #body),
            )
        })
    }

    fn response_test(
        &self,
        op: &Operation,
        case: &Value,
        name: &str,
    ) -> Result<TokenStream, String> {
        let f = format_ident!("{name}");
        let call = self.response_call(op, case)?;
        let krate = &self.krate;
        // The request id header is decoded into the output: expected, and checked on its own.
        let request_id = case
            .get("headers")
            .and_then(Value::as_object)
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-amzn-requestid")))
            .and_then(|(_, v)| v.as_str());
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
        let (expected, fixups) =
            self.expected_structure(&op.output, case.get("params"), set_request_id)?;
        let binding =
            if fixups.is_empty() { quote!(let expected) } else { quote!(let mut expected) };
        let actual_binding =
            if fixups.is_empty() { quote!(let actual) } else { quote!(let mut actual) };
        let attrs = self.attributes(case);
        Ok(quote! {
            #attrs
            async fn #f() {
                #actual_binding = #call.expect("the response decodes");
                #check_request_id
                #binding = #expected;
                #(#fixups)*
                assert_eq!(actual, expected);
            }
        })
    }

    fn error_test(
        &self,
        error: &Structure,
        case: &Value,
        name: &str,
    ) -> Result<TokenStream, String> {
        let krate = &self.krate;
        // Decoded as an error of the first operation (by name) that may return it.
        let op = self
            .service
            .operations
            .iter()
            .find(|o| o.errors.iter().any(|e| e.id == error.id))
            .ok_or("no operation of the service returns this error")?;
        let f = format_ident!("{name}");
        let module = ident(&op.fn_name);
        let op_error = ident(&op.error_type());
        let variant = format_ident!(
            "{}",
            op.errors.iter().find(|e| e.id == error.id).map_or("", |e| e.rust_name.as_str())
        );
        let call = self.response_call(op, case)?;
        // The metadata (code, message, request id) comes from the response, not from `params`.
        let (expected, fixups) =
            self.expected_structure(error, case.get("params"), quote!(.meta(meta)))?;
        let binding =
            if fixups.is_empty() { quote!(let expected) } else { quote!(let mut expected) };
        let actual_binding = if fixups.is_empty() { quote!(actual) } else { quote!(mut actual) };
        let attrs = self.attributes(case);
        // `ErrorCodeParams` vendor parameters: the code (and fault type) the metadata must carry.
        let mut meta_checks = Vec::new();
        if str_field(case, "vendorParamsShape") == Some("aws.protocoltests.config#ErrorCodeParams")
        {
            let vendor = case.get("vendorParams");
            if let Some(code) = vendor.and_then(|v| v.get("code")).and_then(Value::as_str) {
                meta_checks.push(quote!(assert_eq!(meta.code(), Some(#code), "error code");));
            }
            if let Some(t) = vendor.and_then(|v| v.get("type")).and_then(Value::as_str) {
                meta_checks.push(quote!(assert_eq!(meta.error_type(), Some(#t), "error type");));
            }
        }
        Ok(quote! {
            #attrs
            async fn #f() {
                let err = match #call {
                    Err(#krate::error::SdkError::ServiceError(e)) => e.into_err(),
                    other => panic!("expected a service error, got {other:?}"),
                };
                let #krate::operation::#module::#op_error::#variant(#actual_binding) = err else {
                    panic!("expected the modeled error, got {err:?}");
                };
                let meta = #krate::error::ProvideErrorMetadata::meta(&actual).clone();
                #(#meta_checks)*
                #binding = #expected;
                #(#fixups)*
                assert_eq!(actual, expected);
            }
        })
    }

    /// The value a response case expects, and statements fixing up what `==` cannot compare
    /// (top-level NaN floats are checked with `is_nan` and then copied over).
    fn expected_structure(
        &self,
        s: &Structure,
        params: Option<&Value>,
        extra: TokenStream,
    ) -> Result<(TokenStream, Vec<TokenStream>), String> {
        let mut fixups = Vec::new();
        let mut plain = serde_json::Map::new();
        if let Some(obj) = params.and_then(Value::as_object) {
            for (k, v) in obj {
                let m = member(s, k)?;
                if v.as_str() == Some("NaN") && matches!(m.ty, RustType::F32 | RustType::F64) {
                    let f = ident(&m.field);
                    let check = if m.optional {
                        quote!(assert!(actual.#f.is_some_and(|v| v.is_nan()), "expected NaN");)
                    } else {
                        quote!(assert!(actual.#f.is_nan(), "expected NaN");)
                    };
                    // NaN != NaN: checked, then cleared on both sides before `==`.
                    fixups.push(quote!(#check actual.#f = Default::default(); expected.#f = Default::default();));
                } else {
                    plain.insert(k.clone(), v.clone());
                }
            }
        } else if params.is_some_and(|p| !p.is_null()) {
            return Err(format!("`params` of {} is not an object", s.id));
        }
        Ok((self.structure_value(s, &Value::Object(plain), extra)?, fixups))
    }

    /// `.set_x(Some(value))` for each param of a structure.
    fn setters(&self, s: &Structure, params: Option<&Value>) -> Result<Vec<TokenStream>, String> {
        let Some(params) = params else { return Ok(Vec::new()) };
        let obj =
            params.as_object().ok_or_else(|| format!("`params` of {} is not an object", s.id))?;
        let mut out = Vec::new();
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            let m = member(s, k)?;
            let set = ident(&naming::option_setter(&m.field));
            let value = self.value(&m.ty, v).map_err(|e| format!("{}${k}: {e}", s.id))?;
            out.push(quote!(.#set(Some(#value))));
        }
        Ok(out)
    }

    /// `Path::builder().set_x(Some(..))...build()`; `extra` is called on the builder last.
    fn structure_value(
        &self,
        s: &Structure,
        v: &Value,
        extra: TokenStream,
    ) -> Result<TokenStream, String> {
        let setters = self.setters(s, Some(v))?;
        let path = self.structure_path(s);
        let unwrap =
            if s.build_is_fallible { quote!(.expect("the case's params build")) } else { quote!() };
        Ok(quote!(#path::builder() #(#setters)* #extra .build() #unwrap))
    }

    fn structure_path(&self, s: &Structure) -> TokenStream {
        let krate = &self.krate;
        let name = format_ident!("{}", s.rust_name);
        match s.role {
            StructureRole::Input | StructureRole::Output => {
                let op = self.service.operations.iter().find(|o| {
                    o.input.id == s.id && o.input.rust_name == s.rust_name
                        || o.output.id == s.id && o.output.rust_name == s.rust_name
                });
                let module = ident(op.map_or("", |o| o.fn_name.as_str()));
                quote!(#krate::operation::#module::#name)
            }
            StructureRole::Error => quote!(#krate::types::error::#name),
            StructureRole::Plain => quote!(#krate::types::#name),
        }
    }

    fn named_path(&self, path: &[String]) -> TokenStream {
        let krate = &self.krate;
        let segs = path.iter().map(|s| ident(s));
        quote!(#krate #(::#segs)*)
    }

    /// A Rust expression of type `ty` for the case value `v`.
    fn value(&self, ty: &RustType, v: &Value) -> Result<TokenStream, String> {
        let krate = &self.krate;
        let bad = |what: &str| Err(format!("expected {what}, found {v}"));
        Ok(match ty {
            RustType::String => match v.as_str() {
                Some(s) => quote!(String::from(#s)),
                None => return bad("a string"),
            },
            RustType::Bool => match v.as_bool() {
                Some(b) => quote!(#b),
                None => return bad("a boolean"),
            },
            RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => {
                let n = v.as_i64().ok_or_else(|| format!("expected an integer, found {v}"))?;
                let out_of_range = || format!("{n} is out of range");
                match ty {
                    RustType::I8 => {
                        Literal::i8_suffixed(i8::try_from(n).map_err(|_| out_of_range())?)
                    }
                    RustType::I16 => {
                        Literal::i16_suffixed(i16::try_from(n).map_err(|_| out_of_range())?)
                    }
                    RustType::I32 => {
                        Literal::i32_suffixed(i32::try_from(n).map_err(|_| out_of_range())?)
                    }
                    _ => Literal::i64_suffixed(n),
                }
                .into_token_stream()
            }
            RustType::F32 | RustType::F64 => {
                let t = if *ty == RustType::F32 { quote!(f32) } else { quote!(f64) };
                match v {
                    Value::String(s) if s == "NaN" => quote!(#t::NAN),
                    Value::String(s) if s == "Infinity" => quote!(#t::INFINITY),
                    Value::String(s) if s == "-Infinity" => quote!(#t::NEG_INFINITY),
                    Value::Number(n) => {
                        let x = n.as_f64().unwrap_or_default();
                        if *ty == RustType::F32 {
                            Literal::f32_suffixed(x as f32).into_token_stream()
                        } else {
                            Literal::f64_suffixed(x).into_token_stream()
                        }
                    }
                    _ => return bad("a number"),
                }
            }
            RustType::DateTime => match (v.as_i64(), v.as_f64()) {
                (Some(secs), _) => {
                    let secs = Literal::i64_suffixed(secs);
                    quote!(#krate::primitives::DateTime::from_secs(#secs).expect("a valid timestamp"))
                }
                // Milliseconds are exact in decimal; a binary float of the seconds is not.
                (None, Some(secs)) if (secs * 1000.0).fract().abs() < 1e-3 => {
                    let millis = Literal::i64_suffixed((secs * 1000.0).round() as i64);
                    quote!(#krate::primitives::DateTime::from_millis(#millis).expect("a valid timestamp"))
                }
                (None, Some(secs)) => {
                    let secs = Literal::f64_suffixed(secs);
                    quote!(#krate::primitives::DateTime::from_secs_f64(#secs).expect("a valid timestamp"))
                }
                _ => return bad("epoch seconds"),
            },
            RustType::Blob => match v.as_str() {
                Some(s) => quote!(#krate::primitives::Blob::from(#s)),
                None => return bad("a string"),
            },
            RustType::Document => {
                let text = v.to_string();
                quote!(::awsjson_runtime::json::document_literal(#text))
            }
            RustType::Named { path, kind } => {
                let p = self.named_path(path);
                let name = path.last().map_or("", String::as_str);
                match kind {
                    NamedKind::Enum => match v.as_str() {
                        Some(s) => quote!(#p::from(#s)),
                        None => return bad("a string"),
                    },
                    NamedKind::IntEnum => match v.as_i64().and_then(|n| i32::try_from(n).ok()) {
                        Some(n) => {
                            let n = Literal::i32_suffixed(n);
                            quote!(#p::from(#n))
                        }
                        None => return bad("an integer"),
                    },
                    NamedKind::Structure => {
                        let s = self
                            .service
                            .structures
                            .iter()
                            .chain(&self.service.errors)
                            .find(|s| s.rust_name == name)
                            .ok_or_else(|| format!("no structure `{name}`"))?;
                        if !v.is_object() {
                            return bad("an object");
                        }
                        self.structure_value(s, v, quote!())?
                    }
                    NamedKind::Union => {
                        let u = self
                            .service
                            .unions
                            .iter()
                            .find(|u| u.rust_name == name)
                            .ok_or_else(|| format!("no union `{name}`"))?;
                        let obj = v
                            .as_object()
                            .ok_or_else(|| format!("expected an object, found {v}"))?;
                        let set: Vec<(&String, &Value)> =
                            obj.iter().filter(|(_, v)| !v.is_null()).collect();
                        let [(key, value)] = set.as_slice() else {
                            return Err(format!(
                                "a union value needs exactly one member, found {v}"
                            ));
                        };
                        let variant = u
                            .variants
                            .iter()
                            .find(|x| &x.wire_name == *key)
                            .ok_or_else(|| format!("`{key}` is not a member of {}", u.id))?;
                        let id = format_ident!("{}", variant.variant);
                        match &variant.ty {
                            None => quote!(#p::#id),
                            Some(t) => {
                                let inner = self.value(t, value)?;
                                if variant.boxed {
                                    quote!(#p::#id(Box::new(#inner)))
                                } else {
                                    quote!(#p::#id(#inner))
                                }
                            }
                        }
                    }
                }
            }
            RustType::List { item, sparse } => {
                let items = v.as_array().ok_or_else(|| format!("expected a list, found {v}"))?;
                let items = items
                    .iter()
                    .map(|x| self.collection_item(item, *sparse, x))
                    .collect::<Result<Vec<_>, _>>()?;
                quote!(vec![#(#items),*])
            }
            RustType::Map { value, sparse } => {
                let entries = v.as_object().ok_or_else(|| format!("expected a map, found {v}"))?;
                if entries.is_empty() {
                    quote!(std::collections::HashMap::new())
                } else {
                    let entries = entries
                        .iter()
                        .map(|(k, x)| {
                            self.collection_item(value, *sparse, x)
                                .map(|x| quote!((String::from(#k), #x)))
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    quote!(std::collections::HashMap::from([#(#entries),*]))
                }
            }
        })
    }

    fn collection_item(
        &self,
        ty: &RustType,
        sparse: bool,
        v: &Value,
    ) -> Result<TokenStream, String> {
        match (sparse, v) {
            (true, Value::Null) => Ok(quote!(None)),
            (true, v) => {
                let x = self.value(ty, v)?;
                Ok(quote!(Some(#x)))
            }
            (false, v) => self.value(ty, v),
        }
    }
}

use quote::ToTokens as _;

fn member<'s>(s: &'s Structure, wire: &str) -> Result<&'s Member, String> {
    s.members
        .iter()
        .find(|m| m.wire_name == wire)
        .ok_or_else(|| format!("`{wire}` is not a member of {}", s.id))
}

/// `("name", "value"),` for each header of a case, sorted by name.
fn headers(case: &Value) -> TokenStream {
    let mut pairs: Vec<(&String, &str)> = case
        .get("headers")
        .and_then(Value::as_object)
        .map(|o| o.iter().filter_map(|(k, v)| v.as_str().map(|v| (k, v))).collect())
        .unwrap_or_default();
    pairs.sort();
    let pairs = pairs.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(#(#pairs),*)
}
