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

/// How deep lists and maps may hold lists and maps (real models use two or three levels). Later
/// stages walk collection types recursively; the limit keeps them far from the end of the stack.
pub const MAX_COLLECTION_NESTING: usize = 32;

/// The shapes of one service, validated.
#[derive(Debug)]
pub struct ShapeIndex {
    pub service_id: ShapeId,
    shapes: BTreeMap<ShapeId, Shape>,
    /// Every shape reachable from the service (operations, their inputs, outputs and errors, and
    /// everything their members target), the service itself excluded.
    closure: BTreeSet<ShapeId>,
    /// Operations of the service, sorted by shape name (those left out excluded).
    operations: Vec<ShapeId>,
    /// What the client leaves out or does not honour, by operation.
    unsupported: Vec<Unsupported>,
}

/// A construct of the model the generated client cannot honour, found on one operation. The
/// generator reports each (its summary and the crate's documentation); none is silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub operation: ShapeId,
    /// The input or output member concerned (`Input$Member`), when there is one.
    pub member: Option<String>,
    pub kind: UnsupportedKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsupportedKind {
    /// A member targets a `@streaming` union (an event stream): the operation is left out, the
    /// rest of the service is generated.
    EventStream,
    /// A member targets a `@streaming` blob: the operation is left out.
    StreamingBlob,
    /// `@aws.api#clientDiscoveredEndpoint(required: true)`: the operation is generated, but its
    /// calls go to the configured or resolved endpoint, never a discovered one.
    RequiredEndpointDiscovery {
        /// The service's endpoint operation (`@aws.api#clientEndpointDiscovery`), when named.
        endpoint_operation: Option<String>,
    },
}

impl Unsupported {
    /// Whether the operation is left out of the crate.
    pub fn omits_operation(&self) -> bool {
        !matches!(self.kind, UnsupportedKind::RequiredEndpointDiscovery { .. })
    }

    /// One line saying what and what the generator did about it (Markdown).
    pub fn describe(&self) -> String {
        let op = self.operation.name();
        let member = self.member.as_deref().unwrap_or("?");
        match &self.kind {
            UnsupportedKind::EventStream => format!(
                "`{op}` is left out: its member `{member}` is an event stream (a `@streaming` union), \
                 which this client does not support yet"
            ),
            UnsupportedKind::StreamingBlob => format!(
                "`{op}` is left out: its member `{member}` is a `@streaming` blob, which this client does \
                 not support"
            ),
            UnsupportedKind::RequiredEndpointDiscovery { endpoint_operation } => format!(
                "`{op}` requires endpoint discovery (`@aws.api#clientDiscoveredEndpoint`), which this \
                 client does not do: its calls go to the resolved or configured endpoint; set the \
                 client's endpoint URL to an address {} returns",
                endpoint_operation.as_ref().map_or("the service's endpoint operation".to_string(), |o| format!("`{o}`"))
            ),
        }
    }
}

