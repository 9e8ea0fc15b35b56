//! Endpoint rules, lowered: a model's `smithy.rules#endpointRuleSet` into a typed [`RuleSet`],
//! its `smithy.rules#endpointTests` into typed [`EndpointTests`], and the AWS partition table
//! (`partitions.json`) into [`Partitions`]. `emit::endpoints` turns these values into the static
//! data the runtime's evaluator (`awsjson_runtime::endpoint::rules`) reads and into tests; it
//! sees no JSON and cannot fail.
//!
//! Everything is checked here: unknown functions, wrong arities, references to names that are
//! not in scope, malformed templates and `getAttr` paths, parameters and defaults of the wrong
//! type, test cases naming parameters or operations that do not exist, operation inputs naming
//! members their input does not have. Each problem is an error naming its JSON path in the rule
//! set (`rules[2].conditions[0].argv[1]: ...`), the tests (`testCases[4].params.Region: ...`) or
//! the partition table, so the lowered values only hold what the evaluator understands.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::naming;

const RULE_SET: &str = "smithy.rules#endpointRuleSet";
const TESTS: &str = "smithy.rules#endpointTests";
const PARTITIONS: &str = "partitions.json";

// ---------------------------------------------------------------------------------------------
// Partitions

/// The AWS partition table (`partitions.json` 1.1), partitions in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partitions {
    pub partitions: Vec<Partition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// `aws`, `aws-cn`, ...: unique in the table.
    pub id: String,
    pub region_regex: String,
    /// The regions the table names, in file order.
    pub regions: Vec<KnownRegion>,
    pub outputs: PartitionOutputs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOutputs {
    pub name: String,
    pub dns_suffix: String,
    pub dual_stack_dns_suffix: String,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: String,
}

/// A region of a partition and what it overrides of the partition's outputs (in file order; its
/// `description` is dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownRegion {
    pub id: String,
    pub overrides: Vec<RegionOverride>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionOverride {
    DnsSuffix(String),
    DualStackDnsSuffix(String),
    ImplicitGlobalRegion(String),
    SupportsFips(bool),
    SupportsDualStack(bool),
}

/// Parses and lowers a partition table (`partitions.json`, format 1.1). `origin` names the input
/// in the errors of JSON and version; the table's contents are checked by
/// [`lower_partitions`]. Which file is the right one is the caller's to check (xtask verifies the
/// pinned sha256).
pub fn parse_partitions(bytes: &[u8], origin: &str) -> Result<Partitions, Error> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::input(origin, format!("not valid JSON: {e}")))?;
    match value.get("version").and_then(Value::as_str) {
        Some("1.1") => lower_partitions(&value),
        other => Err(Error::input(
            origin,
            format!("partition table version {other:?}, expected \"1.1\""),
        )),
    }
}

