//! The comparison itself: walks the service closures of both models and records [`ChangeKind`]s.
//!
//! Each side is lowered to the IR ([`crate::ir::build`], the lowering `generate` runs), and what
//! the generated crate does is read from it: a member's field type (`Option`, `Box` included),
//! whether it is optional and whether building fails without it, the Rust types of shapes and
//! union variants, which shapes get a named type, enum variants and their wire values, error
//! retry kinds, paginators and waiters. The raw model is compared only for what the IR does not
//! carry (documentation, constraints, `@sensitive` and the other traits, endpoint rules and tests,
//! smoke tests) and for how each shape is reached from the operations (its [`Role`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::rules::{classify, ChangeKind, Constraint, Direction, PaginatedField, Presence, Role};
use super::{Change, Group, Location, ModelInfo};
use crate::error::Error;
use crate::index::{ShapeIndex, UNIT};
use crate::ir::{self, RetryKind, RustType};
use crate::model::{MemberRef, Model, Shape, ShapeId, ShapeRef, Traits};
use crate::traits::{self as t, TraitReader};

/// Traits that only carry documentation.
const DOC_TRAITS: &[&str] =
    &[t::DOCUMENTATION, "smithy.api#examples", "smithy.api#externalDocumentation", t::TITLE];

/// Shape traits compared by dedicated rules.
const SHAPE_TRAITS: &[&str] = &[
    t::LENGTH,
    t::RANGE,
    t::PATTERN,
    t::SENSITIVE,
    t::SPARSE,
    t::ERROR,
    t::HTTP_ERROR,
    t::RETRYABLE,
    t::ENUM,
    t::TIMESTAMP_FORMAT,
];

/// Member traits compared by dedicated rules.
const MEMBER_TRAITS: &[&str] = &[
    t::LENGTH,
    t::RANGE,
    t::PATTERN,
    t::SENSITIVE,
    t::IDEMPOTENCY_TOKEN,
    t::TIMESTAMP_FORMAT,
    t::REQUIRED,
    t::DEFAULT,
    t::CLIENT_OPTIONAL,
    t::ENUM_VALUE,
];

/// Operation traits compared by dedicated rules.
const OPERATION_TRAITS: &[&str] =
    &[t::PAGINATED, t::ENDPOINT, t::SMOKE_TESTS, crate::ir::waiters::WAITABLE];

/// Service traits compared by dedicated rules (`@paginated` is compared per operation, merged).
const SERVICE_TRAITS: &[&str] = &[t::ENDPOINT_RULE_SET, t::ENDPOINT_TESTS, t::PAGINATED];

/// How a shape is reached from the operations of one model.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    top_input: bool,
    nested_input: bool,
    output: bool,
}

impl Usage {
    fn merge(self, other: Usage) -> Usage {
        Usage {
            top_input: self.top_input || other.top_input,
            nested_input: self.nested_input || other.nested_input,
            output: self.output || other.output,
        }
    }

    fn role(self) -> Role {
        match (self.top_input || self.nested_input, self.output) {
            (true, true) => Role::InputOutput,
            (true, false) if self.top_input && !self.nested_input => Role::OperationInput,
            (true, false) => Role::Input,
            (false, _) => Role::Output,
        }
    }
}

/// One model, indexed for comparison.
pub(super) struct Side {
    index: ShapeIndex,
    usage: BTreeMap<ShapeId, Usage>,
    /// Shape → names of the operations whose input, output or errors reach it.
    pub(super) users: BTreeMap<ShapeId, BTreeSet<String>>,
    /// Structure → operations that use it as their input or output.
    io_of: BTreeMap<ShapeId, BTreeSet<ShapeId>>,
    /// The IR of the service: what the generated crate is.
    ir: ir::Service,
    /// [`ir::value_types`]: the Rust type of every shape's values.
    value_types: BTreeMap<ShapeId, RustType>,
}