impl ShapeIndex {
    /// Validates the closure of `service_id` in `model`. All problems found are reported at once.
    pub fn build(model: &Model, service_id: &ShapeId) -> Result<ShapeIndex, Errors> {
        let mut shapes = prelude();
        for (id, shape) in &model.shapes {
            if !id.is_well_formed() {
                return Err(
                    Error::shape(id, "not a valid absolute shape id (namespace#Name)").into()
                );
            }
            shapes.insert(id.clone(), shape.clone());
        }
        let mut index = ShapeIndex {
            service_id: service_id.clone(),
            shapes,
            closure: BTreeSet::new(),
            operations: Vec::new(),
            unsupported: Vec::new(),
        };
        let mut errors = Vec::new();
        match index.shapes.get(service_id) {
            Some(Shape::Service(_)) => {}
            Some(other) => {
                return Err(Error::shape(
                    service_id,
                    format!("expected a service shape, found a {}", other.type_name()),
                )
                .into())
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
                    format!(
                        "no such service in the model (services found: {})",
                        services.join(", ")
                    ),
                )
                .into());
            }
        }
        index.operations = index.collect_operations(&mut errors);
        index.operations.sort_by(|a, b| a.name().cmp(b.name()).then(a.cmp(b)));
        index.operations.dedup();
        index.unsupported =
            index.operations.iter().flat_map(|op| index.find_unsupported(op)).collect();
        let omitted: BTreeSet<ShapeId> = index
            .unsupported
            .iter()
            .filter(|u| u.omits_operation())
            .map(|u| u.operation.clone())
            .collect();
        index.operations.retain(|op| !omitted.contains(op));
        index.closure = index.walk_closure(&mut errors);
        index.check_collection_nesting(&mut errors);
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

    /// What the client leaves out or does not honour, by operation name.
    pub fn unsupported(&self) -> &[Unsupported] {
        &self.unsupported
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
        let mut resources: Vec<ShapeId> =
            service.resources.iter().map(|r| r.target.clone()).collect();
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
                Some(other) => errors.push(Error::shape(
                    &rid,
                    format!("bound as a resource but is a {}", other.type_name()),
                )),
                None => errors
                    .push(Error::shape(&rid, "bound as a resource but not defined in the model")),
            }
        }
        ops.retain(|op| match self.shapes.get(op) {
            Some(Shape::Operation(_)) => true,
            Some(other) => {
                errors.push(Error::shape(
                    op,
                    format!("bound as an operation but is a {}", other.type_name()),
                ));
                false
            }
            None => {
                errors.push(Error::shape(op, "bound as an operation but not defined in the model"));
                false
            }
        });
        ops
    }

    /// The constructs of one operation the client cannot honour: `@streaming` members of its input
    /// or output, required endpoint discovery.
    fn find_unsupported(&self, op_id: &ShapeId) -> Vec<Unsupported> {
        let Some(Shape::Operation(op)) = self.shapes.get(op_id) else { return Vec::new() };
        let mut found = Vec::new();
        for r in op.input.iter().chain(&op.output) {
            let Some(Shape::Structure(s)) = self.shapes.get(&r.target) else { continue };
            for (name, m) in &s.members {
                let Some(target) = self.shapes.get(&m.target) else { continue };
                if !target.traits().contains_key(traits::STREAMING) {
                    continue;
                }
                let kind = match target {
                    Shape::Union(_) => UnsupportedKind::EventStream,
                    _ => UnsupportedKind::StreamingBlob,
                };
                let member = Some(format!("{}${name}", self.local_name(&r.target)));
                found.push(Unsupported { operation: op_id.clone(), member, kind });
            }
        }
        let discovery = op.traits.get(traits::CLIENT_DISCOVERED_ENDPOINT);
        if discovery.and_then(|d| d.get("required")).and_then(Value::as_bool) == Some(true) {
            let endpoint_operation = self
                .service()
                .traits
                .get("aws.api#clientEndpointDiscovery")
                .and_then(|d| d.get("operation"))
                .and_then(Value::as_str)
                .map(|o| ShapeId::new(o).name().to_string());
            let kind = UnsupportedKind::RequiredEndpointDiscovery { endpoint_operation };
            found.push(Unsupported { operation: op_id.clone(), member: None, kind });
        }
        found
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
                errors.push(Error::model(
                    &from,
                    format!("targets `{id}`, which is not defined in the model"),
                ));
                continue;
            };
            if !closure.insert(id.clone()) {
                continue;
            }
            let mut push =
                |r: &ShapeRef, what: &str| todo.push((r.target.clone(), format!("{id} ({what})")));
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

    /// Lists and maps of the closure that hold themselves through lists and maps alone (a value of
    /// them could never end, and the IR's type of them would be infinite), or that nest more than
    /// [`MAX_COLLECTION_NESTING`] levels deep. Each chain of collections is walked once.
    fn check_collection_nesting(&self, errors: &mut Vec<Error>) {
        // The shape a list (its member) or a map (its value) holds, for collections only.
        let inner = |id: &ShapeId| match self.shapes.get(id) {
            Some(Shape::List(l) | Shape::Set(l)) => Some(&l.member.target),
            Some(Shape::Map(m)) => Some(&m.value.target),
            _ => None,
        };
        // Levels of collections from a shape down (the shape included), once known.
        let mut levels: BTreeMap<&ShapeId, usize> = BTreeMap::new();
        for start in &self.closure {
            let mut path: Vec<&ShapeId> = Vec::new();
            let mut on_path: BTreeSet<&ShapeId> = BTreeSet::new();
            let mut at = start;
            let below = loop {
                if let Some(known) = levels.get(at) {
                    break *known;
                }
                let Some(next) = inner(at) else { break 0 };
                if on_path.contains(at) {
                    let i = path.iter().position(|p| *p == at).unwrap_or(0);
                    let cycle: Vec<String> =
                        path[i..].iter().chain([&at]).map(|p| format!("`{p}`")).collect();
                    errors.push(Error::shape(
                        at,
                        format!(
                            "holds itself through lists and maps alone ({}): a structure or union must be part of the cycle",
                            cycle.join(" → ")
                        ),
                    ));
                    // Reported once: the shapes of the path count as leaves from here on.
                    for p in path.drain(..) {
                        levels.insert(p, 0);
                    }
                    break 0;
                }
                path.push(at);
                on_path.insert(at);
                at = next;
            };
            let mut level = below;
            for p in path.into_iter().rev() {
                level += 1;
                if level == MAX_COLLECTION_NESTING + 1 {
                    errors.push(Error::shape(
                        p,
                        format!("lists and maps nest {level} levels deep here; at most {MAX_COLLECTION_NESTING} are supported"),
                    ));
                }
                levels.insert(p, level);
            }
        }
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
            errors.push(Error::shape(
                id,
                "`@streaming` shapes (event streams, streaming blobs) are not supported",
            ));
        }
        match shape {
            Shape::Operation(op) => {
                for (what, r) in [("input", &op.input), ("output", &op.output)] {
                    if let Some(r) = r {
                        if !matches!(self.shapes.get(&r.target), Some(Shape::Structure(_)) | None) {
                            errors.push(Error::shape(
                                id,
                                format!("its {what} `{}` is not a structure", r.target),
                            ));
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
                        Ok(None) => errors.push(Error::member(
                            id,
                            name,
                            "intEnum members need an integer `@enumValue`",
                        )),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Shape::Map(m)
                if !matches!(
                    self.shapes.get(&m.key.target),
                    Some(Shape::String(_)) | Some(Shape::Enum(_)) | None
                ) =>
            {
                errors.push(Error::member(
                    id,
                    "key",
                    "map keys must target a string or enum shape",
                ));
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
            Some(_) => errors.push(Error::shape(
                op,
                format!("lists `{}` as an error but it is not an `@error` structure", e.target),
            )),
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
                errors.push(Error::member(
                    id,
                    name,
                    format!(
                        "targets `{}`, a {} shape, which a member cannot target",
                        member.target,
                        target.type_name()
                    ),
                ));
            }
            _ => {}
        }
        if let Some(default) = reader.default_value() {
            if let Err(msg) = check_default(target, default) {
                errors.push(Error::member(
                    id,
                    name,
                    format!(
                        "`@default` {default} does not fit its target `{}`: {msg}",
                        member.target
                    ),
                ));
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
            Shape::Byte(_)
            | Shape::Short(_)
            | Shape::Integer(_)
            | Shape::Long(_)
            | Shape::IntEnum(_)
            | Shape::BigInteger(_),
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
        serde_json::from_value(
            json!({"type": "structure", "members": {}, "traits": {"smithy.api#unitType": {}}}),
        )
        .expect("prelude shapes are well-formed"),
    );
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service with one operation whose input holds `t#L0` (member `a`), plus `shapes`.
    fn index_of(shapes: serde_json::Value) -> Result<ShapeIndex, Errors> {
        let mut all = json!({
            "t#Svc": { "type": "service", "version": "1", "operations": [{ "target": "t#Op" }] },
            "t#Op": { "type": "operation", "input": { "target": "t#In" } },
            "t#In": { "type": "structure", "members": { "a": { "target": "t#L0" } } },
        });
        for (k, v) in shapes.as_object().expect("an object") {
            all[k] = v.clone();
        }
        let model =
            Model::from_json(&json!({ "smithy": "2.0", "shapes": all }).to_string(), "test")
                .map_err(Errors::from)?;
        ShapeIndex::build(&model, &ShapeId::new("t#Svc"))
    }

    /// `t#L0` … `t#L{n-1}`: lists (maps at odd positions) each holding the next, then a string.
    fn nested_collections(n: usize) -> serde_json::Value {
        let mut shapes = serde_json::Map::new();
        for i in 0..n {
            let next = json!({ "target": format!("t#L{}", i + 1) });
            let shape = if i % 2 == 0 {
                json!({ "type": "list", "member": next })
            } else {
                json!({ "type": "map", "key": { "target": "smithy.api#String" }, "value": next })
            };
            shapes.insert(format!("t#L{i}"), shape);
        }
        shapes.insert(format!("t#L{n}"), json!({ "type": "string" }));
        Value::Object(shapes)
    }

    #[test]
    fn collections_nest_up_to_the_limit() {
        assert!(index_of(nested_collections(MAX_COLLECTION_NESTING)).is_ok());
    }

    #[test]
    fn collections_nested_deeper_than_the_limit_are_refused_once() {
        let err = index_of(nested_collections(20_000)).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        let expected = format!(
            "t#L{}: lists and maps nest 33 levels deep here; at most 32 are supported",
            20_000 - 33
        );
        assert!(err.to_string().contains(&expected), "{err}");
    }

    /// Found by the `generator` fuzz target: a list holding itself, or a list and a map holding
    /// each other, overflowed the stack when the IR computed their Rust type.
    #[test]
    fn collections_holding_themselves_are_refused() {
        let err = index_of(json!({ "t#L0": { "type": "list", "member": { "target": "t#L0" } } }))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("t#L0: holds itself through lists and maps alone (`t#L0` → `t#L0`)"),
            "{err}"
        );
        let err = index_of(json!({
            "t#L0": { "type": "list", "member": { "target": "t#M" } },
            "t#M": { "type": "map", "key": { "target": "smithy.api#String" }, "value": { "target": "t#L0" } },
        }))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("holds itself through lists and maps alone (`t#L0` → `t#M` → `t#L0`)"),
            "{err}"
        );
        // Through a structure, a cycle is fine.
        assert!(index_of(json!({
            "t#L0": { "type": "list", "member": { "target": "t#S" } },
            "t#S": { "type": "structure", "members": { "l": { "target": "t#L0" } } },
        }))
        .is_ok());
    }
}
