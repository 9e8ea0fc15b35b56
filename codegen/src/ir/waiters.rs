//! The waiters of an operation (`smithy.waiters#waitable`), read and validated.
//!
//! Checked here, each problem an error naming the operation and the waiter: names (PascalCase,
//! unique), delays (`minDelay` ≥ 1, `minDelay` ≤ `maxDelay`; defaults 2 s and 120 s), at least
//! one acceptor, states, matcher kinds, comparators, `booleanEquals` expecting `true` or
//! `false`, and every path: it must parse (with the runtime's own parser, the same file) and the
//! members it starts from must exist (the output's members for `output`, `input` and `output` for
//! `inputOutput`).

use serde::Deserialize;
use serde_json::Value;

use crate::docs::html_to_markdown;
use crate::error::Error;
use crate::model::ShapeId;
use crate::naming;

use super::Structure;

// The runtime's JMESPath parser, compiled into the generator too (it uses nothing but `std`).
#[path = "../../runtime/src/waiter/jmespath.rs"]
#[allow(dead_code)]
mod jmespath;

pub const WAITABLE: &str = "smithy.waiters#waitable";

/// One waiter of an operation.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// `TableExists`.
    pub name: String,
    /// `wait_until_table_exists`: the client method.
    pub fn_name: String,
    /// `WaitUntilTableExistsFluentBuilder`.
    pub builder: String,
    /// `TABLE_EXISTS`: the constant holding the waiter's specification.
    pub spec_const: String,
    pub docs: Vec<String>,
    pub deprecated: bool,
    pub min_delay: u64,
    pub max_delay: u64,
    pub acceptors: Vec<Acceptor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    StringEquals,
    BooleanEquals,
    AllStringEquals,
    AnyStringEquals,
}

#[derive(Debug, Clone)]
pub enum Matcher {
    Output {
        path: String,
        expected: String,
        comparator: Comparator,
    },
    InputOutput {
        path: String,
        expected: String,
        comparator: Comparator,
    },
    Success(bool),
    /// The error shape's name: an absolute shape id in the model is matched by its name, the
    /// error code awsJson services send.
    ErrorType(String),
}

#[derive(Debug, Clone)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawWaiter {
    #[serde(default)]
    documentation: Option<String>,
    #[serde(default)]
    acceptors: Vec<RawAcceptor>,
    #[serde(default)]
    min_delay: Option<u64>,
    #[serde(default)]
    max_delay: Option<u64>,
    #[serde(default)]
    deprecated: bool,
    /// Not used by the generator (accepted so that models carrying them load).
    #[serde(default)]
    #[allow(dead_code)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAcceptor {
    state: String,
    matcher: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    path: String,
    expected: String,
    comparator: String,
}