fn find_service(model: &Model, which: &str) -> Result<ShapeId, Error> {
    let services: Vec<&ShapeId> = model
        .shapes
        .iter()
        .filter(|(_, s)| matches!(s, Shape::Service(_)))
        .map(|(id, _)| id)
        .collect();
    match services.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::model(
            which,
            "has no service shape; the diff compares models with exactly one service",
        )),
        many => Err(Error::model(
            which,
            format!(
                "has {} service shapes ({}); the diff compares models with exactly one service",
                many.len(),
                many.iter().map(|id| id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Every shape reachable from `starts` through members (the starts included).
fn reach(index: &ShapeIndex, starts: Vec<ShapeId>) -> BTreeSet<ShapeId> {
    let mut seen = BTreeSet::new();
    let mut todo = starts;
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(shape) = index.try_get(&id) {
            todo.extend(shape.members().into_iter().map(|(_, m)| m.target.clone()));
        }
    }
    seen
}

impl Side {
    pub(super) fn new(model: &Model, which: &str) -> Result<Side, Error> {
        let service = find_service(model, which)?;
        let index = ShapeIndex::build(model, &service).map_err(|e| {
            Error::model(which, format!("the closure of service `{service}` is invalid:\n{e}"))
        })?;
        let ir = ir::build(&index).map_err(|e| {
            Error::model(
                which,
                format!("service `{service}` cannot be lowered to the generator's IR:\n{e}"),
            )
        })?;
        let value_types = ir::value_types(&index);
        let mut side = Side {
            index,
            usage: BTreeMap::new(),
            users: BTreeMap::new(),
            io_of: BTreeMap::new(),
            ir,
            value_types,
        };
        side.compute_usage();
        Ok(side)
    }

    pub(super) fn summary(&self) -> ModelInfo {
        ModelInfo {
            service: self.index.service_id.to_string(),
            version: self.index.service().version.clone(),
            operations: self.index.operations().len(),
            shapes: self.shape_ids().len(),
            label: None,
        }
    }

    fn compute_usage(&mut self) {
        let index = &self.index;
        let mut usage: BTreeMap<ShapeId, Usage> = BTreeMap::new();
        let mut users: BTreeMap<ShapeId, BTreeSet<String>> = BTreeMap::new();
        let mut io_of: BTreeMap<ShapeId, BTreeSet<ShapeId>> = BTreeMap::new();
        for op_id in index.operations() {
            let Shape::Operation(op) = index.get(op_id) else {
                continue;
            };
            let name = index.local_name(op_id).to_string();
            if let Some(input) = &op.input {
                usage.entry(input.target.clone()).or_default().top_input = true;
                io_of.entry(input.target.clone()).or_default().insert(op_id.clone());
                users.entry(input.target.clone()).or_default().insert(name.clone());
                let nested: Vec<ShapeId> = index
                    .get(&input.target)
                    .members()
                    .into_iter()
                    .map(|(_, m)| m.target.clone())
                    .collect();
                for id in reach(index, nested) {
                    usage.entry(id.clone()).or_default().nested_input = true;
                    users.entry(id).or_default().insert(name.clone());
                }
            }
            let mut outs: Vec<ShapeId> = op.errors.iter().map(|e| e.target.clone()).collect();
            if let Some(output) = &op.output {
                io_of.entry(output.target.clone()).or_default().insert(op_id.clone());
                outs.push(output.target.clone());
            }
            for id in reach(index, outs) {
                usage.entry(id.clone()).or_default().output = true;
                users.entry(id).or_default().insert(name.clone());
            }
        }
        let service_errors: Vec<ShapeId> =
            index.service().errors.iter().map(|e| e.target.clone()).collect();
        for id in reach(index, service_errors) {
            usage.entry(id).or_default().output = true;
        }
        self.usage = usage;
        self.users = users;
        self.io_of = io_of;
    }

    /// The diff's kind of a shape (`structure`, `enum`, ...), if the model has it.
    pub(super) fn kind_of(&self, id: &ShapeId) -> Option<&'static str> {
        self.index.try_get(id).map(kind)
    }

    /// The closure's shapes that the diff reports on: no operations, no prelude shapes.
    fn shape_ids(&self) -> BTreeMap<&ShapeId, &Shape> {
        self.index
            .closure()
            .filter(|(id, s)| !matches!(s, Shape::Operation(_)) && id.namespace() != "smithy.api")
            .collect()
    }

    /// The structure the IR lowers for a shape id: a plain or error type if there is one (a
    /// member may hold it), else an operation's input or output.
    fn structure(&self, id: &ShapeId) -> Option<&ir::Structure> {
        let ir = &self.ir;
        ir.structures.iter().chain(&ir.errors).find(|s| &s.id == id).or_else(|| {
            ir.operations.iter().flat_map(|o| [&o.input, &o.output]).find(|s| &s.id == id)
        })
    }

    /// A structure member as the IR lowers it, with its structure.
    fn member(&self, owner: &ShapeId, name: &str) -> Option<(&ir::Structure, &ir::Member)> {
        let s = self.structure(owner)?;
        s.members.iter().find(|m| m.wire_name == name).map(|m| (s, m))
    }

    /// The presence of a structure member: its traits, and what the IR makes of them.
    fn presence(&self, owner: &ShapeId, name: &str, m: &MemberRef) -> Presence {
        let lowered = self.member(owner, name);
        let target_default = self.index.try_get(&m.target).and_then(|s| s.traits().get(t::DEFAULT));
        Presence {
            required: m.traits.contains_key(t::REQUIRED),
            default: m
                .traits
                .get(t::DEFAULT)
                .or(target_default)
                .filter(|v| !v.is_null())
                .map(canonical),
            client_optional: m.traits.contains_key(t::CLIENT_OPTIONAL),
            // Every member of a lowered structure is in the IR (`build` succeeded); `Option`
            // and not enforced is what an unlowered one would be.
            optional: lowered.is_none_or(|(_, m)| m.optional),
            enforced: lowered.is_some_and(|(s, m)| s.requires(m)),
        }
    }

    /// The Rust type of a structure member's field, as generated (`Option<Box<T>>`, ...).
    fn field_type(&self, owner: &ShapeId, name: &str, target: &ShapeId) -> String {
        match self.member(owner, name) {
            Some((_, m)) => {
                let mut ty = show(&m.ty);
                if m.boxed {
                    ty = format!("Box<{ty}>");
                }
                if m.optional {
                    ty = format!("Option<{ty}>");
                }
                ty
            }
            None => self.rust_type(target),
        }
    }

    /// Whether the IR boxes a structure member or union variant (it closes a cycle).
    fn boxed(&self, owner: &ShapeId, name: &str) -> bool {
        let variant = || {
            let u = self.ir.unions.iter().find(|u| &u.id == owner)?;
            u.variants.iter().find(|v| v.wire_name == name).map(|v| v.boxed)
        };
        self.member(owner, name).map(|(_, m)| m.boxed).or_else(variant).unwrap_or(false)
    }

    /// The Rust type of a union variant's value (`()` for a unit variant).
    fn variant_type(&self, owner: &ShapeId, name: &str, target: &ShapeId) -> String {
        let variant = self
            .ir
            .unions
            .iter()
            .find(|u| &u.id == owner)
            .and_then(|u| u.variants.iter().find(|v| v.wire_name == name));
        match variant {
            Some(v) => {
                let ty = v.ty.as_ref().map_or_else(|| "()".to_string(), show);
                if v.boxed {
                    format!("Box<{ty}>")
                } else {
                    ty
                }
            }
            None => self.rust_type(target),
        }
    }

    /// The Rust type of values of a shape, from the IR (`()` for `Unit`; the shape id when the IR
    /// has no type for it).
    fn rust_type(&self, id: &ShapeId) -> String {
        if id.as_str() == UNIT {
            return "()".to_string();
        }
        self.value_types.get(id).map_or_else(|| id.to_string(), show)
    }

    /// Whether the IR generates a named Rust type for the shape (a structure, also as an
    /// operation's input or output, an error, a union or an enum).
    fn named_type(&self, id: &ShapeId) -> bool {
        let ir = &self.ir;
        self.structure(id).is_some()
            || ir.unions.iter().any(|u| &u.id == id)
            || ir.enums.iter().any(|e| &e.id == id)
            || ir.int_enums.iter().any(|e| &e.id == id)
    }

    /// The retry kind of an error structure, as its `OperationError::retry_kind` returns it.
    fn retry_kind(&self, id: &ShapeId) -> Option<String> {
        let s = self.ir.errors.iter().find(|s| &s.id == id)?;
        s.error.as_ref()?.retry.map(|r| match r {
            RetryKind::Throttling => "throttling".to_string(),
            RetryKind::Transient => "transient".to_string(),
        })
    }

    /// An enum's (or intEnum's) variants: Rust variant name → (model member name, wire value).
    fn enum_variants(&self, id: &ShapeId) -> BTreeMap<String, (String, String)> {
        let names = self.index.try_get(id).map(enum_member_names).unwrap_or_default();
        let lowered: Vec<(String, String)> = match self.ir.enums.iter().find(|e| &e.id == id) {
            Some(e) => e.variants.iter().map(|(v, w, _)| (v.clone(), w.clone())).collect(),
            None => match self.ir.int_enums.iter().find(|e| &e.id == id) {
                Some(e) => e.variants.iter().map(|(v, w, _)| (v.clone(), w.to_string())).collect(),
                None => Vec::new(),
            },
        };
        // The IR keeps the model's order of the values.
        lowered
            .into_iter()
            .zip(names)
            .map(|((variant, value), name)| (variant, (name, value)))
            .collect()
    }

    /// The IR of an operation.
    fn operation(&self, id: &ShapeId) -> Option<&ir::Operation> {
        self.ir.operations.iter().find(|o| &o.id == id)
    }
}

/// A Rust type as reports show it: generated types by their name, collections as `Vec` and
/// `HashMap` (map keys are always `String`), `@sparse` entries as `Option`.
fn show(ty: &RustType) -> String {
    let entry = |t: &RustType, sparse: bool| {
        if sparse {
            format!("Option<{}>", show(t))
        } else {
            show(t)
        }
    };
    match ty {
        RustType::String => "String".to_string(),
        RustType::Bool => "bool".to_string(),
        RustType::I8 => "i8".to_string(),
        RustType::I16 => "i16".to_string(),
        RustType::I32 => "i32".to_string(),
        RustType::I64 => "i64".to_string(),
        RustType::F32 => "f32".to_string(),
        RustType::F64 => "f64".to_string(),
        RustType::DateTime => "DateTime".to_string(),
        RustType::Blob => "Blob".to_string(),
        RustType::Document => "Document".to_string(),
        RustType::Named { path, .. } => path.last().cloned().unwrap_or_default(),
        RustType::List { item, sparse } => format!("Vec<{}>", entry(item, *sparse)),
        RustType::Map { value, sparse } => format!("HashMap<String, {}>", entry(value, *sparse)),
    }
}

/// The model member names of an enum, intEnum or Smithy 1.0 `@enum` string, in model order.
fn enum_member_names(shape: &Shape) -> Vec<String> {
    match shape {
        Shape::Enum(a) | Shape::IntEnum(a) => a.members.keys().cloned().collect(),
        Shape::String(s) => TraitReader::new(&s.traits, &ShapeId::new(""))
            .enum_definitions()
            .ok()
            .flatten()
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.name.unwrap_or(d.value))
            .collect(),
        _ => Vec::new(),
    }
}

/// The kind of a shape as the diff sees it: a string with a Smithy 1.0 `@enum` is an enum.
fn kind(shape: &Shape) -> &'static str {
    match shape {
        Shape::String(s) if s.traits.contains_key(t::ENUM) => "enum",
        other => other.type_name(),
    }
}