/// The partitions of a `partitions.json` value; errors are input errors located at
/// `partitions.json`, naming the partition and field.
pub fn lower_partitions(partitions: &Value) -> Result<Partitions, Error> {
    let err = |path: &str, msg: &str| Error::input(PARTITIONS, format!("{path}: {msg}"));
    let list = partitions
        .get("partitions")
        .and_then(Value::as_array)
        .ok_or_else(|| err("partitions", "missing or not an array"))?;
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, p) in list.iter().enumerate() {
        let at = format!("partitions[{i}]");
        let obj = p.as_object().ok_or_else(|| err(&at, "not an object"))?;
        let id = str_field(obj, "id").ok_or_else(|| err(&at, "`id` missing or not a string"))?;
        if !ids.insert(id) {
            return Err(err(&at, &format!("duplicate partition id `{id}`")));
        }
        let at = format!("partitions[{i}] ({id})");
        let region_regex = str_field(obj, "regionRegex")
            .ok_or_else(|| err(&at, "`regionRegex` missing or not a string"))?;
        let outputs = obj
            .get("outputs")
            .and_then(Value::as_object)
            .ok_or_else(|| err(&at, "`outputs` missing"))?;
        let s = |k: &str| {
            str_field(outputs, k)
                .map(str::to_string)
                .ok_or_else(|| err(&at, &format!("outputs.{k} missing or not a string")))
        };
        let b = |k: &str| {
            outputs
                .get(k)
                .and_then(Value::as_bool)
                .ok_or_else(|| err(&at, &format!("outputs.{k} missing or not a boolean")))
        };
        let outputs = PartitionOutputs {
            name: s("name")?,
            dns_suffix: s("dnsSuffix")?,
            dual_stack_dns_suffix: s("dualStackDnsSuffix")?,
            supports_fips: b("supportsFIPS")?,
            supports_dual_stack: b("supportsDualStack")?,
            implicit_global_region: s("implicitGlobalRegion")?,
        };
        let regions = obj
            .get("regions")
            .and_then(Value::as_object)
            .ok_or_else(|| err(&at, "`regions` missing"))?;
        let regions = regions
            .iter()
            .map(|(region, v)| {
                known_region(region, v).map_err(|m| err(&format!("{at}.regions.{region}"), &m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Partition {
            id: id.to_string(),
            region_regex: region_regex.to_string(),
            regions,
            outputs,
        });
    }
    Ok(Partitions { partitions: out })
}

fn known_region(id: &str, v: &Value) -> Result<KnownRegion, String> {
    let obj = v.as_object().ok_or("not an object")?;
    let mut overrides = Vec::new();
    for (k, v) in obj {
        overrides.push(match (k.as_str(), v) {
            ("description", Value::String(_)) => continue,
            ("dnsSuffix", Value::String(s)) => RegionOverride::DnsSuffix(s.clone()),
            ("dualStackDnsSuffix", Value::String(s)) => {
                RegionOverride::DualStackDnsSuffix(s.clone())
            }
            ("implicitGlobalRegion", Value::String(s)) => {
                RegionOverride::ImplicitGlobalRegion(s.clone())
            }
            ("supportsFIPS", Value::Bool(b)) => RegionOverride::SupportsFips(*b),
            ("supportsDualStack", Value::Bool(b)) => RegionOverride::SupportsDualStack(*b),
            _ => return Err(format!("unsupported region override `{k}`: {v}")),
        });
    }
    Ok(KnownRegion { id: id.to_string(), overrides })
}

// ---------------------------------------------------------------------------------------------
// Rule sets

/// A `smithy.rules#endpointRuleSet`, every reference resolved and every call checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// Sorted by name.
    pub parameters: Vec<ParamDef>,
    pub rules: Vec<Rule>,
}

/// A parameter of a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamDef {
    /// An identifier (`Region`, `UseFIPS`).
    pub name: String,
    pub ty: ParamType,
    /// `builtIn`; a known one has the type it must have.
    pub built_in: Option<BuiltIn>,
    pub required: bool,
    /// Of the parameter's type.
    pub default: Option<ParamValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    StringArray,
}

/// A parameter's `builtIn`: the four the runtime fills from its configuration, or another,
/// which the runtime treats as a plain parameter (and an endpoint test's `builtInParams` may
/// still name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuiltIn {
    /// `AWS::Region` (a string).
    Region,
    /// `AWS::UseFIPS` (a boolean).
    UseFips,
    /// `AWS::UseDualStack` (a boolean).
    UseDualStack,
    /// `SDK::Endpoint` (a string).
    Endpoint,
    Other(String),
}

impl BuiltIn {
    fn from_name(name: &str) -> Self {
        match name {
            "AWS::Region" => BuiltIn::Region,
            "AWS::UseFIPS" => BuiltIn::UseFips,
            "AWS::UseDualStack" => BuiltIn::UseDualStack,
            "SDK::Endpoint" => BuiltIn::Endpoint,
            other => BuiltIn::Other(other.to_string()),
        }
    }

