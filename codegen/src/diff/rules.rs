//! What a model change is, and what it means for the generated Rust crate.
//!
//! [`classify`] is the ONE place where changes are classified: every rule is an arm of its match,
//! with a one-line reason. The facts a rule reads about the generated crate come from the IR
//! ([`crate::ir`], the lowering the generator runs), recorded in the [`ChangeKind`] by
//! `compare.rs`; what [`crate::ir`] and [`crate::emit`] generate, in short:
//!
//! - whether a structure member's field is `Option<T>` or `T` is [`crate::ir::Member::optional`]
//!   ([`Presence::optional`]): always `Option` in operation inputs and for an error's message;
//!   elsewhere `T` for a member that is `@required` or has a `@default` and is not
//!   `@clientOptional`;
//! - whether building fails without the member is [`crate::ir::Structure::build_requires`]
//!   ([`Presence::enforced`]): `@required` without `@default`, in operation inputs through
//!   `build()` and the operation's validation, elsewhere only for a `T` field;
//! - field and shape Rust types, named types, enum variants, retry kinds, paginators and
//!   waiters are the IR's;
//! - structures, enums, intEnums, unions and operation error enums are `#[non_exhaustive]`; enums
//!   and unions have an `Unknown` variant, error enums an `Unhandled` one;
//! - simple shapes (strings, numbers, lists, maps, ...) map to built-in Rust types: no named type is
//!   generated for them;
//! - constraint traits (`@length`, `@range`, `@pattern`) are documented, not enforced by the client:
//!   the service enforces them.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The semver effect of one change on the generated crate. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// No API change: behaviour, documentation or data only (semver patch).
    Patch,
    /// New API that existing code does not notice (semver minor).
    Additive,
    /// Code that compiled, or calls that worked, may stop doing so (semver major).
    Breaking,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Patch => "patch",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }

    /// The version bump this class calls for.
    pub fn bump(self) -> Bump {
        match self {
            Class::Patch => Bump::Patch,
            Class::Additive => Bump::Minor,
            Class::Breaking => Bump::Major,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Class {
    type Err = String;

    /// Accepts `breaking`/`major`, `additive`/`minor` and `patch` (as `--fail-on` values).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "breaking" | "major" => Ok(Class::Breaking),
            "additive" | "minor" => Ok(Class::Additive),
            "patch" => Ok(Class::Patch),
            _ => Err(format!("unknown change class `{s}` (expected breaking, additive or patch)")),
        }
    }
}

/// A recommended semver bump of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// The models are semantically identical.
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How callers use a shape, over both model versions (a shape used both ways in either version
/// counts as both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The input structure of an operation: `Option<T>` fields, validated before sending.
    OperationInput,
    /// Built by callers only (reachable from an operation input, never returned).
    Input,
    /// Returned to callers only (outputs, errors and what they contain).
    Output,
    /// Both built by callers and returned to them.
    InputOutput,
}

impl Role {
    /// Whether callers construct values of the shape.
    pub fn built_by_callers(self) -> bool {
        !matches!(self, Role::Output)
    }

    fn describe(self) -> &'static str {
        match self {
            Role::OperationInput => "operation input",
            Role::Input => "built by callers",
            Role::Output => "returned to callers",
            Role::InputOutput => "built by callers and returned to them",
        }
    }
}

/// What decides whether a structure member must be set and whether its field is optional: the
/// member's presence traits (as written in the model, for the report) and what the generated
/// crate does with them, read from the member's [`crate::ir::Member`] (`optional`, and
/// [`crate::ir::Structure::build_requires`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Presence {
    pub required: bool,
    /// The member's `@default` (else its target's) as compact JSON; `None` without one or with
    /// `@default(null)`.
    pub default: Option<String>,
    pub client_optional: bool,
    /// The generated field is `Option<T>` (always, in operation inputs and for an error's
    /// message).
    pub optional: bool,
    /// Building a value without the member fails: `@required` without a `@default` (in operation
    /// inputs, through `build()` and validation; elsewhere, through a fallible `build()`, unless
    /// the field is `Option<T>`).
    pub enforced: bool,
}