/// Compact JSON with object keys sorted at every level.
pub(super) fn canonical(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&o[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// `min: 1, max: 80` for a bounds trait; the pattern itself for `@pattern`.
fn format_constraint(c: Constraint, v: &Value) -> String {
    match (c, v) {
        (Constraint::Pattern, Value::String(s)) => s.clone(),
        (_, Value::Object(o)) => ["min", "max"]
            .iter()
            .filter_map(|k| o.get(*k).map(|v| format!("{k}: {v}")))
            .collect::<Vec<_>>()
            .join(", "),
        (_, other) => canonical(other),
    }
}

fn bounds_direction(c: Constraint, old: Option<&Value>, new: Option<&Value>) -> Option<Direction> {
    let low = if c == Constraint::Length { 0.0 } else { f64::NEG_INFINITY };
    let get = |v: Option<&Value>, k: &str, d: f64| {
        v.and_then(|v| v.get(k)).and_then(Value::as_f64).unwrap_or(d)
    };
    let (omin, omax) = (get(old, "min", low), get(old, "max", f64::INFINITY));
    let (nmin, nmax) = (get(new, "min", low), get(new, "max", f64::INFINITY));
    let tighter = nmin > omin || nmax < omax;
    let looser = nmin < omin || nmax > omax;
    match (tighter, looser) {
        (true, false) => Some(Direction::Tightened),
        (false, true) => Some(Direction::Relaxed),
        (true, true) => Some(Direction::Changed),
        (false, false) => None,
    }
}

fn str_trait(traits: &Traits, id: &str) -> Option<String> {
    traits.get(id).and_then(Value::as_str).map(str::to_string)
}

fn count_rules(v: &Value) -> usize {
    v.get("rules")
        .and_then(Value::as_array)
        .map_or(0, |rules| rules.iter().map(|r| 1 + count_rules(r)).sum())
}

/// Pairs the items of two lists by key (in order within one key) and counts added, removed and
/// changed items.
fn match_cases<'v>(
    old: &'v [Value],
    new: &'v [Value],
    key: impl Fn(&Value) -> String,
) -> (usize, usize, usize) {
    let mut groups: BTreeMap<String, (Vec<&'v Value>, Vec<&'v Value>)> = BTreeMap::new();
    for c in old {
        groups.entry(key(c)).or_default().0.push(c);
    }
    for c in new {
        groups.entry(key(c)).or_default().1.push(c);
    }
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    for (a, b) in groups.values() {
        let common = a.len().min(b.len());
        changed += a.iter().zip(b.iter()).filter(|(x, y)| x != y).count();
        removed += a.len() - common;
        added += b.len() - common;
    }
    (added, removed, changed)
}

/// What holds a member being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Structure,
    Union,
    /// A list's `member`, a map's `key` or `value`.
    Collection,
}

