//! The lowering of endpoint rule sets, partition tables and endpoint tests: typed values for
//! well-formed input, and an error naming the JSON path of each kind of problem.

use super::*;
use crate::error::ErrorKind;
use serde_json::json;

fn rule_set(rules: Value) -> Value {
    json!({
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "type": "String"},
            "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": true, "default": false, "type": "Boolean"},
            "Stage": {"required": false, "type": "string", "default": "prod"},
        },
        "rules": rules,
    })
}

fn s(text: &str) -> String {
    text.to_string()
}

#[test]
fn a_small_rule_set_lowers_to_typed_rules() {
    let rs = rule_set(json!([
        {
            "conditions": [
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"},
                {"fn": "booleanEquals", "argv": [true, {"fn": "getAttr", "argv": [{"ref": "P"}, "a.b[2]"]}]}
            ],
            "endpoint": {"url": "https://x-{{lit}}.{Region}.{P#dnsSuffix}", "headers": {"h": ["v"]},
                         "properties": {"list": [1, {"k": "{Stage}"}]}},
            "type": "endpoint"
        },
        {"conditions": [], "rules": [{"conditions": [], "error": "plain", "type": "error"}], "type": "tree"}
    ]));
    let got = lower_rule_set(&rs).unwrap();
    let param = |name: &str, ty, built_in, required, default| ParamDef {
        name: s(name),
        ty,
        built_in,
        required,
        default,
    };
    assert_eq!(
        got.parameters,
        [
            param("Region", ParamType::String, Some(BuiltIn::Region), false, None),
            param("Stage", ParamType::String, None, false, Some(ParamValue::String(s("prod")))),
            param(
                "UseFIPS",
                ParamType::Boolean,
                Some(BuiltIn::UseFips),
                true,
                Some(ParamValue::Bool(false))
            ),
        ]
    );
    let p = || Box::new(Expr::Ref(s("P")));
    let expected = vec![
        Rule {
            conditions: vec![
                Condition {
                    expr: Expr::Call(Func::AwsPartition, vec![Expr::Ref(s("Region"))]),
                    assign: Some(s("P")),
                },
                Condition {
                    expr: Expr::Call(
                        Func::BooleanEquals,
                        vec![
                            Expr::Bool(true),
                            Expr::GetAttr(
                                p(),
                                vec![
                                    PathSegment::Key(s("a")),
                                    PathSegment::Key(s("b")),
                                    PathSegment::Index(2),
                                ],
                            ),
                        ],
                    ),
                    assign: None,
                },
            ],
            kind: RuleKind::Endpoint(EndpointRule {
                url: Expr::Template(vec![
                    TemplatePart::Literal(s("https://x-{lit}.")),
                    TemplatePart::Value(Expr::Ref(s("Region"))),
                    TemplatePart::Literal(s(".")),
                    TemplatePart::Value(Expr::GetAttr(p(), vec![PathSegment::Key(s("dnsSuffix"))])),
                ]),
                headers: vec![(s("h"), vec![Expr::Str(s("v"))])],
                properties: vec![(
                    s("list"),
                    Expr::Array(vec![
                        Expr::Int(1),
                        Expr::Object(vec![(
                            s("k"),
                            Expr::Template(vec![TemplatePart::Value(Expr::Ref(s("Stage")))]),
                        )]),
                    ]),
                )],
            }),
        },
        Rule {
            conditions: vec![],
            kind: RuleKind::Tree(vec![Rule {
                conditions: vec![],
                kind: RuleKind::Error(Expr::Str(s("plain"))),
            }]),
        },
    ];
    assert_eq!(got.rules, expected);
}

#[test]
fn unknown_built_ins_are_kept_by_name_and_array_defaults_typed() {
    let rs = json!({"version": "1.3", "parameters": {
        "AccountId": {"builtIn": "AWS::Auth::AccountId", "type": "String"},
        "Tags": {"type": "stringArray", "default": ["a", "b"]},
    }, "rules": []});
    let got = lower_rule_set(&rs).unwrap();
    assert_eq!(got.parameters[0].built_in, Some(BuiltIn::Other(s("AWS::Auth::AccountId"))));
    assert_eq!(got.parameters[0].built_in.as_ref().unwrap().name(), "AWS::Auth::AccountId");
    assert_eq!(got.parameters[1].default, Some(ParamValue::StringArray(vec![s("a"), s("b")])));
    let err = lower_rule_set(&json!({"version": "1.0", "parameters": {
        "Tags": {"type": "stringArray", "default": ["a", 1]}}, "rules": []}))
    .unwrap_err();
    assert_eq!(
        err.message,
        "parameters.Tags: default [\"a\",1] does not have the parameter's type"
    );
}