impl Presence {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.required {
            parts.push("@required".to_string());
        }
        if let Some(d) = &self.default {
            parts.push(format!("@default({d})"));
        }
        if self.client_optional {
            parts.push("@clientOptional".to_string());
        }
        if parts.is_empty() {
            "optional".to_string()
        } else {
            parts.join(" ")
        }
    }
}

/// A constraint trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    Length,
    Range,
    Pattern,
}

impl Constraint {
    pub fn trait_name(self) -> &'static str {
        match self {
            Constraint::Length => "@length",
            Constraint::Range => "@range",
            Constraint::Pattern => "@pattern",
        }
    }
}

/// Which way a constraint moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Only values that were valid before can be valid now; some are rejected now.
    Tightened,
    /// Every value valid before stays valid; more are accepted.
    Relaxed,
    /// Some values become valid and others invalid (or, for `@pattern`, the difference is unknown).
    Changed,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Tightened => "tightened",
            Direction::Relaxed => "relaxed",
            Direction::Changed => "changed",
        }
    }
}

/// A field of `@paginated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginatedField {
    InputToken,
    OutputToken,
    Items,
    PageSize,
}

impl PaginatedField {
    fn as_str(self) -> &'static str {
        match self {
            PaginatedField::InputToken => "inputToken",
            PaginatedField::OutputToken => "outputToken",
            PaginatedField::Items => "items",
            PaginatedField::PageSize => "pageSize",
        }
    }
}

/// One semantic change between two models. Where it happened is kept apart (see
/// [`super::Location`]); shape ids in here are absolute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    // --- service ---
    ServiceIdChanged {
        from: String,
        to: String,
    },
    ServiceVersionChanged {
        from: String,
        to: String,
    },
    /// A service-level trait other than documentation and endpoint rules/tests (protocol, SigV4,
    /// `aws.api#service`, ...).
    ServiceTraitChanged {
        trait_id: String,
    },
    ServiceErrorAdded {
        error: String,
    },
    ServiceErrorRemoved {
        error: String,
    },
    /// The service's `rename` of a shape changed (so its Rust type name changes).
    RenameChanged {
        shape: String,
        from: Option<String>,
        to: Option<String>,
    },

    // --- operations ---
    OperationAdded,
    OperationRemoved,
    OperationInputChanged {
        from: String,
        to: String,
    },
    OperationOutputChanged {
        from: String,
        to: String,
    },
    OperationErrorAdded {
        error: String,
    },
    OperationErrorRemoved {
        error: String,
    },
    PaginatedAdded {
        items: Option<String>,
    },
    PaginatedRemoved,
    /// A waiter (`smithy.waiters#waitable`) of the operation, by name.
    WaiterAdded {
        name: String,
    },
    WaiterRemoved {
        name: String,
    },
    /// Its acceptors or delays changed.
    WaiterChanged {
        name: String,
    },
    PaginatedChanged {
        field: PaginatedField,
        from: Option<String>,
        to: Option<String>,
    },
    HostPrefixChanged {
        from: Option<String>,
        to: Option<String>,
    },
    SmokeTestsChanged {
        added: usize,
        removed: usize,
        changed: usize,
    },

    // --- shapes ---
    ShapeAdded {
        shape_type: String,
        named_type: bool,
    },
    ShapeRemoved {
        shape_type: String,
        named_type: bool,
    },
    ShapeTypeChanged {
        from: String,
        to: String,
        rust_type_changed: bool,
    },
    MemberAdded {
        role: Role,
        presence: Presence,
        target: String,
        rust_type: String,
    },
    MemberRemoved {
        role: Role,
    },
    MemberTargetChanged {
        from: String,
        to: String,
        from_rust_type: String,
        to_rust_type: String,
    },
    /// The member (its target unchanged) now closes a cycle of structures and unions holding
    /// each other, so the IR boxes it (`boxed: true`), or no longer does.
    BoxedChanged {
        boxed: bool,
    },
    PresenceChanged {
        role: Role,
        from: Presence,
        to: Presence,
    },
    /// A union variant.
    VariantAdded {
        target: String,
        rust_type: String,
    },
    VariantRemoved,
    /// `variant` is the Rust variant name.
    EnumValueAdded {
        value: String,
        variant: String,
    },
    EnumValueRemoved {
        value: String,
        variant: String,
    },
    EnumValueChanged {
        from: String,
        to: String,
        variant: String,
    },
    ConstraintChanged {
        constraint: Constraint,
        direction: Direction,
        role: Role,
        from: Option<String>,
        to: Option<String>,
    },
    SensitiveAdded,
    SensitiveRemoved,
    SparseChanged {
        sparse: bool,
    },
    IdempotencyTokenAdded,
    IdempotencyTokenRemoved,
    /// `@error` (`client`/`server`) added, removed or changed.
    ErrorTraitChanged {
        from: Option<String>,
        to: Option<String>,
    },
    HttpErrorChanged {
        from: Option<u64>,
        to: Option<u64>,
    },
    /// `@retryable`: `None`, `transient` or `throttling`.
    RetryableChanged {
        from: Option<String>,
        to: Option<String>,
    },
    TimestampFormatChanged {
        from: Option<String>,
        to: Option<String>,
    },
    /// `@deprecated` added, removed, or its message changed.
    DeprecatedChanged {
        from: Option<String>,
        to: Option<String>,
    },
    /// Any other trait (e.g. `@input`, `@tags`, `smithy.rules#contextParam`).
    OtherTraitChanged {
        trait_id: String,
    },

    // --- endpoints ---
    EndpointParameterAdded {
        name: String,
        must_set: bool,
    },
    EndpointParameterRemoved {
        name: String,
    },
    EndpointParameterChanged {
        name: String,
        changes: Vec<String>,
        type_changed: bool,
        now_must_set: bool,
    },
    /// The rules of `smithy.rules#endpointRuleSet` (anything but its parameters) changed.
    EndpointRulesChanged {
        from_rules: usize,
        to_rules: usize,
    },
    /// `smithy.rules#endpointTests`: cases matched by their parameters and operation inputs.
    EndpointTestsChanged {
        added: usize,
        removed: usize,
        changed: usize,
        from_total: usize,
        to_total: usize,
    },

    // --- documentation ---
    /// Documentation traits (`@documentation`, `@examples`, `@externalDocumentation`, `@title`) or
    /// an endpoint parameter's documentation. Counted, not listed.
    DocumentationChanged,
}

