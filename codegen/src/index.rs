//! Stage 2: the validated shape index of one service.
//!
//! Built from a parsed [`Model`] and a service id, it holds the prelude shapes, knows the closure of
//! shapes the service uses, and has checked that closure: every target exists, every trait the
//! generator reads is well-formed, nothing unsupported is reachable. Later stages may look shapes up
//! without handling "not found".

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::error::{Error, Errors};
use crate::model::{MemberRef, Model, Shape, ShapeId, ShapeRef};
use crate::traits::{self, TraitReader};

pub const UNIT: &str = "smithy.api#Unit";

/// The shapes of one service, validated.
#[derive(Debug)]
pub struct ShapeIndex {
    pub service_id: ShapeId,
    shapes: BTreeMap<ShapeId, Shape>,
    /// Every shape reachable from the service (operations, their inputs, outputs and errors, and
    /// everything their members target), the service itself excluded.
    closure: BTreeSet<ShapeId>,
    /// Operations of the service, sorted by shape name.
    operations: Vec<ShapeId>,
}

impl ShapeIndex {
    /// Validates the closure of `service_id` in `model`. All problems found are reported at once.
    pub fn build(model: &Model, service_id: &ShapeId) -> Result<ShapeIndex, Errors> {
        let mut shapes = prelude();
        for (id, shape) in &model.shapes {
            if !id.is_well_formed() {
                return Err(Error::shape(id, "not a valid absolute shape id (namespace#Name)").into());
            }
            shapes.insert(id.clone(), shape.clone());
        }
        let mut index = ShapeIndex {
            service_id: service_id.clone(),
            shapes,
            closure: BTreeSet::new(),
            operations: Vec::new(),
        };
        let mut errors = Vec::new();
        match index.shapes.get(service_id) {
            Some(Shape::Service(_)) => {}
            Some(other) => {
                return Err(Error::shape(service_id, format!("expected a service shape, found a {}", other.type_name())).into())
            }
            None => {
                let services: Vec<String> = model
                    .shapes
                    .iter()
                    .filter(|(_, s)| matches!(s, Shape::Service(_)))
                    .map(|(id, _)| id.to_string())
                    .collect();
                return Err(Error::shape(
                    service_id,
                    format!("no such service in the model (services found: {})", services.join(", ")),
                )
                .into());
            }
        }
        index.operations = index.collect_operations(&mut errors);
        index.operations.sort_by(|a, b| a.name().cmp(b.name()).then(a.cmp(b)));
        index.operations.dedup();
        index.closure = index.walk_closure(&mut errors);
        for id in index.closure.clone() {
            index.check_shape(&id, &mut errors);
        }
        if errors.is_empty() {
            Ok(index)
        } else {
            errors.sort_by(|a, b| a.location.cmp(&b.location).then(a.message.cmp(&b.message)));
            errors.dedup();
            Err(Errors(errors))
        }
    }

    pub fn get(&self, id: &ShapeId) -> &Shape {
        // Every id handed out by this index or reachable from a validated shape is present.
        &self.shapes[id]
    }

    pub fn try_get(&self, id: &ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }

    pub fn service(&self) -> &crate::model::ServiceShape {
        match self.get(&self.service_id) {
            Shape::Service(s) => s,
            _ => unreachable!("checked in build"),
        }
    }

    pub fn operations(&self) -> &[ShapeId] {
        &self.operations
    }

    pub fn closure(&self) -> impl Iterator<Item = (&ShapeId, &Shape)> {
        self.closure.iter().map(|id| (id, &self.shapes[id]))
    }

    /// The name a shape has within the service: its shape name, or the service's `rename` of it.
    pub fn local_name<'a>(&'a self, id: &'a ShapeId) -> &'a str {
        self.service().rename.get(id).map_or(id.name(), String::as_str)
    }

    fn collect_operations(&self, errors: &mut Vec<Error>) -> Vec<ShapeId> {
        let service = self.service();
        let mut ops: Vec<ShapeId> = service.operations.iter().map(|r| r.target.clone()).collect();
        let mut resources: Vec<ShapeId> = service.resources.iter().map(|r| r.target.clone()).collect();
        let mut seen = BTreeSet::new();
        while let Some(rid) = resources.pop() {
            if !seen.insert(rid.clone()) {
                continue;
            }
            match self.shapes.get(&rid) {
                Some(Shape::Resource(r)) => {
                    ops.extend(r.bound_operations().map(|r| r.target.clone()));
                    resources.extend(r.resources.iter().map(|r| r.target.clone()));
                }
                Some(other) => errors.push(Error::shape(&rid, format!("bound as a resource but is a {}", other.type_name()))),
                None => errors.push(Error::shape(&rid, "bound as a resource but not defined in the model")),
            }
        }
        ops.retain(|op| match self.shapes.get(op) {
            Some(Shape::Operation(_)) => true,
            Some(other) => {
                errors.push(Error::shape(op, format!("bound as an operation but is a {}", other.type_name())));
                false
            }
            None => {
                errors.push(Error::shape(op, "bound as an operation but not defined in the model"));
                false
            }
        });
        ops
    }