    /// The name in the rule set (`AWS::Region`).
    pub fn name(&self) -> &str {
        match self {
            BuiltIn::Region => "AWS::Region",
            BuiltIn::UseFips => "AWS::UseFIPS",
            BuiltIn::UseDualStack => "AWS::UseDualStack",
            BuiltIn::Endpoint => "SDK::Endpoint",
            BuiltIn::Other(name) => name,
        }
    }

    /// The type a known built-in must have.
    fn ty(&self) -> Option<ParamType> {
        match self {
            BuiltIn::Region | BuiltIn::Endpoint => Some(ParamType::String),
            BuiltIn::UseFips | BuiltIn::UseDualStack => Some(ParamType::Boolean),
            BuiltIn::Other(_) => None,
        }
    }
}

/// A value of a parameter (a default, or a test case's setting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    String(String),
    Bool(bool),
    StringArray(Vec<String>),
}

impl ParamValue {
    /// `v` when it has type `ty`.
    fn of_type(v: &Value, ty: ParamType) -> Option<Self> {
        match (v, ty) {
            (Value::String(s), ParamType::String) => Some(ParamValue::String(s.clone())),
            (Value::Bool(b), ParamType::Boolean) => Some(ParamValue::Bool(*b)),
            (Value::Array(items), ParamType::StringArray) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::StringArray),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub conditions: Vec<Condition>,
    pub kind: RuleKind,
}

/// A condition: a function call, its result optionally assigned to a name visible to the
/// conditions after it and to the rule's result (and sub-rules).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Always an [`Expr::Call`] or [`Expr::GetAttr`].
    pub expr: Expr,
    pub assign: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    Endpoint(EndpointRule),
    /// The error message.
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRule {
    pub url: Expr,
    /// Header name → values, in the rule set's order.
    pub headers: Vec<(String, Vec<Expr>)>,
    /// Property name → value (literals may nest arrays and objects).
    pub properties: Vec<(String, Expr)>,
}

/// An expression of the rule language.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Bool(bool),
    Int(i64),
    /// A string without placeholders (`{{` and `}}` already unescaped).
    Str(String),
    /// A string with placeholders: literal text and values.
    Template(Vec<TemplatePart>),
    /// A parameter or an assigned name, in scope where it is used.
    Ref(String),
    /// `getAttr` (also a template's `{Name#path}`), the path parsed.
    GetAttr(Box<Expr>, Vec<PathSegment>),
    /// A library function other than `getAttr`, with the number of arguments it takes.
    Call(Func, Vec<Expr>),
    /// Only in endpoint properties.
    Array(Vec<Expr>),
    /// Only in endpoint properties.
    Object(Vec<(String, Expr)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Value(Expr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// The library functions other than `getAttr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    BooleanEquals,
    StringEquals,
    IsSet,
    Not,
    Coalesce,
    Substring,
    IsValidHostLabel,
    ParseUrl,
    UriEncode,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

/// Rule-set name, function, arity (`None`: at least one).
const FUNCTIONS: &[(&str, Func, Option<usize>)] = &[
    ("booleanEquals", Func::BooleanEquals, Some(2)),
    ("stringEquals", Func::StringEquals, Some(2)),
    ("isSet", Func::IsSet, Some(1)),
    ("not", Func::Not, Some(1)),
    ("coalesce", Func::Coalesce, None),
    ("substring", Func::Substring, Some(4)),
    ("isValidHostLabel", Func::IsValidHostLabel, Some(2)),
    ("parseURL", Func::ParseUrl, Some(1)),
    ("uriEncode", Func::UriEncode, Some(1)),
    ("aws.partition", Func::AwsPartition, Some(1)),
    ("aws.parseArn", Func::AwsParseArn, Some(1)),
    ("aws.isVirtualHostableS3Bucket", Func::AwsIsVirtualHostableS3Bucket, Some(2)),
];

/// Lowers the value of a `smithy.rules#endpointRuleSet` trait.
pub fn lower_rule_set(rule_set: &Value) -> Result<RuleSet, Error> {
    let obj = rule_set.as_object().ok_or_else(|| rs_err("", "the rule set is not an object"))?;
    match obj.get("version").and_then(Value::as_str) {
        Some(v) if v == "1.0" || v.starts_with("1.") => {}
        other => return Err(rs_err("version", &format!("unsupported rule set version {other:?}"))),
    }
    let params = parse_parameters(obj.get("parameters"))?;
    let mut scope: Vec<String> = params.keys().cloned().collect();
    let rules = obj.get("rules").ok_or_else(|| rs_err("rules", "missing"))?;
    let rules = parse_rules(rules, "rules", &mut scope)?;
    Ok(RuleSet { parameters: params.into_values().collect(), rules })
}

fn rs_err(path: &str, msg: &str) -> Error {
    if path.is_empty() {
        Error::model(RULE_SET, msg)
    } else {
        Error::model(RULE_SET, format!("{path}: {msg}"))
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
            Some("string") => ParamType::String,
            Some("boolean") => ParamType::Boolean,
            Some("stringarray") => ParamType::StringArray,
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
            Some(d) => Some(ParamValue::of_type(d, ty).ok_or_else(|| {
                rs_err(&at, &format!("default {d} does not have the parameter's type"))
            })?),
        };
        let built_in = match p.get("builtIn") {
            None => None,
            Some(Value::String(b)) => {
                let built_in = BuiltIn::from_name(b);
                if built_in.ty().is_some_and(|t| t != ty) {
                    return Err(rs_err(&at, &format!("built-in `{b}` has the wrong type {ty:?}")));
                }
                Some(built_in)
            }
            Some(other) => {
                return Err(rs_err(&at, &format!("`builtIn` must be a string, got {other}")))
            }
        };
        out.insert(name.clone(), ParamDef { name: name.clone(), ty, built_in, required, default });
    }
    Ok(out)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `scope` holds the names visible to these rules.
fn parse_rules(v: &Value, at: &str, scope: &mut Vec<String>) -> Result<Vec<Rule>, Error> {
    let list = v.as_array().ok_or_else(|| rs_err(at, "not an array of rules"))?;
    list.iter()
        .enumerate()
        .map(|(i, rule)| parse_rule(rule, &format!("{at}[{i}]"), scope))
        .collect()
}

fn parse_rule(v: &Value, at: &str, scope: &mut Vec<String>) -> Result<Rule, Error> {
    let obj = v.as_object().ok_or_else(|| rs_err(at, "a rule must be an object"))?;
    let mark = scope.len();
    let list = obj
        .get("conditions")
        .and_then(Value::as_array)
        .ok_or_else(|| rs_err(at, "`conditions` missing"))?;
    let mut conditions = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let cat = format!("{at}.conditions[{i}]");
        let cobj = c.as_object().ok_or_else(|| rs_err(&cat, "a condition must be an object"))?;
        if !cobj.contains_key("fn") {
            return Err(rs_err(&cat, "a condition must be a function call (`fn`)"));
        }
        let expr = parse_expr(c, &cat, scope, false)?;
        let assign = match cobj.get("assign") {
            None => None,
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
                Some(name.clone())
            }
            Some(other) => {
                return Err(rs_err(&cat, &format!("`assign` must be a string, got {other}")))
            }
        };
        conditions.push(Condition { expr, assign });
    }
    let kind = match obj.get("type").and_then(Value::as_str) {
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
                        headers.push((name.clone(), values));
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
                        properties.push((name.clone(), value));
                    }
                }
                Some(_) => return Err(rs_err(&eat, "`properties` must be an object")),
            }
            RuleKind::Endpoint(EndpointRule { url, headers, properties })
        }
        Some("error") => {
            let e = obj.get("error").ok_or_else(|| rs_err(at, "`error` missing"))?;
            RuleKind::Error(parse_expr(e, &format!("{at}.error"), scope, false)?)
        }
        Some("tree") => {
            let sub = obj.get("rules").ok_or_else(|| rs_err(at, "`rules` missing"))?;
            RuleKind::Tree(parse_rules(sub, &format!("{at}.rules"), scope)?)
        }
        other => return Err(rs_err(at, &format!("unknown rule type {other:?}"))),
    };
    scope.truncate(mark);
    Ok(Rule { conditions, kind })
}

