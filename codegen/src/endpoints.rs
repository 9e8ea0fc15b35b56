//! Endpoint rules: a model's `smithy.rules#endpointRuleSet` and the AWS partition table
//! (`partitions.json`) as static Rust data for the runtime's evaluator
//! (`awsjson_runtime::endpoint::rules`), and the model's `smithy.rules#endpointTests` as tests.
//!
//! Everything is checked here, at generation time: unknown functions, wrong arities, references to
//! names that are not in scope, malformed templates and `getAttr` paths are errors naming the JSON
//! path of the problem, so the generated data only holds what the evaluator understands.
//!
//! What the emitted code expects around it:
//! - [`partitions_tokens`] → `pub static PARTITIONS: Partitions = ...;`
//! - [`rule_set_tokens`] → `pub static RULES: RuleSet = RuleSet { ..., partitions: &PARTITIONS };`
//! - both name the runtime's types unqualified; [`rules_module_tokens`] emits the `use` lines and
//!   both items, i.e. a whole module (`endpoint_rules.rs`).
//! - [`endpoint_tests_tokens`] → a whole integration-test file calling `<resolver>.resolve_endpoint`.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::error::Error;

const RULE_SET: &str = "smithy.rules#endpointRuleSet";
const TESTS: &str = "smithy.rules#endpointTests";
const PARTITIONS: &str = "partitions.json";

/// Parses a partition table (`partitions.json`, format 1.1). `origin` names the input in errors.
/// Which file is the right one is the caller's to check (xtask verifies the pinned sha256).
pub fn parse_partitions(bytes: &[u8], origin: &str) -> Result<Value, Error> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::input(origin, format!("not valid JSON: {e}")))?;
    match value.get("version").and_then(Value::as_str) {
        Some("1.1") => Ok(value),
        other => Err(Error::input(
            origin,
            format!("partition table version {other:?}, expected \"1.1\""),
        )),
    }
}

/// A whole module: the `use` lines, [`partitions_tokens`] and [`rule_set_tokens`].
pub fn rules_module_tokens(rule_set: &Value, partitions: &Value) -> Result<TokenStream, Error> {
    let partitions = partitions_tokens(partitions)?;
    let rules = rule_set_tokens(rule_set)?;
    Ok(quote! {
        use awsjson_runtime::endpoint::rules::*;
        use awsjson_runtime::endpoint::{KnownRegion, Partition, PartitionOutputs, Partitions};

        #partitions
        #rules
    })
}

// ---------------------------------------------------------------------------------------------
// Partitions