/// The waiters of operation `op` (sorted by name), from its `@waitable` trait.
pub fn read(
    op: &ShapeId,
    raw: Option<&Value>,
    output: &Structure,
) -> Result<Vec<Waiter>, Vec<Error>> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    let Some(map) = raw.as_object() else {
        return Err(vec![Error::shape(op, "`@waitable` must be an object of waiters by name")]);
    };
    let mut errors = Vec::new();
    let mut waiters = Vec::new();
    for (name, w) in map {
        match waiter(op, name, w, output) {
            Ok(w) => waiters.push(w),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    waiters.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(waiters)
}

fn waiter(op: &ShapeId, name: &str, raw: &Value, output: &Structure) -> Result<Waiter, Vec<Error>> {
    let err = |m: String| Error::shape(op, format!("`@waitable` waiter `{name}`: {m}"));
    let pascal = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !pascal {
        return Err(vec![err("a waiter name must be PascalCase letters and digits".into())]);
    }
    let w: RawWaiter = serde_json::from_value(raw.clone()).map_err(|e| vec![err(e.to_string())])?;
    let min_delay = w.min_delay.unwrap_or(2);
    let max_delay = w.max_delay.unwrap_or(120);
    let mut errors = Vec::new();
    if min_delay < 1 {
        errors.push(err("minDelay must be at least 1".into()));
    }
    if min_delay > max_delay {
        errors.push(err(format!("minDelay ({min_delay}) is greater than maxDelay ({max_delay})")));
    }
    if w.acceptors.is_empty() {
        errors.push(err("a waiter needs at least one acceptor".into()));
    }
    let mut acceptors = Vec::new();
    for (i, a) in w.acceptors.iter().enumerate() {
        match acceptor(a, output) {
            Ok(a) => acceptors.push(a),
            Err(m) => errors.push(err(format!("acceptor {i}: {m}"))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let snake = naming::function_name(name);
    Ok(Waiter {
        fn_name: format!("wait_until_{}", naming::unraw(&snake)),
        builder: format!("WaitUntil{}FluentBuilder", naming::type_name(name)),
        spec_const: naming::unraw(&snake).to_ascii_uppercase(),
        name: name.to_string(),
        docs: w.documentation.as_deref().map(html_to_markdown).unwrap_or_default(),
        deprecated: w.deprecated,
        min_delay,
        max_delay,
        acceptors,
    })
}

fn acceptor(a: &RawAcceptor, output: &Structure) -> Result<Acceptor, String> {
    let state = match a.state.as_str() {
        "success" => AcceptorState::Success,
        "failure" => AcceptorState::Failure,
        "retry" => AcceptorState::Retry,
        s => return Err(format!("unknown state `{s}` (expected success, failure or retry)")),
    };
    if a.matcher.len() != 1 {
        return Err("a matcher must have exactly one member".into());
    }
    let (kind, value) = a.matcher.iter().next().ok_or("empty matcher")?;
    let matcher = match kind.as_str() {
        "success" => Matcher::Success(value.as_bool().ok_or("`success` must be a boolean")?),
        "errorType" => {
            let name = value.as_str().ok_or("`errorType` must be a string")?;
            if name.is_empty() {
                return Err("`errorType` is empty".into());
            }
            Matcher::ErrorType(name.rsplit('#').next().unwrap_or(name).to_string())
        }
        "output" | "inputOutput" => {
            let p: RawPath =
                serde_json::from_value(value.clone()).map_err(|e| format!("`{kind}`: {e}"))?;
            let comparator = match p.comparator.as_str() {
                "stringEquals" => Comparator::StringEquals,
                "booleanEquals" => Comparator::BooleanEquals,
                "allStringEquals" => Comparator::AllStringEquals,
                "anyStringEquals" => Comparator::AnyStringEquals,
                c => return Err(format!("unknown comparator `{c}`")),
            };
            if comparator == Comparator::BooleanEquals
                && !matches!(p.expected.as_str(), "true" | "false")
            {
                return Err(format!(
                    "`booleanEquals` expects `true` or `false`, not `{}`",
                    p.expected
                ));
            }
            let expr = jmespath::parse(&p.path).map_err(|e| format!("path `{}`: {e}", p.path))?;
            let roots: Vec<&str> = if kind == "output" {
                output.members.iter().map(|m| m.wire_name.as_str()).collect()
            } else {
                vec!["input", "output"]
            };
            if let Some(missing) = root_fields(&expr).into_iter().find(|f| !roots.contains(f)) {
                let of = if kind == "output" {
                    format!("a member of {}", output.id)
                } else {
                    "`input` or `output`".into()
                };
                return Err(format!("path `{}`: `{missing}` is not {of}", p.path));
            }
            if kind == "inputOutput" {
                Matcher::InputOutput { path: p.path, expected: p.expected, comparator }
            } else {
                Matcher::Output { path: p.path, expected: p.expected, comparator }
            }
        }
        k => {
            return Err(format!(
                "unknown matcher `{k}` (expected output, inputOutput, success or errorType)"
            ))
        }
    };
    Ok(Acceptor { state, matcher })
}

/// The identifiers an expression looks up on the value it is applied to (not on the results of
/// sub-expressions or on projected items).
fn root_fields(e: &jmespath::Expr) -> Vec<&str> {
    use jmespath::Expr::*;
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Field(name) => out.push(name.as_str()),
            Sub(l, _)
            | Projection(l, _)
            | ValueProjection(l, _)
            | Flatten(l)
            | Filter(l, _, _)
            | Pipe(l, _)
            | Not(l) => stack.push(l),
            Compare(_, l, r) | And(l, r) | Or(l, r) => {
                stack.push(l);
                stack.push(r);
            }
            MultiList(items) | Function(_, items) => stack.extend(items),
            MultiHash(items) => stack.extend(items.iter().map(|(_, e)| e)),
            Identity | Index(_) | Slice(..) | Literal(_) => {}
        }
    }
    out
}
