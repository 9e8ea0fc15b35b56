//! Stage 1: the Smithy JSON AST 2.0, as parsed from a model file.
//!
//! These types mirror the AST one to one (<https://smithy.io/2.0/spec/json-ast.html>). Nothing here
//! resolves targets or interprets traits: that is [`crate::index`]'s job. Traits are kept as raw JSON
//! values keyed by their absolute shape id; the traits the generator relies on are read into typed
//! form by [`crate::traits`].

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::Error;

/// An absolute shape id such as `com.amazonaws.sfn#StartExecution` (members are kept apart, see
/// [`MemberRef`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(transparent)]
pub struct ShapeId(String);

impl ShapeId {
    pub fn new(id: impl Into<String>) -> Self {
        ShapeId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The namespace, `com.amazonaws.sfn` for `com.amazonaws.sfn#StartExecution`.
    pub fn namespace(&self) -> &str {
        self.0.split_once('#').map_or("", |(ns, _)| ns)
    }

    /// The shape name, `StartExecution` for `com.amazonaws.sfn#StartExecution`.
    pub fn name(&self) -> &str {
        self.0.split_once('#').map_or(self.0.as_str(), |(_, name)| name)
    }

    /// Whether the id has the `namespace#Name` form with a valid identifier as name.
    pub fn is_well_formed(&self) -> bool {
        match self.0.split_once('#') {
            Some((ns, name)) => {
                !ns.is_empty() && ns.split('.').all(is_identifier) && is_identifier(name)
            }
            None => false,
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for ShapeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Raw traits of a shape or member, keyed by absolute trait shape id.
pub type Traits = BTreeMap<String, Value>;

/// A reference to another shape: `{ "target": "ns#Name" }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeRef {
    pub target: ShapeId,
}

/// A member of an aggregate shape: its target and its own traits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRef {
    pub target: ShapeId,
    #[serde(default)]
    pub traits: Traits,
}

/// A whole model file.
#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    pub smithy: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
    #[serde(default)]
    pub shapes: BTreeMap<ShapeId, Shape>,
}

/// One shape of the AST, tagged by its `type`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Shape {
    Blob(SimpleShape),
    Boolean(SimpleShape),
    String(SimpleShape),
    Byte(SimpleShape),
    Short(SimpleShape),
    Integer(SimpleShape),
    Long(SimpleShape),
    Float(SimpleShape),
    Double(SimpleShape),
    BigInteger(SimpleShape),
    BigDecimal(SimpleShape),
    Timestamp(SimpleShape),
    Document(SimpleShape),
    Enum(AggregateShape),
    IntEnum(AggregateShape),
    List(ListShape),
    Set(ListShape),
    Map(MapShape),
    Structure(AggregateShape),
    Union(AggregateShape),
    Service(ServiceShape),
    Resource(ResourceShape),
    Operation(OperationShape),
    /// `apply` statements add traits to a shape defined elsewhere; they are merged at load time.
    Apply(ApplyShape),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimpleShape {
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Structures, unions, enums and intEnums: named members.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateShape {
    #[serde(default)]
    pub members: IndexMap<String, MemberRef>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListShape {
    pub member: MemberRef,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapShape {
    pub key: MemberRef,
    pub value: MemberRef,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceShape {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub operations: Vec<ShapeRef>,
    #[serde(default)]
    pub resources: Vec<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub rename: BTreeMap<ShapeId, String>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceShape {
    #[serde(default)]
    pub identifiers: BTreeMap<String, ShapeRef>,
    #[serde(default)]
    pub properties: BTreeMap<String, ShapeRef>,
    pub create: Option<ShapeRef>,
    pub put: Option<ShapeRef>,
    pub read: Option<ShapeRef>,
    pub update: Option<ShapeRef>,
    pub delete: Option<ShapeRef>,
    pub list: Option<ShapeRef>,
    #[serde(default)]
    pub operations: Vec<ShapeRef>,
    #[serde(default)]
    pub collection_operations: Vec<ShapeRef>,
    #[serde(default)]
    pub resources: Vec<ShapeRef>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

impl ResourceShape {
    /// Every operation bound to this resource (not to its child resources), in declaration order.
    pub fn bound_operations(&self) -> impl Iterator<Item = &ShapeRef> {
        [&self.create, &self.put, &self.read, &self.update, &self.delete, &self.list]
            .into_iter()
            .flatten()
            .chain(&self.operations)
            .chain(&self.collection_operations)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationShape {
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyShape {
    #[serde(default)]
    pub traits: Traits,
}

impl Shape {
    /// The AST name of the shape's type, as written in the model (`structure`, `intEnum`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Shape::Blob(_) => "blob",
            Shape::Boolean(_) => "boolean",
            Shape::String(_) => "string",
            Shape::Byte(_) => "byte",
            Shape::Short(_) => "short",
            Shape::Integer(_) => "integer",
            Shape::Long(_) => "long",
            Shape::Float(_) => "float",
            Shape::Double(_) => "double",
            Shape::BigInteger(_) => "bigInteger",
            Shape::BigDecimal(_) => "bigDecimal",
            Shape::Timestamp(_) => "timestamp",
            Shape::Document(_) => "document",
            Shape::Enum(_) => "enum",
            Shape::IntEnum(_) => "intEnum",
            Shape::List(_) => "list",
            Shape::Set(_) => "set",
            Shape::Map(_) => "map",
            Shape::Structure(_) => "structure",
            Shape::Union(_) => "union",
            Shape::Service(_) => "service",
            Shape::Resource(_) => "resource",
            Shape::Operation(_) => "operation",
            Shape::Apply(_) => "apply",
        }
    }

    pub fn traits(&self) -> &Traits {
        match self {
            Shape::Blob(s)
            | Shape::Boolean(s)
            | Shape::String(s)
            | Shape::Byte(s)
            | Shape::Short(s)
            | Shape::Integer(s)
            | Shape::Long(s)
            | Shape::Float(s)
            | Shape::Double(s)
            | Shape::BigInteger(s)
            | Shape::BigDecimal(s)
            | Shape::Timestamp(s)
            | Shape::Document(s) => &s.traits,
            Shape::Enum(s) | Shape::IntEnum(s) | Shape::Structure(s) | Shape::Union(s) => &s.traits,
            Shape::List(s) | Shape::Set(s) => &s.traits,
            Shape::Map(s) => &s.traits,
            Shape::Service(s) => &s.traits,
            Shape::Resource(s) => &s.traits,
            Shape::Operation(s) => &s.traits,
            Shape::Apply(s) => &s.traits,
        }
    }

    pub fn traits_mut(&mut self) -> &mut Traits {
        match self {
            Shape::Blob(s)
            | Shape::Boolean(s)
            | Shape::String(s)
            | Shape::Byte(s)
            | Shape::Short(s)
            | Shape::Integer(s)
            | Shape::Long(s)
            | Shape::Float(s)
            | Shape::Double(s)
            | Shape::BigInteger(s)
            | Shape::BigDecimal(s)
            | Shape::Timestamp(s)
            | Shape::Document(s) => &mut s.traits,
            Shape::Enum(s) | Shape::IntEnum(s) | Shape::Structure(s) | Shape::Union(s) => {
                &mut s.traits
            }
            Shape::List(s) | Shape::Set(s) => &mut s.traits,
            Shape::Map(s) => &mut s.traits,
            Shape::Service(s) => &mut s.traits,
            Shape::Resource(s) => &mut s.traits,
            Shape::Operation(s) => &mut s.traits,
            Shape::Apply(s) => &mut s.traits,
        }
    }

    pub fn mixins(&self) -> &[ShapeRef] {
        match self {
            Shape::Blob(s)
            | Shape::Boolean(s)
            | Shape::String(s)
            | Shape::Byte(s)
            | Shape::Short(s)
            | Shape::Integer(s)
            | Shape::Long(s)
            | Shape::Float(s)
            | Shape::Double(s)
            | Shape::BigInteger(s)
            | Shape::BigDecimal(s)
            | Shape::Timestamp(s)
            | Shape::Document(s) => &s.mixins,
            Shape::Enum(s) | Shape::IntEnum(s) | Shape::Structure(s) | Shape::Union(s) => &s.mixins,
            Shape::List(s) | Shape::Set(s) => &s.mixins,
            Shape::Map(s) => &s.mixins,
            Shape::Service(s) => &s.mixins,
            Shape::Resource(s) => &s.mixins,
            Shape::Operation(s) => &s.mixins,
            Shape::Apply(_) => &[],
        }
    }

    /// Named members in model order (`member` / `key` / `value` for collections).
    pub fn members(&self) -> Vec<(&str, &MemberRef)> {
        match self {
            Shape::Enum(s) | Shape::IntEnum(s) | Shape::Structure(s) | Shape::Union(s) => {
                s.members.iter().map(|(n, m)| (n.as_str(), m)).collect()
            }
            Shape::List(s) | Shape::Set(s) => vec![("member", &s.member)],
            Shape::Map(s) => vec![("key", &s.key), ("value", &s.value)],
            _ => Vec::new(),
        }
    }

    pub fn documentation(&self) -> Option<&str> {
        self.traits().get(crate::traits::DOCUMENTATION).and_then(Value::as_str)
    }
}

impl Model {
    /// Parses a model from JSON text. `origin` names the input in error messages.
    pub fn from_json(text: &str, origin: &str) -> Result<Model, Error> {
        let mut model: Model = serde_json::from_str(text)
            .map_err(|e| Error::input(origin, format!("not a valid Smithy JSON AST: {e}")))?;
        if !model.smithy.starts_with("2.") && !model.smithy.starts_with("1.") {
            return Err(Error::input(
                origin,
                format!("unsupported Smithy AST version {:?} (expected 1.x or 2.x)", model.smithy),
            ));
        }
        model.merge_applies()?;
        model.flatten_mixins()?;
        Ok(model)
    }

    /// Reads and parses a model file.
    pub fn from_path(path: &std::path::Path) -> Result<Model, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(&path.display().to_string(), format!("cannot read: {e}")))?;
        Model::from_json(&text, &path.display().to_string())
    }

    /// Applies an overlay: a Smithy JSON AST file of our own holding only `apply` statements
    /// (`model/overlays/`), which adds traits to the shapes (or members) they name. An overlay
    /// only adds: a trait the model already has is an error (the model now says it itself;
    /// remove it from the overlay), as is a shape the model does not have. `origin` names the
    /// overlay in errors.
    pub fn apply_overlay(&mut self, text: &str, origin: &str) -> Result<(), Error> {
        let overlay: Model = serde_json::from_str(text)
            .map_err(|e| Error::model(origin, format!("not a valid Smithy JSON AST: {e}")))?;
        for (id, shape) in overlay.shapes {
            let Shape::Apply(a) = shape else {
                return Err(Error::model(
                    origin,
                    format!("`{id}`: an overlay may only hold `apply` statements"),
                ));
            };
            let target =
                self.member_traits(&id).map_err(|e| Error::model(origin, e.to_string()))?;
            for (key, value) in a.traits {
                if target.contains_key(&key) {
                    return Err(Error::model(
                        origin,
                        format!("`{id}` already has the trait `{key}` in the model: remove it from the overlay"),
                    ));
                }
                target.insert(key, value);
            }
        }
        Ok(())
    }

    /// The traits of the shape or member (`ns#Shape$member`) `id` names.
    fn member_traits(&mut self, id: &ShapeId) -> Result<&mut Traits, Error> {
        let (shape_id, member) = match id.as_str().split_once('$') {
            Some((s, m)) => (ShapeId::new(s), Some(m.to_string())),
            None => (id.clone(), None),
        };
        let shape = self
            .shapes
            .get_mut(&shape_id)
            .ok_or_else(|| Error::shape(id, "`apply` names a shape that is not in the model"))?;
        match member {
            None => Ok(shape.traits_mut()),
            Some(m) => match shape {
                Shape::Enum(s) | Shape::IntEnum(s) | Shape::Structure(s) | Shape::Union(s) => {
                    Ok(&mut s
                        .members
                        .get_mut(&m)
                        .ok_or_else(|| Error::shape(id, "`apply` names an unknown member"))?
                        .traits)
                }
                _ => Err(Error::shape(id, "`apply` to a member of a shape without named members")),
            },
        }
    }

    /// Moves the traits of `apply` entries onto the shapes (or members) they name.
    fn merge_applies(&mut self) -> Result<(), Error> {
        let applies: Vec<(ShapeId, Traits)> = self
            .shapes
            .iter()
            .filter_map(|(id, s)| match s {
                Shape::Apply(a) => Some((id.clone(), a.traits.clone())),
                _ => None,
            })
            .collect();
        for (id, traits) in applies {
            self.shapes.remove(&id);
            let (shape_id, member) = match id.as_str().split_once('$') {
                Some((s, m)) => (ShapeId::new(s), Some(m.to_string())),
                None => (id.clone(), None),
            };
            let shape = self.shapes.get_mut(&shape_id).ok_or_else(|| {
                Error::shape(&id, "`apply` names a shape that is not in the model")
            })?;
            let target = match member {
                None => shape.traits_mut(),
                Some(m) => match shape {
                    Shape::Enum(s) | Shape::IntEnum(s) | Shape::Structure(s) | Shape::Union(s) => {
                        &mut s
                            .members
                            .get_mut(&m)
                            .ok_or_else(|| Error::shape(&id, "`apply` names an unknown member"))?
                            .traits
                    }
                    _ => {
                        return Err(Error::shape(
                            &id,
                            "`apply` to a member of a shape without named members",
                        ))
                    }
                },
            };
            target.extend(traits);
        }
        Ok(())
    }

    /// Copies the members and traits of mixins into the shapes that use them, so that later stages
    /// never see a mixin. Mixin shapes themselves (`@mixin`) are dropped from the model.
    fn flatten_mixins(&mut self) -> Result<(), Error> {
        let ids: Vec<ShapeId> = self
            .shapes
            .iter()
            .filter(|(_, s)| !s.mixins().is_empty())
            .map(|(id, _)| id.clone())
            .collect();
        // Each shape is flattened once, however many shapes mix it in: a long chain of mixins
        // costs its length, not its square.
        let mut flattened = BTreeMap::new();
        for id in &ids {
            let flat = self.flattened(id, &mut Vec::new(), &mut flattened)?;
            self.shapes.insert(id.clone(), flat);
        }
        self.shapes.retain(|_, s| !s.traits().contains_key(crate::traits::MIXIN));
        Ok(())
    }

    /// `id` with its mixins applied; `stack` holds the shapes being flattened (the path from the
    /// shape that mixes them in), `done` the shapes flattened so far.
    fn flattened(
        &self,
        id: &ShapeId,
        stack: &mut Vec<ShapeId>,
        done: &mut BTreeMap<ShapeId, Shape>,
    ) -> Result<Shape, Error> {
        if let Some(flat) = done.get(id) {
            return Ok(flat.clone());
        }
        if stack.contains(id) {
            return Err(Error::shape(id, "mixin cycle"));
        }
        let shape = self
            .shapes
            .get(id)
            .ok_or_else(|| Error::shape(id, "mixin target is not in the model"))?;
        if shape.mixins().is_empty() {
            return Ok(shape.clone());
        }
        if stack.len() >= MAX_MIXIN_DEPTH {
            return Err(Error::shape(
                &stack[0],
                format!(
                    "mixins of mixins nest deeper than {MAX_MIXIN_DEPTH} levels (through `{id}`)"
                ),
            ));
        }
        stack.push(id.clone());
        let mut inherited_traits = Traits::new();
        let mut inherited_members: IndexMap<String, MemberRef> = IndexMap::new();
        for mixin in shape.mixins() {
            let m = self.flattened(&mixin.target, stack, done)?;
            if m.type_name() != shape.type_name() {
                return Err(Error::shape(
                    id,
                    format!(
                        "mixin {} is a {} but the shape is a {}",
                        mixin.target,
                        m.type_name(),
                        shape.type_name()
                    ),
                ));
            }
            for (k, v) in m.traits() {
                if k != crate::traits::MIXIN {
                    inherited_traits.insert(k.clone(), v.clone());
                }
            }
            if let Shape::Structure(a) | Shape::Union(a) | Shape::Enum(a) | Shape::IntEnum(a) = &m {
                inherited_members.extend(a.members.clone());
            }
        }
        stack.pop();
        let mut flat = shape.clone();
        let own = std::mem::take(flat.traits_mut());
        *flat.traits_mut() = inherited_traits;
        flat.traits_mut().extend(own);
        match &mut flat {
            Shape::Structure(a) | Shape::Union(a) | Shape::Enum(a) | Shape::IntEnum(a) => {
                // Inherited members come first, in mixin order; a local redeclaration may only add
                // traits to an inherited member.
                let local = std::mem::take(&mut a.members);
                let mut members = inherited_members;
                for (name, member) in local {
                    match members.get_mut(&name) {
                        Some(inherited) => inherited.traits.extend(member.traits),
                        None => {
                            members.insert(name, member);
                        }
                    }
                }
                a.members = members;
                a.mixins.clear();
            }
            Shape::Blob(s)
            | Shape::Boolean(s)
            | Shape::String(s)
            | Shape::Byte(s)
            | Shape::Short(s)
            | Shape::Integer(s)
            | Shape::Long(s)
            | Shape::Float(s)
            | Shape::Double(s)
            | Shape::BigInteger(s)
            | Shape::BigDecimal(s)
            | Shape::Timestamp(s)
            | Shape::Document(s) => s.mixins.clear(),
            Shape::List(s) | Shape::Set(s) => s.mixins.clear(),
            Shape::Map(s) => s.mixins.clear(),
            Shape::Service(s) => s.mixins.clear(),
            Shape::Resource(s) => s.mixins.clear(),
            Shape::Operation(s) => s.mixins.clear(),
            Shape::Apply(_) => {}
        }
        done.insert(id.clone(), flat.clone());
        Ok(flat)
    }
}

/// How deep mixins of mixins may nest. Real models use one or two levels; the limit keeps the
/// recursive flattening far from the end of the stack on any input.
pub const MAX_MIXIN_DEPTH: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_or_unparsable_model_files_are_input_errors() {
        for text in ["{", r#"{"smithy": "3.0", "shapes": {}}"#] {
            let err = Model::from_json(text, "m.json").unwrap_err();
            assert_eq!(
                (err.kind, err.location.as_str()),
                (crate::error::ErrorKind::Input, "m.json"),
                "{err}"
            );
        }
        let err = Model::from_path(std::path::Path::new("/nonexistent/m.json")).unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Input);
        assert!(err.message.starts_with("cannot read: "), "{err}");
        // A shape the model gets wrong is the model's problem.
        let err = model_with(
            serde_json::json!({"t#A": {"type": "structure", "mixins": [{"target": "t#Missing"}]}}),
        )
        .unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Model, "{err}");
    }

    fn model_with(shapes: serde_json::Value) -> Result<Model, Error> {
        Model::from_json(
            &serde_json::json!({ "smithy": "2.0", "shapes": shapes }).to_string(),
            "test",
        )
    }

    /// A chain of mixins, each mixing in the next: `t#M0` → … → `t#M{n}`.
    fn mixin_chain(n: usize) -> serde_json::Value {
        let mut shapes = serde_json::Map::new();
        for i in 0..n {
            shapes.insert(
                format!("t#M{i}"),
                serde_json::json!({
                    "type": "structure",
                    "mixins": [{ "target": format!("t#M{}", i + 1) }],
                    "members": { format!("m{i}"): { "target": "smithy.api#String" } },
                    "traits": { "smithy.api#mixin": {} },
                }),
            );
        }
        shapes.insert(format!("t#M{n}"), serde_json::json!({ "type": "structure", "members": {}, "traits": { "smithy.api#mixin": {} } }));
        shapes.insert("t#S".into(), serde_json::json!({ "type": "structure", "mixins": [{ "target": "t#M0" }], "members": {} }));
        serde_json::Value::Object(shapes)
    }

    #[test]
    fn mixin_chains_flatten_up_to_the_limit() {
        let model = model_with(mixin_chain(MAX_MIXIN_DEPTH - 1)).unwrap();
        let Shape::Structure(s) = &model.shapes[&ShapeId::new("t#S")] else {
            panic!("not a structure")
        };
        // Inherited members first, the innermost mixin's first.
        let names: Vec<&str> = s.members.keys().map(String::as_str).collect();
        let expected: Vec<String> =
            (0..MAX_MIXIN_DEPTH - 1).rev().map(|i| format!("m{i}")).collect();
        assert_eq!(names, expected);
    }

    /// Found by the `generator` fuzz target's seeds: a chain of 20,000 mixins overflowed the stack
    /// (and took time quadratic in its length). Now a clear error, at once.
    #[test]
    fn mixin_chains_deeper_than_the_limit_are_refused() {
        let start = std::time::Instant::now();
        let err = model_with(mixin_chain(20_000)).unwrap_err().to_string();
        assert!(err.contains("mixins of mixins nest deeper than 32 levels"), "{err}");
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "{:?}", start.elapsed());
    }

    #[test]
    fn mixin_cycles_are_refused() {
        let err = model_with(serde_json::json!({
            "t#A": { "type": "structure", "mixins": [{ "target": "t#B" }], "members": {}, "traits": { "smithy.api#mixin": {} } },
            "t#B": { "type": "structure", "mixins": [{ "target": "t#A" }], "members": {}, "traits": { "smithy.api#mixin": {} } },
        }))
        .unwrap_err()
        .to_string();
        assert!(err.contains("mixin cycle"), "{err}");
    }
}
