//! Stage 3: the Rust-oriented intermediate representation of one service.
//!
//! Everything the emitters need is decided here, once: which shapes become which Rust items, their
//! names (through [`crate::naming`]), field types and optionality, documentation as Markdown lines,
//! sensitivity, constraints. Lists are sorted; the emitters only turn this into tokens.
//!
//! Submodules lower what a trait carries into typed values, checking it: [`waiters`]
//! (`smithy.waiters#waitable`) and [`endpoints`] (`smithy.rules#endpointRuleSet` and
//! `smithy.rules#endpointTests`, and the partition table, which comes from outside the model),
//! read while building the IR; and the test cases, lowered after it from the IR and the index:
//! [`protocol_tests`] and [`smoke_tests`].
//!
//! # Nullability (Smithy 2.0)
//!
//! - Members of operation inputs are always `Option<T>`: inputs are `@input` structures, whose
//!   members are implicitly `@clientOptional`, so that a service may relax `@required` later
//!   without breaking callers. `@required` is checked before sending instead.
//! - Elsewhere a member is `T` (not `Option<T>`) when it is `@required`, or has a non-null
//!   `@default`, and is not `@clientOptional`. When a response omits such a member, the decoder
//!   keeps the member's default (its `@default`, else the type's zero value): Smithy's "error
//!   correction" for clients.
//! - Union variants hold their value directly; list and map entries are `Option<T>` only when the
//!   collection is `@sparse`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::docs::html_to_markdown;
use crate::error::{Error, Errors};
use crate::index::{ShapeIndex, UNIT};
use crate::model::{AggregateShape, MemberRef, Shape, ShapeId};
use crate::naming;
use crate::traits::{self, Bounds, Paginated, TimestampFormat, TraitReader};

pub mod endpoints;
pub mod protocol_tests;
pub mod smoke_tests;
pub mod waiters;

/// The protocol a service speaks (from its protocol trait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
}

/// A whole service, ready to emit.
#[derive(Debug)]
pub struct Service {
    pub id: ShapeId,
    /// The service shape's name: the `X-Amz-Target` prefix (`AWSStepFunctions`).
    pub target_prefix: String,
    pub sdk_id: String,
    pub title: String,
    pub version: String,
    pub signing_name: String,
    pub protocol: Protocol,
    /// `@awsQueryCompatible`: requests carry `x-amzn-query-mode`, error codes may come from
    /// `x-amzn-query-error`.
    pub query_compatible: bool,
    pub docs: Vec<String>,
    pub operations: Vec<Operation>,
    /// Structures that are neither operation inputs/outputs nor errors (`types::X`).
    pub structures: Vec<Structure>,
    /// `@error` structures (`types::error::X`).
    pub errors: Vec<Structure>,
    pub unions: Vec<Union>,
    pub enums: Vec<Enum>,
    pub int_enums: Vec<IntEnum>,
    /// `smithy.rules#endpointRuleSet`, lowered ([`endpoints`]).
    pub endpoint_rule_set: Option<endpoints::RuleSet>,
    /// `smithy.rules#endpointTests`, lowered against the rule set and the operations (only when
    /// the service has a rule set).
    pub endpoint_tests: Option<endpoints::EndpointTests>,
    /// What the client leaves out or does not honour (documented in the crate, reported by the
    /// generator).
    pub unsupported: Vec<crate::index::Unsupported>,
}

#[derive(Debug)]
pub struct Operation {
    pub id: ShapeId,
    /// `StartExecution`.
    pub name: String,
    /// `start_execution`: the client method and the module.
    pub fn_name: String,
    pub docs: Vec<String>,
    pub deprecated: Option<String>,
    pub input: Structure,
    pub output: Structure,
    /// The errors it may return, sorted by Rust name.
    pub errors: Vec<ErrorRef>,
    /// `@endpoint(hostPrefix)`, possibly with `{label}`s.
    pub host_prefix: Option<String>,
    /// `@requestCompression` lists gzip.
    pub request_compression: bool,
    /// The labels of the host prefix and the input fields that fill them.
    pub host_labels: Vec<(String, String)>,
    pub paginated: Option<Pagination>,
    /// `smithy.waiters#waitable`, sorted by name.
    pub waiters: Vec<waiters::Waiter>,
    /// How its requests are authenticated (`@auth`, `@optionalAuth`).
    pub auth: Auth,
    /// The endpoint parameters each call binds: static ones of the operation, then those of
    /// input members and input paths, sorted by parameter name.
    pub endpoint_params: Vec<ContextParam>,
    /// Field name of the `@idempotencyToken` input member.
    pub idempotency_token: Option<String>,
}

impl Operation {
    /// The Rust name of the operation's error enum (`ListActivitiesError`).
    pub fn error_type(&self) -> String {
        naming::error_enum(&self.name)
    }

    /// The Rust name of the fluent builder the client method returns.
    pub fn fluent_builder(&self) -> String {
        naming::fluent_builder(&self.name)
    }

    /// The input members a caller must set: `@required` ones, except the idempotency token the
    /// client fills in.
    pub fn required_inputs(&self) -> impl Iterator<Item = &Member> {
        self.input.members.iter().filter(|m| m.required && !m.idempotency_token)
    }
}

impl Service {
    /// The `X-Amz-Target` header of `op`'s requests: `<target prefix>.<operation name>`.
    pub fn x_amz_target(&self, op: &Operation) -> String {
        format!("{}.{}", self.target_prefix, op.name)
    }

    /// The operation the crate documentation's examples call: the first (by name) that needs
    /// no input and is not deprecated; `None` when every operation needs some input.
    pub fn example_operation(&self) -> Option<&Operation> {
        self.operations
            .iter()
            .filter(|op| op.deprecated.is_none() && op.required_inputs().next().is_none())
            .min_by(|a, b| a.name.cmp(&b.name))
    }

    /// The paginated operation the crate documentation's pagination example calls, chosen as
    /// [`Self::example_operation`] is.
    pub fn example_paginated_operation(&self) -> Option<&Operation> {
        self.operations
            .iter()
            .filter(|op| {
                op.paginated.is_some()
                    && op.deprecated.is_none()
                    && op.required_inputs().next().is_none()
            })
            .min_by(|a, b| a.name.cmp(&b.name))
    }
}

/// How an operation's requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Signed with SigV4 (the service's `aws.auth#sigv4`).
    SigV4,
    /// `@auth([])` on the operation (or the service): sent unsigned.
    None,
    /// `@optionalAuth`: signed when credentials resolve, unsigned otherwise.
    Optional,
}

/// An endpoint parameter an operation binds at call time.
#[derive(Debug, Clone)]
pub struct ContextParam {
    /// The rule set's parameter name.
    pub name: String,
    pub value: ContextValue,
}

#[derive(Debug, Clone)]
pub enum ContextValue {
    /// `smithy.rules#staticContextParams`.
    String(String),
    Bool(bool),
    StringArray(Vec<String>),
    /// `smithy.rules#contextParam` (a path of one member) or an `operationContextParams` path:
    /// the steps from the input to the values. `array`: the parameter is a `stringArray` of every
    /// value reached; else the first value reached (there is at most one). `bool`: the values are
    /// `bool`s, else `String`s.
    Path {
        steps: Vec<PathStep>,
        array: bool,
        bool: bool,
    },
}

/// One step of a context parameter's path.
#[derive(Debug, Clone)]
pub enum PathStep {
    /// A structure member (`Option<_>` when `optional`).
    Field { field: String, optional: bool },
    /// Every item of a list (`[*]`).
    Each,
    /// The keys of a map (`keys(...)`), sorted so that the order never depends on hashing.
    Keys,
}

/// An error an operation may return.
#[derive(Debug, Clone)]
pub struct ErrorRef {
    pub id: ShapeId,
    /// The Rust type (and enum variant) name.
    pub rust_name: String,
    /// The shape name the wire uses as error code.
    pub code: String,
    /// The error structure's `@retryable` (joined from [`Service::errors`] in lowering).
    pub retry: Option<RetryKind>,
    /// The error structure holds structures or unions inline
    /// ([`Structure::holds_aggregates`], joined in lowering).
    pub holds_aggregates: bool,
}

/// A `@paginated` operation's tokens, resolved to input/output fields.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The input token field (`Option<token>`).
    pub input_token: String,
    /// The output token field (`Option<token>`).
    pub output_token: String,
    /// The type of both tokens: [`RustType::String`] or a [`RustType::Map`].
    pub token: RustType,
    /// The output's list of items, if named.
    pub items: Option<PaginatedItems>,
    /// The input field that sets the page size, and its type.
    pub page_size: Option<(String, RustType)>,
}