#[test]
fn malformed_rule_sets_are_errors_naming_the_problem() {
    let cond = |c: Value| rule_set(json!([{"conditions": [c], "error": "e", "type": "error"}]));
    let cases: Vec<(Value, &str)> = vec![
        (json!("nope"), "the rule set is not an object"),
        (json!({"version": "2.0", "parameters": {}, "rules": []}), "version: unsupported rule set version Some(\"2.0\")"),
        (json!({"version": "1.0", "rules": []}), "parameters: missing or not an object"),
        (json!({"version": "1.0", "parameters": {}}), "rules: missing"),
        (
            json!({"version": "1.0", "parameters": {"X": {"type": "integer"}}, "rules": []}),
            "parameters.X: unsupported parameter type Some(\"integer\")",
        ),
        (
            json!({"version": "1.0", "parameters": {"X": {"type": "string", "default": true}}, "rules": []}),
            "parameters.X: default true does not have the parameter's type",
        ),
        (
            json!({"version": "1.0", "parameters": {"X": {"type": "string", "builtIn": "AWS::UseFIPS"}}, "rules": []}),
            "parameters.X: built-in `AWS::UseFIPS` has the wrong type String",
        ),
        (cond(json!({"fn": "frobnicate", "argv": []})), "rules[0].conditions[0]: unknown function `frobnicate`"),
        (cond(json!({"fn": "isSet", "argv": []})), "rules[0].conditions[0]: `isSet` takes 1 arguments, got 0"),
        (cond(json!({"fn": "isSet"})), "rules[0].conditions[0]: `isSet`: `argv` missing"),
        (
            cond(json!({"fn": "isSet", "argv": [{"ref": "Nope"}]})),
            "rules[0].conditions[0].argv[0]: `Nope` is neither a parameter nor assigned by an enclosing condition",
        ),
        (
            cond(json!({"fn": "isSet", "argv": [{"ref": "Region"}], "assign": "Region"})),
            "rules[0].conditions[0]: `assign` would shadow `Region`, already in scope",
        ),
        (cond(json!({"ref": "Region"})), "rules[0].conditions[0]: a condition must be a function call (`fn`)"),
        (
            cond(json!({"fn": "getAttr", "argv": [{"ref": "Region"}, {"ref": "Stage"}]})),
            "rules[0].conditions[0]: the path of `getAttr` must be a string literal",
        ),
        (
            cond(json!({"fn": "getAttr", "argv": [{"ref": "Region"}, "a[x]"]})),
            "rules[0].conditions[0].argv[1]: bad index in getAttr path `a[x]`",
        ),
        (
            cond(json!({"fn": "substring", "argv": [{"ref": "Region"}, 0.5, 2, false]})),
            "rules[0].conditions[0].argv[1]: only integer numbers are supported, got 0.5",
        ),
        (
            cond(json!({"fn": "coalesce", "argv": [[1]]})),
            "rules[0].conditions[0].argv[0]: not an expression: [1]",
        ),
        (
            rule_set(json!([{"conditions": [], "error": "bad {Region", "type": "error"}])),
            "rules[0].error: unclosed `{` in template \"bad {Region\"",
        ),
        (
            rule_set(json!([{"conditions": [], "error": "bad }", "type": "error"}])),
            "rules[0].error: unmatched `}` in template \"bad }\"",
        ),
        (
            rule_set(json!([{"conditions": [], "error": "{Nope#x}", "type": "error"}])),
            "rules[0].error: `Nope` is neither a parameter nor assigned by an enclosing condition",
        ),
        (
            rule_set(json!([{"conditions": [], "error": "{a b}", "type": "error"}])),
            "rules[0].error: bad placeholder `{a b}` in template \"{a b}\"",
        ),
        (rule_set(json!([{"conditions": [], "type": "weird"}])), "rules[0]: unknown rule type Some(\"weird\")"),
        (rule_set(json!([{"type": "tree", "rules": []}])), "rules[0]: `conditions` missing"),
        (rule_set(json!([{"conditions": [], "type": "tree"}])), "rules[0]: `rules` missing"),
        (rule_set(json!([{"conditions": [], "type": "endpoint"}])), "rules[0]: `endpoint` missing"),
        (
            rule_set(json!([{"conditions": [], "type": "endpoint", "endpoint": {"url": "u", "headers": {"h": "v"}}}])),
            "rules[0].endpoint.headers.h: header values must be an array",
        ),
        // A name assigned in one rule is not visible in the next.
        (
            rule_set(json!([
                {"conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": "P"}], "error": "e", "type": "error"},
                {"conditions": [], "error": "{P#name}", "type": "error"}
            ])),
            "rules[1].error: `P` is neither a parameter nor assigned by an enclosing condition",
        ),
    ];
    for (input, expected) in cases {
        let err = lower_rule_set(&input).expect_err(expected);
        assert_eq!(err.location, "smithy.rules#endpointRuleSet");
        assert_eq!(err.message, expected, "for {input}");
    }
}

