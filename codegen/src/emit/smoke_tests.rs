//! `tests/smoke_tests.rs`: one test per case of the model's `smithy.test#smokeTests`.
//!
//! A smoke test calls a live endpoint: the client is configured from the environment like any
//! application's (credentials, `AWS_ENDPOINT_URL_<SDK_ID>`, profile), in the case's region. CI
//! points the endpoint at a local moto server (`tests/moto.sh`). Case parameters are the input
//! in its JSON form; each is decoded by the generated code into the member's Rust type. The
//! cases were read and checked in lowering ([`crate::ir::smoke_tests`]): this module cannot fail.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident};
use crate::ir::smoke_tests::{SmokeExpect, SmokeTest, SmokeTests};

/// The test file.
pub fn smoke_tests(smoke: &SmokeTests, crate_ident: &str) -> TokenStream {
    let krate = ident(crate_ident);
    let tests = smoke.cases.iter().map(|case| smoke_test(case, &krate));
    let endpoint_var = &smoke.endpoint_var;
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
    let param_fn = smoke.uses_params().then(|| {
        quote! {
            /// A case parameter, decoded from its JSON form into the member's type.
            fn param<T: ::awsjson_runtime::json::FromJson>(member: &str, json: &str) -> T {
                ::awsjson_runtime::json::from_slice(json.as_bytes())
                    .unwrap_or_else(|e| panic!("smoke test parameter `{member}`: {e}"))
            }
        }
    });
    quote! {
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
    }
}

fn smoke_test(case: &SmokeTest, krate: &proc_macro2::Ident) -> TokenStream {
    let id = &case.id;
    let test_fn = ident(&case.test_fn);
    let (region, use_fips, use_dual_stack) = (&case.region, case.use_fips, case.use_dual_stack);
    let setters = case.params.iter().map(|p| {
        let (setter, name, json) = (ident(&p.setter), &p.wire_name, &p.json);
        quote!(.#setter(Some(param(#name, #json))))
    });
    let method = ident(&case.operation_fn);
    let module = ident(&case.operation_fn);
    let error = ident(&case.error_type);
    let check = match &case.expect {
        SmokeExpect::Success => quote! {
            if let Err(e) = result {
                panic!("{}: expected success, got: {}", #id, e);
            }
        },
        SmokeExpect::Failure { error_code } => {
            let wanted = error_code.as_ref().map(|name| {
                quote! {
                    assert_eq!(
                        ::awsjson_runtime::operation::OperationError::modeled_shape(service_error),
                        Some(#name),
                        "{}: {}", #id, service_error
                    );
                }
            });
            quote! {
                let err = result.expect_err(concat!(#id, ": expected a failure, the call succeeded"));
                let Some(service_error) = err.as_service_error() else {
                    panic!("{}: expected an error answer from the service, got: {}", #id, err);
                };
                let _: &#krate::operation::#module::#error = service_error;
                #wanted
            }
        }
    };
    let d = doc(&format!("Smoke test `{id}`: `{}`.", case.operation));
    quote! {
        #d
        #[tokio::test]
        async fn #test_fn() {
            let client = client(#region, #use_fips, #use_dual_stack);
            let result = client.#method()#(#setters)*.send().await;
            #check
        }
    }
}