/// The list of items a page holds.
#[derive(Debug, Clone)]
pub struct PaginatedItems {
    pub field: String,
    /// The type of one item: of the list's items, or of the map's values (an item is then a
    /// `(key, value)` pair).
    pub item: RustType,
    /// The items are a map rather than a list.
    pub map: bool,
    /// `@sparse`: an item (or map value) is `Option<item>`.
    pub sparse: bool,
    /// The field is `Option<Vec<item>>` rather than `Vec<item>`.
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureRole {
    Input,
    Output,
    Error,
    Plain,
}

/// How an error marked `@retryable` is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// `@retryable`: a transient error.
    Transient,
    /// `@retryable(throttling: true)`.
    Throttling,
}

#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// `@retryable`, if present.
    pub retry: Option<RetryKind>,
    /// The member holding the error message (`message` under any case), as its Rust field. It
    /// is optional, and its decoder reads it from any of the spellings services send (the
    /// runtime's `protocol::ERROR_MESSAGE_KEYS`).
    pub message_field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Structure {
    pub id: ShapeId,
    pub rust_name: String,
    pub module: String,
    pub docs: Vec<String>,
    pub deprecated: Option<String>,
    pub role: StructureRole,
    pub members: Vec<Member>,
    pub error: Option<ErrorInfo>,
    /// The structure itself is `@sensitive`: its Debug output is redacted whole.
    pub sensitive: bool,
    /// `build()` returns a `Result`: the structure is an operation input (its builder checks
    /// `@required` members), or it has a member that is neither optional nor defaulted, which the
    /// builder cannot fill in ([`Structure::build_requires`], decided once, in lowering; `diff` reads it).
    pub build_is_fallible: bool,
    /// A member's setter is named like a method of an operator trait (`add`, `not`, ...): the
    /// builder (and an input's fluent builder) allows `clippy::should_implement_trait`, the names
    /// kept (decided in lowering by [`naming::setter_shadows_operator_trait`]).
    pub setters_shadow_operator_trait: bool,
}

impl Structure {
    /// Whether building a structure of `role` fails without `m` set: `@required` without a
    /// `@default`, checked by an operation input's `build()` (and the operation's validation)
    /// whatever the field's type, and elsewhere only when the field is `T`, not `Option<T>` (a
    /// `@clientOptional` member is not checked). One rule, for lowering and `diff`.
    pub fn build_requires(role: StructureRole, m: &Member) -> bool {
        m.must_be_set() && (role == StructureRole::Input || !m.optional)
    }

    /// [`Self::build_requires`] for one of this structure's members.
    pub fn requires(&self, m: &Member) -> bool {
        Self::build_requires(self.role, m)
    }

    /// Whether the structure holds other structures or unions inline: its size is then whatever
    /// they hold, which the generator does not bound (an enum of such errors may have variants
    /// of very different sizes).
    pub fn holds_aggregates(&self) -> bool {
        self.members.iter().any(|m| {
            !m.boxed
                && matches!(
                    m.ty,
                    RustType::Named { kind: NamedKind::Structure | NamedKind::Union, .. }
                )
        })
    }
}

#[derive(Debug, Clone)]
pub struct Member {
    /// The name on the wire (and in the model).
    pub wire_name: String,
    /// The Rust field name (possibly raw, `r#type`).
    pub field: String,
    pub docs: Vec<String>,
    pub deprecated: Option<String>,
    pub ty: RustType,
    pub target: ShapeId,
    /// The field is `Option<ty>`.
    pub optional: bool,
    pub required: bool,
    /// A non-null `@default`, typed for `ty`.
    pub default: Option<DefaultValue>,
    /// Debug output redacts it: the member or what it targets (through collections) is
    /// `@sensitive`.
    pub sensitive: bool,
    pub idempotency_token: bool,
    /// The field is `Box<ty>` (`Option<Box<ty>>`): the member closes a cycle of structures and
    /// unions that hold each other directly (not through a list or map), which Rust could not
    /// lay out otherwise.
    pub boxed: bool,
    /// `@hostLabel`: the member fills a `{label}` of the operation's host prefix.
    pub host_label: bool,
    /// The format of the timestamps the member holds (itself, or inside its lists and maps) when it
    /// is not the protocol's default (epoch seconds).
    pub timestamp_format: Option<TimestampFormat>,
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    pub pattern: Option<String>,
}

impl Member {
    /// The builder fails when this member is not set: `@required` without a `@default`.
    pub fn must_be_set(&self) -> bool {
        self.required && self.default.is_none()
    }
}

/// A member's `@default`, lowered for the member's Rust type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// The type's `Default::default()` is the value (`0`, `false`, `""`, empty collection).
    Zero,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// A timestamp given as epoch seconds.
    EpochSeconds(f64),
    /// A timestamp given as RFC 3339 text.
    DateTimeText(String),
    /// A blob as base64 text.
    Blob(String),
    /// An enum's wire value.
    Enum(String),
    IntEnum(i64),
    /// A document, as JSON text.
    Document(String),
}

impl DefaultValue {
    /// The value is a constant expression (`unwrap_or(v)` rather than `unwrap_or_else(|| v)`).
    pub fn is_const(&self) -> bool {
        matches!(self, Self::Bool(_) | Self::Int(_) | Self::Float(_))
    }