#[test]
fn assigned_names_are_visible_in_sub_rules() {
    let rs = rule_set(json!([{
        "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}],
        "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "P"}]}], "error": "{P#name}", "type": "error"}],
        "type": "tree"
    }]));
    let lowered = lower_rule_set(&rs).unwrap();
    let RuleKind::Tree(sub) = &lowered.rules[0].kind else { panic!("a tree: {lowered:?}") };
    assert_eq!(sub[0].conditions[0].expr, Expr::Call(Func::IsSet, vec![Expr::Ref("P".into())]));
}

#[test]
fn partition_tables_that_are_not_json_or_not_version_1_1_are_input_errors() {
    let err = parse_partitions(b"{oops", "p.json").unwrap_err();
    assert_eq!((err.kind, err.location.as_str()), (ErrorKind::Input, "p.json"));
    assert!(err.message.starts_with("not valid JSON"), "{err}");
    let err = parse_partitions(br#"{"version": "1.0", "partitions": []}"#, "p.json").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Input);
    assert_eq!(err.message, r#"partition table version Some("1.0"), expected "1.1""#);
    assert!(parse_partitions(br#"{"version": "1.1", "partitions": []}"#, "p.json").is_ok());
}

#[test]
fn malformed_partitions_are_errors() {
    let out = json!({"name": "aws", "dnsSuffix": "d", "dualStackDnsSuffix": "ds", "supportsFIPS": true,
                     "supportsDualStack": true, "implicitGlobalRegion": "us-east-1"});
    let p = |regions: Value, outputs: Value| json!({"partitions": [{"id": "aws", "regionRegex": "^x$", "regions": regions, "outputs": outputs}]});
    let cases = [
        (json!({}), "partitions: missing or not an array"),
        (
            json!({"partitions": [{"regionRegex": "x"}]}),
            "partitions[0]: `id` missing or not a string",
        ),
        (
            p(json!({}), json!({"name": "aws"})),
            "partitions[0] (aws): outputs.dnsSuffix missing or not a string",
        ),
        (
            p(json!({"r-1": {"supportsFIPS": "yes"}}), out.clone()),
            "partitions[0] (aws).regions.r-1: unsupported region override `supportsFIPS`: \"yes\"",
        ),
    ];
    for (input, expected) in cases {
        let err = lower_partitions(&input).unwrap_err();
        assert_eq!((err.kind, err.message.as_str()), (ErrorKind::Input, expected));
    }
    let ok = lower_partitions(&p(json!({"r-1": {"description": "R", "supportsFIPS": false}}), out))
        .unwrap();
    assert_eq!(
        ok.partitions[0].regions,
        [KnownRegion { id: "r-1".into(), overrides: vec![RegionOverride::SupportsFips(false)] }]
    );
}

fn ops() -> Vec<OperationRef> {
    vec![OperationRef {
        name: s("GetThing"),
        module: s("get_thing"),
        input_members: vec![s("Name"), s("Limit")],
    }]
}

#[test]
fn endpoint_tests_lower_to_typed_cases() {
    let rules = lower_rule_set(&rule_set(json!([]))).unwrap();
    let tests = json!({"testCases": [
        {"documentation": "Case one", "params": {"Region": "us-east-1", "UseFIPS": true, "Stage": "beta"},
         "expect": {"endpoint": {"url": "https://a", "headers": {"x": ["1", "2"]}, "properties": {"k": [true]}}}},
        {"documentation": "Case one", "expect": {"endpoint": {"url": "https://b"}}},
        {"operationInputs": [{"operationName": "GetThing", "operationParams": {"Name": "n"},
                              "builtInParams": {"AWS::Region": "eu-west-1"}, "clientParams": {"Stage": "dev"}},
                             {"operationName": "GetThing"}],
         "expect": {"error": "boom"}},
    ]});
    let got = lower_tests(&tests, &rules, &ops()).unwrap();
    assert_eq!(
        got.cases,
        [
            TestCase {
                fn_name: s("case_one"),
                docs: Some(s("Case one")),
                params: vec![
                    ParamSetting::Region(s("us-east-1")),
                    ParamSetting::Other(s("Stage"), ParamValue::String(s("beta"))),
                    ParamSetting::UseFips(true),
                ],
                operation_inputs: vec![],
                expect: Expectation::Endpoint {
                    url: s("https://a"),
                    headers: Some(vec![(s("x"), vec![s("1"), s("2")])]),
                    properties: Some(s("{\"k\":[true]}")),
                },
            },
            TestCase {
                fn_name: s("case_one_2"),
                docs: Some(s("Case one")),
                params: vec![],
                operation_inputs: vec![],
                expect: Expectation::Endpoint {
                    url: s("https://b"),
                    headers: None,
                    properties: None
                },
            },
            TestCase {
                fn_name: s("case_2"),
                docs: None,
                params: vec![],
                operation_inputs: vec![
                    OperationInput {
                        operation: s("GetThing"),
                        module: s("get_thing"),
                        input_json: s("{\"Name\":\"n\"}"),
                        params: vec![
                            ParamSetting::Region(s("eu-west-1")),
                            ParamSetting::Other(s("Stage"), ParamValue::String(s("dev"))),
                        ],
                    },
                    OperationInput {
                        operation: s("GetThing"),
                        module: s("get_thing"),
                        input_json: s("{}"),
                        params: vec![],
                    },
                ],
                expect: Expectation::Error(s("boom")),
            },
        ]
    );
    assert!(got.sets_other_params());
    let plain = lower_tests(
        &json!({"testCases": [{"params": {"Region": "r"}, "expect": {"error": "e"}}]}),
        &rules,
        &[],
    )
    .unwrap();
    assert!(!plain.sets_other_params());
}

#[test]
fn malformed_endpoint_tests_are_errors_naming_the_case() {
    let rules = lower_rule_set(&rule_set(json!([]))).unwrap();
    let bad = |case: Value| {
        let err = lower_tests(&json!({"testCases": [case]}), &rules, &ops()).unwrap_err();
        assert_eq!(
            (err.kind, err.location.as_str()),
            (ErrorKind::Model, "smithy.rules#endpointTests")
        );
        err.message
    };
    let op = |input: Value| json!({"operationInputs": [input], "expect": {"error": "e"}});
    let cases = [
        (json!({"params": {"Nope": "x"}, "expect": {"error": "e"}}), "testCases[0].params.Nope: not a parameter of the rule set"),
        (
            json!({"params": {"UseFIPS": "yes"}, "expect": {"error": "e"}}),
            "testCases[0].params.UseFIPS: \"yes\" does not have the parameter's type Boolean",
        ),
        (json!({"params": [], "expect": {"error": "e"}}), "testCases[0].params: not an object"),
        (json!({"expect": {}}), "testCases[0]: `expect` has neither `endpoint` nor `error`"),
        (json!({"params": {}}), "testCases[0]: `expect` missing"),
        (json!({"expect": {"error": 1}}), "testCases[0]: `expect.error` must be a string"),
        (json!({"expect": {"endpoint": {}}}), "testCases[0].expect.endpoint: `url` missing or not a string"),
        (
            json!({"expect": {"endpoint": {"url": "u", "headers": {"h": [1]}}}}),
            "testCases[0].expect.endpoint.headers.h: must be an array of strings",
        ),
        (
            json!({"expect": {"endpoint": {"url": "u", "properties": []}}}),
            "testCases[0].expect.endpoint: `properties` must be an object",
        ),
        (op(json!({})), "testCases[0].operationInputs[0]: no `operationName`"),
        (
            op(json!({"operationName": "Nope"})),
            "testCases[0].operationInputs[0]: `Nope` is not an operation of the service",
        ),
        (
            op(json!({"operationName": "GetThing", "operationParams": {"Other": 1}})),
            "testCases[0].operationInputs[0].operationParams.Other: not a member of the input of `GetThing`",
        ),
        (
            op(json!({"operationName": "GetThing", "operationParams": [1]})),
            "testCases[0].operationInputs[0].operationParams: not an object",
        ),
        (
            op(json!({"operationName": "GetThing", "builtInParams": {"AWS::UseDualStack": true}})),
            "testCases[0].operationInputs[0].builtInParams.AWS::UseDualStack: no parameter of the rule set has this built-in",
        ),
        (
            op(json!({"operationName": "GetThing", "clientParams": {"Stage": false}})),
            "testCases[0].operationInputs[0].clientParams.Stage: false does not have the parameter's type String",
        ),
    ];
    for (case, expected) in cases {
        assert_eq!(bad(case.clone()), expected, "for {case}");
    }
    let err = lower_tests(&json!({}), &rules, &[]).unwrap_err();
    assert_eq!(err.message, "testCases: missing or not an array");
}