pub(super) struct Cx<'a> {
    pub(super) old: &'a Side,
    pub(super) new: &'a Side,
    pub(super) changes: Vec<Change>,
}

impl<'a> Cx<'a> {
    pub(super) fn run(&mut self) {
        self.service();
        self.operations();
        self.shapes();
    }

    fn group_of(&self, location: &Location) -> Group {
        match location {
            Location::Service { .. }
            | Location::EndpointRuleSet
            | Location::EndpointParameter { .. }
            | Location::EndpointTests => Group::Service,
            Location::Operation { id } => Group::Operation { id: id.clone() },
            Location::Shape { id } | Location::Member { shape: id, .. } => {
                let sid = ShapeId::new(id.clone());
                let mut owners: BTreeSet<&ShapeId> = BTreeSet::new();
                for side in [self.old, self.new] {
                    owners.extend(side.io_of.get(&sid).into_iter().flatten());
                }
                match owners.into_iter().collect::<Vec<_>>().as_slice() {
                    [op] => Group::Operation { id: op.to_string() },
                    _ => Group::Shape { id: id.clone() },
                }
            }
        }
    }

    fn push(&mut self, location: Location, kind: ChangeKind) {
        let (class, reason) = classify(&kind);
        let group = self.group_of(&location);
        self.changes.push(Change { group, location, kind, class, reason });
    }

    fn role(&self, id: &ShapeId) -> Role {
        let u = |s: &Side| s.usage.get(id).copied().unwrap_or_default();
        u(self.old).merge(u(self.new)).role()
    }

    // ------------------------------------------------------------------ service

    fn service(&mut self) {
        let (old, new) = (self.old, self.new);
        let (os, ns) = (old.index.service(), new.index.service());
        let (oid, nid) = (&old.index.service_id, &new.index.service_id);
        let loc = Location::Service { id: nid.to_string() };
        if oid != nid {
            self.push(
                loc.clone(),
                ChangeKind::ServiceIdChanged { from: oid.to_string(), to: nid.to_string() },
            );
        }
        if os.version != ns.version {
            self.push(
                loc.clone(),
                ChangeKind::ServiceVersionChanged {
                    from: os.version.clone(),
                    to: ns.version.clone(),
                },
            );
        }
        let errs = |r: &[ShapeRef]| r.iter().map(|e| e.target.to_string()).collect::<BTreeSet<_>>();
        let (oe, ne) = (errs(&os.errors), errs(&ns.errors));
        for e in oe.difference(&ne) {
            self.push(loc.clone(), ChangeKind::ServiceErrorRemoved { error: e.clone() });
        }
        for e in ne.difference(&oe) {
            self.push(loc.clone(), ChangeKind::ServiceErrorAdded { error: e.clone() });
        }
        let renamed: BTreeSet<&ShapeId> = os.rename.keys().chain(ns.rename.keys()).collect();
        for shape in renamed {
            let (a, b) = (os.rename.get(shape), ns.rename.get(shape));
            if a != b {
                self.push(
                    loc.clone(),
                    ChangeKind::RenameChanged {
                        shape: shape.to_string(),
                        from: a.cloned(),
                        to: b.cloned(),
                    },
                );
            }
        }
        self.other_traits(&loc, &os.traits, &ns.traits, SERVICE_TRAITS, true);
        self.endpoint_rules(
            os.traits.get(t::ENDPOINT_RULE_SET),
            ns.traits.get(t::ENDPOINT_RULE_SET),
        );
        self.endpoint_tests(os.traits.get(t::ENDPOINT_TESTS), ns.traits.get(t::ENDPOINT_TESTS));
    }