    /// Lowers the `@default` value `v` of a member of type `ty`; `None` when the two disagree.
    fn lower(ty: &RustType, v: &Value) -> Option<DefaultValue> {
        let zero = match v {
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty() && matches!(ty, RustType::String | RustType::Blob),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Null => true,
        };
        if zero && !matches!(ty, RustType::Document) {
            return Some(DefaultValue::Zero);
        }
        Some(match (ty, v) {
            (RustType::String, Value::String(s)) => DefaultValue::String(s.clone()),
            (RustType::Bool, Value::Bool(b)) => DefaultValue::Bool(*b),
            (RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64, Value::Number(n)) => {
                DefaultValue::Int(n.as_i64()?)
            }
            (RustType::F32 | RustType::F64, Value::Number(n)) => DefaultValue::Float(n.as_f64()?),
            (RustType::DateTime, Value::Number(n)) => DefaultValue::EpochSeconds(n.as_f64()?),
            (RustType::DateTime, Value::String(s)) => DefaultValue::DateTimeText(s.clone()),
            (RustType::Blob, Value::String(s)) => DefaultValue::Blob(s.clone()),
            (RustType::Named { kind: NamedKind::Enum, .. }, Value::String(s)) => {
                DefaultValue::Enum(s.clone())
            }
            (RustType::Named { kind: NamedKind::IntEnum, .. }, Value::Number(n)) => {
                DefaultValue::IntEnum(n.as_i64()?)
            }
            (RustType::Document, v) => DefaultValue::Document(v.to_string()),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Union {
    pub id: ShapeId,
    pub rust_name: String,
    pub module: String,
    pub docs: Vec<String>,
    pub sensitive: bool,
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub wire_name: String,
    pub variant: String,
    pub docs: Vec<String>,
    /// `None` for a `smithy.api#Unit` variant.
    pub ty: Option<RustType>,
    /// The value is boxed: the variant closes a cycle (see [`Member::boxed`]).
    pub boxed: bool,
    pub timestamp_format: Option<TimestampFormat>,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub id: ShapeId,
    pub rust_name: String,
    pub module: String,
    pub docs: Vec<String>,
    pub sensitive: bool,
    /// `(variant, wire value, docs)`, in model order.
    pub variants: Vec<(String, String, Vec<String>)>,
}

#[derive(Debug, Clone)]
pub struct IntEnum {
    pub id: ShapeId,
    pub rust_name: String,
    pub module: String,
    pub docs: Vec<String>,
    pub variants: Vec<(String, i64, Vec<String>)>,
}

/// The Rust type of a member (without the outer `Option`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    String,
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    DateTime,
    Blob,
    Document,
    /// A generated type, by path from the crate root (`types::Tag`, `types::error::InvalidArn`).
    Named {
        path: Vec<String>,
        kind: NamedKind,
    },
    List {
        item: Box<RustType>,
        sparse: bool,
    },
    Map {
        value: Box<RustType>,
        sparse: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    Structure,
    Union,
    Enum,
    IntEnum,
}

impl RustType {
    /// Whether values are `Copy` (getters return them by value).
    pub fn is_copy(&self) -> bool {
        matches!(
            self,
            RustType::Bool
                | RustType::I8
                | RustType::I16
                | RustType::I32
                | RustType::I64
                | RustType::F32
                | RustType::F64
                | RustType::DateTime
        ) || matches!(self, RustType::Named { kind: NamedKind::IntEnum, .. })
    }
}

/// Builds the IR of `index`'s service. All problems are reported together.
pub fn build(index: &ShapeIndex) -> Result<Service, Errors> {
    Builder { index, errors: Vec::new(), components: aggregate_components(index) }.service()
}

/// The Rust type of the values of every shape of `index`'s closure that a member may target (what
/// [`Member::ty`] is for a member targeting it), by shape id: the lowering [`build`] uses, for
/// readers that compare shapes rather than members (`diff`). Shapes whose type cannot be lowered
/// (`bigInteger`, operations, ...) are left out; [`build`] reports them.
pub fn value_types(index: &ShapeIndex) -> BTreeMap<ShapeId, RustType> {
    let mut builder = Builder { index, errors: Vec::new(), components: BTreeMap::new() };
    let mut types = BTreeMap::new();
    for (id, shape) in index.closure() {
        if matches!(shape, Shape::Operation(_) | Shape::Service(_) | Shape::Resource(_)) {
            continue;
        }
        if let Some(ty) = builder.rust_type(id, id) {
            types.insert(id.clone(), ty);
        }
    }
    types
}

struct Builder<'a> {
    index: &'a ShapeIndex,
    errors: Vec<Error>,
    /// See [`aggregate_components`].
    components: BTreeMap<&'a ShapeId, usize>,
}

/// The strongly connected components of the structures and unions of the closure, as a component
/// number per shape: shapes are nodes, and each member targeting a structure or union is an edge.
/// Two shapes hold each other (directly or through other structures and unions) exactly when
/// they are in the same component. Tarjan's algorithm, with an explicit stack (no recursion, so a
/// long chain of structures cannot exhaust the thread's stack), in time linear in the closure.
fn aggregate_components(index: &ShapeIndex) -> BTreeMap<&ShapeId, usize> {
    let edges = |id: &ShapeId| -> Vec<&ShapeId> {
        match index.try_get(id) {
            Some(Shape::Structure(a) | Shape::Union(a)) => a
                .members
                .values()
                .map(|m| &m.target)
                .filter(|t| matches!(index.try_get(t), Some(Shape::Structure(_) | Shape::Union(_))))
                .collect(),
            _ => Vec::new(),
        }
    };
    #[derive(Default)]
    struct State<'a> {
        order: BTreeMap<&'a ShapeId, usize>,
        low: BTreeMap<&'a ShapeId, usize>,
        on_stack: BTreeSet<&'a ShapeId>,
        stack: Vec<&'a ShapeId>,
        component: BTreeMap<&'a ShapeId, usize>,
        /// The visits in progress: a shape, its successors, how many of them are done.
        calls: Vec<(&'a ShapeId, Vec<&'a ShapeId>, usize)>,
    }
    impl<'a> State<'a> {
        fn enter(&mut self, v: &'a ShapeId, successors: Vec<&'a ShapeId>) {
            let n = self.order.len();
            self.order.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            self.calls.push((v, successors, 0));
        }
        fn lower(&mut self, v: &'a ShapeId, to: usize) {
            if let Some(l) = self.low.get_mut(v) {
                *l = (*l).min(to);
            }
        }
    }
    let mut st = State::default();
    for (root, shape) in index.closure() {
        if !matches!(shape, Shape::Structure(_) | Shape::Union(_)) || st.order.contains_key(root) {
            continue;
        }
        st.enter(root, edges(root));
        while let Some((v, successors, done)) = st.calls.last_mut() {
            let v: &ShapeId = v;
            if let Some(&w) = successors.get(*done) {
                *done += 1;
                if !st.order.contains_key(w) {
                    st.enter(w, edges(w));
                } else if st.on_stack.contains(w) {
                    let to = st.order[w];
                    st.lower(v, to);
                }
                continue;
            }
            st.calls.pop();
            let lv = st.low[v];
            if let Some(&(parent, ..)) = st.calls.last() {
                st.lower(parent, lv);
            }
            if lv == st.order[v] {
                let number = st.component.len();
                while let Some(w) = st.stack.pop() {
                    st.on_stack.remove(w);
                    st.component.insert(w, number);
                    if w == v {
                        break;
                    }
                }
            }
        }
    }
    st.component
}

fn docs_of(traits: &crate::model::Traits) -> Vec<String> {
    traits
        .get(traits::DOCUMENTATION)
        .and_then(Value::as_str)
        .map(html_to_markdown)
        .unwrap_or_default()
}

impl<'a> Builder<'a> {
    fn service(mut self) -> Result<Service, Errors> {
        let index = self.index;
        let id = index.service_id.clone();
        let svc = index.service();
        let reader = TraitReader::new(&svc.traits, &id);
        let protocol = if reader.has(traits::AWS_JSON_1_0) {
            Protocol::AwsJson1_0
        } else if reader.has(traits::AWS_JSON_1_1) {
            Protocol::AwsJson1_1
        } else {
            let found: Vec<&str> = svc
                .traits
                .keys()
                .filter(|k| k.starts_with("aws.protocols#"))
                .map(String::as_str)
                .collect();
            return Err(Error::shape(&id, format!(
                "the service has no supported protocol trait (supported: awsJson1_0, awsJson1_1; found: {})",
                if found.is_empty() { "none".to_string() } else { found.join(", ") }
            ))
            .into());
        };
        let query_compatible = reader.has(traits::AWS_QUERY_COMPATIBLE);
        let aws_service = svc.traits.get(traits::AWS_SERVICE);
        let sdk_id = aws_service
            .and_then(|s| s.get("sdkId"))
            .and_then(Value::as_str)
            .unwrap_or(id.name())
            .to_string();
        let signing_name = svc
            .traits
            .get(traits::SIGV4)
            .and_then(|s| s.get("name"))
            .and_then(Value::as_str)
            .or_else(|| aws_service.and_then(|s| s.get("arnNamespace")).and_then(Value::as_str))
            .unwrap_or(id.name())
            .to_string();
        let title =
            svc.traits.get(traits::TITLE).and_then(Value::as_str).unwrap_or(&sdk_id).to_string();
        let service_paginated = reader.paginated().ok().flatten();

        // Which structures are operation inputs / outputs: they are emitted with their operation.
        let mut io_shapes = BTreeSet::new();
        let mut operations = Vec::new();
        for op_id in index.operations() {
            if let Some(op) = self.operation(op_id, service_paginated.as_ref()) {
                io_shapes.insert(op.input.id.clone());
                io_shapes.insert(op.output.id.clone());
                operations.push(op);
            }
        }
        let mut structures = Vec::new();
        let mut errors = Vec::new();
        let mut unions = Vec::new();
        let mut enums = Vec::new();
        let mut int_enums = Vec::new();
        for (sid, shape) in index.closure() {
            match shape {
                Shape::Structure(_) if sid.as_str() == UNIT => {}
                Shape::Structure(s) => {
                    let is_error = s.traits.contains_key(traits::ERROR);
                    if is_error {
                        errors.push(self.structure(sid, s, StructureRole::Error, None));
                    } else if !io_shapes.contains(sid) || self.used_as_member(sid) {
                        structures.push(self.structure(sid, s, StructureRole::Plain, None));
                    }
                }
                Shape::Union(u) => unions.push(self.union(sid, u)),
                Shape::Enum(e) => enums.push(self.enumeration(sid, e)),
                Shape::String(s) if s.traits.contains_key(traits::ENUM) => {
                    if let Some(e) = self.legacy_enum(sid, &s.traits) {
                        enums.push(e);
                    }
                }
                Shape::IntEnum(e) => int_enums.push(self.int_enum(sid, e)),
                Shape::BigInteger(_) | Shape::BigDecimal(_) => {
                    self.errors.push(Error::shape(
                        sid,
                        format!("{} shapes are not supported yet", shape.type_name()),
                    ));
                }
                _ => {}
            }
        }
        self.check_type_names(&structures, &errors, &unions, &enums, &int_enums);
        let op_names = operations.iter().map(|o| (o.id.as_str(), o.fn_name.clone()));
        for (rust, model) in naming::find_collisions(op_names) {
            self.errors.push(Error::model(
                &id.to_string(),
                format!("operations {} all map to the Rust name `{rust}`", model.join(", ")),
            ));
        }
        let (endpoint_rule_set, endpoint_tests) = self.endpoints(&svc.traits, &operations);
        if !self.errors.is_empty() {
            let mut errs = self.errors;
            errs.sort_by(|a, b| a.location.cmp(&b.location).then(a.message.cmp(&b.message)));
            errs.dedup();
            return Err(Errors(errs));
        }
        // Join each operation's error references with the error structures.
        for op in &mut operations {
            for e in &mut op.errors {
                if let Some(s) = errors.iter().find(|s| s.id == e.id) {
                    e.retry = s.error.as_ref().and_then(|i| i.retry);
                    e.holds_aggregates = s.holds_aggregates();
                }
            }
        }
        let by_name = |a: &String, b: &String| a.cmp(b);
        structures.sort_by(|a, b| by_name(&a.rust_name, &b.rust_name));
        errors.sort_by(|a, b| by_name(&a.rust_name, &b.rust_name));
        unions.sort_by(|a, b| by_name(&a.rust_name, &b.rust_name));
        enums.sort_by(|a, b| by_name(&a.rust_name, &b.rust_name));
        int_enums.sort_by(|a, b| by_name(&a.rust_name, &b.rust_name));
        Ok(Service {
            target_prefix: id.name().to_string(),
            docs: docs_of(&svc.traits),
            version: svc.version.clone(),
            endpoint_rule_set,
            endpoint_tests,
            unsupported: index.unsupported().to_vec(),
            id,
            sdk_id,
            title,
            signing_name,
            protocol,
            query_compatible,
            operations,
            structures,
            errors,
            unions,
            enums,
            int_enums,
        })
    }

    /// The service's endpoint rule set and endpoint tests, lowered; a problem is recorded and
    /// gives `None`.
    fn endpoints(
        &mut self,
        service_traits: &crate::model::Traits,
        operations: &[Operation],
    ) -> (Option<endpoints::RuleSet>, Option<endpoints::EndpointTests>) {
        let Some(rules) = service_traits.get(traits::ENDPOINT_RULE_SET) else {
            return (None, None);
        };
        let rules = match endpoints::lower_rule_set(rules) {
            Ok(rules) => rules,
            Err(e) => {
                self.errors.push(e);
                return (None, None);
            }
        };
        let tests = service_traits.get(traits::ENDPOINT_TESTS).and_then(|tests| {
            let operations: Vec<endpoints::OperationRef> = operations
                .iter()
                .map(|op| endpoints::OperationRef {
                    name: op.name.clone(),
                    module: op.fn_name.clone(),
                    input_members: op.input.members.iter().map(|m| m.wire_name.clone()).collect(),
                })
                .collect();
            endpoints::lower_tests(tests, &rules, &operations).map_err(|e| self.errors.push(e)).ok()
        });
        (Some(rules), tests)
    }

    /// Whether a structure is targeted by a member somewhere (then it is also a plain type, even
    /// when it is an operation's input or output).
    fn used_as_member(&self, id: &ShapeId) -> bool {
        self.index.closure().any(|(_, s)| {
            !matches!(s, Shape::Operation(_)) && s.members().iter().any(|(_, m)| &m.target == id)
        })
    }

    fn check_type_names(
        &mut self,
        structures: &[Structure],
        errors: &[Structure],
        unions: &[Union],
        enums: &[Enum],
        int_enums: &[IntEnum],
    ) {
        let names = structures
            .iter()
            .chain(errors)
            .map(|s| (s.id.as_str(), s.rust_name.clone()))
            .chain(unions.iter().map(|u| (u.id.as_str(), u.rust_name.clone())))
            .chain(enums.iter().map(|e| (e.id.as_str(), e.rust_name.clone())))
            .chain(int_enums.iter().map(|e| (e.id.as_str(), e.rust_name.clone())));
        let names: Vec<(&str, String)> = names.collect();
        for (rust, model) in naming::find_collisions(names.iter().map(|(m, r)| (*m, r.clone()))) {
            self.errors.push(Error::model(
                model[0],
                format!("shapes {} all map to the Rust type name `{rust}`; rename one with the service's `rename` map", model.join(", ")),
            ));
        }
        // Module names must be distinct too (`Foo` and `FOO` would share `foo.rs`).
        for (rust, model) in
            naming::find_collisions(names.iter().map(|(m, r)| (*m, naming::module_name(r))))
        {
            self.errors.push(Error::model(
                model[0],
                format!("shapes {} all map to the module `{rust}`", model.join(", ")),
            ));
        }
    }

    fn operation(
        &mut self,
        id: &ShapeId,
        service_paginated: Option<&Paginated>,
    ) -> Option<Operation> {
        let Shape::Operation(op) = self.index.get(id) else { return None };
        let name = naming::type_name(self.index.local_name(id));
        let reader = TraitReader::new(&op.traits, id);
        let unit = ShapeId::new(UNIT);
        let input_id = op.input.as_ref().map_or(unit.clone(), |r| r.target.clone());
        let output_id = op.output.as_ref().map_or(unit, |r| r.target.clone());
        let input = self.io_structure(&input_id, &format!("{name}Input"), StructureRole::Input);
        let output = self.io_structure(&output_id, &format!("{name}Output"), StructureRole::Output);
        let mut errors: Vec<ErrorRef> = op
            .errors
            .iter()
            .chain(&self.index.service().errors)
            .map(|r| ErrorRef {
                id: r.target.clone(),
                rust_name: naming::type_name(self.index.local_name(&r.target)),
                code: r.target.name().to_string(),
                retry: None,
                holds_aggregates: false,
            })
            .collect();
        errors.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
        errors.dedup_by(|a, b| a.id == b.id);
        let host_prefix = match reader.host_prefix() {
            Ok(p) => p.map(str::to_string),
            Err(e) => {
                self.errors.push(e);
                None
            }
        };
        let host_labels = match &host_prefix {
            Some(p) => self.host_labels(id, p, &input),
            None => Vec::new(),
        };
        let paginated = match reader.paginated() {
            Ok(Some(p)) => {
                self.pagination(id, &Paginated::merge(service_paginated, &p), &input, &output)
            }
            Ok(None) => None,
            Err(e) => {
                self.errors.push(e);
                None
            }
        };
        let idempotency_token =
            input.members.iter().find(|m| m.idempotency_token).map(|m| m.field.clone());
        let mut docs = docs_of(&op.traits);
        for u in self.index.unsupported().iter().filter(|u| &u.operation == id) {
            docs.extend([String::new(), format!("**Not supported:** {}.", u.describe())]);
        }
        let waiters =
            waiters::read(id, op.traits.get(waiters::WAITABLE), &output).unwrap_or_else(|e| {
                self.errors.extend(e);
                Vec::new()
            });
        let auth = self.auth(id, &op.traits);
        let endpoint_params = self.endpoint_params(id, &op.traits, &input_id, &input);
        Some(Operation {
            fn_name: naming::function_name(&name),
            docs,
            deprecated: reader.deprecated(),
            id: id.clone(),
            name,
            input,
            output,
            errors,
            host_prefix,
            host_labels,
            request_compression: op
                .traits
                .get(traits::REQUEST_COMPRESSION)
                .and_then(|v| v.get("encodings"))
                .and_then(Value::as_array)
                .is_some_and(|e| {
                    e.iter().any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case("gzip")))
                }),
            paginated,
            waiters,
            auth,
            endpoint_params,
            idempotency_token,
        })
    }