    fn walk_closure(&self, errors: &mut Vec<Error>) -> BTreeSet<ShapeId> {
        let mut closure = BTreeSet::new();
        let mut todo: Vec<(ShapeId, String)> = Vec::new();
        let service = self.service();
        for op in &self.operations {
            todo.push((op.clone(), self.service_id.to_string()));
        }
        for e in &service.errors {
            todo.push((e.target.clone(), self.service_id.to_string()));
        }
        while let Some((id, from)) = todo.pop() {
            let Some(shape) = self.shapes.get(&id) else {
                errors.push(Error::model(&from, format!("targets `{id}`, which is not defined in the model")));
                continue;
            };
            if !closure.insert(id.clone()) {
                continue;
            }
            let mut push = |r: &ShapeRef, what: &str| todo.push((r.target.clone(), format!("{id} ({what})")));
            match shape {
                Shape::Operation(op) => {
                    op.input.iter().for_each(|r| push(r, "input"));
                    op.output.iter().for_each(|r| push(r, "output"));
                    op.errors.iter().for_each(|r| push(r, "errors"));
                }
                Shape::Resource(_) | Shape::Service(_) => {}
                other => {
                    for (name, m) in other.members() {
                        todo.push((m.target.clone(), format!("{id}${name}")));
                    }
                }
            }
        }
        closure
    }