/// An expression. `literals`: arrays and plain objects are allowed (endpoint properties).
fn parse_expr(v: &Value, at: &str, scope: &[String], literals: bool) -> Result<Expr, Error> {
    match v {
        Value::Bool(b) => Ok(Expr::Bool(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Expr::Int(i)),
            None => Err(rs_err(at, &format!("only integer numbers are supported, got {n}"))),
        },
        Value::String(s) => parse_template(s, at, scope),
        Value::Object(obj) if obj.contains_key("ref") => {
            let name = obj
                .get("ref")
                .and_then(Value::as_str)
                .ok_or_else(|| rs_err(at, "`ref` must be a string"))?;
            check_in_scope(name, at, scope)?;
            Ok(Expr::Ref(name.to_string()))
        }
        Value::Object(obj) if obj.contains_key("fn") => parse_call(obj, at, scope),
        Value::Array(items) if literals => items
            .iter()
            .enumerate()
            .map(|(i, v)| parse_expr(v, &format!("{at}[{i}]"), scope, true))
            .collect::<Result<Vec<_>, _>>()
            .map(Expr::Array),
        Value::Object(obj) if literals => obj
            .iter()
            .map(|(k, v)| Ok((k.clone(), parse_expr(v, &format!("{at}.{k}"), scope, true)?)))
            .collect::<Result<Vec<_>, Error>>()
            .map(Expr::Object),
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

fn parse_call(obj: &Map<String, Value>, at: &str, scope: &[String]) -> Result<Expr, Error> {
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
        return Ok(Expr::GetAttr(Box::new(target), path));
    }
    let (_, func, arity) = FUNCTIONS
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
    Ok(Expr::Call(*func, args))
}

/// A `getAttr` path (`a.b[2]`) as segments.
fn parse_path(path: &str) -> Result<Vec<PathSegment>, String> {
    if path.is_empty() {
        return Err("empty getAttr path".to_string());
    }
    let mut out = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((key, rest)) => {
                if !key.is_empty() {
                    out.push(PathSegment::Key(key.to_string()));
                }
                let index = rest
                    .strip_suffix(']')
                    .and_then(|i| i.parse::<usize>().ok())
                    .ok_or_else(|| format!("bad index in getAttr path `{path}`"))?;
                out.push(PathSegment::Index(index));
            }
            None if !part.is_empty() => out.push(PathSegment::Key(part.to_string())),
            None => return Err(format!("empty key in getAttr path `{path}`")),
        }
    }
    Ok(out)
}

