//! `tests/smoke_tests.rs`: one test per case of the model's `smithy.test#smokeTests`.
//!
//! A smoke test calls a live endpoint: the client is configured from the environment like any
//! application's (credentials, `AWS_ENDPOINT_URL_<SDK_ID>`, profile), in the case's region. CI
//! points the endpoint at a local moto server (`tests/moto.sh`). Case parameters are the input
//! in its JSON form; each is decoded by the generated code into the member's Rust type.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::{doc, ident};
use crate::error::Error;
use crate::ir::{Operation, Service};
use crate::naming::field_name;

/// The test file, or `None` when the service has no smoke tests.
pub fn smoke_tests(service: &Service, crate_ident: &str) -> Result<Option<TokenStream>, Error> {
    if service.smoke_tests.is_empty() {
        return Ok(None);
    }
    let krate = ident(crate_ident);
    let mut tests = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (op_name, cases) in &service.smoke_tests {
        let op = service.operations.iter().find(|o| &o.name == op_name).ok_or_else(|| {
            Error::model(op_name, "smoke tests of an operation the service does not have")
        })?;
        let cases = cases
            .as_array()
            .ok_or_else(|| Error::shape(&op.id, "`smithy.test#smokeTests` must be a list"))?;
        for case in cases {
            let test = smoke_test(op, case, &krate)?;
            if !names.insert(test.0.clone()) {
                return Err(Error::shape(
                    &op.id,
                    format!("two smoke tests are named `{}` in Rust", test.0),
                ));
            }
            tests.push(test.1);
        }
    }
    let endpoint_var =
        format!("AWS_ENDPOINT_URL_{}", service.sdk_id.to_uppercase().replace([' ', '-'], "_"));
    let module_doc = [
        " The model's smoke tests (`smithy.test#smokeTests`), one test each.".to_string(),
        String::new(),
        " They call a live endpoint, configured from the environment like an application: credentials,".to_string(),
        format!(" `{endpoint_var}` (or `AWS_ENDPOINT_URL`) and the shared config files; the region is the case's."),
        " `tests/moto.sh` in the repository runs them against a local moto server.".to_string(),
        String::new(),
        " The endpoint must be named explicitly: without one of those variables a case fails before it".to_string(),
        " sends anything, so a test run never reaches the service's public endpoint by accident. To run".to_string(),
        " them against the real service, set the variable to its endpoint.".to_string(),
    ]
    .map(|line| quote!(#![doc = #line]));
    let unset_message =
        format!("smoke tests call a live endpoint: set {endpoint_var} or AWS_ENDPOINT_URL (tests/moto.sh points it at a local moto server)");
    // Only when a case has parameters: an unused helper would be dead code.
    let uses_params = service.smoke_tests.iter().any(|(_, cases)| {
        cases.as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c.get("params").and_then(Value::as_object).is_some_and(|p| !p.is_empty()))
        })
    });
    let param_fn = uses_params.then(|| {
        quote! {
            /// A case parameter, decoded from its JSON form into the member's type.
            fn param<T: ::awsjson_runtime::json::FromJson>(member: &str, json: &str) -> T {
                ::awsjson_runtime::json::from_slice(json.as_bytes())
                    .unwrap_or_else(|e| panic!("smoke test parameter `{member}`: {e}"))
            }
        }
    });
    Ok(Some(quote! {
        #(#module_doc)*

        use #krate::config::Builder;
        use #krate::Client;

        /// A client configured from the environment, in the case's region; the endpoint must be set
        /// explicitly (see the module docs).
        fn client(region: &'static str, use_fips: bool, use_dual_stack: bool) -> Client {
            let named = [#endpoint_var, "AWS_ENDPOINT_URL"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
            assert!(named, #unset_message);
            Client::from_conf(Builder::from_env().region(region).use_fips(use_fips).use_dual_stack(use_dual_stack).build())
        }

        #param_fn

        #(#tests)*
    }))
}

fn smoke_test(
    op: &Operation,
    case: &Value,
    krate: &proc_macro2::Ident,
) -> Result<(String, TokenStream), Error> {
    let bad = |what: String| Error::shape(&op.id, format!("smoke test: {what}"));
    let case = case.as_object().ok_or_else(|| bad("a case must be an object".into()))?;
    let id = case
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("a case without an `id`".into()))?;
    let bad = |what: String| Error::shape(&op.id, format!("smoke test `{id}`: {what}"));
    let fn_name = field_name(id);
    let test_fn = ident(&fn_name);

    let vendor = case.get("vendorParams").cloned().unwrap_or(Value::Object(Default::default()));
    let region = vendor.get("region").and_then(Value::as_str).unwrap_or("us-west-2");
    let use_fips = vendor.get("useFips").and_then(Value::as_bool).unwrap_or(false);
    let use_dual_stack = vendor.get("useDualstack").and_then(Value::as_bool).unwrap_or(false);

    let mut setters = Vec::new();
    if let Some(params) = case.get("params") {
        let params = params.as_object().ok_or_else(|| bad("`params` must be an object".into()))?;
        for (name, value) in params {
            let member = op
                .input
                .members
                .iter()
                .find(|m| &m.wire_name == name)
                .ok_or_else(|| bad(format!("`{name}` is not a member of {}", op.input.id)))?;
            let setter = super::ident(&crate::naming::option_setter(&member.field));
            let json = value.to_string();
            setters.push(quote!(.#setter(Some(param(#name, #json)))));
        }
    }

    let method = ident(&op.fn_name);
    let module = ident(&op.fn_name);
    let error = super::ident(&op.error_type());
    let expect =
        case.get("expect").and_then(Value::as_object).ok_or_else(|| bad("no `expect`".into()))?;
    let check = if expect.contains_key("success") {
        quote! {
            if let Err(e) = result {
                panic!("{}: expected success, got: {}", #id, e);
            }
        }
    } else if let Some(failure) = expect.get("failure") {
        let wanted = match failure.get("errorId").and_then(Value::as_str) {
            Some(shape) => {
                let name = shape.rsplit('#').next().unwrap_or(shape);
                if !op.errors.iter().any(|e| e.code == name) {
                    return Err(bad(format!("`{shape}` is not an error of the operation")));
                }
                quote! {
                    assert_eq!(
                        ::awsjson_runtime::operation::OperationError::modeled_shape(service_error),
                        Some(#name),
                        "{}: {}", #id, service_error
                    );
                }
            }
            None => quote!(),
        };
        quote! {
            let err = result.expect_err(concat!(#id, ": expected a failure, the call succeeded"));
            let Some(service_error) = err.as_service_error() else {
                panic!("{}: expected an error answer from the service, got: {}", #id, err);
            };
            let _: &#krate::operation::#module::#error = service_error;
            #wanted
        }
    } else {
        return Err(bad("`expect` holds neither `success` nor `failure`".into()));
    };
    let d = doc(&format!("Smoke test `{id}`: `{}`.", op.name));
    Ok((
        fn_name,
        quote! {
            #d
            #[tokio::test]
            async fn #test_fn() {
                let client = client(#region, #use_fips, #use_dual_stack);
                let result = client.#method()#(#setters)*.send().await;
                #check
            }
        },
    ))
}