/// THE classification rules: every change kind, its class, and why.
pub fn classify(kind: &ChangeKind) -> (Class, &'static str) {
    use ChangeKind as K;
    use Class::{Additive, Breaking, Patch};
    match kind {
        K::ServiceIdChanged { .. } => (Breaking, "every shape id of the service changes, and with it the generated names"),
        K::ServiceVersionChanged { .. } => (Patch, "only the API version constant sent with requests changes"),
        K::ServiceTraitChanged { .. } => (Patch, "protocol/signing/service metadata: the regenerated client follows it without API change"),
        K::ServiceErrorAdded { .. } => (Additive, "every operation error enum gains a variant; they are non_exhaustive"),
        K::ServiceErrorRemoved { .. } => (Breaking, "a variant disappears from every operation error enum"),
        K::RenameChanged { .. } => (Breaking, "the generated Rust type name changes"),

        K::OperationAdded => (Additive, "a new client method, operation and input/output types"),
        K::OperationRemoved => (Breaking, "the client method and the operation's types disappear"),
        K::OperationInputChanged { .. } => (Breaking, "the operation takes a different input type"),
        K::OperationOutputChanged { .. } => (Breaking, "the operation returns a different output type"),
        K::OperationErrorAdded { .. } => (Additive, "the operation error enum gains a variant; it is non_exhaustive"),
        K::OperationErrorRemoved { .. } => (Breaking, "a variant of the operation error enum disappears; matches on it stop compiling"),
        K::PaginatedAdded { .. } => (Additive, "a paginator is generated for the operation"),
        K::PaginatedRemoved => (Breaking, "the operation's paginator disappears"),
        K::WaiterAdded { .. } => (Additive, "a new `wait_until_*` client method and its builder"),
        K::WaiterRemoved { .. } => (Breaking, "the `wait_until_*` client method disappears"),
        K::WaiterChanged { .. } => (Patch, "the waiter's acceptors or delays change: when it stops, not its API"),
        K::PaginatedChanged { field: PaginatedField::InputToken | PaginatedField::OutputToken, .. } => {
            (Patch, "token plumbing is internal to the paginator")
        }
        K::PaginatedChanged { from: None, .. } => (Additive, "the paginator gains an items stream or page-size setter"),
        K::PaginatedChanged { .. } => (Breaking, "the paginator's items stream or page-size setter changes or disappears"),
        K::HostPrefixChanged { .. } => (Patch, "requests go to a different host; no Rust API change"),
        K::SmokeTestsChanged { .. } => (Patch, "test data only"),

        K::ShapeAdded { named_type: true, .. } => (Additive, "a new public type"),
        K::ShapeAdded { named_type: false, .. } => (Patch, "simple shapes map to built-in Rust types; members using it are reported on their own"),
        K::ShapeRemoved { named_type: true, .. } => (Breaking, "a public type disappears"),
        K::ShapeRemoved { named_type: false, .. } => (Patch, "no generated type disappears; members that used it are reported on their own"),
        K::ShapeTypeChanged { rust_type_changed: true, .. } => (Breaking, "the Rust type generated for the shape changes"),
        K::ShapeTypeChanged { rust_type_changed: false, .. } => (Patch, "the shape maps to the same Rust type as before"),
        K::MemberAdded { presence, .. } if presence.enforced => {
            (Breaking, "building a value without the new @required member now fails (validation or a fallible build())")
        }
        K::MemberAdded { .. } => (Additive, "a new field and builder setter on a non_exhaustive struct"),
        K::MemberRemoved { .. } => (Breaking, "a field, its getter and its builder setter disappear"),
        K::MemberTargetChanged { from_rust_type, to_rust_type, .. } if from_rust_type != to_rust_type => {
            (Breaking, "the field's Rust type changes")
        }
        K::MemberTargetChanged { .. } => (Patch, "the field keeps its Rust type"),
        K::BoxedChanged { .. } => (Breaking, "the field's Rust type changes between T and Box<T>"),
        K::PresenceChanged { from, to, .. } if from.optional != to.optional => {
            (Breaking, "the field changes between Option<T> and T")
        }
        K::PresenceChanged { from, to, .. } if !from.enforced && to.enforced => {
            (Breaking, "building a value without the member now fails (validation or a fallible build())")
        }
        K::PresenceChanged { from, to, .. } if from.enforced && !to.enforced => {
            (Additive, "the member may now be left unset; everything that worked still works")
        }
        K::PresenceChanged { .. } => (Patch, "neither the field type nor what building requires changes"),
        K::VariantAdded { .. } => (Additive, "a new variant of a non_exhaustive union enum"),
        K::VariantRemoved => (Breaking, "a union variant disappears"),
        K::EnumValueAdded { .. } => (Additive, "a new variant of a non_exhaustive enum; it was Unknown before"),
        K::EnumValueRemoved { .. } => (Breaking, "an enum variant disappears"),
        K::EnumValueChanged { .. } => (Breaking, "a variant now stands for a different wire value"),
        K::ConstraintChanged { direction: Direction::Relaxed, .. } => {
            (Patch, "the client does not enforce constraints, and every value valid before stays valid")
        }
        K::ConstraintChanged { role, .. } if role.built_by_callers() => {
            (Breaking, "values the service accepted before may now be rejected")
        }
        K::ConstraintChanged { .. } => (Patch, "callers only receive these values; a narrower contract breaks nothing"),
        K::SensitiveAdded | K::SensitiveRemoved => (Patch, "only Debug redaction changes; no signature change"),
        K::SparseChanged { .. } => (Breaking, "collection elements change between T and Option<T>"),
        K::IdempotencyTokenAdded => (Additive, "callers may leave the member unset; the client fills a token"),
        K::IdempotencyTokenRemoved => (Breaking, "the client stops filling the token; calls that relied on it lose idempotency or fail validation"),
        K::ErrorTraitChanged { from: Some(_), to: Some(_) } => (Patch, "only the error's fault (client/server) changes"),
        K::ErrorTraitChanged { .. } => (Breaking, "the structure moves between an error type and a plain type"),
        K::HttpErrorChanged { .. } => (Patch, "only the status metadata changes; awsJson picks errors by type"),
        K::RetryableChanged { .. } => (Patch, "only retry behaviour changes"),
        K::TimestampFormatChanged { .. } => (Patch, "only the wire format changes; the field stays a DateTime"),
        K::DeprecatedChanged { from: None, to: Some(_) } => (Additive, "#[deprecated] only warns; deprecation is a minor change"),
        K::DeprecatedChanged { .. } => (Patch, "only a deprecation warning goes away or changes"),
        K::OtherTraitChanged { .. } => (Patch, "no effect on the generated Rust API"),

        K::EndpointParameterAdded { must_set: true, .. } => (Breaking, "endpoint resolution needs a new parameter nobody sets yet"),
        K::EndpointParameterAdded { must_set: false, .. } => (Additive, "a new optional endpoint parameter"),
        K::EndpointParameterRemoved { .. } => (Breaking, "a setting callers pass is no longer honoured by endpoint resolution"),
        K::EndpointParameterChanged { type_changed: true, .. } | K::EndpointParameterChanged { now_must_set: true, .. } => {
            (Breaking, "values callers pass for the parameter may no longer resolve")
        }
        K::EndpointParameterChanged { .. } => (Patch, "endpoint resolution behaviour only"),
        K::EndpointRulesChanged { .. } => (Patch, "resolved endpoints change; the Rust API does not"),
        K::EndpointTestsChanged { .. } => (Patch, "test data only"),

        K::DocumentationChanged => (Patch, "documentation only"),
    }
}

