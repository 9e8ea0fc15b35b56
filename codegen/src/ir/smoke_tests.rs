//! The smoke tests of a service (`smithy.test#smokeTests` on operations), lowered to typed cases.
//!
//! Checked here, each problem an error naming the operation and the case: the trait is a list of
//! objects, each with an `id` (unique as a Rust test name), `params` (an object whose keys are
//! members of the input) and an `expect` holding `success` or `failure` (whose `errorId`, when
//! given, is an error of the operation). A parameter stays in its JSON form: the generated test
//! decodes it into the member's type with the generated decoder, so the test checks that too.
//! The emitter (`emit/smoke_tests.rs`) cannot fail.

use serde_json::Value;

use super::{Operation, Service};
use crate::error::Error;
use crate::index::ShapeIndex;
use crate::naming;
use crate::traits;

/// The region of a case whose `vendorParams` name none.
const DEFAULT_REGION: &str = "us-west-2";

/// The smoke tests of a service, ready to emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmokeTests {
    /// `AWS_ENDPOINT_URL_<SDK ID>`: the variable naming the endpoint the tests call.
    pub endpoint_var: String,
    /// Cases by operation (in operation order), then in model order.
    pub cases: Vec<SmokeTest>,
}

impl SmokeTests {
    /// Whether a case sets parameters (the test file then needs its decoding helper).
    pub fn uses_params(&self) -> bool {
        self.cases.iter().any(|c| !c.params.is_empty())
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmokeTest {
    pub id: String,
    /// The test function (the id in snake case).
    pub test_fn: String,
    /// `StartExecution`.
    pub operation: String,
    /// `start_execution`: the client method and the module.
    pub operation_fn: String,
    /// The operation's error enum (`StartExecutionError`).
    pub error_type: String,
    pub region: String,
    pub use_fips: bool,
    pub use_dual_stack: bool,
    /// The input members set, in the case's key order.
    pub params: Vec<SmokeParam>,
    pub expect: SmokeExpect,
}

/// An input member a case sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmokeParam {
    pub wire_name: String,
    /// The input builder's `set_x`.
    pub setter: String,
    /// The value in its JSON form.
    pub json: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmokeExpect {
    Success,
    /// The call fails with a service error; `error_code` names the modeled error it must be (its
    /// shape name), when the case says.
    Failure {
        error_code: Option<String>,
    },
}

/// The smoke tests of `service` (the traits read from `index`'s shapes), or `None` when it has
/// none.
pub fn lower(index: &ShapeIndex, service: &Service) -> Result<Option<SmokeTests>, Error> {
    let mut cases: Vec<SmokeTest> = Vec::new();
    let mut any = false;
    for op in &service.operations {
        let Some(list) = index.get(&op.id).traits().get(traits::SMOKE_TESTS) else { continue };
        any = true;
        let list = list
            .as_array()
            .ok_or_else(|| Error::shape(&op.id, "`smithy.test#smokeTests` must be a list"))?;
        for case in list {
            let case = smoke_test(op, case)?;
            if cases.iter().any(|c| c.test_fn == case.test_fn) {
                return Err(Error::shape(
                    &op.id,
                    format!("two smoke tests are named `{}` in Rust", case.test_fn),
                ));
            }
            cases.push(case);
        }
    }
    if !any {
        return Ok(None);
    }
    let endpoint_var =
        format!("AWS_ENDPOINT_URL_{}", service.sdk_id.to_uppercase().replace([' ', '-'], "_"));
    Ok(Some(SmokeTests { endpoint_var, cases }))
}

fn smoke_test(op: &Operation, case: &Value) -> Result<SmokeTest, Error> {
    let bad = |what: String| Error::shape(&op.id, format!("smoke test: {what}"));
    let case = case.as_object().ok_or_else(|| bad("a case must be an object".into()))?;
    let id = case
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("a case without an `id`".into()))?;
    let bad = |what: String| Error::shape(&op.id, format!("smoke test `{id}`: {what}"));

    let vendor = case.get("vendorParams");
    let vendor_str = |key| vendor.and_then(|v| v.get(key)).and_then(Value::as_str);
    let vendor_bool = |key| vendor.and_then(|v| v.get(key)).and_then(Value::as_bool);

    let mut params = Vec::new();
    if let Some(p) = case.get("params") {
        let p = p.as_object().ok_or_else(|| bad("`params` must be an object".into()))?;
        for (name, value) in p {
            let member = op
                .input
                .members
                .iter()
                .find(|m| &m.wire_name == name)
                .ok_or_else(|| bad(format!("`{name}` is not a member of {}", op.input.id)))?;
            params.push(SmokeParam {
                wire_name: name.clone(),
                setter: naming::option_setter(&member.field),
                json: value.to_string(),
            });
        }
    }

    let expect =
        case.get("expect").and_then(Value::as_object).ok_or_else(|| bad("no `expect`".into()))?;
    let expect = if expect.contains_key("success") {
        SmokeExpect::Success
    } else if let Some(failure) = expect.get("failure") {
        let error_code = match failure.get("errorId").and_then(Value::as_str) {
            Some(shape) => {
                let name = shape.rsplit('#').next().unwrap_or(shape);
                if !op.errors.iter().any(|e| e.code == name) {
                    return Err(bad(format!("`{shape}` is not an error of the operation")));
                }
                Some(name.to_string())
            }
            None => None,
        };
        SmokeExpect::Failure { error_code }
    } else {
        return Err(bad("`expect` holds neither `success` nor `failure`".into()));
    };
    Ok(SmokeTest {
        id: id.to_string(),
        test_fn: naming::field_name(id),
        operation: op.name.clone(),
        operation_fn: op.fn_name.clone(),
        error_type: op.error_type(),
        region: vendor_str("region").unwrap_or(DEFAULT_REGION).to_string(),
        use_fips: vendor_bool("useFips").unwrap_or(false),
        use_dual_stack: vendor_bool("useDualstack").unwrap_or(false),
        params,
        expect,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::model::{Model, ShapeId};

    /// Service `t#Svc` (SDK id `My Svc-2`) with `t#Op` (input member `maxResults`, error
    /// `t#Oops`) and `t#Other`, the smoke tests given on each when not null.
    fn lowered(op_tests: Value, other_tests: Value) -> Result<Option<SmokeTests>, String> {
        let traits = |tests: Value| {
            if tests.is_null() {
                json!({})
            } else {
                json!({ "smithy.test#smokeTests": tests })
            }
        };
        let model = json!({ "smithy": "2.0", "shapes": {
            "t#Svc": { "type": "service", "version": "1",
                       "operations": [{ "target": "t#Op" }, { "target": "t#Other" }],
                       "traits": { "aws.protocols#awsJson1_0": {}, "aws.api#service": { "sdkId": "My Svc-2" } } },
            "t#Op": { "type": "operation", "input": { "target": "t#OpInput" },
                      "errors": [{ "target": "t#Oops" }], "traits": traits(op_tests) },
            "t#Other": { "type": "operation", "traits": traits(other_tests) },
            "t#OpInput": { "type": "structure", "members": {
                "maxResults": { "target": "smithy.api#Integer" } } },
            "t#Oops": { "type": "structure", "members": {}, "traits": { "smithy.api#error": "client" } },
        }});
        let model = Model::from_json(&model.to_string(), "test").unwrap();
        let index = ShapeIndex::build(&model, &ShapeId::new("t#Svc")).unwrap();
        let service = super::super::build(&index).unwrap();
        lower(&index, &service).map_err(|e| e.to_string())
    }

    #[test]
    fn cases_become_typed_tests_in_operation_order() {
        let tests = lowered(
            json!([
                { "id": "OpWorks", "params": { "maxResults": 3 },
                  "vendorParams": { "region": "eu-west-1", "useFips": true }, "expect": { "success": {} } },
                { "id": "OpFails", "expect": { "failure": { "errorId": "t#Oops" } } },
            ]),
            json!([{ "id": "OtherFails", "vendorParams": { "useDualstack": true }, "expect": { "failure": {} } }]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(tests.endpoint_var, "AWS_ENDPOINT_URL_MY_SVC_2");
        assert!(tests.uses_params());
        let case = |id: &str, test_fn: &str, op: &str, op_fn: &str| SmokeTest {
            id: id.into(),
            test_fn: test_fn.into(),
            operation: op.into(),
            operation_fn: op_fn.into(),
            error_type: format!("{op}Error"),
            region: "us-west-2".into(),
            use_fips: false,
            use_dual_stack: false,
            params: vec![],
            expect: SmokeExpect::Success,
        };
        assert_eq!(
            tests.cases,
            [
                SmokeTest {
                    region: "eu-west-1".into(),
                    use_fips: true,
                    params: vec![SmokeParam {
                        wire_name: "maxResults".into(),
                        setter: "set_max_results".into(),
                        json: "3".into(),
                    }],
                    ..case("OpWorks", "op_works", "Op", "op")
                },
                SmokeTest {
                    expect: SmokeExpect::Failure { error_code: Some("Oops".into()) },
                    ..case("OpFails", "op_fails", "Op", "op")
                },
                SmokeTest {
                    use_dual_stack: true,
                    expect: SmokeExpect::Failure { error_code: None },
                    ..case("OtherFails", "other_fails", "Other", "other")
                },
            ]
        );
    }

    #[test]
    fn no_trait_is_no_file_and_an_empty_list_is_a_file_without_tests() {
        assert_eq!(lowered(Value::Null, Value::Null).unwrap(), None);
        let empty = lowered(json!([]), Value::Null).unwrap().unwrap();
        assert!(empty.cases.is_empty() && !empty.uses_params());
    }

    #[test]
    fn bad_cases_are_errors_naming_the_operation_and_case() {
        let ok = json!({ "success": {} });
        for (tests, message) in [
            (json!({}), "t#Op: `smithy.test#smokeTests` must be a list"),
            (json!([1]), "t#Op: smoke test: a case must be an object"),
            (json!([{ "expect": ok }]), "t#Op: smoke test: a case without an `id`"),
            (
                json!([{ "id": "A", "params": [], "expect": ok }]),
                "t#Op: smoke test `A`: `params` must be an object",
            ),
            (
                json!([{ "id": "A", "params": { "nope": 1 }, "expect": ok }]),
                "t#Op: smoke test `A`: `nope` is not a member of t#OpInput",
            ),
            (json!([{ "id": "A" }]), "t#Op: smoke test `A`: no `expect`"),
            (
                json!([{ "id": "A", "expect": {} }]),
                "t#Op: smoke test `A`: `expect` holds neither `success` nor `failure`",
            ),
            (
                json!([{ "id": "A", "expect": { "failure": { "errorId": "t#Nope" } } }]),
                "t#Op: smoke test `A`: `t#Nope` is not an error of the operation",
            ),
            (
                json!([{ "id": "A", "expect": ok }, { "id": "a", "expect": ok }]),
                "t#Op: two smoke tests are named `a` in Rust",
            ),
        ] {
            assert_eq!(lowered(tests, Value::Null).unwrap_err(), message);
        }
    }
}
