//! Lowered endpoint rules ([`crate::ir::endpoints`]) → tokens: the rule set and the partition
//! table as static data for the runtime's evaluator (`awsjson_runtime::endpoint::rules`), and the
//! endpoint test cases as tests. Every check happened while lowering; nothing here fails.
//!
//! What the emitted code expects around it:
//! - [`partitions_tokens`] → `pub static PARTITIONS: Partitions = ...;`
//! - [`rule_set_tokens`] → `pub static RULES: RuleSet = RuleSet { ..., partitions: &PARTITIONS };`
//! - both name the runtime's types unqualified; [`rules_module`] emits the `use` lines and both
//!   items, i.e. a whole module (`endpoint_rules.rs`).
//! - [`endpoint_tests`] → a whole integration-test file calling `<resolver>.resolve_endpoint`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::endpoints::{
    BuiltIn, EndpointTests, Expectation, Expr, Func, KnownRegion, ParamSetting, ParamType,
    ParamValue, Partitions, PathSegment, RegionOverride, Rule, RuleKind, RuleSet, TemplatePart,
    TestCase,
};

/// A whole module: the `use` lines, [`partitions_tokens`] and [`rule_set_tokens`].
pub fn rules_module(rule_set: &RuleSet, partitions: &Partitions) -> TokenStream {
    let partitions = partitions_tokens(partitions);
    let rules = rule_set_tokens(rule_set);
    quote! {
        use awsjson_runtime::endpoint::rules::*;
        use awsjson_runtime::endpoint::{KnownRegion, Partition, PartitionOutputs, Partitions};

        #partitions
        #rules
    }
}

// ---------------------------------------------------------------------------------------------
// Partitions