    fn endpoint_rules(&mut self, old: Option<&Value>, new: Option<&Value>) {
        if old == new {
            return;
        }
        let params = |v: Option<&Value>| {
            v.and_then(|v| v.get("parameters"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let must_set = |p: &Value| {
            p.get("required").and_then(Value::as_bool) == Some(true)
                && p.get("default").is_none()
                && p.get("builtIn").is_none()
        };
        let (op, np) = (params(old), params(new));
        let names: BTreeSet<&String> = op.keys().chain(np.keys()).collect();
        for name in names {
            let loc = Location::EndpointParameter { name: name.clone() };
            match (op.get(name), np.get(name)) {
                (Some(_), None) => {
                    self.push(loc, ChangeKind::EndpointParameterRemoved { name: name.clone() })
                }
                (None, Some(p)) => self.push(
                    loc,
                    ChangeKind::EndpointParameterAdded {
                        name: name.clone(),
                        must_set: must_set(p),
                    },
                ),
                (Some(a), Some(b)) if a != b => {
                    let empty = serde_json::Map::new();
                    let (ao, bo) =
                        (a.as_object().unwrap_or(&empty), b.as_object().unwrap_or(&empty));
                    let fields: BTreeSet<&String> = ao.keys().chain(bo.keys()).collect();
                    let mut changes = Vec::new();
                    let mut type_changed = false;
                    let mut doc = false;
                    for field in fields {
                        let (x, y) = (ao.get(field), bo.get(field));
                        if x == y {
                            continue;
                        }
                        let show = |v: Option<&Value>| {
                            v.map_or("absent".to_string(), |v| format!("`{}`", canonical(v)))
                        };
                        match (field.as_str(), x.and_then(Value::as_str), y.and_then(Value::as_str))
                        {
                            ("documentation", _, _) => doc = true,
                            ("type", Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {
                                changes.push(format!("type spelled `{x}` → `{y}` (same type)"))
                            }
                            ("type", _, _) => {
                                type_changed = true;
                                changes.push(format!("type {} → {}", show(x), show(y)));
                            }
                            _ => changes.push(format!("{field} {} → {}", show(x), show(y))),
                        }
                    }
                    if !changes.is_empty() {
                        let now_must_set = !must_set(a) && must_set(b);
                        self.push(
                            loc.clone(),
                            ChangeKind::EndpointParameterChanged {
                                name: name.clone(),
                                changes,
                                type_changed,
                                now_must_set,
                            },
                        );
                    }
                    if doc {
                        self.push(loc, ChangeKind::DocumentationChanged);
                    }
                }
                _ => {}
            }
        }
        let rules = |v: Option<&Value>| {
            let mut v = v.cloned().unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.remove("parameters");
            }
            v
        };
        let (or, nr) = (rules(old), rules(new));
        if or != nr {
            self.push(
                Location::EndpointRuleSet,
                ChangeKind::EndpointRulesChanged {
                    from_rules: count_rules(&or),
                    to_rules: count_rules(&nr),
                },
            );
        }
    }

    fn endpoint_tests(&mut self, old: Option<&Value>, new: Option<&Value>) {
        if old == new {
            return;
        }
        let cases = |v: Option<&Value>| {
            v.and_then(|v| v.get("testCases"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (oc, nc) = (cases(old), cases(new));
        let key = |c: &Value| {
            let params = c.get("params").cloned().unwrap_or(Value::Null);
            let inputs = c.get("operationInputs").cloned().unwrap_or(Value::Null);
            canonical(&serde_json::json!([params, inputs]))
        };
        let (added, removed, changed) = match_cases(&oc, &nc, key);
        let version = |v: Option<&Value>| v.and_then(|v| v.get("version")).cloned();
        if added + removed + changed > 0 || version(old) != version(new) {
            self.push(
                Location::EndpointTests,
                ChangeKind::EndpointTestsChanged {
                    added,
                    removed,
                    changed,
                    from_total: oc.len(),
                    to_total: nc.len(),
                },
            );
        }
    }

    /// Compares the traits no dedicated rule handles: documentation (counted), `@deprecated`, and
    /// everything else as "other".
    fn other_traits(
        &mut self,
        loc: &Location,
        old: &Traits,
        new: &Traits,
        handled: &[&str],
        service: bool,
    ) {
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let mut doc = false;
        let at = ShapeId::new(loc.id());
        for key in keys {
            let (a, b) = (old.get(key), new.get(key));
            if a == b || handled.contains(&key.as_str()) {
                continue;
            }
            if DOC_TRAITS.contains(&key.as_str()) {
                doc = true;
            } else if key == t::DEPRECATED {
                let from = TraitReader::new(old, &at).deprecated();
                let to = TraitReader::new(new, &at).deprecated();
                self.push(loc.clone(), ChangeKind::DeprecatedChanged { from, to });
            } else if service {
                self.push(loc.clone(), ChangeKind::ServiceTraitChanged { trait_id: key.clone() });
            } else {
                self.push(loc.clone(), ChangeKind::OtherTraitChanged { trait_id: key.clone() });
            }
        }
        if doc {
            self.push(loc.clone(), ChangeKind::DocumentationChanged);
        }
    }

    // ------------------------------------------------------------------ operations

    fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let oo: BTreeSet<&ShapeId> = old.index.operations().iter().collect();
        let no: BTreeSet<&ShapeId> = new.index.operations().iter().collect();
        for id in oo.union(&no) {
            let loc = Location::Operation { id: id.to_string() };
            match (oo.contains(id), no.contains(id)) {
                (true, false) => self.push(loc, ChangeKind::OperationRemoved),
                (false, true) => self.push(loc, ChangeKind::OperationAdded),
                _ => self.operation(id, loc),
            }
        }
    }

    fn operation(&mut self, id: &ShapeId, loc: Location) {
        let (old, new) = (self.old, self.new);
        let (Shape::Operation(a), Shape::Operation(b)) = (old.index.get(id), new.index.get(id))
        else {
            return;
        };
        let io =
            |r: &Option<ShapeRef>| r.as_ref().map_or(UNIT.to_string(), |r| r.target.to_string());
        if io(&a.input) != io(&b.input) {
            self.push(
                loc.clone(),
                ChangeKind::OperationInputChanged { from: io(&a.input), to: io(&b.input) },
            );
        }
        if io(&a.output) != io(&b.output) {
            self.push(
                loc.clone(),
                ChangeKind::OperationOutputChanged { from: io(&a.output), to: io(&b.output) },
            );
        }
        let errs = |r: &[ShapeRef]| r.iter().map(|e| e.target.to_string()).collect::<BTreeSet<_>>();
        let (oe, ne) = (errs(&a.errors), errs(&b.errors));
        for e in oe.difference(&ne) {
            self.push(loc.clone(), ChangeKind::OperationErrorRemoved { error: e.clone() });
        }
        for e in ne.difference(&oe) {
            self.push(loc.clone(), ChangeKind::OperationErrorAdded { error: e.clone() });
        }

        // Paginators and waiters as the IR lowers them (fields by their Rust names).
        let (po, pn) = (
            old.operation(id).and_then(|o| o.paginated.as_ref()),
            new.operation(id).and_then(|o| o.paginated.as_ref()),
        );
        let items = |p: &ir::Pagination| p.items.as_ref().map(|i| i.field.clone());
        let page_size = |p: &ir::Pagination| p.page_size.as_ref().map(|(f, _)| f.clone());
        match (po, pn) {
            (None, Some(p)) => {
                self.push(loc.clone(), ChangeKind::PaginatedAdded { items: items(p) })
            }
            (Some(_), None) => self.push(loc.clone(), ChangeKind::PaginatedRemoved),
            (Some(p), Some(q)) => {
                for (field, x, y) in [
                    (
                        PaginatedField::InputToken,
                        Some(p.input_token.clone()),
                        Some(q.input_token.clone()),
                    ),
                    (
                        PaginatedField::OutputToken,
                        Some(p.output_token.clone()),
                        Some(q.output_token.clone()),
                    ),
                    (PaginatedField::Items, items(p), items(q)),
                    (PaginatedField::PageSize, page_size(p), page_size(q)),
                ] {
                    if x != y {
                        self.push(
                            loc.clone(),
                            ChangeKind::PaginatedChanged { field, from: x, to: y },
                        );
                    }
                }
            }
            (None, None) => {}
        }

        // Which waiters there are comes from the IR; whether one changed, from its definition.
        let waiters = |side: &Side| -> BTreeSet<String> {
            side.operation(id)
                .map_or_else(BTreeSet::new, |o| o.waiters.iter().map(|w| w.name.clone()).collect())
        };
        let definition = |traits: &Traits, name: &str| {
            traits.get(crate::ir::waiters::WAITABLE).and_then(|w| w.get(name)).cloned()
        };
        let (wa, wb) = (waiters(old), waiters(new));
        for name in wa.union(&wb) {
            let name = name.clone();
            match (wa.contains(&name), wb.contains(&name)) {
                (true, false) => self.push(loc.clone(), ChangeKind::WaiterRemoved { name }),
                (false, true) => self.push(loc.clone(), ChangeKind::WaiterAdded { name }),
                _ if definition(&a.traits, &name) != definition(&b.traits, &name) => {
                    self.push(loc.clone(), ChangeKind::WaiterChanged { name })
                }
                _ => {}
            }
        }

        let host = |traits: &Traits| {
            TraitReader::new(traits, id).host_prefix().ok().flatten().map(str::to_string)
        };
        let (ha, hb) = (host(&a.traits), host(&b.traits));
        if ha != hb {
            self.push(loc.clone(), ChangeKind::HostPrefixChanged { from: ha, to: hb });
        }

        if a.traits.get(t::SMOKE_TESTS) != b.traits.get(t::SMOKE_TESTS) {
            let cases = |traits: &Traits| {
                traits.get(t::SMOKE_TESTS).and_then(Value::as_array).cloned().unwrap_or_default()
            };
            let key = |c: &Value| c.get("id").map_or_else(|| canonical(c), canonical);
            let (added, removed, changed) = match_cases(&cases(&a.traits), &cases(&b.traits), key);
            self.push(loc.clone(), ChangeKind::SmokeTestsChanged { added, removed, changed });
        }
        self.other_traits(&loc, &a.traits, &b.traits, OPERATION_TRAITS, false);
    }

    // ------------------------------------------------------------------ shapes

    fn shapes(&mut self) {
        let (old, new) = (self.old, self.new);
        let (os, ns) = (old.shape_ids(), new.shape_ids());
        let ids: BTreeSet<&ShapeId> = os.keys().chain(ns.keys()).copied().collect();
        for id in ids {
            let loc = Location::Shape { id: id.to_string() };
            match (os.get(id), ns.get(id)) {
                (Some(a), None) => self.push(
                    loc,
                    ChangeKind::ShapeRemoved {
                        shape_type: kind(a).to_string(),
                        named_type: old.named_type(id),
                    },
                ),
                (None, Some(b)) => self.push(
                    loc,
                    ChangeKind::ShapeAdded {
                        shape_type: kind(b).to_string(),
                        named_type: new.named_type(id),
                    },
                ),
                (Some(a), Some(b)) => self.shape(id, a, b, loc),
                (None, None) => {}
            }
        }
    }

    fn shape(&mut self, id: &ShapeId, a: &Shape, b: &Shape, loc: Location) {
        let (old, new) = (self.old, self.new);
        if kind(a) != kind(b) {
            // Compared as IR types: a structure turned union keeps its name, not its type.
            let rust_type_changed = old.value_types.get(id) != new.value_types.get(id);
            self.push(
                loc,
                ChangeKind::ShapeTypeChanged {
                    from: kind(a).to_string(),
                    to: kind(b).to_string(),
                    rust_type_changed,
                },
            );
            return;
        }
        let role = self.role(id);
        let (at, bt) = (a.traits(), b.traits());
        self.constraints(&loc, at, bt, role);
        self.flag(
            &loc,
            at,
            bt,
            t::SENSITIVE,
            ChangeKind::SensitiveAdded,
            ChangeKind::SensitiveRemoved,
        );
        if at.contains_key(t::SPARSE) != bt.contains_key(t::SPARSE) {
            self.push(
                loc.clone(),
                ChangeKind::SparseChanged { sparse: bt.contains_key(t::SPARSE) },
            );
        }
        let (ea, eb) = (str_trait(at, t::ERROR), str_trait(bt, t::ERROR));
        if ea != eb {
            self.push(loc.clone(), ChangeKind::ErrorTraitChanged { from: ea, to: eb });
        }
        let (ha, hb) = (
            at.get(t::HTTP_ERROR).and_then(Value::as_u64),
            bt.get(t::HTTP_ERROR).and_then(Value::as_u64),
        );
        if ha != hb {
            self.push(loc.clone(), ChangeKind::HttpErrorChanged { from: ha, to: hb });
        }
        let (ra, rb) = (old.retry_kind(id), new.retry_kind(id));
        if ra != rb {
            self.push(loc.clone(), ChangeKind::RetryableChanged { from: ra, to: rb });
        }
        self.timestamp_format(&loc, at, bt);
        self.other_traits(&loc, at, bt, SHAPE_TRAITS, false);

        match (a, b) {
            (Shape::Structure(x), Shape::Structure(y)) => {
                let names: BTreeSet<&String> = x.members.keys().chain(y.members.keys()).collect();
                for name in names {
                    let mloc = Location::Member { shape: id.to_string(), member: name.clone() };
                    match (x.members.get(name), y.members.get(name)) {
                        (Some(_), None) => self.push(mloc, ChangeKind::MemberRemoved { role }),
                        (None, Some(m)) => self.push(
                            mloc,
                            ChangeKind::MemberAdded {
                                role,
                                presence: new.presence(id, name, m),
                                target: m.target.to_string(),
                                rust_type: new.field_type(id, name, &m.target),
                            },
                        ),
                        (Some(p), Some(q)) => {
                            self.member(mloc, (id, name), p, q, role, Owner::Structure)
                        }
                        (None, None) => {}
                    }
                }
            }
            (Shape::Union(x), Shape::Union(y)) => {
                let names: BTreeSet<&String> = x.members.keys().chain(y.members.keys()).collect();
                for name in names {
                    let mloc = Location::Member { shape: id.to_string(), member: name.clone() };
                    match (x.members.get(name), y.members.get(name)) {
                        (Some(_), None) => self.push(mloc, ChangeKind::VariantRemoved),
                        (None, Some(m)) => self.push(
                            mloc,
                            ChangeKind::VariantAdded {
                                target: m.target.to_string(),
                                rust_type: new.variant_type(id, name, &m.target),
                            },
                        ),
                        (Some(p), Some(q)) => {
                            self.member(mloc, (id, name), p, q, role, Owner::Union)
                        }
                        (None, None) => {}
                    }
                }
            }
            _ if kind(a) == "enum" || kind(a) == "intEnum" => self.enum_shape(id, a, b),
            _ => {
                // Lists, sets and maps: `member`, `key`, `value`.
                let bm = b.members();
                for (name, p) in a.members() {
                    if let Some((_, q)) = bm.iter().find(|(n, _)| *n == name) {
                        let mloc =
                            Location::Member { shape: id.to_string(), member: name.to_string() };
                        self.member(mloc, (id, name), p, q, role, Owner::Collection);
                    }
                }
            }
        }
    }

    fn enum_shape(&mut self, id: &ShapeId, a: &Shape, b: &Shape) {
        let (va, vb) = (self.old.enum_variants(id), self.new.enum_variants(id));
        let variants: BTreeSet<&String> = va.keys().chain(vb.keys()).collect();
        let mut value_change = false;
        for variant in variants {
            let at =
                |name: &String| Location::Member { shape: id.to_string(), member: name.clone() };
            let variant = variant.clone();
            match (va.get(&variant), vb.get(&variant)) {
                (Some((name, v)), None) => {
                    self.push(at(name), ChangeKind::EnumValueRemoved { value: v.clone(), variant })
                }
                (None, Some((name, v))) => {
                    self.push(at(name), ChangeKind::EnumValueAdded { value: v.clone(), variant })
                }
                (Some((_, x)), Some((name, y))) if x != y => self.push(
                    at(name),
                    ChangeKind::EnumValueChanged { from: x.clone(), to: y.clone(), variant },
                ),
                _ => continue,
            }
            value_change = true;
        }
        match (a, b) {
            (Shape::Enum(x), Shape::Enum(y)) | (Shape::IntEnum(x), Shape::IntEnum(y)) => {
                for (name, p) in &x.members {
                    if let Some(q) = y.members.get(name) {
                        let mloc = Location::Member { shape: id.to_string(), member: name.clone() };
                        self.other_traits(&mloc, &p.traits, &q.traits, MEMBER_TRAITS, false);
                    }
                }
            }
            // A Smithy 1.0 `@enum` whose values are unchanged may still differ in the
            // documentation (or tags) of its entries.
            (Shape::String(_), Shape::String(_))
                if !value_change && a.traits().get(t::ENUM) != b.traits().get(t::ENUM) =>
            {
                self.push(Location::Shape { id: id.to_string() }, ChangeKind::DocumentationChanged);
            }
            // Otherwise (also an enum shape against a Smithy 1.0 `@enum` string with the same
            // values: the same Rust enum) nothing more to compare.
            _ => {}
        }
    }

    fn member(
        &mut self,
        loc: Location,
        (owner, name): (&ShapeId, &str),
        a: &MemberRef,
        b: &MemberRef,
        role: Role,
        kind: Owner,
    ) {
        let (old, new) = (self.old, self.new);
        if a.target != b.target {
            let (from_rust_type, to_rust_type) = match kind {
                Owner::Structure => {
                    (old.field_type(owner, name, &a.target), new.field_type(owner, name, &b.target))
                }
                Owner::Union => (
                    old.variant_type(owner, name, &a.target),
                    new.variant_type(owner, name, &b.target),
                ),
                Owner::Collection => (old.rust_type(&a.target), new.rust_type(&b.target)),
            };
            let same = from_rust_type == to_rust_type;
            self.push(
                loc.clone(),
                ChangeKind::MemberTargetChanged {
                    from: a.target.to_string(),
                    to: b.target.to_string(),
                    from_rust_type,
                    to_rust_type,
                },
            );
            if same {
                // Same Rust type: what the member accepts now follows the constraints and
                // sensitivity of the new target.
                if let (Some(ta), Some(tb)) =
                    (old.index.try_get(&a.target), new.index.try_get(&b.target))
                {
                    self.constraints(&loc, ta.traits(), tb.traits(), role);
                    self.flag(
                        &loc,
                        ta.traits(),
                        tb.traits(),
                        t::SENSITIVE,
                        ChangeKind::SensitiveAdded,
                        ChangeKind::SensitiveRemoved,
                    );
                }
            }
        } else if kind != Owner::Collection {
            // Same target, and yet the field may change: the IR boxes a member that closes a
            // cycle of structures and unions, which a change elsewhere can open or close.
            let (x, y) = (old.boxed(owner, name), new.boxed(owner, name));
            if x != y {
                self.push(loc.clone(), ChangeKind::BoxedChanged { boxed: y });
            }
        }
        if kind == Owner::Structure {
            let (pa, pb) = (old.presence(owner, name, a), new.presence(owner, name, b));
            if pa != pb {
                self.push(loc.clone(), ChangeKind::PresenceChanged { role, from: pa, to: pb });
            }
        }
        self.constraints(&loc, &a.traits, &b.traits, role);
        self.flag(
            &loc,
            &a.traits,
            &b.traits,
            t::SENSITIVE,
            ChangeKind::SensitiveAdded,
            ChangeKind::SensitiveRemoved,
        );
        self.flag(
            &loc,
            &a.traits,
            &b.traits,
            t::IDEMPOTENCY_TOKEN,
            ChangeKind::IdempotencyTokenAdded,
            ChangeKind::IdempotencyTokenRemoved,
        );
        self.timestamp_format(&loc, &a.traits, &b.traits);
        self.other_traits(&loc, &a.traits, &b.traits, MEMBER_TRAITS, false);
    }

    fn flag(
        &mut self,
        loc: &Location,
        a: &Traits,
        b: &Traits,
        id: &str,
        added: ChangeKind,
        removed: ChangeKind,
    ) {
        match (a.contains_key(id), b.contains_key(id)) {
            (false, true) => self.push(loc.clone(), added),
            (true, false) => self.push(loc.clone(), removed),
            _ => {}
        }
    }

    fn timestamp_format(&mut self, loc: &Location, a: &Traits, b: &Traits) {
        let (x, y) = (str_trait(a, t::TIMESTAMP_FORMAT), str_trait(b, t::TIMESTAMP_FORMAT));
        if x != y {
            self.push(loc.clone(), ChangeKind::TimestampFormatChanged { from: x, to: y });
        }
    }

    fn constraints(&mut self, loc: &Location, a: &Traits, b: &Traits, role: Role) {
        for (constraint, id) in [
            (Constraint::Length, t::LENGTH),
            (Constraint::Range, t::RANGE),
            (Constraint::Pattern, t::PATTERN),
        ] {
            let (x, y) = (a.get(id), b.get(id));
            if x == y {
                continue;
            }
            let direction = match constraint {
                Constraint::Pattern => match (x, y) {
                    (None, Some(_)) => Some(Direction::Tightened),
                    (Some(_), None) => Some(Direction::Relaxed),
                    _ => Some(Direction::Changed),
                },
                _ => bounds_direction(constraint, x, y),
            };
            if let Some(direction) = direction {
                self.push(
                    loc.clone(),
                    ChangeKind::ConstraintChanged {
                        constraint,
                        direction,
                        role,
                        from: x.map(|v| format_constraint(constraint, v)),
                        to: y.map(|v| format_constraint(constraint, v)),
                    },
                );
            }
        }
    }
}