/// A string: [`Expr::Str`] without placeholders, else [`Expr::Template`]. `{{` and `}}` are
/// braces.
fn parse_template(s: &str, at: &str, scope: &[String]) -> Result<Expr, Error> {
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
                    parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
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
                    None => Expr::Ref(name.to_string()),
                    Some(p) => {
                        let p = parse_path(p).map_err(|m| rs_err(at, &m))?;
                        Expr::GetAttr(Box::new(Expr::Ref(name.to_string())), p)
                    }
                };
                parts.push(TemplatePart::Value(value));
                has_value = true;
            }
            '}' => return Err(rs_err(at, &format!("unmatched `}}` in template {s:?}"))),
            c => literal.push(c),
        }
    }
    if !has_value {
        return Ok(Expr::Str(literal));
    }
    if !literal.is_empty() {
        parts.push(TemplatePart::Literal(literal));
    }
    Ok(Expr::Template(parts))
}

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

// ---------------------------------------------------------------------------------------------
// Endpoint tests

/// The cases of a `smithy.rules#endpointTests` trait, in the trait's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointTests {
    pub cases: Vec<TestCase>,
}

impl EndpointTests {
    /// Whether some case sets a parameter that is not one of the runtime's four built-ins (the
    /// test file then names `ParamValue`).
    pub fn sets_other_params(&self) -> bool {
        let other = |s: &ParamSetting| matches!(s, ParamSetting::Other(..));
        self.cases.iter().any(|c| {
            c.params.iter().any(other)
                || c.operation_inputs.iter().any(|o| o.params.iter().any(other))
        })
    }
}

