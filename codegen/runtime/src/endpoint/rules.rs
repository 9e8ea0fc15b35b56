//! Smithy endpoint rule sets (`smithy.rules#endpointRuleSet`) as static data, and their evaluator.
//!
//! The generator (`codegen::ir::endpoints` checks it, `codegen::emit::endpoints` writes it)
//! turns a model's rule set into one `static` [`RuleSet`] item: parameters, rules, conditions
//! and expressions are `&'static` slices of the types below, with templates and `getAttr` paths
//! already split, so nothing is parsed at run time. [`RuleSet`]
//! implements [`ResolveEndpoint`]:
//!
//! ```
//! use awsjson_runtime::endpoint::rules::*;
//! use awsjson_runtime::endpoint::{EndpointParams, Partitions, ResolveEndpoint};
//!
//! static NO_PARTITIONS: Partitions = Partitions { partitions: &[] };
//! static RULES: RuleSet = RuleSet {
//!     parameters: &[Parameter {
//!         name: "Region",
//!         ty: ParamType::String,
//!         built_in: Some(BuiltIn::Region),
//!         required: false,
//!         default: None,
//!     }],
//!     rules: &[
//!         Rule {
//!             conditions: &[Condition { expr: Expr::Call(Func::IsSet, &[Expr::Ref("Region")]), assign: None }],
//!             result: RuleResult::Endpoint(EndpointTemplate {
//!                 url: Expr::Template(&[
//!                     TemplatePart::Literal("https://svc."),
//!                     TemplatePart::Value(Expr::Ref("Region")),
//!                     TemplatePart::Literal(".example.com"),
//!                 ]),
//!                 headers: &[],
//!                 properties: &[],
//!             }),
//!         },
//!         Rule { conditions: &[], result: RuleResult::Error(Expr::Str("Missing Region")) },
//!     ],
//!     partitions: &NO_PARTITIONS,
//! };
//!
//! // How a generated crate plugs it into `ServiceMeta::endpoint_resolver`:
//! static RESOLVER: &dyn ResolveEndpoint = &RULES;
//!
//! let ep = RESOLVER.resolve_endpoint(&EndpointParams::new().with_region("eu-west-1")).unwrap();
//! assert_eq!(ep.url, "https://svc.eu-west-1.example.com");
//! assert_eq!(RULES.resolve_endpoint(&EndpointParams::new()).unwrap_err().message(), "Missing Region");
//! ```

use std::fmt;

use super::partition::{PartitionOutputs, Partitions};
use super::{functions, Endpoint, EndpointError, EndpointParams, ParamValue, ResolveEndpoint};
use crate::types::Document;

/// A whole rule set with the partition table `aws.partition` consults.
pub struct RuleSet {
    pub parameters: &'static [Parameter],
    pub rules: &'static [Rule],
    pub partitions: &'static Partitions,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("parameters", &self.parameters.iter().map(|p| p.name).collect::<Vec<_>>())
            .field("rules", &self.rules.len())
            .field("partitions", &self.partitions.partitions.len())
            .finish()
    }
}

/// A parameter of the rule set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameter {
    /// The rule-set name (`Region`, `UseFIPS`, ...), which `ref` expressions use.
    pub name: &'static str,
    pub ty: ParamType,
    /// Where the value comes from when it is one of the built-ins [`EndpointParams`] has a field
    /// for; `None` means [`EndpointParams::other`], by `name`.
    pub built_in: Option<BuiltIn>,
    pub required: bool,
    pub default: Option<Literal>,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    StringArray,
}

/// The built-ins with a field in [`EndpointParams`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltIn {
    /// `AWS::Region` → [`EndpointParams::region`].
    Region,
    /// `AWS::UseFIPS` → [`EndpointParams::use_fips`].
    UseFips,
    /// `AWS::UseDualStack` → [`EndpointParams::use_dual_stack`].
    UseDualStack,
    /// `SDK::Endpoint` → [`EndpointParams::endpoint`].
    Endpoint,
}

impl BuiltIn {
    /// The built-in named `name` in a rule set (`AWS::Region`, ...), if it has a field.
    pub fn from_name(name: &str) -> Option<BuiltIn> {
        match name {
            "AWS::Region" => Some(BuiltIn::Region),
            "AWS::UseFIPS" => Some(BuiltIn::UseFips),
            "AWS::UseDualStack" => Some(BuiltIn::UseDualStack),
            "SDK::Endpoint" => Some(BuiltIn::Endpoint),
            _ => None,
        }
    }
}

/// A literal parameter default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    String(&'static str),
    Bool(bool),
    StringArray(&'static [&'static str]),
}