/// A Markdown code span that survives backticks in its text.
pub(super) fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn opt(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "none".to_string(), code)
}

fn short(id: &str) -> &str {
    id.split_once('#').map_or(id, |(_, name)| name)
}

impl ChangeKind {
    /// A stable id of the kind (`member_added`), as in the JSON output.
    pub fn id(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(o)) => {
                o.get("kind").and_then(|k| k.as_str()).unwrap_or("").to_string()
            }
            _ => String::new(),
        }
    }

    pub fn is_documentation(&self) -> bool {
        matches!(self, ChangeKind::DocumentationChanged)
    }

    /// One line saying what changed (the location is printed apart).
    pub fn describe(&self) -> String {
        use ChangeKind as K;
        match self {
            K::ServiceIdChanged { from, to } => format!("service id `{from}` → `{to}`"),
            K::ServiceVersionChanged { from, to } => format!("API version `{from}` → `{to}`"),
            K::ServiceTraitChanged { trait_id } => format!("service trait `{trait_id}` changed"),
            K::ServiceErrorAdded { error } => format!("service-wide error `{}` added", short(error)),
            K::ServiceErrorRemoved { error } => format!("service-wide error `{}` removed", short(error)),
            K::RenameChanged { shape, from, to } => format!("rename of `{shape}`: {} → {}", opt(from), opt(to)),
            K::OperationAdded => "operation added".to_string(),
            K::OperationRemoved => "operation removed".to_string(),
            K::OperationInputChanged { from, to } => format!("input `{}` → `{}`", short(from), short(to)),
            K::OperationOutputChanged { from, to } => format!("output `{}` → `{}`", short(from), short(to)),
            K::OperationErrorAdded { error } => format!("error `{}` added", short(error)),
            K::OperationErrorRemoved { error } => format!("error `{}` removed", short(error)),
            K::PaginatedAdded { items } => match items {
                Some(i) => format!("@paginated added (items `{i}`)"),
                None => "@paginated added".to_string(),
            },
            K::PaginatedRemoved => "@paginated removed".to_string(),
            K::WaiterAdded { name } => format!("waiter `{name}` added"),
            K::WaiterRemoved { name } => format!("waiter `{name}` removed"),
            K::WaiterChanged { name } => format!("waiter `{name}` changed"),
            K::PaginatedChanged { field, from, to } => {
                format!("@paginated {}: {} → {}", field.as_str(), opt(from), opt(to))
            }
            K::HostPrefixChanged { from, to } => format!("@endpoint hostPrefix {} → {}", opt(from), opt(to)),
            K::SmokeTestsChanged { added, removed, changed } => {
                format!("smoke tests: {added} added, {removed} removed, {changed} changed")
            }
            K::ShapeAdded { shape_type, .. } => format!("{shape_type} added"),
            K::ShapeRemoved { shape_type, .. } => format!("{shape_type} removed"),
            K::ShapeTypeChanged { from, to, .. } => format!("shape type {from} → {to}"),
            K::MemberAdded { role, presence, target, rust_type } => format!(
                "member added ({}, targets `{}`: `{rust_type}`; {})",
                presence.describe(),
                short(target),
                role.describe()
            ),
            K::MemberRemoved { role } => format!("member removed ({})", role.describe()),
            K::MemberTargetChanged { from, to, from_rust_type, to_rust_type } => format!(
                "target `{}` → `{}` (Rust type `{from_rust_type}` → `{to_rust_type}`)",
                short(from),
                short(to)
            ),
            K::BoxedChanged { boxed: true } => {
                "now closes a cycle of types holding each other: field `T` → `Box<T>`".to_string()
            }
            K::BoxedChanged { boxed: false } => {
                "no longer closes a cycle of types: field `Box<T>` → `T`".to_string()
            }
            K::PresenceChanged { role, from, to } => {
                let mut s = format!("{} → {} ({})", from.describe(), to.describe(), role.describe());
                if from.optional != to.optional {
                    s.push_str(if to.optional { "; field `T` → `Option<T>`" } else { "; field `Option<T>` → `T`" });
                }
                s
            }
            K::VariantAdded { target, rust_type } => format!("union variant added (targets `{}`: `{rust_type}`)", short(target)),
            K::VariantRemoved => "union variant removed".to_string(),
            K::EnumValueAdded { value, variant } => format!("enum value {} added (variant `{variant}`)", code(value)),
            K::EnumValueRemoved { value, variant } => format!("enum value {} removed (variant `{variant}`)", code(value)),
            K::EnumValueChanged { from, to, variant } => {
                format!("enum value {} → {} (variant `{variant}`)", code(from), code(to))
            }
            K::ConstraintChanged { constraint, direction, role, from, to } => format!(
                "{} {}: {} → {} ({})",
                constraint.trait_name(),
                direction.as_str(),
                opt(from),
                opt(to),
                role.describe()
            ),
            K::SensitiveAdded => "@sensitive added".to_string(),
            K::SensitiveRemoved => "@sensitive removed".to_string(),
            K::SparseChanged { sparse } => {
                if *sparse { "@sparse added".to_string() } else { "@sparse removed".to_string() }
            }
            K::IdempotencyTokenAdded => "@idempotencyToken added".to_string(),
            K::IdempotencyTokenRemoved => "@idempotencyToken removed".to_string(),
            K::ErrorTraitChanged { from, to } => format!("@error {} → {}", opt(from), opt(to)),
            K::HttpErrorChanged { from, to } => format!(
                "@httpError {} → {}",
                from.map_or("none".to_string(), |c| c.to_string()),
                to.map_or("none".to_string(), |c| c.to_string())
            ),
            K::RetryableChanged { from, to } => format!("@retryable {} → {}", opt(from), opt(to)),
            K::TimestampFormatChanged { from, to } => format!("@timestampFormat {} → {}", opt(from), opt(to)),
            K::DeprecatedChanged { from, to } => match (from, to) {
                (None, Some(m)) if m.is_empty() => "@deprecated added".to_string(),
                (None, Some(m)) => format!("@deprecated added: {m}"),
                (Some(_), None) => "@deprecated removed".to_string(),
                _ => format!("@deprecated message {} → {}", opt(from), opt(to)),
            },
            K::OtherTraitChanged { trait_id } => format!("trait `{trait_id}` changed"),
            K::EndpointParameterAdded { name, must_set } => {
                format!("endpoint parameter `{name}` added{}", if *must_set { " (required, no default)" } else { "" })
            }
            K::EndpointParameterRemoved { name } => format!("endpoint parameter `{name}` removed"),
            K::EndpointParameterChanged { name, changes, .. } => {
                format!("endpoint parameter `{name}`: {}", changes.join("; "))
            }
            K::EndpointRulesChanged { from_rules, to_rules } => {
                format!("endpoint rules changed ({from_rules} → {to_rules} rules)")
            }
            K::EndpointTestsChanged { added, removed, changed, from_total, to_total } => format!(
                "endpoint test cases: {added} added, {removed} removed, {changed} changed ({from_total} → {to_total} cases)"
            ),
            K::DocumentationChanged => "documentation changed".to_string(),
        }
    }
}