/// `pub static PARTITIONS: Partitions = ...;`.
pub fn partitions_tokens(partitions: &Partitions) -> TokenStream {
    let items = partitions.partitions.iter().map(|p| {
        let (id, regex) = (&p.id, str_lit(&p.region_regex));
        let regions = p.regions.iter().map(known_region);
        let o = &p.outputs;
        let (name, dns, dual, fips, ds, global) = (
            &o.name,
            &o.dns_suffix,
            &o.dual_stack_dns_suffix,
            o.supports_fips,
            o.supports_dual_stack,
            &o.implicit_global_region,
        );
        quote! {
            Partition {
                id: #id,
                region_regex: #regex,
                regions: &[#(#regions),*],
                outputs: PartitionOutputs {
                    name: #name,
                    dns_suffix: #dns,
                    dual_stack_dns_suffix: #dual,
                    supports_fips: #fips,
                    supports_dual_stack: #ds,
                    implicit_global_region: #global,
                },
            }
        }
    });
    quote! {
        /// The AWS partition table (`partitions.json` 1.1) that `aws.partition` consults.
        pub static PARTITIONS: Partitions = Partitions { partitions: &[#(#items),*] };
    }
}

fn known_region(region: &KnownRegion) -> TokenStream {
    let id = &region.id;
    if region.overrides.is_empty() {
        return quote!(KnownRegion::new(#id));
    }
    let overrides = region.overrides.iter().map(|o| match o {
        RegionOverride::DnsSuffix(s) => quote!(dns_suffix: Some(#s)),
        RegionOverride::DualStackDnsSuffix(s) => quote!(dual_stack_dns_suffix: Some(#s)),
        RegionOverride::ImplicitGlobalRegion(s) => quote!(implicit_global_region: Some(#s)),
        RegionOverride::SupportsFips(b) => quote!(supports_fips: Some(#b)),
        RegionOverride::SupportsDualStack(b) => quote!(supports_dual_stack: Some(#b)),
    });
    quote!(KnownRegion { #(#overrides,)* ..KnownRegion::new(#id) })
}

/// A string literal, raw (`r"..."`) when that reads better (backslashes, no quotes).
fn str_lit(s: &str) -> TokenStream {
    if s.contains('\\') && !s.contains('"') {
        if let Ok(ts) = format!("r\"{s}\"").parse::<TokenStream>() {
            return ts;
        }
    }
    quote!(#s)
}

// ---------------------------------------------------------------------------------------------
// Rule sets

/// `pub static RULES: RuleSet = RuleSet { ..., partitions: &PARTITIONS };`.
pub fn rule_set_tokens(rule_set: &RuleSet) -> TokenStream {
    let expr = rule_set_expr(rule_set, &quote!(&PARTITIONS));
    quote! {
        /// The service's endpoint rule set (`smithy.rules#endpointRuleSet`).
        pub static RULES: RuleSet = #expr;
    }
}

/// The `RuleSet { ... }` expression alone, with `partitions` as the value of its `partitions` field
/// (an expression of type `&'static Partitions`).
pub fn rule_set_expr(rule_set: &RuleSet, partitions: &TokenStream) -> TokenStream {
    let params = rule_set.parameters.iter().map(|p| {
        let name = &p.name;
        let ty = match p.ty {
            ParamType::String => quote!(ParamType::String),
            ParamType::Boolean => quote!(ParamType::Boolean),
            ParamType::StringArray => quote!(ParamType::StringArray),
        };
        let built_in = match &p.built_in {
            Some(BuiltIn::Region) => quote!(Some(BuiltIn::Region)),
            Some(BuiltIn::UseFips) => quote!(Some(BuiltIn::UseFips)),
            Some(BuiltIn::UseDualStack) => quote!(Some(BuiltIn::UseDualStack)),
            Some(BuiltIn::Endpoint) => quote!(Some(BuiltIn::Endpoint)),
            // The runtime fills only the four above; any other is a plain parameter to it.
            Some(BuiltIn::Other(_)) | None => quote!(None),
        };
        let required = p.required;
        let default = match &p.default {
            None => quote!(None),
            Some(ParamValue::String(s)) => quote!(Some(Literal::String(#s))),
            Some(ParamValue::Bool(b)) => quote!(Some(Literal::Bool(#b))),
            Some(ParamValue::StringArray(items)) => {
                quote!(Some(Literal::StringArray(&[#(#items),*])))
            }
        };
        quote! {
            Parameter { name: #name, ty: #ty, built_in: #built_in, required: #required, default: #default }
        }
    });
    let rules = rules(&rule_set.rules);
    quote! {
        RuleSet {
            parameters: &[#(#params),*],
            rules: #rules,
            partitions: #partitions,
        }
    }
}

/// `&[Rule { ... }, ...]`.
fn rules(list: &[Rule]) -> TokenStream {
    let items = list.iter().map(|rule| {
        let conditions = rule.conditions.iter().map(|c| {
            let expr = expr(&c.expr);
            let assign = match &c.assign {
                Some(name) => quote!(Some(#name)),
                None => quote!(None),
            };
            quote!(Condition { expr: #expr, assign: #assign })
        });
        let result = match &rule.kind {
            RuleKind::Endpoint(ep) => {
                let url = expr(&ep.url);
                let headers = ep.headers.iter().map(|(name, values)| {
                    let values = values.iter().map(expr);
                    quote!((#name, &[#(#values),*]))
                });
                let properties = ep.properties.iter().map(|(name, value)| {
                    let value = expr(value);
                    quote!((#name, #value))
                });
                quote! {
                    RuleResult::Endpoint(EndpointTemplate {
                        url: #url,
                        headers: &[#(#headers),*],
                        properties: &[#(#properties),*],
                    })
                }
            }
            RuleKind::Error(message) => {
                let message = expr(message);
                quote!(RuleResult::Error(#message))
            }
            RuleKind::Tree(sub) => {
                let sub = rules(sub);
                quote!(RuleResult::Tree(#sub))
            }
        };
        quote! {
            Rule { conditions: &[#(#conditions),*], result: #result }
        }
    });
    quote!(&[#(#items),*])
}

fn expr(e: &Expr) -> TokenStream {
    match e {
        Expr::Bool(b) => quote!(Expr::Bool(#b)),
        Expr::Int(i) => {
            let lit = Literal::i64_unsuffixed(*i);
            quote!(Expr::Int(#lit))
        }
        Expr::Str(s) => quote!(Expr::Str(#s)),
        Expr::Template(parts) => {
            let parts = parts.iter().map(|p| match p {
                TemplatePart::Literal(s) => quote!(TemplatePart::Literal(#s)),
                TemplatePart::Value(v) => {
                    let v = expr(v);
                    quote!(TemplatePart::Value(#v))
                }
            });
            quote!(Expr::Template(&[#(#parts),*]))
        }
        Expr::Ref(name) => quote!(Expr::Ref(#name)),
        Expr::GetAttr(target, path) => {
            let target = expr(target);
            let path = path.iter().map(|s| match s {
                PathSegment::Key(k) => quote!(PathSegment::Key(#k)),
                PathSegment::Index(i) => {
                    let i = Literal::usize_unsuffixed(*i);
                    quote!(PathSegment::Index(#i))
                }
            });
            quote!(Expr::GetAttr(&#target, &[#(#path),*]))
        }
        Expr::Call(func, args) => {
            let func = format_ident!("{}", func_variant(*func));
            let args = args.iter().map(expr);
            quote!(Expr::Call(Func::#func, &[#(#args),*]))
        }
        Expr::Array(items) => {
            let items = items.iter().map(expr);
            quote!(Expr::Array(&[#(#items),*]))
        }
        Expr::Object(fields) => {
            let fields = fields.iter().map(|(k, v)| {
                let v = expr(v);
                quote!((#k, #v))
            });
            quote!(Expr::Object(&[#(#fields),*]))
        }
    }
}

/// The runtime's `Func` variant of a function.
fn func_variant(func: Func) -> &'static str {
    match func {
        Func::BooleanEquals => "BooleanEquals",
        Func::StringEquals => "StringEquals",
        Func::IsSet => "IsSet",
        Func::Not => "Not",
        Func::Coalesce => "Coalesce",
        Func::Substring => "Substring",
        Func::IsValidHostLabel => "IsValidHostLabel",
        Func::ParseUrl => "ParseUrl",
        Func::UriEncode => "UriEncode",
        Func::AwsPartition => "AwsPartition",
        Func::AwsParseArn => "AwsParseArn",
        Func::AwsIsVirtualHostableS3Bucket => "AwsIsVirtualHostableS3Bucket",
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoint tests

/// A whole test file: one `#[test]` per case, resolving the case's parameters with `resolver`
/// (an expression with a `resolve_endpoint` method, e.g. `&sfn_client::endpoint_rules::RULES`)
/// and asserting the exact URL (and headers and properties, where the case gives them) or the
/// exact error message. A case's operation inputs are checked too: each builds the operation's
/// input from its `operationParams` (decoded as a response body is), sets its `builtInParams`
/// and `clientParams`, binds the operation's context parameters from the input
/// (`Operation::endpoint_params`) and expects the case's outcome; `operations` is the path of
/// the crate's `operation` module (`my_crate::operation`).
pub fn endpoint_tests(
    tests: &EndpointTests,
    resolver: &TokenStream,
    operations: &TokenStream,
) -> TokenStream {
    let fns = tests.cases.iter().map(|case| test_fn(case, resolver, operations));
    let param_value = if tests.sets_other_params() { quote!(ParamValue,) } else { quote!() };
    quote! {
        //! The `smithy.rules#endpointTests` cases of the model, one test each.

        use awsjson_runtime::endpoint::{EndpointParams, #param_value ResolveEndpoint};

        #(#fns)*
    }
}

fn test_fn(case: &TestCase, resolver: &TokenStream, operations: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", case.fn_name);
    let setters = case.params.iter().map(setter);
    let operation_checks = case.operation_inputs.iter().map(|input| {
        let (module, marker) =
            (crate::emit::ident(&input.module), format_ident!("{}", input.operation));
        let marker = quote!(#operations::#module::#marker);
        let body = &input.input_json;
        let setters = input.params.iter().map(setter);
        quote! {
            let input: <#marker as ::awsjson_runtime::operation::Operation>::Input =
                ::awsjson_runtime::json::from_slice(#body.as_bytes()).expect("the case's operationParams");
            let mut params = EndpointParams::new() #(#setters)*;
            <#marker as ::awsjson_runtime::operation::Operation>::endpoint_params(&input, &mut params.other);
            check(params);
        }
    });
    let body = match &case.expect {
        Expectation::Error(message) => quote! {
            let error = resolver.resolve_endpoint(&params).expect_err("expected an endpoint error");
            assert_eq!(error.message(), #message);
        },
        Expectation::Endpoint { url, headers, properties } => {
            let mut checks = vec![quote!(assert_eq!(endpoint.url, #url);)];
            if let Some(headers) = headers {
                let entries = headers.iter().map(
                    |(name, values)| quote!((#name.to_string(), vec![#(#values.to_string()),*])),
                );
                checks.push(quote! {
                    let headers = ::std::collections::BTreeMap::from([#(#entries),*]);
                    assert_eq!(endpoint.headers, headers);
                });
            }
            if let Some(text) = properties {
                checks.push(quote! {
                    let properties = ::awsjson_runtime::json::document_literal(#text);
                    let actual = ::awsjson_runtime::types::Document::Object(endpoint.properties.clone().into_iter().collect());
                    assert_eq!(actual, properties);
                });
            }
            quote! {
                let endpoint = resolver.resolve_endpoint(&params).expect("expected an endpoint");
                #(#checks)*
            }
        }
    };
    let doc_attr = match &case.docs {
        None => quote!(),
        Some(doc) => {
            let doc = format!(" {doc}");
            quote!(#[doc = #doc])
        }
    };
    if case.operation_inputs.is_empty() {
        quote! {
            #doc_attr
            #[test]
            fn #name() {
                let params = EndpointParams::new() #(#setters)*;
                let resolver = #resolver;
                #body
            }
        }
    } else {
        // The case's parameters, then those of each of its operation inputs. The closure owns
        // its `params`, so `#body` borrows it once, as in the function above.
        quote! {
            #doc_attr
            #[test]
            fn #name() {
                let resolver = #resolver;
                let check = |params: EndpointParams| { #body };
                check(EndpointParams::new() #(#setters)*);
                #({ #operation_checks })*
            }
        }
    }
}

/// `.with_region("us-east-1")`, `.with_other("Stage", ParamValue::String(...))`, ...
fn setter(s: &ParamSetting) -> TokenStream {
    match s {
        ParamSetting::Region(v) => quote!(.with_region(#v)),
        ParamSetting::Endpoint(v) => quote!(.with_endpoint(#v)),
        ParamSetting::UseFips(b) => quote!(.with_use_fips(#b)),
        ParamSetting::UseDualStack(b) => quote!(.with_use_dual_stack(#b)),
        ParamSetting::Other(name, ParamValue::String(v)) => {
            quote!(.with_other(#name, ParamValue::String(#v.to_string())))
        }
        ParamSetting::Other(name, ParamValue::Bool(b)) => {
            quote!(.with_other(#name, ParamValue::Bool(#b)))
        }
        ParamSetting::Other(name, ParamValue::StringArray(items)) => {
            quote!(.with_other(#name, ParamValue::StringArray(vec![#(#items.to_string()),*])))
        }
    }
}

#[cfg(test)]
mod tests;