/// A rule: conditions that must all hold, then a result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub conditions: &'static [Condition],
    pub result: RuleResult,
}

/// What a rule gives when its conditions hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RuleResult {
    /// An `endpoint` rule.
    Endpoint(EndpointTemplate),
    /// An `error` rule, with its message (a template).
    Error(Expr),
    /// A `tree` rule: one of these rules must then match.
    Tree(&'static [Rule]),
}

/// The endpoint of an `endpoint` rule, before evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndpointTemplate {
    pub url: Expr,
    /// Header name → values, in rule-set order.
    pub headers: &'static [(&'static str, &'static [Expr])],
    /// Property name → value, in rule-set order.
    pub properties: &'static [(&'static str, Expr)],
}

/// One condition: a function call that holds when it gives `true` or any other set value, whose
/// value is then bound to `assign` for the rest of the rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub expr: Expr,
    pub assign: Option<&'static str>,
}

/// An expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expr {
    Bool(bool),
    Int(i64),
    /// A string without template placeholders.
    Str(&'static str),
    /// A string with `{name}` / `{name#path}` placeholders, already split.
    Template(&'static [TemplatePart]),
    /// A parameter or an assigned variable.
    Ref(&'static str),
    /// `getAttr(value, path)`, the path already split.
    GetAttr(&'static Expr, &'static [PathSegment]),
    /// Any other library function.
    Call(Func, &'static [Expr]),
    /// An array literal (in endpoint properties).
    Array(&'static [Expr]),
    /// An object literal (in endpoint properties).
    Object(&'static [(&'static str, Expr)]),
}

/// A piece of a template string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TemplatePart {
    Literal(&'static str),
    /// `{Region}` is `Value(Ref("Region"))`; `{P#a.b}` is `Value(GetAttr(Ref("P"), [a, b]))`.
    Value(Expr),
}

/// A step of a `getAttr` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSegment {
    Key(&'static str),
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

impl Func {
    /// The function named `name` in a rule set, with its arity (`None` for variadic `coalesce`).
    pub fn from_name(name: &str) -> Option<(Func, Option<usize>)> {
        Some(match name {
            "booleanEquals" => (Func::BooleanEquals, Some(2)),
            "stringEquals" => (Func::StringEquals, Some(2)),
            "isSet" => (Func::IsSet, Some(1)),
            "not" => (Func::Not, Some(1)),
            "coalesce" => (Func::Coalesce, None),
            "substring" => (Func::Substring, Some(4)),
            "isValidHostLabel" => (Func::IsValidHostLabel, Some(2)),
            "parseURL" => (Func::ParseUrl, Some(1)),
            "uriEncode" => (Func::UriEncode, Some(1)),
            "aws.partition" => (Func::AwsPartition, Some(1)),
            "aws.parseArn" => (Func::AwsParseArn, Some(1)),
            "aws.isVirtualHostableS3Bucket" => (Func::AwsIsVirtualHostableS3Bucket, Some(2)),
            _ => return None,
        })
    }

    /// The rule-set name of the function.
    pub fn name(self) -> &'static str {
        match self {
            Func::BooleanEquals => "booleanEquals",
            Func::StringEquals => "stringEquals",
            Func::IsSet => "isSet",
            Func::Not => "not",
            Func::Coalesce => "coalesce",
            Func::Substring => "substring",
            Func::IsValidHostLabel => "isValidHostLabel",
            Func::ParseUrl => "parseURL",
            Func::UriEncode => "uriEncode",
            Func::AwsPartition => "aws.partition",
            Func::AwsParseArn => "aws.parseArn",
            Func::AwsIsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
        }
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Bool(bool),
    Int(i64),
    Array(Vec<Value>),
    /// Fields in the order they were made (an object of the rules has a handful of them).
    Object(Vec<(String, Value)>),
}

impl Value {
    fn from_literal(lit: &Literal) -> Value {
        match lit {
            Literal::String(s) => Value::String((*s).to_string()),
            Literal::Bool(b) => Value::Bool(*b),
            Literal::StringArray(a) => {
                Value::Array(a.iter().map(|s| Value::String((*s).to_string())).collect())
            }
        }
    }

    fn from_param(v: &ParamValue) -> Value {
        match v {
            ParamValue::String(s) => Value::String(s.clone()),
            ParamValue::Bool(b) => Value::Bool(*b),
            ParamValue::StringArray(a) => {
                Value::Array(a.iter().cloned().map(Value::String).collect())
            }
        }
    }

    fn has_type(&self, ty: ParamType) -> bool {
        match (self, ty) {
            (Value::String(_), ParamType::String) | (Value::Bool(_), ParamType::Boolean) => true,
            (Value::Array(items), ParamType::StringArray) => {
                items.iter().all(|i| matches!(i, Value::String(_)))
            }
            _ => false,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    fn to_document(&self) -> Document {
        match self {
            Value::String(s) => Document::String(s.clone()),
            Value::Bool(b) => Document::Bool(*b),
            Value::Int(i) => Document::from(*i),
            Value::Array(a) => Document::Array(a.iter().map(Value::to_document).collect()),
            Value::Object(o) => {
                Document::Object(o.iter().map(|(k, v)| (k.clone(), v.to_document())).collect())
            }
        }
    }

    fn partition(p: PartitionOutputs) -> Value {
        let s = |v: &str| Value::String(v.to_string());
        Value::Object(Vec::from([
            ("name".to_string(), s(p.name)),
            ("dnsSuffix".to_string(), s(p.dns_suffix)),
            ("dualStackDnsSuffix".to_string(), s(p.dual_stack_dns_suffix)),
            ("supportsFIPS".to_string(), Value::Bool(p.supports_fips)),
            ("supportsDualStack".to_string(), Value::Bool(p.supports_dual_stack)),
            ("implicitGlobalRegion".to_string(), s(p.implicit_global_region)),
        ]))
    }
}

/// A rule set that is not what the specification allows (a generator bug or hand-written data).
fn invalid(message: impl fmt::Display) -> EndpointError {
    EndpointError::new(format!("invalid endpoint rule set: {message}"))
}

/// Variables in scope: parameters, then `assign`ed values, innermost last.
type Scope = Vec<(&'static str, Value)>;

impl RuleSet {
    /// Evaluates the rule set for `params`.
    pub fn resolve(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError> {
        let mut scope = self.bind_parameters(params)?;
        match self.eval_rules(self.rules, &mut scope)? {
            Some(endpoint) => Ok(endpoint),
            None => Err(EndpointError::new("no endpoint rule matched the endpoint parameters")),
        }
    }

    fn bind_parameters(&self, params: &EndpointParams) -> Result<Scope, EndpointError> {
        if let Some(unknown) = params
            .other
            .keys()
            .find(|k| !self.parameters.iter().any(|p| p.built_in.is_none() && p.name == *k))
        {
            return Err(EndpointError::new(format!("unknown endpoint parameter `{unknown}`")));
        }
        let mut scope = Vec::with_capacity(self.parameters.len());
        for p in self.parameters {
            let given = match p.built_in {
                Some(BuiltIn::Region) => params.region.clone().map(Value::String),
                Some(BuiltIn::UseFips) => Some(Value::Bool(params.use_fips)),
                Some(BuiltIn::UseDualStack) => Some(Value::Bool(params.use_dual_stack)),
                Some(BuiltIn::Endpoint) => params.endpoint.clone().map(Value::String),
                None => params.other.get(p.name).map(Value::from_param),
            };
            let value = given.or_else(|| p.default.as_ref().map(Value::from_literal));
            match value {
                Some(v) if !v.has_type(p.ty) => {
                    return Err(EndpointError::new(format!(
                        "endpoint parameter `{}` must be {}, not {}",
                        p.name,
                        match p.ty {
                            ParamType::String => "a string",
                            ParamType::Boolean => "a boolean",
                            ParamType::StringArray => "an array of strings",
                        },
                        v.kind()
                    )))
                }
                Some(v) => scope.push((p.name, v)),
                None if p.required => {
                    return Err(EndpointError::new(format!(
                        "required endpoint parameter `{}` is not set",
                        p.name
                    )))
                }
                None => {}
            }
        }
        Ok(scope)
    }

    /// The first matching rule's endpoint; `Ok(None)` when no rule matches.
    fn eval_rules(
        &self,
        rules: &[Rule],
        scope: &mut Scope,
    ) -> Result<Option<Endpoint>, EndpointError> {
        for rule in rules {
            let mark = scope.len();
            if self.conditions_hold(rule.conditions, scope)? {
                return match &rule.result {
                    RuleResult::Endpoint(t) => self.build_endpoint(t, scope).map(Some),
                    RuleResult::Error(message) => Err(EndpointError::new(self.eval_string(message, scope)?)),
                    RuleResult::Tree(sub) => match self.eval_rules(sub, scope)? {
                        Some(endpoint) => Ok(Some(endpoint)),
                        None => Err(EndpointError::new(
                            "no endpoint rule matched the endpoint parameters (a tree rule matched, none of its rules did)",
                        )),
                    },
                };
            }
            scope.truncate(mark);
        }
        Ok(None)
    }

    fn conditions_hold(
        &self,
        conditions: &[Condition],
        scope: &mut Scope,
    ) -> Result<bool, EndpointError> {
        for c in conditions {
            let value = self.eval(&c.expr, scope)?;
            let holds = match &value {
                None | Some(Value::Bool(false)) => false,
                Some(_) => true,
            };
            if !holds {
                return Ok(false);
            }
            if let (Some(name), Some(v)) = (c.assign, value) {
                scope.push((name, v));
            }
        }
        Ok(true)
    }

    fn build_endpoint(
        &self,
        t: &EndpointTemplate,
        scope: &Scope,
    ) -> Result<Endpoint, EndpointError> {
        let mut endpoint = Endpoint::new(self.eval_string(&t.url, scope)?);
        for (name, values) in t.headers {
            let values =
                values.iter().map(|v| self.eval_string(v, scope)).collect::<Result<Vec<_>, _>>()?;
            endpoint.headers.entry((*name).to_string()).or_default().extend(values);
        }
        for (name, value) in t.properties {
            let value = self
                .eval(value, scope)?
                .ok_or_else(|| invalid(format!("endpoint property `{name}` has no value")))?;
            endpoint.properties.insert((*name).to_string(), value.to_document());
        }
        Ok(endpoint)
    }

    fn eval_string(&self, expr: &Expr, scope: &Scope) -> Result<String, EndpointError> {
        match self.eval(expr, scope)? {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(invalid(format!("expected a string, got {}", other.kind()))),
            None => Err(invalid("a string expression has no value")),
        }
    }

    fn eval(&self, expr: &Expr, scope: &Scope) -> Result<Option<Value>, EndpointError> {
        Ok(match expr {
            Expr::Bool(b) => Some(Value::Bool(*b)),
            Expr::Int(i) => Some(Value::Int(*i)),
            Expr::Str(s) => Some(Value::String((*s).to_string())),
            Expr::Template(parts) => {
                let mut out = String::new();
                for part in *parts {
                    match part {
                        TemplatePart::Literal(s) => out.push_str(s),
                        TemplatePart::Value(e) => out.push_str(&self.eval_string(e, scope)?),
                    }
                }
                Some(Value::String(out))
            }
            Expr::Ref(name) => scope.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone()),
            Expr::GetAttr(target, path) => match self.eval(target, scope)? {
                Some(v) => get_attr(v, path)?,
                None => None,
            },
            Expr::Call(func, args) => self.call(*func, args, scope)?,
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in *items {
                    out.push(
                        self.eval(item, scope)?
                            .ok_or_else(|| invalid("an array item has no value"))?,
                    );
                }
                Some(Value::Array(out))
            }
            Expr::Object(fields) => {
                let mut out: Vec<(String, Value)> = Vec::with_capacity(fields.len());
                for (k, v) in *fields {
                    let v = self
                        .eval(v, scope)?
                        .ok_or_else(|| invalid(format!("object field `{k}` has no value")))?;
                    match out.iter_mut().find(|(name, _)| name == k) {
                        Some(field) => field.1 = v,
                        None => out.push(((*k).to_string(), v)),
                    }
                }
                Some(Value::Object(out))
            }
        })
    }

    fn call(
        &self,
        func: Func,
        args: &[Expr],
        scope: &Scope,
    ) -> Result<Option<Value>, EndpointError> {
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(invalid(format!("`{}` takes {n} arguments, got {}", func.name(), args.len())))
            }
        };
        let string = |i: usize| -> Result<Option<String>, EndpointError> {
            match self.eval(&args[i], scope)? {
                Some(Value::String(s)) => Ok(Some(s)),
                None => Ok(None),
                Some(other) => Err(invalid(format!(
                    "argument {} of `{}` must be a string, got {}",
                    i + 1,
                    func.name(),
                    other.kind()
                ))),
            }
        };
        let boolean = |i: usize| -> Result<Option<bool>, EndpointError> {
            match self.eval(&args[i], scope)? {
                Some(Value::Bool(b)) => Ok(Some(b)),
                None => Ok(None),
                Some(other) => Err(invalid(format!(
                    "argument {} of `{}` must be a boolean, got {}",
                    i + 1,
                    func.name(),
                    other.kind()
                ))),
            }
        };
        let int = |i: usize| -> Result<Option<i64>, EndpointError> {
            match self.eval(&args[i], scope)? {
                Some(Value::Int(n)) => Ok(Some(n)),
                None => Ok(None),
                Some(other) => Err(invalid(format!(
                    "argument {} of `{}` must be an integer, got {}",
                    i + 1,
                    func.name(),
                    other.kind()
                ))),
            }
        };
        Ok(match func {
            Func::IsSet => {
                arity(1)?;
                Some(Value::Bool(self.eval(&args[0], scope)?.is_some()))
            }
            Func::Not => {
                arity(1)?;
                boolean(0)?.map(|b| Value::Bool(!b))
            }
            Func::BooleanEquals => {
                arity(2)?;
                let (a, b) = (boolean(0)?, boolean(1)?);
                Some(Value::Bool(a.is_some() && a == b))
            }
            Func::StringEquals => {
                arity(2)?;
                let (a, b) = (string(0)?, string(1)?);
                Some(Value::Bool(a.is_some() && a == b))
            }
            Func::Coalesce => {
                if args.is_empty() {
                    return Err(invalid("`coalesce` takes at least one argument"));
                }
                let mut found = None;
                for a in args {
                    if let Some(v) = self.eval(a, scope)? {
                        found = Some(v);
                        break;
                    }
                }
                found
            }
            Func::Substring => {
                arity(4)?;
                match (string(0)?, int(1)?, int(2)?, boolean(3)?) {
                    (Some(s), Some(start), Some(stop), Some(rev)) => {
                        functions::substring(&s, start, stop, rev).map(Value::String)
                    }
                    _ => None,
                }
            }
            Func::IsValidHostLabel => {
                arity(2)?;
                match (string(0)?, boolean(1)?) {
                    (Some(s), Some(sub)) => {
                        Some(Value::Bool(functions::is_valid_host_label(&s, sub)))
                    }
                    _ => Some(Value::Bool(false)),
                }
            }
            Func::ParseUrl => {
                arity(1)?;
                string(0)?.and_then(|s| functions::parse_url(&s)).map(|u| {
                    Value::Object(Vec::from([
                        ("scheme".to_string(), Value::String(u.scheme)),
                        ("authority".to_string(), Value::String(u.authority)),
                        ("path".to_string(), Value::String(u.path)),
                        ("normalizedPath".to_string(), Value::String(u.normalized_path)),
                        ("isIp".to_string(), Value::Bool(u.is_ip)),
                    ]))
                })
            }
            Func::UriEncode => {
                arity(1)?;
                string(0)?.map(|s| Value::String(functions::uri_encode(&s)))
            }
            Func::AwsPartition => {
                arity(1)?;
                match string(0)? {
                    Some(region) => self.partitions.resolve(&region)?.map(Value::partition),
                    None => None,
                }
            }
            Func::AwsParseArn => {
                arity(1)?;
                string(0)?.and_then(|s| functions::parse_arn(&s)).map(|a| {
                    Value::Object(Vec::from([
                        ("partition".to_string(), Value::String(a.partition)),
                        ("service".to_string(), Value::String(a.service)),
                        ("region".to_string(), Value::String(a.region)),
                        ("accountId".to_string(), Value::String(a.account_id)),
                        (
                            "resourceId".to_string(),
                            Value::Array(a.resource_id.into_iter().map(Value::String).collect()),
                        ),
                    ]))
                })
            }
            Func::AwsIsVirtualHostableS3Bucket => {
                arity(2)?;
                match (string(0)?, boolean(1)?) {
                    (Some(s), Some(sub)) => {
                        Some(Value::Bool(functions::is_virtual_hostable_s3_bucket(&s, sub)))
                    }
                    _ => Some(Value::Bool(false)),
                }
            }
        })
    }
}

/// `getAttr`: follows `path` into objects (by key) and arrays (by index); `None` when a key or an
/// index is missing.
fn get_attr(value: Value, path: &[PathSegment]) -> Result<Option<Value>, EndpointError> {
    let mut current = value;
    for seg in path {
        current = match (seg, current) {
            (PathSegment::Key(k), Value::Object(mut fields)) => {
                match fields.iter().position(|(name, _)| name == k) {
                    Some(i) => fields.swap_remove(i).1,
                    None => return Ok(None),
                }
            }
            (PathSegment::Index(i), Value::Array(mut items)) => {
                if *i < items.len() {
                    items.swap_remove(*i)
                } else {
                    return Ok(None);
                }
            }
            (PathSegment::Key(k), other) => {
                return Err(invalid(format!("getAttr: cannot take `{k}` of {}", other.kind())))
            }
            (PathSegment::Index(i), other) => {
                return Err(invalid(format!("getAttr: cannot take [{i}] of {}", other.kind())))
            }
        };
    }
    Ok(Some(current))
}

impl ResolveEndpoint for RuleSet {
    fn resolve_endpoint(&self, params: &EndpointParams) -> Result<Endpoint, EndpointError> {
        self.resolve(params)
    }
}

#[cfg(test)]
mod tests;
