//! The protocol compliance cases of a service (`smithy.test#httpRequestTests` on operations,
//! `smithy.test#httpResponseTests` on operations and error structures), lowered to typed cases.
//!
//! Only the cases that apply to this client are lowered: `appliesTo` absent or `client`, and
//! `protocol` absent or the service's protocol trait. Each case's `params` become a typed value
//! tree ([`TestValue`]) resolved against the IR: every key is a member of its structure, every
//! value fits the member's [`RustType`], union values hold exactly one member, and structures,
//! unions and enums are named by their Rust paths. The expected request (method, URI, headers,
//! body and its media type), the response (status, headers, body), the error variant and the
//! vendor parameters' error code are read here too, and whether the case is one of
//! [`EXCEPTIONS`]. Every problem is an error naming the shape, the case id and the member path;
//! the emitter (`emit/protocol_tests.rs`) only spells the cases in Rust and cannot fail.

use serde_json::Value;

use super::{Member, NamedKind, Operation, Protocol, RustType, Service, Structure, StructureRole};
use crate::docs::html_to_markdown;
use crate::error::Error;
use crate::index::ShapeIndex;
use crate::naming;
use crate::traits;

/// Protocol test cases this client does not pass, by case id, with the reason.
pub const EXCEPTIONS: &[(&str, &str)] = &[];

/// The reason a case is an exception, if it is one.
pub fn exception(case_id: &str) -> Option<&'static str> {
    EXCEPTIONS.iter().find(|(id, _)| *id == case_id).map(|(_, reason)| *reason)
}

/// The vendor parameters shape whose `code` (and `type`) the error metadata must carry.
const ERROR_CODE_PARAMS: &str = "aws.protocoltests.config#ErrorCodeParams";

/// The client cases of a service, sorted by test function name (each name unique).
#[derive(Debug, Clone, Default)]
pub struct ProtocolTests {
    pub cases: Vec<TestCase>,
}

/// How many client cases a service has, and how many are exceptions.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CaseCount {
    pub total: usize,
    pub exceptions: usize,
}

impl ProtocolTests {
    pub fn count(&self) -> CaseCount {
        CaseCount {
            total: self.cases.len(),
            exceptions: self.cases.iter().filter(|c| c.exception.is_some()).count(),
        }
    }
}

/// The protocol trait id of the service (`aws.protocols#awsJson1_0`): cases for other protocols
/// are not this client's.
pub fn protocol_trait(service: &Service) -> &'static str {
    match service.protocol {
        Protocol::AwsJson1_0 => traits::AWS_JSON_1_0,
        Protocol::AwsJson1_1 => traits::AWS_JSON_1_1,
    }
}

/// One case, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// The case id of the model (`AwsJson10SerializeStringUnionValue`).
    pub id: String,
    /// The test function: the id in snake case, then `_request` or `_response`.
    pub test_fn: String,
    /// `Case \`id\`.`, then the case's documentation as Markdown.
    pub docs: Vec<String>,
    /// The case's `protocol`, when it names one (always the service's).
    pub protocol: Option<String>,
    pub applies_to: AppliesTo,
    /// The reason from [`EXCEPTIONS`]: the test is generated ignored.
    pub exception: Option<&'static str>,
    pub kind: CaseKind,
}

/// Whom a lowered case is for (cases only for servers are not lowered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliesTo {
    /// `appliesTo` is absent: clients and servers.
    Both,
    /// `"appliesTo": "client"`.
    Client,
}

/// The operation a case calls or decodes for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// `StartExecution`: the marker type in its module.
    pub name: String,
    /// `start_execution`: the client method and the module.
    pub fn_name: String,
    /// `StartExecutionError`.
    pub error_type: String,
}