/// One endpoint test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The test function's name (from the case's documentation, unique in the file).
    pub fn_name: String,
    /// The case's `documentation`, when not empty.
    pub docs: Option<String>,
    /// `params`, in the case's order.
    pub params: Vec<ParamSetting>,
    /// `operationInputs`: the same expectation, for the parameters a call of each would resolve
    /// with.
    pub operation_inputs: Vec<OperationInput>,
    pub expect: Expectation,
}

/// A parameter a case sets, by the `EndpointParams` setter that sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamSetting {
    Region(String),
    Endpoint(String),
    UseFips(bool),
    UseDualStack(bool),
    /// Any other parameter, by name.
    Other(String, ParamValue),
}

/// An operation of the service, as endpoint tests name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// The model's name (`GetItem`), which is also its marker type's name.
    pub name: String,
    /// Its module under `operation` (`get_item`).
    pub module: String,
    /// The wire names of its input's members.
    pub input_members: Vec<String>,
}

/// One of a case's `operationInputs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInput {
    /// The operation's marker type (`GetItem`).
    pub operation: String,
    /// Its module under `operation` (`get_item`).
    pub module: String,
    /// `operationParams` as JSON text (an object whose keys are members of the input), which the
    /// test decodes into the input as a response body is decoded.
    pub input_json: String,
    /// `builtInParams`, then `clientParams`.
    pub params: Vec<ParamSetting>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// The exact error message.
    Error(String),
    Endpoint {
        url: String,
        /// When the case gives them: name → values, in the case's order.
        headers: Option<Vec<(String, Vec<String>)>>,
        /// When the case gives them: the properties object as JSON text.
        properties: Option<String>,
    },
}