    /// Checks one shape of the closure: its kind is supported, its traits are well-formed, its
    /// members target shapes of the right kind.
    fn check_shape(&self, id: &ShapeId, errors: &mut Vec<Error>) {
        let shape = &self.shapes[id];
        let reader = TraitReader::new(shape.traits(), id);
        let mut check = |r: Result<(), Error>| {
            if let Err(e) = r {
                errors.push(e);
            }
        };
        check(reader.documentation().map(drop));
        check(reader.error().map(drop));
        check(reader.http_error().map(drop));
        check(reader.retryable().map(drop));
        check(reader.bounds(traits::LENGTH).map(drop));
        check(reader.bounds(traits::RANGE).map(drop));
        check(reader.string(traits::PATTERN).map(drop));
        check(reader.paginated().map(drop));
        check(reader.host_prefix().map(drop));
        check(reader.timestamp_format().map(drop));
        check(reader.enum_definitions().map(drop));
        if reader.has(traits::STREAMING) {
            errors.push(Error::shape(id, "`@streaming` shapes (event streams, streaming blobs) are not supported"));
        }
        match shape {
            Shape::Operation(op) => {
                for (what, r) in [("input", &op.input), ("output", &op.output)] {
                    if let Some(r) = r {
                        if !matches!(self.shapes.get(&r.target), Some(Shape::Structure(_)) | None) {
                            errors.push(Error::shape(id, format!("its {what} `{}` is not a structure", r.target)));
                        }
                    }
                }
                for e in &op.errors {
                    self.check_error_binding(id, e, errors);
                }
            }
            Shape::Enum(a) => {
                if a.members.is_empty() {
                    errors.push(Error::shape(id, "an enum needs at least one member"));
                }
                let mut values = BTreeSet::new();
                for (name, m) in &a.members {
                    let mid = ShapeId::new(format!("{id}${name}"));
                    match TraitReader::new(&m.traits, &mid).enum_value_string() {
                        Ok(v) => {
                            if !values.insert(v.unwrap_or(name).to_string()) {
                                errors.push(Error::member(id, name, "duplicate enum value"));
                            }
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
            Shape::IntEnum(a) => {
                if a.members.is_empty() {
                    errors.push(Error::shape(id, "an intEnum needs at least one member"));
                }
                for (name, m) in &a.members {
                    let mid = ShapeId::new(format!("{id}${name}"));
                    match TraitReader::new(&m.traits, &mid).enum_value_int() {
                        Ok(Some(_)) => {}
                        Ok(None) => errors.push(Error::member(id, name, "intEnum members need an integer `@enumValue`")),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Shape::Map(m)
                if !matches!(self.shapes.get(&m.key.target), Some(Shape::String(_)) | Some(Shape::Enum(_)) | None) =>
            {
                errors.push(Error::member(id, "key", "map keys must target a string or enum shape"));
            }
            Shape::Union(a) if a.members.is_empty() => {
                errors.push(Error::shape(id, "a union needs at least one member"));
            }
            _ => {}
        }
        for (name, member) in shape.members() {
            self.check_member(id, name, member, errors);
        }
    }

    fn check_error_binding(&self, op: &ShapeId, e: &ShapeRef, errors: &mut Vec<Error>) {
        match self.shapes.get(&e.target) {
            Some(Shape::Structure(s)) if s.traits.contains_key(traits::ERROR) => {}
            Some(_) => errors.push(Error::shape(op, format!("lists `{}` as an error but it is not an `@error` structure", e.target))),
            None => {}
        }
    }

    fn check_member(&self, id: &ShapeId, name: &str, member: &MemberRef, errors: &mut Vec<Error>) {
        let mid = ShapeId::new(format!("{id}${name}"));
        let reader = TraitReader::new(&member.traits, &mid);
        for r in [
            reader.documentation().map(drop),
            reader.bounds(traits::LENGTH).map(drop),
            reader.bounds(traits::RANGE).map(drop),
            reader.timestamp_format().map(drop),
        ] {
            if let Err(e) = r {
                errors.push(e);
            }
        }
        let Some(target) = self.shapes.get(&member.target) else { return };
        match target {
            Shape::Operation(_) | Shape::Service(_) | Shape::Resource(_) | Shape::Apply(_) => {
                errors.push(Error::member(id, name, format!("targets `{}`, a {} shape, which a member cannot target", member.target, target.type_name())));
            }
            _ => {}
        }
        if let Some(default) = reader.default_value() {
            if let Err(msg) = check_default(target, default) {
                errors.push(Error::member(id, name, format!("`@default` {default} does not fit its target `{}`: {msg}", member.target)));
            }
        }
    }
}

/// Whether a `@default` value has the JSON form its target needs.
fn check_default(target: &Shape, value: &Value) -> Result<(), &'static str> {
    let ok = match (target, value) {
        (_, Value::Null) => true,
        (Shape::String(_) | Shape::Enum(_) | Shape::Blob(_), Value::String(_)) => true,
        (Shape::Boolean(_), Value::Bool(_)) => true,
        (
            Shape::Byte(_) | Shape::Short(_) | Shape::Integer(_) | Shape::Long(_) | Shape::IntEnum(_) | Shape::BigInteger(_),
            Value::Number(n),
        ) => n.is_i64() || n.is_u64(),
        (Shape::Float(_) | Shape::Double(_) | Shape::BigDecimal(_), Value::Number(_)) => true,
        (Shape::Timestamp(_), Value::Number(_) | Value::String(_)) => true,
        (Shape::List(_) | Shape::Set(_), Value::Array(a)) => a.is_empty(),
        (Shape::Map(_), Value::Object(o)) => o.is_empty(),
        (Shape::Document(_), _) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err("wrong JSON type (collections may only default to empty)")
    }
}

/// The prelude shapes every model may target without defining them.
fn prelude() -> BTreeMap<ShapeId, Shape> {
    let simple = |ty: &str, default: Option<Value>| -> Shape {
        let mut v = json!({ "type": ty });
        if let Some(d) = default {
            v["traits"] = json!({ traits::DEFAULT: d });
        }
        serde_json::from_value(v).expect("prelude shapes are well-formed")
    };
    let mut shapes = BTreeMap::new();
    let mut add = |name: &str, shape: Shape| {
        shapes.insert(ShapeId::new(format!("smithy.api#{name}")), shape);
    };
    for (name, ty) in [
        ("String", "string"),
        ("Blob", "blob"),
        ("BigInteger", "bigInteger"),
        ("BigDecimal", "bigDecimal"),
        ("Timestamp", "timestamp"),
        ("Document", "document"),
        ("Boolean", "boolean"),
        ("Byte", "byte"),
        ("Short", "short"),
        ("Integer", "integer"),
        ("Long", "long"),
        ("Float", "float"),
        ("Double", "double"),
    ] {
        add(name, simple(ty, None));
    }
    add("PrimitiveBoolean", simple("boolean", Some(json!(false))));
    for (name, ty) in [
        ("PrimitiveByte", "byte"),
        ("PrimitiveShort", "short"),
        ("PrimitiveInteger", "integer"),
        ("PrimitiveLong", "long"),
        ("PrimitiveFloat", "float"),
        ("PrimitiveDouble", "double"),
    ] {
        add(name, simple(ty, Some(json!(0))));
    }
    add(
        "Unit",
        serde_json::from_value(json!({"type": "structure", "members": {}, "traits": {"smithy.api#unitType": {}}}))
            .expect("prelude shapes are well-formed"),
    );
    shapes
}