impl OperationRef {
    fn of(op: &Operation) -> Self {
        OperationRef {
            name: op.name.clone(),
            fn_name: op.fn_name.clone(),
            error_type: op.error_type(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaseKind {
    /// `httpRequestTests`: the input built from `params` is sent, the request checked.
    Request { operation: OperationRef, input: Vec<MemberValue>, expected: ExpectedRequest },
    /// `httpResponseTests` of an operation: the response decodes to the output.
    Response {
        operation: OperationRef,
        response: TestResponse,
        expected: ExpectedStructure,
        /// The `x-amzn-requestid` header's value: the output carries it.
        request_id: Option<String>,
    },
    /// `httpResponseTests` of an error structure: the response decodes to the modeled error,
    /// as an error of `operation` (the first, by name, that may return it).
    Error {
        operation: OperationRef,
        /// The variant of the operation's error enum.
        variant: String,
        response: TestResponse,
        expected: ExpectedStructure,
        /// `ErrorCodeParams` vendor parameters: the code the error metadata must carry.
        code: Option<String>,
        /// ... and its fault type.
        error_type: Option<String>,
    },
}

/// What a request case expects to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRequest {
    pub method: String,
    pub uri: String,
    /// The host the client is configured with (`host`).
    pub host: Option<String>,
    pub resolved_host: Option<String>,
    /// Sorted by name.
    pub headers: Vec<(String, String)>,
    pub forbid_headers: Vec<String>,
    pub require_headers: Vec<String>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
}

/// The response a response case decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResponse {
    pub status: u16,
    /// Sorted by name.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The value a response case expects, without its NaN floats (`NaN != NaN`), which are checked
/// on their own.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedStructure {
    pub value: StructureValue,
    /// Top-level float members the case expects to be NaN.
    pub nan_fields: Vec<NanField>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NanField {
    /// The Rust field.
    pub field: String,
    /// The field is `Option<f32|f64>`.
    pub optional: bool,
}

/// A structure value: its builder, the members set, `build()`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureValue {
    /// The structure's path from the crate root (`operation::ping::PingInput`, `types::Tag`).
    pub path: Vec<String>,
    /// `build()` returns a `Result` ([`Structure::build_is_fallible`]).
    pub build_is_fallible: bool,
    /// The members the case sets (not null), in the order of the case's keys.
    pub members: Vec<MemberValue>,
}

/// One member set on a builder.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberValue {
    pub wire_name: String,
    /// The builder's `set_x` (takes an `Option`).
    pub setter: String,
    pub value: TestValue,
}

/// A float, with the special values the cases spell as strings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Float<T> {
    Finite(T),
    NaN,
    Infinity,
    NegInfinity,
}

/// A timestamp of a case (epoch seconds in the model), as the runtime's `DateTime` is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timestamp {
    /// Whole seconds.
    Secs(i64),
    /// Seconds with a fraction exact in milliseconds (decimal, where a binary float is not).
    Millis(i64),
    /// Any other fraction.
    SecsF64(f64),
}

/// A case value of a known Rust type.
#[derive(Debug, Clone, PartialEq)]
pub enum TestValue {
    /// An absent item of a sparse list or map.
    Null,
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(Float<f32>),
    F64(Float<f64>),
    String(String),
    /// A blob, from the case's text.
    Blob(String),
    Timestamp(Timestamp),
    /// A string enum's value, by the enum's path.
    Enum {
        path: Vec<String>,
        value: String,
    },
    /// An int enum's value.
    IntEnum {
        path: Vec<String>,
        value: i32,
    },
    /// A document, as JSON text.
    Document(String),
    /// Items of a sparse list may be [`TestValue::Null`] (`None`); others are `Some`.
    List {
        sparse: bool,
        items: Vec<TestValue>,
    },
    /// Entries in the case's order; of a sparse map as for lists.
    Map {
        sparse: bool,
        entries: Vec<(String, TestValue)>,
    },
    Structure(StructureValue),
    /// The variant set; `value` is `None` for a unit variant.
    Union {
        path: Vec<String>,
        variant: String,
        value: Option<Box<TestValue>>,
        boxed: bool,
    },
}

/// Lowers the client cases of `service` (the traits read from `index`'s shapes); every problem
/// of every case is reported.
pub fn lower(index: &ShapeIndex, service: &Service) -> Result<ProtocolTests, Vec<Error>> {
    let lower = Lower { service, protocol: protocol_trait(service) };
    let mut cases: Vec<TestCase> = Vec::new();
    let mut errors = Vec::new();
    let mut add = |at: String, result: Result<TestCase, String>| match result {
        Ok(case) => {
            if cases.iter().any(|c| c.test_fn == case.test_fn) {
                errors.push(Error::model(
                    &at,
                    format!("two protocol test cases map to the test `{}`", case.test_fn),
                ));
            } else {
                cases.push(case);
            }
        }
        Err(e) => errors.push(Error::model(&at, e)),
    };
    let trait_of = |id, name| index.get(id).traits().get(name);
    for op in &service.operations {
        for case in lower.client_cases(trait_of(&op.id, traits::HTTP_REQUEST_TESTS)) {
            let at = format!("{} (request case {})", op.id, case_id(case));
            add(at, lower.request_case(op, case));
        }
        for case in lower.client_cases(trait_of(&op.id, traits::HTTP_RESPONSE_TESTS)) {
            let at = format!("{} (response case {})", op.id, case_id(case));
            add(at, lower.response_case(op, case));
        }
    }
    for e in &service.errors {
        for case in lower.client_cases(trait_of(&e.id, traits::HTTP_RESPONSE_TESTS)) {
            let at = format!("{} (response case {})", e.id, case_id(case));
            add(at, lower.error_case(e, case));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    cases.sort_by(|a, b| a.test_fn.cmp(&b.test_fn));
    Ok(ProtocolTests { cases })
}

fn case_id(case: &Value) -> &str {
    str_field(case, "id").unwrap_or("unnamed")
}

fn str_field<'v>(case: &'v Value, key: &str) -> Option<&'v str> {
    case.get(key).and_then(Value::as_str)
}