/// `pub static PARTITIONS: Partitions = ...;` for a `partitions.json` value (format 1.1).
pub fn partitions_tokens(partitions: &Value) -> Result<TokenStream, Error> {
    let err = |path: &str, msg: &str| Error::input(PARTITIONS, format!("{path}: {msg}"));
    let list = partitions
        .get("partitions")
        .and_then(Value::as_array)
        .ok_or_else(|| err("partitions", "missing or not an array"))?;
    let mut items = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, p) in list.iter().enumerate() {
        let at = format!("partitions[{i}]");
        let obj = p.as_object().ok_or_else(|| err(&at, "not an object"))?;
        let id = str_field(obj, "id").ok_or_else(|| err(&at, "`id` missing or not a string"))?;
        if !ids.insert(id) {
            return Err(err(&at, &format!("duplicate partition id `{id}`")));
        }
        let at = format!("partitions[{i}] ({id})");
        let regex = str_field(obj, "regionRegex")
            .ok_or_else(|| err(&at, "`regionRegex` missing or not a string"))?;
        let regex = str_lit(regex);
        let outputs = obj
            .get("outputs")
            .and_then(Value::as_object)
            .ok_or_else(|| err(&at, "`outputs` missing"))?;
        let s = |k: &str| {
            str_field(outputs, k)
                .ok_or_else(|| err(&at, &format!("outputs.{k} missing or not a string")))
        };
        let b = |k: &str| {
            outputs
                .get(k)
                .and_then(Value::as_bool)
                .ok_or_else(|| err(&at, &format!("outputs.{k} missing or not a boolean")))
        };
        let (name, dns, dual, fips, ds, global) = (
            s("name")?,
            s("dnsSuffix")?,
            s("dualStackDnsSuffix")?,
            b("supportsFIPS")?,
            b("supportsDualStack")?,
            s("implicitGlobalRegion")?,
        );
        let regions = obj
            .get("regions")
            .and_then(Value::as_object)
            .ok_or_else(|| err(&at, "`regions` missing"))?;
        let mut region_items = Vec::new();
        for (region, v) in regions {
            region_items.push(
                known_region(region, v).map_err(|m| err(&format!("{at}.regions.{region}"), &m))?,
            );
        }
        items.push(quote! {
            Partition {
                id: #id,
                region_regex: #regex,
                regions: &[#(#region_items),*],
                outputs: PartitionOutputs {
                    name: #name,
                    dns_suffix: #dns,
                    dual_stack_dns_suffix: #dual,
                    supports_fips: #fips,
                    supports_dual_stack: #ds,
                    implicit_global_region: #global,
                },
            }
        });
    }
    Ok(quote! {
        /// The AWS partition table (`partitions.json` 1.1) that `aws.partition` consults.
        pub static PARTITIONS: Partitions = Partitions { partitions: &[#(#items),*] };
    })
}

fn known_region(id: &str, v: &Value) -> Result<TokenStream, String> {
    let obj = v.as_object().ok_or("not an object")?;
    let mut overrides = Vec::new();
    for (k, v) in obj {
        let (field, value) = match (k.as_str(), v) {
            ("description", Value::String(_)) => continue,
            ("dnsSuffix", Value::String(s)) => ("dns_suffix", quote!(Some(#s))),
            ("dualStackDnsSuffix", Value::String(s)) => ("dual_stack_dns_suffix", quote!(Some(#s))),
            ("implicitGlobalRegion", Value::String(s)) => {
                ("implicit_global_region", quote!(Some(#s)))
            }
            ("supportsFIPS", Value::Bool(b)) => ("supports_fips", quote!(Some(#b))),
            ("supportsDualStack", Value::Bool(b)) => ("supports_dual_stack", quote!(Some(#b))),
            _ => return Err(format!("unsupported region override `{k}`: {v}")),
        };
        let field = format_ident!("{field}");
        overrides.push(quote!(#field: #value));
    }
    Ok(if overrides.is_empty() {
        quote!(KnownRegion::new(#id))
    } else {
        quote!(KnownRegion { #(#overrides,)* ..KnownRegion::new(#id) })
    })
}

// ---------------------------------------------------------------------------------------------
// Rule sets

/// `pub static RULES: RuleSet = RuleSet { ..., partitions: &PARTITIONS };` for the value of a
/// `smithy.rules#endpointRuleSet` trait.
pub fn rule_set_tokens(rule_set: &Value) -> Result<TokenStream, Error> {
    let expr = rule_set_expr(rule_set, &quote!(&PARTITIONS))?;
    Ok(quote! {
        /// The service's endpoint rule set (`smithy.rules#endpointRuleSet`).
        pub static RULES: RuleSet = #expr;
    })
}

/// The `RuleSet { ... }` expression alone, with `partitions` as the value of its `partitions` field
/// (an expression of type `&'static Partitions`).
pub fn rule_set_expr(rule_set: &Value, partitions: &TokenStream) -> Result<TokenStream, Error> {
    let obj = rule_set.as_object().ok_or_else(|| rs_err("", "the rule set is not an object"))?;
    match obj.get("version").and_then(Value::as_str) {
        Some(v) if v == "1.0" || v.starts_with("1.") => {}
        other => return Err(rs_err("version", &format!("unsupported rule set version {other:?}"))),
    }
    let params = parse_parameters(obj.get("parameters"))?;
    let mut param_tokens = Vec::new();
    for p in params.values() {
        let name = &p.name;
        let ty = match p.ty {
            ParamTy::String => quote!(ParamType::String),
            ParamTy::Boolean => quote!(ParamType::Boolean),
            ParamTy::StringArray => quote!(ParamType::StringArray),
        };
        let built_in = match p.built_in.as_deref().and_then(builtin_variant) {
            Some(v) => {
                let v = format_ident!("{v}");
                quote!(Some(BuiltIn::#v))
            }
            None => quote!(None),
        };
        let required = p.required;
        let default = match &p.default {
            None => quote!(None),
            Some(Value::String(s)) => quote!(Some(Literal::String(#s))),
            Some(Value::Bool(b)) => quote!(Some(Literal::Bool(#b))),
            Some(Value::Array(items)) => {
                let items = items.iter().filter_map(Value::as_str);
                quote!(Some(Literal::StringArray(&[#(#items),*])))
            }
            Some(other) => {
                return Err(rs_err(
                    &format!("parameters.{name}"),
                    &format!("unsupported default {other}"),
                ))
            }
        };
        param_tokens.push(quote! {
            Parameter { name: #name, ty: #ty, built_in: #built_in, required: #required, default: #default }
        });
    }
    let mut scope: Vec<String> = params.keys().cloned().collect();
    let rules = obj.get("rules").ok_or_else(|| rs_err("rules", "missing"))?;
    let rules = parse_rules(rules, "rules", &mut scope)?;
    Ok(quote! {
        RuleSet {
            parameters: &[#(#param_tokens),*],
            rules: #rules,
            partitions: #partitions,
        }
    })
}

fn rs_err(path: &str, msg: &str) -> Error {
    if path.is_empty() {
        Error::model(RULE_SET, msg)
    } else {
        Error::model(RULE_SET, format!("{path}: {msg}"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParamTy {
    String,
    Boolean,
    StringArray,
}

#[derive(Debug)]
struct ParamDef {
    name: String,
    ty: ParamTy,
    built_in: Option<String>,
    required: bool,
    default: Option<Value>,
}

fn builtin_variant(name: &str) -> Option<&'static str> {
    match name {
        "AWS::Region" => Some("Region"),
        "AWS::UseFIPS" => Some("UseFips"),
        "AWS::UseDualStack" => Some("UseDualStack"),
        "SDK::Endpoint" => Some("Endpoint"),
        _ => None,
    }
}

fn parse_parameters(v: Option<&Value>) -> Result<BTreeMap<String, ParamDef>, Error> {
    let obj = v
        .and_then(Value::as_object)
        .ok_or_else(|| rs_err("parameters", "missing or not an object"))?;
    let mut out = BTreeMap::new();
    for (name, p) in obj {
        let at = format!("parameters.{name}");
        if !is_identifier(name) {
            return Err(rs_err(&at, "a parameter name must be an identifier"));
        }
        let p = p.as_object().ok_or_else(|| rs_err(&at, "not an object"))?;
        let ty = match p.get("type").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref()
        {
            Some("string") => ParamTy::String,
            Some("boolean") => ParamTy::Boolean,
            Some("stringarray") => ParamTy::StringArray,
            other => return Err(rs_err(&at, &format!("unsupported parameter type {other:?}"))),
        };
        let required = match p.get("required") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(rs_err(&at, &format!("`required` must be a boolean, got {other}")))
            }
        };
        let default = match p.get("default") {
            None | Some(Value::Null) => None,
            Some(d) => {
                if !value_has_type(d, ty) {
                    return Err(rs_err(
                        &at,
                        &format!("default {d} does not have the parameter's type"),
                    ));
                }
                Some(d.clone())
            }
        };
        let built_in = match p.get("builtIn") {
            None => None,
            Some(Value::String(b)) => {
                let expected = match b.as_str() {
                    "AWS::Region" | "SDK::Endpoint" => Some(ParamTy::String),
                    "AWS::UseFIPS" | "AWS::UseDualStack" => Some(ParamTy::Boolean),
                    _ => None,
                };
                if expected.is_some_and(|t| t != ty) {
                    return Err(rs_err(&at, &format!("built-in `{b}` has the wrong type {ty:?}")));
                }
                Some(b.clone())
            }
            Some(other) => {
                return Err(rs_err(&at, &format!("`builtIn` must be a string, got {other}")))
            }
        };
        out.insert(name.clone(), ParamDef { name: name.clone(), ty, built_in, required, default });
    }
    Ok(out)
}

fn value_has_type(v: &Value, ty: ParamTy) -> bool {
    match (v, ty) {
        (Value::String(_), ParamTy::String) | (Value::Bool(_), ParamTy::Boolean) => true,
        (Value::Array(items), ParamTy::StringArray) => items.iter().all(Value::is_string),
        _ => false,
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `&[Rule { ... }, ...]`. `scope` holds the names visible to these rules.
fn parse_rules(v: &Value, at: &str, scope: &mut Vec<String>) -> Result<TokenStream, Error> {
    let list = v.as_array().ok_or_else(|| rs_err(at, "not an array of rules"))?;
    let mut rules = Vec::new();
    for (i, rule) in list.iter().enumerate() {
        rules.push(parse_rule(rule, &format!("{at}[{i}]"), scope)?);
    }
    Ok(quote!(&[#(#rules),*]))
}

fn parse_rule(v: &Value, at: &str, scope: &mut Vec<String>) -> Result<TokenStream, Error> {
    let obj = v.as_object().ok_or_else(|| rs_err(at, "a rule must be an object"))?;
    let mark = scope.len();
    let conditions = obj
        .get("conditions")
        .and_then(Value::as_array)
        .ok_or_else(|| rs_err(at, "`conditions` missing"))?;
    let mut conds = Vec::new();
    for (i, c) in conditions.iter().enumerate() {
        let cat = format!("{at}.conditions[{i}]");
        let cobj = c.as_object().ok_or_else(|| rs_err(&cat, "a condition must be an object"))?;
        if !cobj.contains_key("fn") {
            return Err(rs_err(&cat, "a condition must be a function call (`fn`)"));
        }
        let expr = parse_expr(c, &cat, scope, false)?;
        let assign = match cobj.get("assign") {
            None => quote!(None),
            Some(Value::String(name)) => {
                if !is_identifier(name) {
                    return Err(rs_err(
                        &cat,
                        &format!("`assign` name `{name}` is not an identifier"),
                    ));
                }
                if scope.contains(name) {
                    return Err(rs_err(
                        &cat,
                        &format!("`assign` would shadow `{name}`, already in scope"),
                    ));
                }
                scope.push(name.clone());
                quote!(Some(#name))
            }
            Some(other) => {
                return Err(rs_err(&cat, &format!("`assign` must be a string, got {other}")))
            }
        };
        conds.push(quote!(Condition { expr: #expr, assign: #assign }));
    }
    let result = match obj.get("type").and_then(Value::as_str) {
        Some("endpoint") => {
            let ep = obj
                .get("endpoint")
                .and_then(Value::as_object)
                .ok_or_else(|| rs_err(at, "`endpoint` missing"))?;
            let eat = format!("{at}.endpoint");
            let url = ep.get("url").ok_or_else(|| rs_err(&eat, "`url` missing"))?;
            let url = parse_expr(url, &format!("{eat}.url"), scope, false)?;
            let mut headers = Vec::new();
            match ep.get("headers") {
                None | Some(Value::Null) => {}
                Some(Value::Object(h)) => {
                    for (name, values) in h {
                        let hat = format!("{eat}.headers.{name}");
                        let values = values
                            .as_array()
                            .ok_or_else(|| rs_err(&hat, "header values must be an array"))?;
                        let values = values
                            .iter()
                            .enumerate()
                            .map(|(i, v)| parse_expr(v, &format!("{hat}[{i}]"), scope, false))
                            .collect::<Result<Vec<_>, _>>()?;
                        headers.push(quote!((#name, &[#(#values),*])));
                    }
                }
                Some(_) => return Err(rs_err(&eat, "`headers` must be an object")),
            }
            let mut properties = Vec::new();
            match ep.get("properties") {
                None | Some(Value::Null) => {}
                Some(Value::Object(p)) => {
                    for (name, value) in p {
                        let value =
                            parse_expr(value, &format!("{eat}.properties.{name}"), scope, true)?;
                        properties.push(quote!((#name, #value)));
                    }
                }
                Some(_) => return Err(rs_err(&eat, "`properties` must be an object")),
            }
            quote! {
                RuleResult::Endpoint(EndpointTemplate {
                    url: #url,
                    headers: &[#(#headers),*],
                    properties: &[#(#properties),*],
                })
            }
        }
        Some("error") => {
            let e = obj.get("error").ok_or_else(|| rs_err(at, "`error` missing"))?;
            let e = parse_expr(e, &format!("{at}.error"), scope, false)?;
            quote!(RuleResult::Error(#e))
        }
        Some("tree") => {
            let sub = obj.get("rules").ok_or_else(|| rs_err(at, "`rules` missing"))?;
            let sub = parse_rules(sub, &format!("{at}.rules"), scope)?;
            quote!(RuleResult::Tree(#sub))
        }
        other => return Err(rs_err(at, &format!("unknown rule type {other:?}"))),
    };
    scope.truncate(mark);
    Ok(quote! {
        Rule { conditions: &[#(#conds),*], result: #result }
    })
}

/// The library functions other than `getAttr`: rule-set name, `Func` variant, arity (`None`: at
/// least one).
const FUNCTIONS: &[(&str, &str, Option<usize>)] = &[
    ("booleanEquals", "BooleanEquals", Some(2)),
    ("stringEquals", "StringEquals", Some(2)),
    ("isSet", "IsSet", Some(1)),
    ("not", "Not", Some(1)),
    ("coalesce", "Coalesce", None),
    ("substring", "Substring", Some(4)),
    ("isValidHostLabel", "IsValidHostLabel", Some(2)),
    ("parseURL", "ParseUrl", Some(1)),
    ("uriEncode", "UriEncode", Some(1)),
    ("aws.partition", "AwsPartition", Some(1)),
    ("aws.parseArn", "AwsParseArn", Some(1)),
    ("aws.isVirtualHostableS3Bucket", "AwsIsVirtualHostableS3Bucket", Some(2)),
];

/// An `Expr`. `literals`: arrays and plain objects are allowed (endpoint properties).
fn parse_expr(v: &Value, at: &str, scope: &[String], literals: bool) -> Result<TokenStream, Error> {
    match v {
        Value::Bool(b) => Ok(quote!(Expr::Bool(#b))),
        Value::Number(n) => match n.as_i64() {
            Some(i) => {
                let lit = Literal::i64_unsuffixed(i);
                Ok(quote!(Expr::Int(#lit)))
            }
            None => Err(rs_err(at, &format!("only integer numbers are supported, got {n}"))),
        },
        Value::String(s) => parse_template(s, at, scope),
        Value::Object(obj) if obj.contains_key("ref") => {
            let name = obj
                .get("ref")
                .and_then(Value::as_str)
                .ok_or_else(|| rs_err(at, "`ref` must be a string"))?;
            check_in_scope(name, at, scope)?;
            Ok(quote!(Expr::Ref(#name)))
        }
        Value::Object(obj) if obj.contains_key("fn") => parse_call(obj, at, scope),
        Value::Array(items) if literals => {
            let items = items
                .iter()
                .enumerate()
                .map(|(i, v)| parse_expr(v, &format!("{at}[{i}]"), scope, true))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(quote!(Expr::Array(&[#(#items),*])))
        }
        Value::Object(obj) if literals => {
            let fields = obj
                .iter()
                .map(|(k, v)| {
                    let v = parse_expr(v, &format!("{at}.{k}"), scope, true)?;
                    Ok(quote!((#k, #v)))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(quote!(Expr::Object(&[#(#fields),*])))
        }
        other => Err(rs_err(at, &format!("not an expression: {other}"))),
    }
}

fn check_in_scope(name: &str, at: &str, scope: &[String]) -> Result<(), Error> {
    if scope.iter().any(|s| s == name) {
        Ok(())
    } else {
        Err(rs_err(
            at,
            &format!("`{name}` is neither a parameter nor assigned by an enclosing condition"),
        ))
    }
}

fn parse_call(obj: &Map<String, Value>, at: &str, scope: &[String]) -> Result<TokenStream, Error> {
    let name =
        obj.get("fn").and_then(Value::as_str).ok_or_else(|| rs_err(at, "`fn` must be a string"))?;
    let argv = obj
        .get("argv")
        .and_then(Value::as_array)
        .ok_or_else(|| rs_err(at, &format!("`{name}`: `argv` missing")))?;
    let arg = |i: usize| parse_expr(&argv[i], &format!("{at}.argv[{i}]"), scope, false);
    if name == "getAttr" {
        if argv.len() != 2 {
            return Err(rs_err(at, &format!("`getAttr` takes 2 arguments, got {}", argv.len())));
        }
        let target = arg(0)?;
        let path = argv[1]
            .as_str()
            .ok_or_else(|| rs_err(at, "the path of `getAttr` must be a string literal"))?;
        let path = parse_path(path).map_err(|m| rs_err(&format!("{at}.argv[1]"), &m))?;
        return Ok(quote!(Expr::GetAttr(&#target, &[#(#path),*])));
    }
    let (_, variant, arity) = FUNCTIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| rs_err(at, &format!("unknown function `{name}`")))?;
    match arity {
        Some(n) if argv.len() != *n => {
            return Err(rs_err(at, &format!("`{name}` takes {n} arguments, got {}", argv.len())))
        }
        None if argv.is_empty() => {
            return Err(rs_err(at, &format!("`{name}` takes at least one argument")))
        }
        _ => {}
    }
    let args = (0..argv.len()).map(arg).collect::<Result<Vec<_>, _>>()?;
    let variant = format_ident!("{variant}");
    Ok(quote!(Expr::Call(Func::#variant, &[#(#args),*])))
}

/// A `getAttr` path (`a.b[2]`) as `PathSegment`s.
fn parse_path(path: &str) -> Result<Vec<TokenStream>, String> {
    if path.is_empty() {
        return Err("empty getAttr path".to_string());
    }
    let mut out = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((key, rest)) => {
                if !key.is_empty() {
                    out.push(quote!(PathSegment::Key(#key)));
                }
                let index = rest
                    .strip_suffix(']')
                    .and_then(|i| i.parse::<usize>().ok())
                    .ok_or_else(|| format!("bad index in getAttr path `{path}`"))?;
                let index = Literal::usize_unsuffixed(index);
                out.push(quote!(PathSegment::Index(#index)));
            }
            None if !part.is_empty() => out.push(quote!(PathSegment::Key(#part))),
            None => return Err(format!("empty key in getAttr path `{path}`")),
        }
    }
    Ok(out)
}

/// A string: `Expr::Str` without placeholders, else `Expr::Template`. `{{` and `}}` are braces.
fn parse_template(s: &str, at: &str, scope: &[String]) -> Result<TokenStream, Error> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut has_value = false;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let end = s[i..]
                    .find('}')
                    .ok_or_else(|| rs_err(at, &format!("unclosed `{{` in template {s:?}")))?;
                let inner = &s[i + 1..i + end];
                while chars.peek().is_some_and(|(j, _)| *j <= i + end) {
                    chars.next();
                }
                if !literal.is_empty() {
                    let lit = std::mem::take(&mut literal);
                    parts.push(quote!(TemplatePart::Literal(#lit)));
                }
                let (name, path) = match inner.split_once('#') {
                    Some((n, p)) => (n, Some(p)),
                    None => (inner, None),
                };
                if !is_identifier(name) {
                    return Err(rs_err(
                        at,
                        &format!("bad placeholder `{{{inner}}}` in template {s:?}"),
                    ));
                }
                check_in_scope(name, at, scope)?;
                let value = match path {
                    None => quote!(Expr::Ref(#name)),
                    Some(p) => {
                        let p = parse_path(p).map_err(|m| rs_err(at, &m))?;
                        quote!(Expr::GetAttr(&Expr::Ref(#name), &[#(#p),*]))
                    }
                };
                parts.push(quote!(TemplatePart::Value(#value)));
                has_value = true;
            }
            '}' => return Err(rs_err(at, &format!("unmatched `}}` in template {s:?}"))),
            c => literal.push(c),
        }
    }
    if !has_value {
        return Ok(quote!(Expr::Str(#literal)));
    }
    if !literal.is_empty() {
        parts.push(quote!(TemplatePart::Literal(#literal)));
    }
    Ok(quote!(Expr::Template(&[#(#parts),*])))
}

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
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
// Endpoint tests

/// A whole test file: one `#[test]` per case of a `smithy.rules#endpointTests` trait value,
/// resolving the case's parameters with `resolver` (an expression with a `resolve_endpoint`
/// method, e.g. `&sfn_client::endpoint_rules::RULES` or `sfn_client::SERVICE.endpoint_resolver`)
/// and asserting the exact URL (and headers and properties, where the case gives them) or the exact
/// error message. `rule_set` (the `smithy.rules#endpointRuleSet` value) says which parameters are
/// built-ins.
pub fn endpoint_tests_tokens(
    tests: &Value,
    rule_set: &Value,
    resolver: &TokenStream,
) -> Result<TokenStream, Error> {
    endpoint_tests_with_operations(tests, rule_set, resolver, &|_| None)
}

/// [`endpoint_tests_tokens`], where a case's `operationInputs` are checked too: each builds the
/// operation's input from its `operationParams` (decoded as a response body is), sets its
/// `builtInParams` and `clientParams`, binds the operation's context parameters from the input
/// (`Operation::endpoint_params`) and expects the case's outcome. `operation` gives the path of
/// an operation's marker type by its name (`None`: not an operation of the crate, an error).
pub fn endpoint_tests_with_operations(
    tests: &Value,
    rule_set: &Value,
    resolver: &TokenStream,
    operation: &dyn Fn(&str) -> Option<TokenStream>,
) -> Result<TokenStream, Error> {
    let err = |path: &str, msg: &str| Error::model(TESTS, format!("{path}: {msg}"));
    let params = parse_parameters(rule_set.get("parameters"))?;
    let cases = tests
        .get("testCases")
        .and_then(Value::as_array)
        .ok_or_else(|| err("testCases", "missing or not an array"))?;
    let mut names = BTreeSet::new();
    let mut fns = Vec::new();
    let mut uses_other = false;
    for (i, case) in cases.iter().enumerate() {
        let at = format!("testCases[{i}]");
        let case = case.as_object().ok_or_else(|| err(&at, "not an object"))?;
        let doc = case.get("documentation").and_then(Value::as_str).unwrap_or("");
        let name = test_name(doc, i, &mut names);
        let name = format_ident!("{name}");

        let mut uses_other_here = false;
        let mut setter = |pname: &str, value: &Value, pat: &str| -> Result<TokenStream, Error> {
            let def =
                params.get(pname).ok_or_else(|| err(pat, "not a parameter of the rule set"))?;
            if !value_has_type(value, def.ty) {
                return Err(err(
                    pat,
                    &format!("{value} does not have the parameter's type {:?}", def.ty),
                ));
            }
            Ok(match (def.built_in.as_deref().and_then(builtin_variant), value) {
                (Some("Region"), Value::String(s)) => quote!(.with_region(#s)),
                (Some("Endpoint"), Value::String(s)) => quote!(.with_endpoint(#s)),
                (Some("UseFips"), Value::Bool(b)) => quote!(.with_use_fips(#b)),
                (Some("UseDualStack"), Value::Bool(b)) => quote!(.with_use_dual_stack(#b)),
                (_, Value::String(s)) => {
                    uses_other_here = true;
                    quote!(.with_other(#pname, ParamValue::String(#s.to_string())))
                }
                (_, Value::Bool(b)) => {
                    uses_other_here = true;
                    quote!(.with_other(#pname, ParamValue::Bool(#b)))
                }
                (_, Value::Array(items)) => {
                    uses_other_here = true;
                    let items = items.iter().filter_map(Value::as_str);
                    quote!(.with_other(#pname, ParamValue::StringArray(vec![#(#items.to_string()),*])))
                }
                (_, other) => {
                    return Err(err(pat, &format!("unsupported parameter value {other}")))
                }
            })
        };
        let mut setters = Vec::new();
        if let Some(given) = case.get("params") {
            let given =
                given.as_object().ok_or_else(|| err(&format!("{at}.params"), "not an object"))?;
            for (pname, value) in given {
                setters.push(setter(pname, value, &format!("{at}.params.{pname}"))?);
            }
        }
        // `operationInputs`: the parameters a call of the operation would resolve with.
        let mut operation_checks = Vec::new();
        for (j, input) in
            case.get("operationInputs").and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            let oat = format!("{at}.operationInputs[{j}]");
            let op_name = input
                .get("operationName")
                .and_then(Value::as_str)
                .ok_or_else(|| err(&oat, "no `operationName`"))?;
            let marker = operation(op_name).ok_or_else(|| {
                err(&oat, &format!("`{op_name}` is not an operation of the service"))
            })?;
            let mut op_setters = Vec::new();
            for (key, by_builtin) in [("builtInParams", true), ("clientParams", false)] {
                for (k, value) in input.get(key).and_then(Value::as_object).into_iter().flatten() {
                    let pat = format!("{oat}.{key}.{k}");
                    let pname = if by_builtin {
                        let found =
                            params.iter().find(|(_, d)| d.built_in.as_deref() == Some(k.as_str()));
                        found.map(|(n, _)| n.clone()).ok_or_else(|| {
                            err(&pat, "no parameter of the rule set has this built-in")
                        })?
                    } else {
                        k.clone()
                    };
                    op_setters.push(setter(&pname, value, &pat)?);
                }
            }
            let body = input
                .get("operationParams")
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()))
                .to_string();
            operation_checks.push(quote! {
                let input: <#marker as ::awsjson_runtime::operation::Operation>::Input =
                    ::awsjson_runtime::json::from_slice(#body.as_bytes()).expect("the case's operationParams");
                let mut params = EndpointParams::new() #(#op_setters)*;
                <#marker as ::awsjson_runtime::operation::Operation>::endpoint_params(&input, &mut params.other);
                check(params);
            });
        }
        uses_other |= uses_other_here;

        let expect = case
            .get("expect")
            .and_then(Value::as_object)
            .ok_or_else(|| err(&at, "`expect` missing"))?;
        let body = if let Some(message) = expect.get("error") {
            let message =
                message.as_str().ok_or_else(|| err(&at, "`expect.error` must be a string"))?;
            quote! {
                let error = resolver.resolve_endpoint(&params).expect_err("expected an endpoint error");
                assert_eq!(error.message(), #message);
            }
        } else if let Some(ep) = expect.get("endpoint") {
            let eat = format!("{at}.expect.endpoint");
            let ep = ep.as_object().ok_or_else(|| err(&eat, "not an object"))?;
            let url =
                str_field(ep, "url").ok_or_else(|| err(&eat, "`url` missing or not a string"))?;
            let mut checks = vec![quote!(assert_eq!(endpoint.url, #url);)];
            if let Some(headers) = ep.get("headers") {
                let headers =
                    headers.as_object().ok_or_else(|| err(&eat, "`headers` must be an object"))?;
                let mut entries = Vec::new();
                for (name, values) in headers {
                    let values =
                        values.as_array().filter(|v| v.iter().all(Value::is_string)).ok_or_else(
                            || err(&format!("{eat}.headers.{name}"), "must be an array of strings"),
                        )?;
                    let values = values.iter().filter_map(Value::as_str);
                    entries.push(quote!((#name.to_string(), vec![#(#values.to_string()),*])));
                }
                checks.push(quote! {
                    let headers = ::std::collections::BTreeMap::from([#(#entries),*]);
                    assert_eq!(endpoint.headers, headers);
                });
            }
            if let Some(properties) = ep.get("properties") {
                if !properties.is_object() {
                    return Err(err(&eat, "`properties` must be an object"));
                }
                let text = properties.to_string();
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
        } else {
            return Err(err(&at, "`expect` has neither `endpoint` nor `error`"));
        };
        let doc_attr = if doc.is_empty() {
            quote!()
        } else {
            let doc = format!(" {doc}");
            quote!(#[doc = #doc])
        };
        if operation_checks.is_empty() {
            fns.push(quote! {
                #doc_attr
                #[test]
                fn #name() {
                    let params = EndpointParams::new() #(#setters)*;
                    let resolver = #resolver;
                    #body
                }
            });
        } else {
            // The case's parameters, then those of each of its operation inputs. The closure owns
            // its `params`, so `#body` borrows it once, as in the function above.
            fns.push(quote! {
                #doc_attr
                #[test]
                fn #name() {
                    let resolver = #resolver;
                    let check = |params: EndpointParams| { #body };
                    check(EndpointParams::new() #(#setters)*);
                    #({ #operation_checks })*
                }
            });
        }
    }
    let param_value = if uses_other { quote!(ParamValue,) } else { quote!() };
    Ok(quote! {
        //! The `smithy.rules#endpointTests` cases of the model, one test each.

        use awsjson_runtime::endpoint::{EndpointParams, #param_value ResolveEndpoint};

        #(#fns)*
    })
}

/// A unique snake-case test name from the case's documentation.
fn test_name(doc: &str, index: usize, taken: &mut BTreeSet<String>) -> String {
    let cleaned: String =
        doc.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let mut name = cleaned.to_snake_case();
    if name.is_empty() {
        name = format!("case_{index}");
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || syn::parse_str::<syn::Ident>(&name).is_err()
    {
        name = format!("case_{name}");
    }
    let mut unique = name.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{name}_{n}");
        n += 1;
    }
    unique
}

#[cfg(test)]
mod tests;