/// Lowers a `smithy.rules#endpointTests` trait value against the service's lowered rule set.
/// `operations` are the service's operations, which the cases' `operationInputs` may name.
pub fn lower_tests(
    tests: &Value,
    rules: &RuleSet,
    operations: &[OperationRef],
) -> Result<EndpointTests, Error> {
    let err = |path: &str, msg: &str| Error::model(TESTS, format!("{path}: {msg}"));
    let cases = tests
        .get("testCases")
        .and_then(Value::as_array)
        .ok_or_else(|| err("testCases", "missing or not an array"))?;
    let setting = |pname: &str, value: &Value, pat: &str| -> Result<ParamSetting, Error> {
        let def = rules
            .parameters
            .iter()
            .find(|p| p.name == pname)
            .ok_or_else(|| err(pat, "not a parameter of the rule set"))?;
        let value = ParamValue::of_type(value, def.ty).ok_or_else(|| {
            err(pat, &format!("{value} does not have the parameter's type {:?}", def.ty))
        })?;
        Ok(match (&def.built_in, value) {
            (Some(BuiltIn::Region), ParamValue::String(s)) => ParamSetting::Region(s),
            (Some(BuiltIn::Endpoint), ParamValue::String(s)) => ParamSetting::Endpoint(s),
            (Some(BuiltIn::UseFips), ParamValue::Bool(b)) => ParamSetting::UseFips(b),
            (Some(BuiltIn::UseDualStack), ParamValue::Bool(b)) => ParamSetting::UseDualStack(b),
            (_, value) => ParamSetting::Other(pname.to_string(), value),
        })
    };
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let at = format!("testCases[{i}]");
        let case = case.as_object().ok_or_else(|| err(&at, "not an object"))?;
        let doc = case.get("documentation").and_then(Value::as_str).unwrap_or("");
        let fn_name = naming::test_fn_name(doc, i, &mut names);

        let mut params = Vec::new();
        if let Some(given) = case.get("params") {
            let given =
                given.as_object().ok_or_else(|| err(&format!("{at}.params"), "not an object"))?;
            for (pname, value) in given {
                params.push(setting(pname, value, &format!("{at}.params.{pname}"))?);
            }
        }
        let mut operation_inputs = Vec::new();
        for (j, input) in
            case.get("operationInputs").and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            let oat = format!("{at}.operationInputs[{j}]");
            let op_name = input
                .get("operationName")
                .and_then(Value::as_str)
                .ok_or_else(|| err(&oat, "no `operationName`"))?;
            let op = operations.iter().find(|o| o.name == op_name).ok_or_else(|| {
                err(&oat, &format!("`{op_name}` is not an operation of the service"))
            })?;
            let mut op_params = Vec::new();
            for (key, by_builtin) in [("builtInParams", true), ("clientParams", false)] {
                for (k, value) in input.get(key).and_then(Value::as_object).into_iter().flatten() {
                    let pat = format!("{oat}.{key}.{k}");
                    let pname = if by_builtin {
                        let found = rules
                            .parameters
                            .iter()
                            .find(|d| d.built_in.as_ref().is_some_and(|b| b.name() == k.as_str()));
                        found.map(|d| d.name.clone()).ok_or_else(|| {
                            err(&pat, "no parameter of the rule set has this built-in")
                        })?
                    } else {
                        k.clone()
                    };
                    op_params.push(setting(&pname, value, &pat)?);
                }
            }
            let input_json = match input.get("operationParams") {
                None => "{}".to_string(),
                Some(Value::Object(members)) => {
                    for key in members.keys() {
                        if !op.input_members.contains(key) {
                            return Err(err(
                                &format!("{oat}.operationParams.{key}"),
                                &format!("not a member of the input of `{op_name}`"),
                            ));
                        }
                    }
                    Value::Object(members.clone()).to_string()
                }
                Some(_) => return Err(err(&format!("{oat}.operationParams"), "not an object")),
            };
            operation_inputs.push(OperationInput {
                operation: op.name.clone(),
                module: op.module.clone(),
                input_json,
                params: op_params,
            });
        }

        let expect = case
            .get("expect")
            .and_then(Value::as_object)
            .ok_or_else(|| err(&at, "`expect` missing"))?;
        let expect = if let Some(message) = expect.get("error") {
            let message =
                message.as_str().ok_or_else(|| err(&at, "`expect.error` must be a string"))?;
            Expectation::Error(message.to_string())
        } else if let Some(ep) = expect.get("endpoint") {
            let eat = format!("{at}.expect.endpoint");
            let ep = ep.as_object().ok_or_else(|| err(&eat, "not an object"))?;
            let url =
                str_field(ep, "url").ok_or_else(|| err(&eat, "`url` missing or not a string"))?;
            let headers = match ep.get("headers") {
                None => None,
                Some(headers) => {
                    let headers = headers
                        .as_object()
                        .ok_or_else(|| err(&eat, "`headers` must be an object"))?;
                    let mut entries = Vec::new();
                    for (name, values) in headers {
                        let values = values
                            .as_array()
                            .and_then(|v| {
                                v.iter()
                                    .map(|s| s.as_str().map(str::to_string))
                                    .collect::<Option<Vec<_>>>()
                            })
                            .ok_or_else(|| {
                                err(&format!("{eat}.headers.{name}"), "must be an array of strings")
                            })?;
                        entries.push((name.clone(), values));
                    }
                    Some(entries)
                }
            };
            let properties = match ep.get("properties") {
                None => None,
                Some(p) if p.is_object() => Some(p.to_string()),
                Some(_) => return Err(err(&eat, "`properties` must be an object")),
            };
            Expectation::Endpoint { url: url.to_string(), headers, properties }
        } else {
            return Err(err(&at, "`expect` has neither `endpoint` nor `error`"));
        };
        out.push(TestCase {
            fn_name,
            docs: (!doc.is_empty()).then(|| doc.to_string()),
            params,
            operation_inputs,
            expect,
        });
    }
    Ok(EndpointTests { cases: out })
}

#[cfg(test)]
mod tests;