fn opt_string(case: &Value, key: &str) -> Option<String> {
    str_field(case, key).map(str::to_string)
}

/// The string headers of a case, sorted by name.
fn headers(case: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = case
        .get("headers")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs
}

fn member<'s>(s: &'s Structure, wire: &str) -> Result<&'s Member, String> {
    s.members
        .iter()
        .find(|m| m.wire_name == wire)
        .ok_or_else(|| format!("`{wire}` is not a member of {}", s.id))
}

struct Lower<'a> {
    service: &'a Service,
    protocol: &'static str,
}

impl Lower<'_> {
    /// The cases of a trait value (a list of cases) that apply to this client.
    fn client_cases<'v>(&self, cases: Option<&'v Value>) -> Vec<&'v Value> {
        cases
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|c| matches!(str_field(c, "appliesTo"), None | Some("client")))
                    .filter(|c| str_field(c, "protocol").is_none_or(|p| p == self.protocol))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What every kind of case has: id, test name, docs, protocol, applies-to, exception.
    fn case(&self, case: &Value, suffix: &str, kind: CaseKind) -> TestCase {
        let id = case_id(case).to_string();
        let mut docs = vec![format!("Case `{id}`.")];
        if let Some(d) = str_field(case, "documentation") {
            docs.push(String::new());
            docs.extend(html_to_markdown(d));
        }
        TestCase {
            test_fn: format!("{}_{suffix}", naming::function_name(&id)),
            docs,
            protocol: opt_string(case, "protocol"),
            applies_to: match str_field(case, "appliesTo") {
                Some(_) => AppliesTo::Client,
                None => AppliesTo::Both,
            },
            exception: exception(&id),
            id,
            kind,
        }
    }

    fn request_case(&self, op: &Operation, case: &Value) -> Result<TestCase, String> {
        let input = self.members(&op.input, case.get("params"))?;
        for unsupported in ["queryParams", "forbidQueryParams", "requireQueryParams"] {
            if case.get(unsupported).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                return Err(format!("`{unsupported}` cannot apply to an awsJson request"));
            }
        }
        let method = opt_string(case, "method").ok_or("the case has no `method`")?;
        let uri = opt_string(case, "uri").ok_or("the case has no `uri`")?;
        let list = |key: &str| -> Vec<String> {
            case.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let expected = ExpectedRequest {
            method,
            uri,
            host: opt_string(case, "host"),
            resolved_host: opt_string(case, "resolvedHost"),
            headers: headers(case),
            forbid_headers: list("forbidHeaders"),
            require_headers: list("requireHeaders"),
            body: opt_string(case, "body"),
            body_media_type: opt_string(case, "bodyMediaType"),
        };
        let kind = CaseKind::Request { operation: OperationRef::of(op), input, expected };
        Ok(self.case(case, "request", kind))
    }

    fn response(&self, case: &Value) -> Result<TestResponse, String> {
        let status = case.get("code").and_then(Value::as_u64).ok_or("the case has no `code`")?;
        let status = u16::try_from(status).map_err(|_| "`code` is not an HTTP status")?;
        Ok(TestResponse {
            status,
            headers: headers(case),
            body: str_field(case, "body").unwrap_or("").to_string(),
        })
    }

    fn response_case(&self, op: &Operation, case: &Value) -> Result<TestCase, String> {
        let response = self.response(case)?;
        // The request id header is decoded into the output: expected, and checked on its own.
        let request_id = response
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amzn-requestid"))
            .map(|(_, v)| v.clone());
        let expected = self.expected_structure(&op.output, case.get("params"))?;
        let kind =
            CaseKind::Response { operation: OperationRef::of(op), response, expected, request_id };
        Ok(self.case(case, "response", kind))
    }

    fn error_case(&self, error: &Structure, case: &Value) -> Result<TestCase, String> {
        // Decoded as an error of the first operation (by name) that may return it.
        let (op, error_ref) = self
            .service
            .operations
            .iter()
            .find_map(|o| o.errors.iter().find(|e| e.id == error.id).map(|e| (o, e)))
            .ok_or("no operation of the service returns this error")?;
        let response = self.response(case)?;
        let expected = self.expected_structure(error, case.get("params"))?;
        let (mut code, mut error_type) = (None, None);
        if str_field(case, "vendorParamsShape") == Some(ERROR_CODE_PARAMS) {
            if let Some(vendor) = case.get("vendorParams") {
                code = opt_string(vendor, "code");
                error_type = opt_string(vendor, "type");
            }
        }
        let kind = CaseKind::Error {
            operation: OperationRef::of(op),
            variant: error_ref.rust_name.clone(),
            response,
            expected,
            code,
            error_type,
        };
        Ok(self.case(case, "response", kind))
    }

    /// The value a response case expects; top-level NaN floats are set apart.
    fn expected_structure(
        &self,
        s: &Structure,
        params: Option<&Value>,
    ) -> Result<ExpectedStructure, String> {
        let mut nan_fields = Vec::new();
        let mut plain = serde_json::Map::new();
        if let Some(obj) = params.and_then(Value::as_object) {
            for (k, v) in obj {
                let m = member(s, k)?;
                if v.as_str() == Some("NaN") && matches!(m.ty, RustType::F32 | RustType::F64) {
                    nan_fields.push(NanField { field: m.field.clone(), optional: m.optional });
                } else {
                    plain.insert(k.clone(), v.clone());
                }
            }
        } else if params.is_some_and(|p| !p.is_null()) {
            return Err(format!("`params` of {} is not an object", s.id));
        }
        Ok(ExpectedStructure { value: self.structure_value(s, &Value::Object(plain))?, nan_fields })
    }

    /// The members a case sets on a structure's builder (null ones are left unset).
    fn members(&self, s: &Structure, params: Option<&Value>) -> Result<Vec<MemberValue>, String> {
        let Some(params) = params else { return Ok(Vec::new()) };
        let obj =
            params.as_object().ok_or_else(|| format!("`params` of {} is not an object", s.id))?;
        let mut out = Vec::new();
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            let m = member(s, k)?;
            let value = self.value(&m.ty, v).map_err(|e| format!("{}${k}: {e}", s.id))?;
            out.push(MemberValue {
                wire_name: k.clone(),
                setter: naming::option_setter(&m.field),
                value,
            });
        }
        Ok(out)
    }

    fn structure_value(&self, s: &Structure, v: &Value) -> Result<StructureValue, String> {
        Ok(StructureValue {
            path: self.structure_path(s)?,
            build_is_fallible: s.build_is_fallible,
            members: self.members(s, Some(v))?,
        })
    }

    /// A structure's path from the crate root.
    fn structure_path(&self, s: &Structure) -> Result<Vec<String>, String> {
        Ok(match s.role {
            StructureRole::Input | StructureRole::Output => {
                let op = self
                    .service
                    .operations
                    .iter()
                    .find(|o| {
                        o.input.id == s.id && o.input.rust_name == s.rust_name
                            || o.output.id == s.id && o.output.rust_name == s.rust_name
                    })
                    .ok_or_else(|| format!("no operation has {} as its input or output", s.id))?;
                vec!["operation".into(), op.fn_name.clone(), s.rust_name.clone()]
            }
            StructureRole::Error => vec!["types".into(), "error".into(), s.rust_name.clone()],
            StructureRole::Plain => vec!["types".into(), s.rust_name.clone()],
        })
    }

    /// The case value `v` as a value of type `ty`.
    fn value(&self, ty: &RustType, v: &Value) -> Result<TestValue, String> {
        let bad = |what: &str| Err(format!("expected {what}, found {v}"));
        Ok(match ty {
            RustType::String => match v.as_str() {
                Some(s) => TestValue::String(s.to_string()),
                None => return bad("a string"),
            },
            RustType::Bool => match v.as_bool() {
                Some(b) => TestValue::Bool(b),
                None => return bad("a boolean"),
            },
            RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => {
                let n = v.as_i64().ok_or_else(|| format!("expected an integer, found {v}"))?;
                let out_of_range = |_| format!("{n} is out of range");
                match ty {
                    RustType::I8 => TestValue::I8(i8::try_from(n).map_err(out_of_range)?),
                    RustType::I16 => TestValue::I16(i16::try_from(n).map_err(out_of_range)?),
                    RustType::I32 => TestValue::I32(i32::try_from(n).map_err(out_of_range)?),
                    _ => TestValue::I64(n),
                }
            }
            RustType::F32 => {
                TestValue::F32(float(v, |x| Some(x as f32).filter(|x| x.is_finite()))?)
            }
            RustType::F64 => TestValue::F64(float(v, Some)?),
            RustType::DateTime => TestValue::Timestamp(match (v.as_i64(), v.as_f64()) {
                (Some(secs), _) => Timestamp::Secs(secs),
                // Milliseconds are exact in decimal; a binary float of the seconds is not.
                (None, Some(secs)) if (secs * 1000.0).fract().abs() < 1e-3 => {
                    Timestamp::Millis((secs * 1000.0).round() as i64)
                }
                (None, Some(secs)) => Timestamp::SecsF64(secs),
                _ => return bad("epoch seconds"),
            }),
            RustType::Blob => match v.as_str() {
                Some(s) => TestValue::Blob(s.to_string()),
                None => return bad("a string"),
            },
            RustType::Document => TestValue::Document(v.to_string()),
            RustType::Named { path, kind } => {
                let name = path.last().map_or("", String::as_str);
                match kind {
                    NamedKind::Enum => match v.as_str() {
                        Some(s) => TestValue::Enum { path: path.clone(), value: s.to_string() },
                        None => return bad("a string"),
                    },
                    NamedKind::IntEnum => match v.as_i64().and_then(|n| i32::try_from(n).ok()) {
                        Some(n) => TestValue::IntEnum { path: path.clone(), value: n },
                        None => return bad("an integer"),
                    },
                    NamedKind::Structure => {
                        let s = self
                            .service
                            .structures
                            .iter()
                            .chain(&self.service.errors)
                            .find(|s| s.rust_name == name)
                            .ok_or_else(|| format!("no structure `{name}`"))?;
                        if !v.is_object() {
                            return bad("an object");
                        }
                        TestValue::Structure(self.structure_value(s, v)?)
                    }
                    NamedKind::Union => self.union_value(path, name, v)?,
                }
            }
            RustType::List { item, sparse } => {
                let items = v.as_array().ok_or_else(|| format!("expected a list, found {v}"))?;
                let items = items
                    .iter()
                    .map(|x| self.collection_item(item, *sparse, x))
                    .collect::<Result<Vec<_>, _>>()?;
                TestValue::List { sparse: *sparse, items }
            }
            RustType::Map { value, sparse } => {
                let entries = v.as_object().ok_or_else(|| format!("expected a map, found {v}"))?;
                let entries = entries
                    .iter()
                    .map(|(k, x)| Ok((k.clone(), self.collection_item(value, *sparse, x)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                TestValue::Map { sparse: *sparse, entries }
            }
        })
    }

    fn union_value(&self, path: &[String], name: &str, v: &Value) -> Result<TestValue, String> {
        let u = self
            .service
            .unions
            .iter()
            .find(|u| u.rust_name == name)
            .ok_or_else(|| format!("no union `{name}`"))?;
        let obj = v.as_object().ok_or_else(|| format!("expected an object, found {v}"))?;
        let set: Vec<(&String, &Value)> = obj.iter().filter(|(_, v)| !v.is_null()).collect();
        let [(key, value)] = set.as_slice() else {
            return Err(format!("a union value needs exactly one member, found {v}"));
        };
        let variant = u
            .variants
            .iter()
            .find(|x| &x.wire_name == *key)
            .ok_or_else(|| format!("`{key}` is not a member of {}", u.id))?;
        let value = match &variant.ty {
            None => None,
            Some(t) => Some(Box::new(self.value(t, value)?)),
        };
        Ok(TestValue::Union {
            path: path.to_vec(),
            variant: variant.variant.clone(),
            value,
            boxed: variant.boxed,
        })
    }

    /// An item of a list or map: [`TestValue::Null`] only in a sparse collection.
    fn collection_item(&self, ty: &RustType, sparse: bool, v: &Value) -> Result<TestValue, String> {
        match (sparse, v) {
            (true, Value::Null) => Ok(TestValue::Null),
            (_, v) => self.value(ty, v),
        }
    }
}

/// A float of a case: a number (`narrow` gives it at the member's width, `None` when it is out
/// of range), or `"NaN"`, `"Infinity"`, `"-Infinity"`.
fn float<T>(v: &Value, narrow: impl FnOnce(f64) -> Option<T>) -> Result<Float<T>, String> {
    match v {
        Value::String(s) if s == "NaN" => Ok(Float::NaN),
        Value::String(s) if s == "Infinity" => Ok(Float::Infinity),
        Value::String(s) if s == "-Infinity" => Ok(Float::NegInfinity),
        Value::Number(n) => narrow(n.as_f64().unwrap_or_default())
            .map(Float::Finite)
            .ok_or_else(|| format!("{v} is out of range of a 32-bit float")),
        _ => Err(format!("expected a number, found {v}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::model::{Model, ShapeId};

    /// A service `t#Svc` (awsJson1_1) with operation `t#Op` (input `t#OpInput`, output
    /// `t#OpOutput`, error `t#Oops`), the traits given on the operation and the error.
    fn lowered(op_traits: Value, error_traits: Value) -> Result<ProtocolTests, Vec<Error>> {
        let model = json!({ "smithy": "2.0", "shapes": {
            "t#Svc": { "type": "service", "version": "1", "operations": [{ "target": "t#Op" }],
                       "traits": { "aws.protocols#awsJson1_1": {} } },
            "t#Op": { "type": "operation", "input": { "target": "t#OpInput" },
                      "output": { "target": "t#OpOutput" }, "errors": [{ "target": "t#Oops" }],
                      "traits": op_traits },
            "t#OpInput": { "type": "structure", "members": {
                "name": { "target": "smithy.api#String" },
                "count": { "target": "smithy.api#Byte" },
                "ratio": { "target": "smithy.api#Float" },
                "at": { "target": "smithy.api#Timestamp" },
                "data": { "target": "smithy.api#Blob" },
                "doc": { "target": "smithy.api#Document" },
                "color": { "target": "t#Color" },
                "level": { "target": "t#Level" },
                "tags": { "target": "t#Tags" },
                "sparse": { "target": "t#SparseMap" },
                "choice": { "target": "t#Choice" },
                "tag": { "target": "t#Tag" } } },
            "t#OpOutput": { "type": "structure", "members": {
                "value": { "target": "smithy.api#Double" },
                "total": { "target": "smithy.api#Long", "traits": { "smithy.api#required": {} } } } },
            "t#Oops": { "type": "structure", "members": { "message": { "target": "smithy.api#String" } },
                        "traits": merged(json!({ "smithy.api#error": "client" }), error_traits) },
            "t#Color": { "type": "enum", "members": { "RED": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "red" } } } },
            "t#Level": { "type": "intEnum", "members": { "LOW": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 1 } } } },
            "t#Tags": { "type": "list", "member": { "target": "t#Tag" } },
            "t#SparseMap": { "type": "map", "key": { "target": "smithy.api#String" },
                             "value": { "target": "smithy.api#Boolean" }, "traits": { "smithy.api#sparse": {} } },
            "t#Choice": { "type": "union", "members": {
                "text": { "target": "smithy.api#String" }, "nothing": { "target": "smithy.api#Unit" } } },
            "t#Tag": { "type": "structure", "members": {
                "key": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } } } },
        }});
        let model = Model::from_json(&model.to_string(), "test").unwrap();
        let index = ShapeIndex::build(&model, &ShapeId::new("t#Svc")).unwrap();
        let service = super::super::build(&index).unwrap();
        lower(&index, &service)
    }

    fn merged(mut a: Value, b: Value) -> Value {
        if let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object()) {
            a.extend(b.clone());
        }
        a
    }

    fn request_case(extra: Value) -> Value {
        merged(
            json!({ "id": "OpSends", "protocol": "aws.protocols#awsJson1_1", "method": "POST", "uri": "/" }),
            extra,
        )
    }

    fn requests(cases: Value) -> Result<ProtocolTests, Vec<Error>> {
        lowered(json!({ "smithy.test#httpRequestTests": cases }), json!({}))
    }

    /// The one error of lowering `cases` as request tests, as `location: message`.
    fn request_error(params: Value) -> String {
        let errors = requests(json!([request_case(json!({ "params": params }))])).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].to_string()
    }

    fn member(wire: &str, setter: &str, value: TestValue) -> MemberValue {
        MemberValue { wire_name: wire.into(), setter: setter.into(), value }
    }

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_request_case_becomes_a_typed_input_and_the_expected_request() {
        let case = request_case(json!({
            "documentation": "Sends <b>all</b>.",
            "headers": { "X-Amz-Target": "Svc.Op", "Content-Type": "application/x-amz-json-1.1" },
            "forbidHeaders": ["X-Forbidden"], "requireHeaders": ["Content-Length"],
            "body": "{}", "bodyMediaType": "application/json", "host": "example.com",
            "params": {
                "name": "n", "count": -3, "ratio": "-Infinity", "at": 1.5, "data": "YmxvYg==",
                "doc": { "a": [1, null] }, "color": "red", "level": 1,
                "tags": [{ "key": "k" }], "sparse": { "no": null, "yes": true },
                "choice": { "nothing": {}, "text": null }, "tag": null
            }
        }));
        let tests = requests(json!([case])).unwrap();
        let [case] = tests.cases.as_slice() else { panic!("{tests:?}") };
        assert_eq!(case.id, "OpSends");
        assert_eq!(case.test_fn, "op_sends_request");
        assert_eq!(case.docs, ["Case `OpSends`.", "", "Sends **all**."]);
        assert_eq!(case.protocol.as_deref(), Some("aws.protocols#awsJson1_1"));
        assert_eq!(case.applies_to, AppliesTo::Both);
        assert_eq!(case.exception, None);
        let tag = StructureValue {
            path: path(&["types", "Tag"]),
            build_is_fallible: true,
            members: vec![member("key", "set_key", TestValue::String("k".into()))],
        };
        // Keys in the case's (sorted) order; the null `tag` is left unset.
        let want = CaseKind::Request {
            operation: OperationRef {
                name: "Op".into(),
                fn_name: "op".into(),
                error_type: "OpError".into(),
            },
            input: vec![
                member("at", "set_at", TestValue::Timestamp(Timestamp::Millis(1500))),
                member(
                    "choice",
                    "set_choice",
                    TestValue::Union {
                        path: path(&["types", "Choice"]),
                        variant: "Nothing".into(),
                        value: None,
                        boxed: false,
                    },
                ),
                member(
                    "color",
                    "set_color",
                    TestValue::Enum { path: path(&["types", "Color"]), value: "red".into() },
                ),
                member("count", "set_count", TestValue::I8(-3)),
                member("data", "set_data", TestValue::Blob("YmxvYg==".into())),
                member("doc", "set_doc", TestValue::Document(r#"{"a":[1,null]}"#.into())),
                member(
                    "level",
                    "set_level",
                    TestValue::IntEnum { path: path(&["types", "Level"]), value: 1 },
                ),
                member("name", "set_name", TestValue::String("n".into())),
                member("ratio", "set_ratio", TestValue::F32(Float::NegInfinity)),
                member(
                    "sparse",
                    "set_sparse",
                    TestValue::Map {
                        sparse: true,
                        entries: vec![
                            ("no".into(), TestValue::Null),
                            ("yes".into(), TestValue::Bool(true)),
                        ],
                    },
                ),
                member(
                    "tags",
                    "set_tags",
                    TestValue::List { sparse: false, items: vec![TestValue::Structure(tag)] },
                ),
            ],
            expected: ExpectedRequest {
                method: "POST".into(),
                uri: "/".into(),
                host: Some("example.com".into()),
                resolved_host: None,
                headers: vec![
                    ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                    ("X-Amz-Target".into(), "Svc.Op".into()),
                ],
                forbid_headers: vec!["X-Forbidden".into()],
                require_headers: vec!["Content-Length".into()],
                body: Some("{}".into()),
                body_media_type: Some("application/json".into()),
            },
        };
        assert_eq!(case.kind, want);
    }

    #[test]
    fn only_client_cases_of_the_services_protocol_are_lowered_in_name_order() {
        let tests = requests(json!([
            request_case(json!({ "id": "Zed", "appliesTo": "client" })),
            request_case(
                json!({ "id": "ServerOnly", "appliesTo": "server", "params": { "bad": 1 } })
            ),
            request_case(json!({ "id": "Other", "protocol": "aws.protocols#awsJson1_0" })),
            request_case(json!({ "id": "Alpha" })),
        ]))
        .unwrap();
        let names: Vec<(&str, AppliesTo)> =
            tests.cases.iter().map(|c| (c.test_fn.as_str(), c.applies_to)).collect();
        assert_eq!(names, [("alpha_request", AppliesTo::Both), ("zed_request", AppliesTo::Client)]);
        assert_eq!(tests.count(), CaseCount { total: 2, exceptions: 0 });
    }

    #[test]
    fn a_response_case_sets_nan_floats_apart_and_reads_the_request_id() {
        let case = json!({
            "id": "OpReads", "code": 200, "body": "{}",
            "headers": { "X-Amzn-RequestId": "r-1" },
            "params": { "value": "NaN", "total": 9_007_199_254_740_993_i64 }
        });
        let tests = lowered(json!({ "smithy.test#httpResponseTests": [case] }), json!({})).unwrap();
        let [case] = tests.cases.as_slice() else { panic!("{tests:?}") };
        assert_eq!(case.test_fn, "op_reads_response");
        let CaseKind::Response { response, expected, request_id, .. } = &case.kind else {
            panic!("{case:?}")
        };
        assert_eq!(
            *response,
            TestResponse {
                status: 200,
                headers: vec![("X-Amzn-RequestId".into(), "r-1".into())],
                body: "{}".into()
            }
        );
        assert_eq!(request_id.as_deref(), Some("r-1"));
        assert_eq!(expected.nan_fields, [NanField { field: "value".into(), optional: true }]);
        assert_eq!(
            expected.value,
            StructureValue {
                path: path(&["operation", "op", "OpOutput"]),
                // `total` is `@required` without a default: the builder cannot fill it in.
                build_is_fallible: true,
                members: vec![member("total", "set_total", TestValue::I64(9_007_199_254_740_993))],
            }
        );
    }

    #[test]
    fn an_error_case_names_the_operation_variant_and_vendor_code() {
        let case = json!({
            "id": "OopsDecodes", "code": 400, "body": "{}", "params": { "message": "m" },
            "vendorParamsShape": "aws.protocoltests.config#ErrorCodeParams",
            "vendorParams": { "code": "Oops", "type": "Sender" }
        });
        let tests = lowered(json!({}), json!({ "smithy.test#httpResponseTests": [case] })).unwrap();
        let [case] = tests.cases.as_slice() else { panic!("{tests:?}") };
        let CaseKind::Error { operation, variant, expected, code, error_type, .. } = &case.kind
        else {
            panic!("{case:?}")
        };
        assert_eq!(operation.fn_name, "op");
        assert_eq!(variant, "Oops");
        assert_eq!((code.as_deref(), error_type.as_deref()), (Some("Oops"), Some("Sender")));
        assert_eq!(expected.value.path, path(&["types", "error", "Oops"]));
        assert_eq!(
            expected.value.members,
            [member("message", "set_message", TestValue::String("m".into()))]
        );
    }

    #[test]
    fn bad_params_are_errors_naming_the_case_and_member_path() {
        let at = "t#Op (request case OpSends): ";
        for (params, message) in [
            (json!({ "missing": 1 }), "`missing` is not a member of t#OpInput".to_string()),
            (json!([1]), "`params` of t#OpInput is not an object".into()),
            (json!({ "name": 1 }), "t#OpInput$name: expected a string, found 1".into()),
            (json!({ "count": 300 }), "t#OpInput$count: 300 is out of range".into()),
            (json!({ "count": "3" }), "t#OpInput$count: expected an integer, found \"3\"".into()),
            (json!({ "ratio": 1e300 }), "t#OpInput$ratio: 1e+300 is out of range of a 32-bit float".into()),
            (json!({ "ratio": "Big" }), "t#OpInput$ratio: expected a number, found \"Big\"".into()),
            (json!({ "at": "2020" }), "t#OpInput$at: expected epoch seconds, found \"2020\"".into()),
            (json!({ "level": "LOW" }), "t#OpInput$level: expected an integer, found \"LOW\"".into()),
            (json!({ "tags": {} }), "t#OpInput$tags: expected a list, found {}".into()),
            (json!({ "tags": [{ "nope": 1 }] }), "t#OpInput$tags: `nope` is not a member of t#Tag".into()),
            (json!({ "tags": [{ "key": 2 }] }), "t#OpInput$tags: t#Tag$key: expected a string, found 2".into()),
            (json!({ "tag": "x" }), "t#OpInput$tag: expected an object, found \"x\"".into()),
            (json!({ "sparse": [] }), "t#OpInput$sparse: expected a map, found []".into()),
            (
                json!({ "choice": { "text": "a", "nothing": {} } }),
                "t#OpInput$choice: a union value needs exactly one member, found {\"nothing\":{},\"text\":\"a\"}".into(),
            ),
            (json!({ "choice": { "other": 1 } }), "t#OpInput$choice: `other` is not a member of t#Choice".into()),
        ] {
            assert_eq!(request_error(params), format!("{at}{message}"));
        }
    }

    #[test]
    fn malformed_cases_are_errors_naming_the_case() {
        let request = |case: Value| {
            let errors = requests(json!([case])).unwrap_err();
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        };
        let mut no_method = request_case(json!({}));
        no_method.as_object_mut().unwrap().remove("method");
        assert_eq!(request(no_method), ["t#Op (request case OpSends): the case has no `method`"]);
        let mut no_uri = request_case(json!({}));
        no_uri.as_object_mut().unwrap().remove("uri");
        assert_eq!(request(no_uri), ["t#Op (request case OpSends): the case has no `uri`"]);
        assert_eq!(
            request(request_case(json!({ "queryParams": ["a=b"] }))),
            ["t#Op (request case OpSends): `queryParams` cannot apply to an awsJson request"]
        );
        let twice =
            requests(json!([request_case(json!({})), request_case(json!({}))])).unwrap_err();
        assert_eq!(
            twice.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            ["t#Op (request case OpSends): two protocol test cases map to the test `op_sends_request`"]
        );

        let response = |case: Value| {
            let errors =
                lowered(json!({ "smithy.test#httpResponseTests": [case] }), json!({})).unwrap_err();
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            response(json!({ "id": "R" })),
            ["t#Op (response case R): the case has no `code`"]
        );
        assert_eq!(
            response(json!({ "id": "R", "code": 70000 })),
            ["t#Op (response case R): `code` is not an HTTP status"]
        );
        assert_eq!(
            response(json!({ "id": "R", "code": 200, "params": { "value": true } })),
            ["t#Op (response case R): t#OpOutput$value: expected a number, found true"]
        );
        assert_eq!(
            response(json!({ "id": "R", "code": 200, "params": { "nope": null } })),
            ["t#Op (response case R): `nope` is not a member of t#OpOutput"]
        );
        // Every bad case is reported, not only the first.
        let errors = lowered(
            json!({ "smithy.test#httpResponseTests": [{ "id": "A" }, { "id": "B" }] }),
            json!({ "smithy.test#httpResponseTests": [{ "id": "C", "code": 400, "params": 1 }] }),
        )
        .unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            [
                "t#Op (response case A): the case has no `code`",
                "t#Op (response case B): the case has no `code`",
                "t#Oops (response case C): `params` of t#Oops is not an object",
            ]
        );
    }

    #[test]
    fn exceptions_are_looked_up_by_case_id() {
        for (id, reason) in EXCEPTIONS {
            assert_eq!(exception(id), Some(*reason));
        }
        assert_eq!(exception("NoSuchCase"), None);
    }
}