    /// The type (`String`, `Boolean`, `stringArray`) of the endpoint rule set's parameter `name`.
    fn rule_param_type(&self, name: &str) -> Option<String> {
        let rules = self.index.service().traits.get(traits::ENDPOINT_RULE_SET)?;
        rules.get("parameters")?.get(name)?.get("type")?.as_str().map(str::to_ascii_lowercase)
    }

    /// The endpoint parameters an operation binds: `staticContextParams`, `contextParam` members
    /// of its input and `operationContextParams` paths.
    fn endpoint_params(
        &mut self,
        id: &ShapeId,
        op_traits: &crate::model::Traits,
        input_id: &ShapeId,
        input: &Structure,
    ) -> Vec<ContextParam> {
        let mut out = Vec::new();
        if let Some(v) = op_traits.get(traits::STATIC_CONTEXT_PARAMS) {
            for (name, p) in v.as_object().into_iter().flatten() {
                let ty = self.rule_param_type(name);
                let value = match (p.get("value"), ty.as_deref()) {
                    (Some(Value::String(s)), Some("string")) => ContextValue::String(s.clone()),
                    (Some(Value::Bool(b)), Some("boolean")) => ContextValue::Bool(*b),
                    (Some(Value::Array(a)), Some("stringarray"))
                        if a.iter().all(Value::is_string) =>
                    {
                        ContextValue::StringArray(
                            a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                        )
                    }
                    (_, None) => {
                        self.errors.push(Error::shape(id, format!("`staticContextParams` sets `{name}`, which the endpoint rule set does not declare")));
                        continue;
                    }
                    (v, Some(t)) => {
                        self.errors.push(Error::shape(id, format!("`staticContextParams` `{name}`: the value {v:?} is not of the parameter's type `{t}`")));
                        continue;
                    }
                };
                out.push(ContextParam { name: name.clone(), value });
            }
        }
        if let Shape::Structure(s) = self.index.get(input_id) {
            for (member_name, m) in &s.members {
                let Some(name) = m
                    .traits
                    .get(traits::CONTEXT_PARAM)
                    .and_then(|v| v.get("name"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                if let Some(p) = self.context_path(id, name, member_name, input_id, input) {
                    out.push(p);
                }
            }
        }
        if let Some(v) = op_traits.get(traits::OPERATION_CONTEXT_PARAMS) {
            for (name, p) in v.as_object().into_iter().flatten() {
                let Some(path) = p.get("path").and_then(Value::as_str) else {
                    self.errors.push(Error::shape(
                        id,
                        format!("`operationContextParams` `{name}` has no string `path`"),
                    ));
                    continue;
                };
                if let Some(p) = self.context_path(id, name, path, input_id, input) {
                    out.push(p);
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Resolves a context parameter's path in the input: `Member`, `A.B`, `A[*].B` (every item of
    /// a list) and `keys(A)` (a map's keys). Anything else is refused, naming the path.
    fn context_path(
        &mut self,
        id: &ShapeId,
        name: &str,
        path: &str,
        input_id: &ShapeId,
        input: &Structure,
    ) -> Option<ContextParam> {
        let Some(ty) = self.rule_param_type(name) else {
            self.errors.push(Error::shape(id, format!("the endpoint context parameter `{name}` (path `{path}`) is not declared by the endpoint rule set")));
            return None;
        };
        let fail = |why: &str| {
            Error::shape(
                id,
                format!("the endpoint context parameter `{name}` (path `{path}`): {why}"),
            )
        };
        let (inner, keys) = match path.strip_prefix("keys(").and_then(|p| p.strip_suffix(')')) {
            Some(p) => (p, true),
            None => (path, false),
        };
        let mut steps = Vec::new();
        let mut owner = input_id.clone();
        // The shape reached so far; `None` while it is a structure to look members up in.
        let mut at: Option<ShapeId> = None;
        let mut projected = false;
        for segment in inner.split('.') {
            let (member, each) = match segment.strip_suffix("[*]") {
                Some(m) => (m, true),
                None => (segment, false),
            };
            if member.is_empty() || !member.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                self.errors.push(fail(
                    "only `A.B`, `A[*].B` and `keys(A)` paths of member names are supported",
                ));
                return None;
            }
            if let Some(t) = at.take() {
                owner = t;
            }
            let found = match self.index.get(&owner) {
                Shape::Structure(s) => s
                    .members
                    .iter()
                    .find(|(n, _)| n.as_str() == member)
                    .map(|(n, m)| (n.clone(), m.clone())),
                other => {
                    let why = format!(
                        "`{member}` is looked up in `{owner}`, a {}, not a structure",
                        other.type_name()
                    );
                    self.errors.push(fail(&why));
                    return None;
                }
            };
            let Some((member_name, m)) = found else {
                self.errors.push(fail(&format!("`{member}` is not a member of `{owner}`")));
                return None;
            };
            let field = if owner == *input_id {
                input
                    .members
                    .iter()
                    .find(|x| x.wire_name == member_name)
                    .map(|x| (x.field.clone(), x.optional))
            } else {
                self.member(&owner, &member_name, &m, StructureRole::Plain)
                    .map(|x| (x.field, x.optional))
            };
            let (field, optional) = field?;
            steps.push(PathStep::Field { field, optional });
            let mut target = m.target.clone();
            if each {
                match self.index.get(&target) {
                    Shape::List(l) | Shape::Set(l) if !l.traits.contains_key(traits::SPARSE) => {
                        target = l.member.target.clone();
                        steps.push(PathStep::Each);
                        projected = true;
                    }
                    _ => {
                        self.errors
                            .push(fail(&format!("`{member}[*]`: `{target}` is not a dense list")));
                        return None;
                    }
                }
            }
            at = Some(target);
        }
        let leaf = at.expect("split yields at least one segment");
        let leaf_kind = self.index.get(&leaf);
        let bool_leaf = if keys {
            if !matches!(leaf_kind, Shape::Map(_)) {
                self.errors.push(fail(&format!(
                    "`keys(...)` of `{leaf}`, a {}, not a map",
                    leaf_kind.type_name()
                )));
                return None;
            }
            steps.push(PathStep::Keys);
            projected = true;
            false
        } else {
            match leaf_kind {
                Shape::String(_) if self.rust_type(&leaf, id) == Some(RustType::String) => false,
                Shape::Boolean(_) => true,
                Shape::List(l) | Shape::Set(l)
                    if !projected
                        && matches!(self.index.get(&l.member.target), Shape::String(_))
                        && !l.traits.contains_key(traits::SPARSE) =>
                {
                    steps.push(PathStep::Each);
                    projected = true;
                    false
                }
                other => {
                    let why = format!("the value `{leaf}` is a {}: only strings, booleans and lists of strings are supported", other.type_name());
                    self.errors.push(fail(&why));
                    return None;
                }
            }
        };
        let ok = match ty.as_str() {
            "string" => !projected && !bool_leaf,
            "boolean" => !projected && bool_leaf,
            "stringarray" => projected && !bool_leaf,
            _ => false,
        };
        if !ok {
            self.errors.push(fail(&format!(
                "the parameter is of type `{ty}`, which the path's values do not match"
            )));
            return None;
        }
        Some(ContextParam {
            name: name.to_string(),
            value: ContextValue::Path { steps, array: projected, bool: bool_leaf },
        })
    }

    /// The operation's `@auth` (else the service's) and `@optionalAuth`. The client signs with
    /// SigV4 only: a list of schemes without `aws.auth#sigv4` is an error.
    fn auth(&mut self, id: &ShapeId, op_traits: &crate::model::Traits) -> Auth {
        let index = self.index;
        let service_traits = &index.service().traits;
        let (owner, schemes) = match op_traits.get(traits::AUTH) {
            Some(v) => (id, v),
            None => match service_traits.get(traits::AUTH) {
                Some(v) => (&index.service_id, v),
                None => {
                    return if op_traits.contains_key(traits::OPTIONAL_AUTH) {
                        Auth::Optional
                    } else {
                        Auth::SigV4
                    }
                }
            },
        };
        let Some(schemes) = schemes.as_array().filter(|a| a.iter().all(Value::is_string)) else {
            self.errors
                .push(Error::shape(owner, "`@auth` must be a list of auth scheme shape ids"));
            return Auth::SigV4;
        };
        if schemes.is_empty() {
            Auth::None
        } else if schemes.iter().any(|s| s.as_str() == Some(traits::SIGV4)) {
            if op_traits.contains_key(traits::OPTIONAL_AUTH) {
                Auth::Optional
            } else {
                Auth::SigV4
            }
        } else {
            let listed: Vec<&str> = schemes.iter().filter_map(Value::as_str).collect();
            self.errors.push(Error::shape(
                owner,
                format!("`@auth` lists {listed:?}: the client only signs with `{}`", traits::SIGV4),
            ));
            Auth::SigV4
        }
    }

    /// The `{label}`s of a host prefix, each resolved to the `@hostLabel` input member that
    /// fills it: `(label, field)`, in prefix order.
    fn host_labels(
        &mut self,
        id: &ShapeId,
        prefix: &str,
        input: &Structure,
    ) -> Vec<(String, String)> {
        let mut labels = Vec::new();
        let mut rest = prefix;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.errors.push(Error::shape(
                    id,
                    format!("the host prefix `{prefix}` has an unclosed `{{`"),
                ));
                return Vec::new();
            };
            let label = &rest[open + 1..open + close];
            match input.members.iter().find(|m| m.wire_name == label) {
                Some(m) if m.host_label && matches!(m.ty, RustType::String) => labels.push((label.to_string(), m.field.clone())),
                Some(_) => self.errors.push(Error::shape(
                    id,
                    format!("the host prefix label `{{{label}}}` needs a `@hostLabel` string member of {}", input.id),
                )),
                None => self.errors.push(Error::shape(
                    id,
                    format!("the host prefix label `{{{label}}}` is not a member of {}", input.id),
                )),
            }
            rest = &rest[open + close + 1..];
        }
        labels
    }

    fn pagination(
        &mut self,
        id: &ShapeId,
        p: &Paginated,
        input: &Structure,
        output: &Structure,
    ) -> Option<Pagination> {
        fn find<'s>(
            id: &ShapeId,
            s: &'s Structure,
            path: &Option<String>,
            what: &str,
        ) -> Result<Option<&'s Member>, Error> {
            let Some(path) = path else { return Ok(None) };
            if path.contains('.') {
                return Err(Error::shape(
                    id,
                    format!("nested pagination paths (`{path}`) are not supported yet"),
                ));
            }
            match s.members.iter().find(|m| &m.wire_name == path) {
                Some(m) => Ok(Some(m)),
                None => Err(Error::shape(
                    id,
                    format!("`@paginated` {what} `{path}` is not a member of {}", s.id),
                )),
            }
        }
        let found = (|| {
            let input_token = find(id, input, &p.input_token, "inputToken")?
                .ok_or_else(|| Error::shape(id, "`@paginated` without an inputToken"))?;
            let output_token = find(id, output, &p.output_token, "outputToken")?
                .ok_or_else(|| Error::shape(id, "`@paginated` without an outputToken"))?;
            Ok((
                input_token,
                output_token,
                find(id, output, &p.items, "items")?,
                find(id, input, &p.page_size, "pageSize")?,
            ))
        })();
        let (input_token, output_token, items, page_size) = match found {
            Ok(f) => f,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        // What a member targets, for errors: the shape id and its kind.
        let index = self.index;
        let target = |m: &Member| match index.try_get(&m.target) {
            Some(shape) => format!("`{}` ({})", m.target, shape.type_name()),
            None => format!("`{}`", m.target),
        };
        let items = match items {
            None => None,
            Some(m) => {
                match &m.ty {
                    RustType::List { item, sparse } | RustType::Map { value: item, sparse } => {
                        let map = matches!(m.ty, RustType::Map { .. });
                        let (item, sparse) = ((**item).clone(), *sparse);
                        Some(PaginatedItems {
                            field: m.field.clone(),
                            item,
                            sparse,
                            map,
                            optional: m.optional,
                        })
                    }
                    _ => {
                        let t = target(m);
                        self.errors.push(Error::shape(
                        id,
                        format!("`@paginated` items `{}` targets {t}: items must be a list or a map", m.wire_name),
                    ));
                        return None;
                    }
                }
            }
        };
        for (m, what) in [(input_token, "inputToken"), (output_token, "outputToken")] {
            if !matches!(m.ty, RustType::String | RustType::Map { .. }) {
                let t = target(m);
                self.errors.push(Error::shape(
                    id,
                    format!(
                        "`@paginated` {what} `{}` targets {t}: a token must be a string or a map",
                        m.wire_name
                    ),
                ));
                return None;
            }
            if !m.optional {
                self.errors.push(Error::shape(
                    id,
                    format!(
                        "`@paginated` {what} `{}` is required: a token must be optional",
                        m.wire_name
                    ),
                ));
                return None;
            }
        }
        if input_token.ty != output_token.ty {
            self.errors.push(Error::shape(
                id,
                format!(
                    "`@paginated` inputToken `{}` targets {} but outputToken `{}` targets {}: \
                     the output token is sent back as the input token, so their types must match",
                    input_token.wire_name,
                    target(input_token),
                    output_token.wire_name,
                    target(output_token)
                ),
            ));
            return None;
        }
        Some(Pagination {
            input_token: input_token.field.clone(),
            output_token: output_token.field.clone(),
            token: input_token.ty.clone(),
            items,
            page_size: page_size.map(|m| (m.field.clone(), m.ty.clone())),
        })
    }

    fn io_structure(&mut self, id: &ShapeId, rust_name: &str, role: StructureRole) -> Structure {
        match self.index.get(id) {
            Shape::Structure(s) => {
                let mut st = self.structure(id, s, role, Some(rust_name.to_string()));
                if id.as_str() == UNIT {
                    st.docs = Vec::new();
                }
                st
            }
            _ => unreachable!("the index checked that operation inputs and outputs are structures"),
        }
    }

    fn structure(
        &mut self,
        id: &ShapeId,
        s: &AggregateShape,
        role: StructureRole,
        rust_name: Option<String>,
    ) -> Structure {
        let rust_name = rust_name.unwrap_or_else(|| naming::type_name(self.index.local_name(id)));
        let reader = TraitReader::new(&s.traits, id);
        let is_error = matches!(reader.error(), Ok(Some(_)));
        let retry = match reader.retryable().ok().flatten() {
            Some(true) => Some(RetryKind::Throttling),
            Some(false) => Some(RetryKind::Transient),
            None => None,
        };
        let mut members: Vec<Member> =
            s.members.iter().filter_map(|(name, m)| self.member(id, name, m, role)).collect();
        let fields = naming::disambiguate_fields(
            &members.iter().map(|m| m.field.clone()).collect::<Vec<_>>(),
        );
        for (m, f) in members.iter_mut().zip(fields) {
            m.field = f;
        }
        let field_names = members.iter().map(|m| (m.wire_name.as_str(), m.field.clone()));
        let collisions = naming::find_collisions(field_names.collect::<Vec<_>>());
        let any_field_collision = !collisions.is_empty();
        for (rust, model) in collisions {
            self.errors.push(Error::shape(
                id,
                format!("members {} all map to the Rust field `{rust}`", model.join(", ")),
            ));
        }
        if !any_field_collision {
            let pairs: Vec<(&str, String)> =
                members.iter().map(|m| (m.wire_name.as_str(), m.field.clone())).collect();
            for (method, model) in naming::member_method_collisions(&pairs) {
                self.errors.push(Error::shape(
                    id,
                    format!("members {} all make the Rust method `{method}`", model.join(", ")),
                ));
            }
        }
        // Error structures keep their `message` member (under any case) as the error message.
        let mut message_field = None;
        if role == StructureRole::Error {
            for m in &mut members {
                if m.wire_name.eq_ignore_ascii_case("message") {
                    m.optional = true;
                    message_field.get_or_insert_with(|| m.field.clone());
                }
            }
        }
        let error = is_error.then_some(ErrorInfo { retry, message_field });
        let build_is_fallible = role == StructureRole::Input
            || members.iter().any(|m| Structure::build_requires(role, m));
        let setters_shadow_operator_trait =
            members.iter().any(|m| naming::setter_shadows_operator_trait(&m.field));
        Structure {
            build_is_fallible,
            setters_shadow_operator_trait,
            id: id.clone(),
            module: naming::module_name(&rust_name),
            rust_name,
            docs: docs_of(&s.traits),
            deprecated: reader.deprecated(),
            role,
            members,
            error,
            sensitive: s.traits.contains_key(traits::SENSITIVE),
        }
    }

    fn member(
        &mut self,
        owner: &ShapeId,
        name: &str,
        m: &MemberRef,
        role: StructureRole,
    ) -> Option<Member> {
        let mid = ShapeId::new(format!("{owner}${name}"));
        let reader = TraitReader::new(&m.traits, &mid);
        let ty = self.rust_type(&m.target, &mid)?;
        let target = self.index.get(&m.target);
        let target_reader = TraitReader::new(target.traits(), &m.target);
        let required = reader.has(traits::REQUIRED);
        // A member's own `@default` wins over its target's; `null` removes the default.
        let default = match reader.default_value().or_else(|| target_reader.default_value()) {
            Some(Value::Null) | None => None,
            Some(v) => match DefaultValue::lower(&ty, v) {
                Some(d) => Some(d),
                None => {
                    self.errors.push(Error::shape(
                        &mid,
                        format!("`@default` {v} does not fit the member's type"),
                    ));
                    return None;
                }
            },
        };
        let client_optional = reader.has(traits::CLIENT_OPTIONAL);
        let optional = match role {
            StructureRole::Input => true,
            _ => client_optional || !(required || default.is_some()),
        };
        let timestamp_format = self.timestamp_format(&reader, &m.target, &ty);
        let mut docs = docs_of(&m.traits);
        if docs.is_empty() {
            docs = docs_of(target.traits());
        }
        Some(Member {
            wire_name: name.to_string(),
            field: naming::field_name(name),
            docs,
            deprecated: reader.deprecated(),
            sensitive: reader.has(traits::SENSITIVE)
                || self.is_sensitive_target(&m.target, &mut BTreeSet::new()),
            idempotency_token: reader.has(traits::IDEMPOTENCY_TOKEN),
            host_label: reader.has(traits::HOST_LABEL),
            boxed: self.closes_cycle(owner, &m.target),
            length: reader
                .bounds(traits::LENGTH)
                .ok()
                .flatten()
                .or_else(|| target_reader.bounds(traits::LENGTH).ok().flatten()),
            range: reader
                .bounds(traits::RANGE)
                .ok()
                .flatten()
                .or_else(|| target_reader.bounds(traits::RANGE).ok().flatten()),
            pattern: reader
                .string(traits::PATTERN)
                .ok()
                .flatten()
                .or_else(|| target_reader.string(traits::PATTERN).ok().flatten())
                .map(str::to_string),
            target: m.target.clone(),
            ty,
            optional,
            required,
            default,
            timestamp_format,
        })
    }

    /// Whether a member of `owner` targeting `target` closes a cycle of structures and unions
    /// holding each other directly: `owner` is reachable from `target` through members that
    /// target structures or unions (lists and maps are heap-allocated and break the cycle).
    fn closes_cycle(&self, owner: &ShapeId, target: &ShapeId) -> bool {
        if let (Some(a), Some(b)) = (self.components.get(owner), self.components.get(target)) {
            return a == b;
        }
        if self.components.contains_key(owner) {
            // The target is not a structure or union of the closure: nothing to close.
            return false;
        }
        // An owner outside the closure (not expected): search from the target.
        let mut seen = BTreeSet::new();
        let mut todo = vec![target.clone()];
        while let Some(id) = todo.pop() {
            if &id == owner {
                return true;
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(Shape::Structure(a) | Shape::Union(a)) = self.index.try_get(&id) {
                for m in a.members.values() {
                    if matches!(
                        self.index.try_get(&m.target),
                        Some(Shape::Structure(_) | Shape::Union(_))
                    ) {
                        todo.push(m.target.clone());
                    }
                }
            }
        }
        false
    }

    /// A target is sensitive when it is `@sensitive` or is a collection of sensitive values.
    /// (Structures and unions redact their own sensitive members.)
    fn is_sensitive_target(&self, id: &ShapeId, seen: &mut BTreeSet<ShapeId>) -> bool {
        if !seen.insert(id.clone()) {
            return false;
        }
        let shape = self.index.get(id);
        if shape.traits().contains_key(traits::SENSITIVE) {
            return true;
        }
        match shape {
            Shape::List(l) | Shape::Set(l) => self.is_sensitive_target(&l.member.target, seen),
            Shape::Map(m) => {
                self.is_sensitive_target(&m.key.target, seen)
                    || self.is_sensitive_target(&m.value.target, seen)
            }
            _ => false,
        }
    }

    fn rust_type(&mut self, target: &ShapeId, at: &ShapeId) -> Option<RustType> {
        let shape = self.index.get(target);
        let named = |kind: NamedKind, path: &str, index: &ShapeIndex| RustType::Named {
            path: vec![path.to_string(), naming::type_name(index.local_name(target))],
            kind,
        };
        Some(match shape {
            Shape::String(s) if s.traits.contains_key(traits::ENUM) => {
                named(NamedKind::Enum, "types", self.index)
            }
            Shape::String(_) => RustType::String,
            Shape::Boolean(_) => RustType::Bool,
            Shape::Byte(_) => RustType::I8,
            Shape::Short(_) => RustType::I16,
            Shape::Integer(_) => RustType::I32,
            Shape::Long(_) => RustType::I64,
            Shape::Float(_) => RustType::F32,
            Shape::Double(_) => RustType::F64,
            Shape::Timestamp(_) => RustType::DateTime,
            Shape::Blob(_) => RustType::Blob,
            Shape::Document(_) => RustType::Document,
            Shape::Enum(_) => named(NamedKind::Enum, "types", self.index),
            Shape::IntEnum(_) => named(NamedKind::IntEnum, "types", self.index),
            Shape::Union(_) => named(NamedKind::Union, "types", self.index),
            Shape::Structure(s) if s.traits.contains_key(traits::ERROR) => RustType::Named {
                path: vec![
                    "types".into(),
                    "error".into(),
                    naming::type_name(self.index.local_name(target)),
                ],
                kind: NamedKind::Structure,
            },
            Shape::Structure(_) => named(NamedKind::Structure, "types", self.index),
            Shape::List(l) | Shape::Set(l) => RustType::List {
                item: Box::new(self.rust_type(&l.member.target, at)?),
                sparse: l.traits.contains_key(traits::SPARSE),
            },
            Shape::Map(m) => RustType::Map {
                value: Box::new(self.rust_type(&m.value.target, at)?),
                sparse: m.traits.contains_key(traits::SPARSE),
            },
            Shape::BigInteger(_) | Shape::BigDecimal(_) => {
                self.errors.push(Error::shape(
                    at,
                    format!("targets `{target}`: {} is not supported yet", shape.type_name()),
                ));
                return None;
            }
            Shape::Operation(_) | Shape::Service(_) | Shape::Resource(_) | Shape::Apply(_) => {
                self.errors.push(Error::shape(
                    at,
                    format!("targets `{target}`, a {} shape", shape.type_name()),
                ));
                return None;
            }
        })
    }

    /// The format of the timestamps a member holds — itself, or inside its lists and maps at any
    /// depth — when it is not the protocol's default (epoch seconds). The member's own
    /// `@timestampFormat` wins over the one on the timestamp shape; inside collections, the
    /// collection member's wins over its target's.
    fn timestamp_format(
        &self,
        member: &TraitReader<'_>,
        target: &ShapeId,
        ty: &RustType,
    ) -> Option<TimestampFormat> {
        fn holds_timestamps(ty: &RustType) -> bool {
            match ty {
                RustType::DateTime => true,
                RustType::List { item, .. } => holds_timestamps(item),
                RustType::Map { value, .. } => holds_timestamps(value),
                _ => false,
            }
        }
        if !holds_timestamps(ty) {
            return None;
        }
        member
            .timestamp_format()
            .ok()
            .flatten()
            .or_else(|| self.nested_timestamp_format(target, 0))
            .filter(|f| *f != TimestampFormat::EpochSeconds)
    }

    /// The `@timestampFormat` of the timestamps values of `target` hold.
    fn nested_timestamp_format(&self, target: &ShapeId, depth: usize) -> Option<TimestampFormat> {
        let collection_member = |m: &crate::model::MemberRef, name: &str| {
            let id = ShapeId::new(format!("{target}${name}"));
            TraitReader::new(&m.traits, &id)
                .timestamp_format()
                .ok()
                .flatten()
                .or_else(|| self.nested_timestamp_format(&m.target, depth + 1))
        };
        match self.index.try_get(target)? {
            _ if depth > 16 => None,
            Shape::Timestamp(t) => {
                TraitReader::new(&t.traits, target).timestamp_format().ok().flatten()
            }
            Shape::List(l) | Shape::Set(l) => collection_member(&l.member, "member"),
            Shape::Map(m) => collection_member(&m.value, "value"),
            _ => None,
        }
    }

    fn union(&mut self, id: &ShapeId, u: &AggregateShape) -> Union {
        let rust_name = naming::type_name(self.index.local_name(id));
        let mut variants = Vec::new();
        for (name, m) in &u.members {
            let mid = ShapeId::new(format!("{id}${name}"));
            let ty = if m.target.as_str() == UNIT { None } else { self.rust_type(&m.target, &mid) };
            let reader = TraitReader::new(&m.traits, &mid);
            variants.push(UnionVariant {
                wire_name: name.clone(),
                variant: naming::variant_name(name),
                docs: docs_of(&m.traits),
                timestamp_format: match &ty {
                    Some(t) => self.timestamp_format(&reader, &m.target, t),
                    None => None,
                },
                ty,
                boxed: self.closes_cycle(id, &m.target),
            });
        }
        for (rust, model) in naming::find_collisions(
            variants.iter().map(|v| (v.wire_name.as_str(), v.variant.clone())).collect::<Vec<_>>(),
        ) {
            self.errors.push(Error::shape(
                id,
                format!("union members {} all map to the variant `{rust}`", model.join(", ")),
            ));
        }
        Union {
            id: id.clone(),
            module: naming::module_name(&rust_name),
            rust_name,
            docs: docs_of(&u.traits),
            sensitive: u.traits.contains_key(traits::SENSITIVE),
            variants,
        }
    }

    fn enumeration(&mut self, id: &ShapeId, e: &AggregateShape) -> Enum {
        let rust_name = naming::type_name(self.index.local_name(id));
        let variants: Vec<(String, String, Vec<String>)> = e
            .members
            .iter()
            .map(|(name, m)| {
                let value = m
                    .traits
                    .get(traits::ENUM_VALUE)
                    .and_then(Value::as_str)
                    .unwrap_or(name)
                    .to_string();
                (naming::variant_name(name), value, docs_of(&m.traits))
            })
            .collect();
        self.check_variants(id, variants.iter().map(|(v, w, _)| (w.as_str(), v.clone())).collect());
        Enum {
            id: id.clone(),
            module: naming::module_name(&rust_name),
            rust_name,
            docs: docs_of(&e.traits),
            sensitive: e.traits.contains_key(traits::SENSITIVE),
            variants,
        }
    }

    fn legacy_enum(&mut self, id: &ShapeId, traits_: &crate::model::Traits) -> Option<Enum> {
        let defs = TraitReader::new(traits_, id).enum_definitions().ok()??;
        let rust_name = naming::type_name(self.index.local_name(id));
        let variants: Vec<(String, String, Vec<String>)> = defs
            .iter()
            .map(|d| {
                let name = d.name.clone().unwrap_or_else(|| d.value.clone());
                (
                    naming::variant_name(&name),
                    d.value.clone(),
                    d.documentation.as_deref().map(html_to_markdown).unwrap_or_default(),
                )
            })
            .collect();
        self.check_variants(id, variants.iter().map(|(v, w, _)| (w.as_str(), v.clone())).collect());
        Some(Enum {
            id: id.clone(),
            module: naming::module_name(&rust_name),
            rust_name,
            docs: docs_of(traits_),
            sensitive: traits_.contains_key(traits::SENSITIVE),
            variants,
        })
    }

    fn int_enum(&mut self, id: &ShapeId, e: &AggregateShape) -> IntEnum {
        let rust_name = naming::type_name(self.index.local_name(id));
        let variants: Vec<(String, i64, Vec<String>)> = e
            .members
            .iter()
            .map(|(name, m)| {
                (
                    naming::variant_name(name),
                    m.traits.get(traits::ENUM_VALUE).and_then(Value::as_i64).unwrap_or_default(),
                    docs_of(&m.traits),
                )
            })
            .collect();
        self.check_variants(id, variants.iter().map(|(v, _, _)| (v.as_str(), v.clone())).collect());
        IntEnum {
            id: id.clone(),
            module: naming::module_name(&rust_name),
            rust_name,
            docs: docs_of(&e.traits),
            variants,
        }
    }

    fn check_variants(&mut self, id: &ShapeId, names: Vec<(&str, String)>) {
        for (rust, model) in naming::find_collisions(names) {
            self.errors.push(Error::shape(
                id,
                format!("enum values {} all map to the variant `{rust}`", model.join(", ")),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Model;

    /// A service with one operation whose input `t#In` holds `t#S0` (member `a`), plus `shapes`.
    fn service_of(shapes: Value) -> Service {
        let mut all = json!({
            "t#Svc": { "type": "service", "version": "1", "operations": [{ "target": "t#Op" }], "traits": { "aws.protocols#awsJson1_0": {} } },
            "t#Op": { "type": "operation", "input": { "target": "t#In" } },
            "t#In": { "type": "structure", "members": { "a": { "target": "t#S0" } } },
        });
        for (k, v) in shapes.as_object().expect("an object") {
            all[k] = v.clone();
        }
        let model =
            Model::from_json(&json!({ "smithy": "2.0", "shapes": all }).to_string(), "test")
                .unwrap();
        build(&ShapeIndex::build(&model, &ShapeId::new("t#Svc")).unwrap()).unwrap()
    }

    /// The `boxed` flag of each member of each structure, as `Shape.member`.
    fn boxed(service: &Service) -> Vec<String> {
        let mut out: Vec<String> = service
            .structures
            .iter()
            .flat_map(|s| {
                s.members
                    .iter()
                    .filter(|m| m.boxed)
                    .map(move |m| format!("{}.{}", s.id.name(), m.wire_name))
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn members_closing_cycles_are_boxed() {
        let s = |members: Value| json!({ "type": "structure", "members": members });
        let service = service_of(json!({
            // S0 -> S1 -> S2 -> S0, S2 -> S2, S2 -> Leaf, S1 -> [S0] (a list breaks the cycle).
            "t#S0": s(json!({ "next": { "target": "t#S1" } })),
            "t#S1": s(json!({ "next": { "target": "t#S2" }, "list": { "target": "t#List" } })),
            "t#S2": s(json!({ "first": { "target": "t#S0" }, "me": { "target": "t#S2" }, "leaf": { "target": "t#Leaf" } })),
            "t#List": { "type": "list", "member": { "target": "t#S0" } },
            "t#Leaf": s(json!({ "x": { "target": "smithy.api#String" } })),
        }));
        assert_eq!(boxed(&service), ["S0.next", "S1.next", "S2.first", "S2.me"]);
    }

    /// Found by the `generator` fuzz target's seeds: a chain of 20,000 structures, each holding
    /// the next, took time quadratic in its length (a search per member); now linear.
    #[test]
    fn long_chains_of_structures_build_in_linear_time() {
        let n = 20_000;
        let mut shapes = serde_json::Map::new();
        for i in 0..n {
            shapes.insert(
                format!("t#S{i}"),
                json!({ "type": "structure", "members": { "m": { "target": format!("t#S{}", i + 1) } } }),
            );
        }
        shapes.insert(format!("t#S{n}"), json!({ "type": "string" }));
        let start = std::time::Instant::now();
        let service = service_of(Value::Object(shapes));
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
        assert_eq!(service.structures.len(), n);
        assert!(boxed(&service).is_empty());
    }

    /// Issue 13, point 2: a structure whose `@required` members all have a `@default` (SFN's
    /// `MapRunExecutionCounts`: every member `@required @default(0)`) builds infallibly; one
    /// `@required` member without a default makes `build()` fallible; inputs always are.
    #[test]
    fn setters_named_like_operator_methods_are_decided_in_lowering() {
        let service = service_of(json!({
            "t#In": { "type": "structure", "members": { "a": { "target": "t#S0" }, "sub": { "target": "smithy.api#String" } } },
            "t#S0": { "type": "structure", "members": { "add": { "target": "smithy.api#String" }, "s1": { "target": "t#S1" } } },
            "t#S1": { "type": "structure", "members": { "adds": { "target": "smithy.api#String" } } },
        }));
        let get = |name: &str| service.structures.iter().find(|s| s.id.name() == name).unwrap();
        assert!(get("S0").setters_shadow_operator_trait);
        assert!(!get("S1").setters_shadow_operator_trait);
        assert!(
            service.operations[0].input.setters_shadow_operator_trait,
            "the input's fluent builder reads it too"
        );
    }

    #[test]
    fn build_requires_follows_the_role() {
        let service = service_of(json!({
            "t#In": { "type": "structure", "members": {
                "a": { "target": "t#S0" },
                "co": { "target": "smithy.api#String", "traits": { "smithy.api#required": {}, "smithy.api#clientOptional": {} } },
            } },
            "t#S0": { "type": "structure", "members": {
                "co": { "target": "smithy.api#String", "traits": { "smithy.api#required": {}, "smithy.api#clientOptional": {} } },
            } },
        }));
        let input = &service.operations[0].input;
        let plain = service.structures.iter().find(|s| s.id.name() == "S0").unwrap();
        let co = |s: &Structure| s.members.iter().find(|m| m.wire_name == "co").cloned().unwrap();
        // An input checks every `@required` member; elsewhere an `Option` field is not checked.
        assert!(input.requires(&co(input)));
        assert!(!plain.requires(&co(plain)) && !plain.build_is_fallible);
    }

    #[test]
    fn build_is_fallible_only_when_a_member_must_be_set() {
        let long = |default: Value| json!({ "target": "smithy.api#Long", "traits": { "smithy.api#required": {}, "smithy.api#default": default } });
        let service = service_of(json!({
            "t#S0": { "type": "structure", "members": { "n": long(json!(0)), "m": long(json!(7)), "s1": { "target": "t#S1" } } },
            "t#S1": { "type": "structure", "members": {
                "n": long(json!(0)),
                "s": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } },
            } },
        }));
        let get = |name: &str| service.structures.iter().find(|s| s.id.name() == name).unwrap();
        assert!(!get("S0").build_is_fallible);
        let default =
            |m: &str| get("S0").members.iter().find(|x| x.wire_name == m).unwrap().default.clone();
        assert_eq!(default("n"), Some(DefaultValue::Zero));
        assert_eq!(default("m"), Some(DefaultValue::Int(7)));
        assert!(get("S1").build_is_fallible);
        assert!(
            service.operations[0].input.build_is_fallible,
            "inputs check `@required` in build()"
        );
    }

    /// Error tables are joined in lowering: each operation's error reference carries the
    /// error's retry kind; the error's message member is named once.
    #[test]
    fn error_references_carry_retry_kind_and_errors_their_message_field() {
        let model = json!({ "smithy": "2.0", "shapes": {
            "t#Svc": { "type": "service", "version": "1", "operations": [{ "target": "t#Op" }], "traits": { "aws.protocols#awsJson1_0": {} } },
            "t#Op": { "type": "operation", "errors": [{ "target": "t#Slow" }, { "target": "t#Flaky" }, { "target": "t#Bad" }] },
            "t#Slow": { "type": "structure", "members": { "Message": { "target": "smithy.api#String" } },
                "traits": { "smithy.api#error": "server", "smithy.api#retryable": { "throttling": true } } },
            "t#Flaky": { "type": "structure", "members": {}, "traits": { "smithy.api#error": "server", "smithy.api#retryable": {} } },
            "t#Bad": { "type": "structure", "members": { "reason": { "target": "smithy.api#String" } }, "traits": { "smithy.api#error": "client" } },
        } });
        let model = Model::from_json(&model.to_string(), "test").unwrap();
        let service = build(&ShapeIndex::build(&model, &ShapeId::new("t#Svc")).unwrap()).unwrap();
        let retry: Vec<(&str, Option<RetryKind>)> =
            service.operations[0].errors.iter().map(|e| (e.code.as_str(), e.retry)).collect();
        assert_eq!(
            retry,
            [
                ("Bad", None),
                ("Flaky", Some(RetryKind::Transient)),
                ("Slow", Some(RetryKind::Throttling))
            ]
        );
        let message = |name: &str| {
            service
                .errors
                .iter()
                .find(|s| s.id.name() == name)
                .unwrap()
                .error
                .clone()
                .unwrap()
                .message_field
        };
        assert_eq!(message("Slow").as_deref(), Some("message"));
        assert_eq!(message("Bad"), None);
    }
}
