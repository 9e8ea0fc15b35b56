//! Model-update review: a semantic diff of two versions of a service model, classified by what each
//! change does to the generated Rust crate.
//!
//! ```no_run
//! # fn main() -> Result<(), codegen::error::Error> {
//! use codegen::diff::{diff_files, Class, Format};
//! let report = diff_files("old.json".as_ref(), "new.json".as_ref())?;
//! print!("{}", report.render(Format::Markdown));
//! if report.reaches(Class::Breaking) {
//!     std::process::exit(1);
//! }
//! # Ok(()) }
//! ```
//!
//! Both models must hold exactly one service, and each is lowered to the generator's IR
//! ([`crate::ir::build`]; a model the generator cannot lower is an error naming the shape). The
//! closures of the two services (every shape their operations reach) are compared by shape id,
//! what the generated crate does (field types, optionality, what `build()` requires, enum
//! variants, ...) read from the IR, the rest from the model. What each change means for the
//! generated crate is decided in one place, [`rules::classify`]. Output is deterministic: changes are sorted by group,
//! location and description.

mod compare;
mod render;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

pub use rules::{
    classify, Bump, ChangeKind, Class, Constraint, Direction, PaginatedField, Presence, Role,
};

use crate::error::Error;
use crate::model::Model;

/// Where a change happened. Shape ids are absolute.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Location {
    Service { id: String },
    EndpointRuleSet,
    EndpointParameter { name: String },
    EndpointTests,
    Operation { id: String },
    Shape { id: String },
    Member { shape: String, member: String },
}

fn short_name(id: &str) -> &str {
    id.split_once('#').map_or(id, |(_, name)| name)
}

impl Location {
    /// The absolute id (`ns#Shape$member`), or a fixed name for the endpoint rule set and tests.
    pub fn id(&self) -> String {
        match self {
            Location::Service { id } | Location::Operation { id } | Location::Shape { id } => {
                id.clone()
            }
            Location::EndpointRuleSet => "smithy.rules#endpointRuleSet".to_string(),
            Location::EndpointParameter { name } => {
                format!("smithy.rules#endpointRuleSet/parameters/{name}")
            }
            Location::EndpointTests => "smithy.rules#endpointTests".to_string(),
            Location::Member { shape, member } => format!("{shape}${member}"),
        }
    }

    /// The name shown in reports (`Shape$member`, without namespace).
    pub fn short(&self) -> String {
        match self {
            Location::Service { id } | Location::Operation { id } | Location::Shape { id } => {
                short_name(id).to_string()
            }
            Location::EndpointRuleSet => "endpoint rule set".to_string(),
            Location::EndpointParameter { name } => format!("endpoint parameter {name}"),
            Location::EndpointTests => "endpoint tests".to_string(),
            Location::Member { shape, member } => format!("{}${member}", short_name(shape)),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

/// The section of the report a change is listed in: the service (and its endpoints), an operation
/// (with its own input and output structures), or any other shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Group {
    Service,
    Operation { id: String },
    Shape { id: String },
}

impl Group {
    fn sort_key(&self) -> (u8, &str, &str) {
        match self {
            Group::Service => (0, "", ""),
            Group::Operation { id } => (1, short_name(id), id),
            Group::Shape { id } => (2, short_name(id), id),
        }
    }

    /// The operation or shape name, or `service`.
    pub fn name(&self) -> &str {
        match self {
            Group::Service => "service",
            Group::Operation { id } | Group::Shape { id } => short_name(id),
        }
    }
}

impl PartialOrd for Group {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Group {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub group: Group,
    pub location: Location,
    pub kind: ChangeKind,
    pub class: Class,
    /// Why the change has its class (from [`rules::classify`]).
    pub reason: &'static str,
}

impl Change {
    pub fn description(&self) -> String {
        self.kind.describe()
    }
}

/// What was compared on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    pub service: String,
    pub version: String,
    pub operations: usize,
    /// Shapes in the service closure (operations and prelude shapes not counted).
    pub shapes: usize,
    /// A name for the model in reports (e.g. its file name and sha256), if set.
    pub label: Option<String>,
}

/// Output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For a pull-request description.
    #[default]
    Markdown,
    /// Pretty-printed JSON for tools.
    Json,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format `{s}` (expected markdown or json)")),
        }
    }
}

/// Facts about a shape that has changes, for section titles.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShapeInfo {
    shape_type: String,
    used_by: Vec<String>,
}

/// The result of a diff: classified changes, sorted.
#[derive(Debug, Clone)]
pub struct Report {
    pub old: ModelInfo,
    pub new: ModelInfo,
    changes: Vec<Change>,
    shapes: BTreeMap<String, ShapeInfo>,
}

/// Compares two models. Each must hold exactly one service shape whose closure is valid and can
/// be lowered to the IR.
pub fn diff_models(old: &Model, new: &Model) -> Result<Report, Error> {
    let o = compare::Side::new(old, "old model")?;
    let n = compare::Side::new(new, "new model")?;
    let mut cx = compare::Cx { old: &o, new: &n, changes: Vec::new() };
    cx.run();
    let mut changes = cx.changes;
    changes.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| b.class.cmp(&a.class))
            .then_with(|| a.description().cmp(&b.description()))
    });
    changes.dedup();
    let mut shapes = BTreeMap::new();
    let ids: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match &c.location {
            Location::Shape { id } | Location::Member { shape: id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect();
    for id in ids {
        let sid = crate::model::ShapeId::new(id.clone());
        let shape_type = n.kind_of(&sid).or_else(|| o.kind_of(&sid)).unwrap_or("shape").to_string();
        let mut used_by: BTreeSet<String> = BTreeSet::new();
        for side in [&o, &n] {
            used_by.extend(side.users.get(&sid).into_iter().flatten().cloned());
        }
        shapes.insert(id, ShapeInfo { shape_type, used_by: used_by.into_iter().collect() });
    }
    Ok(Report { old: o.summary(), new: n.summary(), changes, shapes })
}

/// Loads and compares two model files; the reports name them by file name.
pub fn diff_files(old: &Path, new: &Path) -> Result<Report, Error> {
    let report = diff_models(&Model::from_path(old)?, &Model::from_path(new)?)?;
    let name = |p: &Path| {
        p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
    };
    Ok(report.with_labels(name(old), name(new)))
}

impl Report {
    /// Names the two models in the reports (e.g. file name and sha256).
    pub fn with_labels(mut self, old: impl Into<String>, new: impl Into<String>) -> Report {
        self.old.label = Some(old.into());
        self.new.label = Some(new.into());
        self
    }

    /// Every change, documentation-only ones included, sorted.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The changes listed one by one (all but documentation-only ones).
    pub fn api_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !c.kind.is_documentation())
    }

    /// The documentation-only changes (counted in reports, not listed line by line).
    pub fn documentation_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.kind.is_documentation())
    }

    /// How many listed (non-documentation) changes have the given class.
    pub fn count(&self, class: Class) -> usize {
        self.api_changes().filter(|c| c.class == class).count()
    }

    /// The most severe class of any change, `None` when the models are semantically identical.
    pub fn highest(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).max()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The version bump the changes call for.
    pub fn recommended_bump(&self) -> Bump {
        self.highest().map_or(Bump::None, Class::bump)
    }

    /// Whether some change is at least as severe as `threshold` (the `--fail-on` check:
    /// `reaches(Class::Breaking)` fails on breaking changes, `reaches(Class::Additive)` on
    /// additive or breaking ones).
    pub fn reaches(&self, threshold: Class) -> bool {
        self.highest().is_some_and(|c| c >= threshold)
    }

    /// Operations whose inputs, outputs or errors reach a shape (by absolute id), in either model.
    pub fn used_by(&self, shape_id: &str) -> &[String] {
        self.shapes.get(shape_id).map_or(&[], |s| s.used_by.as_slice())
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Markdown => self.to_markdown(),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
                s.push('\n');
                s
            }
        }
    }
}
