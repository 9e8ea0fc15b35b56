//! The emitted tokens, golden: rule sets, partitions and endpoint tests, lowered from JSON by
//! `ir::endpoints` (whose errors are tested there).

use super::*;
use crate::ir::endpoints::{
    lower_partitions, lower_rule_set, lower_tests, parse_partitions, OperationRef,
};
use serde_json::{json, Value};

/// `text` without whitespace and without commas before closing brackets, for layout-independent
/// `contains` checks.
fn squash(text: &str) -> String {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    s.replace(",]", "]").replace(",)", ")").replace(",}", "}")
}

fn pretty(tokens: TokenStream) -> String {
    prettyplease::unparse(
        &syn::parse2::<syn::File>(tokens).expect("emitted tokens parse as a file"),
    )
}

/// The rule set's `RULES` item.
fn rules_item(rule_set: &Value) -> TokenStream {
    rule_set_tokens(&lower_rule_set(rule_set).expect("the rule set lowers"))
}

/// The test file of `tests` against `rule_set`, with the operations `ops`.
fn tests_file(tests: &Value, rule_set: &Value, ops: &[OperationRef]) -> TokenStream {
    let rules = lower_rule_set(rule_set).expect("the rule set lowers");
    let tests = lower_tests(tests, &rules, ops).expect("the tests lower");
    endpoint_tests(&tests, &quote!(&my_crate::RULES), &quote!(my_crate::operation))
}

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

#[test]
fn small_rule_set_golden() {
    let rs = rule_set(json!([
        {
            "conditions": [
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"},
                {"fn": "booleanEquals", "argv": [true, {"fn": "getAttr", "argv": [{"ref": "P"}, "supportsFIPS"]}]}
            ],
            "endpoint": {"url": "https://x-{{lit}}.{Region}.{P#dnsSuffix}", "properties": {}, "headers": {}},
            "type": "endpoint"
        },
        {"conditions": [], "error": "No {Stage}", "type": "error"}
    ]));
    let expected = r#"/// The service's endpoint rule set (`smithy.rules#endpointRuleSet`).
pub static RULES: RuleSet = RuleSet {
    parameters: &[
        Parameter {
            name: "Region",
            ty: ParamType::String,
            built_in: Some(BuiltIn::Region),
            required: false,
            default: None,
        },
        Parameter {
            name: "Stage",
            ty: ParamType::String,
            built_in: None,
            required: false,
            default: Some(Literal::String("prod")),
        },
        Parameter {
            name: "UseFIPS",
            ty: ParamType::Boolean,
            built_in: Some(BuiltIn::UseFips),
            required: true,
            default: Some(Literal::Bool(false)),
        },
    ],
    rules: &[
        Rule {
            conditions: &[
                Condition {
                    expr: Expr::Call(Func::AwsPartition, &[Expr::Ref("Region")]),
                    assign: Some("P"),
                },
                Condition {
                    expr: Expr::Call(
                        Func::BooleanEquals,
                        &[
                            Expr::Bool(true),
                            Expr::GetAttr(
                                &Expr::Ref("P"),
                                &[PathSegment::Key("supportsFIPS")],
                            ),
                        ],
                    ),
                    assign: None,
                },
            ],
            result: RuleResult::Endpoint(EndpointTemplate {
                url: Expr::Template(
                    &[
                        TemplatePart::Literal("https://x-{lit}."),
                        TemplatePart::Value(Expr::Ref("Region")),
                        TemplatePart::Literal("."),
                        TemplatePart::Value(
                            Expr::GetAttr(
                                &Expr::Ref("P"),
                                &[PathSegment::Key("dnsSuffix")],
                            ),
                        ),
                    ],
                ),
                headers: &[],
                properties: &[],
            }),
        },
        Rule {
            conditions: &[],
            result: RuleResult::Error(
                Expr::Template(
                    &[
                        TemplatePart::Literal("No "),
                        TemplatePart::Value(Expr::Ref("Stage")),
                    ],
                ),
            ),
        },
    ],
    partitions: &PARTITIONS,
};
"#;
    let got = pretty(rules_item(&rs));
    assert_eq!(got, expected, "got:\n{got}");
    // Deterministic.
    assert_eq!(pretty(rules_item(&rs)), got);
}

#[test]
fn properties_headers_and_paths() {
    let rs = rule_set(json!([{
        "conditions": [{"fn": "aws.parseArn", "argv": ["arn:aws:s3:::{Stage}"], "assign": "Arn"}],
        "endpoint": {
            "url": {"ref": "Stage"},
            "headers": {"x-a": ["1", "{Stage}"]},
            "properties": {"authSchemes": [{"name": "sigv4", "double": false, "n": 3}], "id": "{Arn#resourceId[1]}"}
        },
        "type": "endpoint"
    }]));
    let got = pretty(rules_item(&rs));
    for needle in [
        r#"headers: &[("x-a", &[Expr::Str("1"), Expr::Template(&[TemplatePart::Value(Expr::Ref("Stage"))])])]"#,
        r#"("name", Expr::Str("sigv4"))"#,
        r#"("double", Expr::Bool(false))"#,
        r#"("n", Expr::Int(3))"#,
        r#"&[PathSegment::Key("resourceId"), PathSegment::Index(1)]"#,
        r#"TemplatePart::Literal("arn:aws:s3:::")"#,
    ] {
        assert!(squash(&got).contains(&squash(needle)), "missing {needle} in\n{got}");
    }
}

#[test]
fn partitions_load_and_emit() {
    let (path, bytes) =
        xtask_inputs::read_pinned(xtask_inputs::pins::PARTITIONS).unwrap_or_else(|e| panic!("{e}"));
    let table = parse_partitions(&bytes, &path.display().to_string()).unwrap();
    let got = pretty(partitions_tokens(&table));
    let squashed = squash(&got);
    for needle in [
        r#"id: "aws-us-gov", region_regex: r"^us\-gov\-\w+\-\d+$", regions: &[ KnownRegion::new("aws-us-gov-global"), KnownRegion::new("us-gov-east-1"), KnownRegion::new("us-gov-west-1") ]"#,
        r#"outputs: PartitionOutputs { name: "aws-cn", dns_suffix: "amazonaws.com.cn", dual_stack_dns_suffix: "api.amazonwebservices.com.cn", supports_fips: true, supports_dual_stack: true, implicit_global_region: "cn-northwest-1" }"#,
    ] {
        assert!(squashed.contains(&squash(needle)), "missing {needle} in\n{got}");
    }
    // All eight partitions, in file order.
    let ids: Vec<&str> = got.lines().filter_map(|l| l.trim().strip_prefix("id: ")).collect();
    assert_eq!(
        ids,
        [
            "\"aws\",",
            "\"aws-cn\",",
            "\"aws-eusc\",",
            "\"aws-iso\",",
            "\"aws-iso-b\",",
            "\"aws-iso-e\",",
            "\"aws-iso-f\",",
            "\"aws-us-gov\","
        ]
    );
}

#[test]
fn region_overrides_are_emitted() {
    let table = json!({"partitions": [{
        "id": "aws", "regionRegex": "^x$",
        "regions": {"r-1": {"description": "R", "supportsFIPS": false, "dnsSuffix": "d1"}, "r-2": {}},
        "outputs": {"name": "aws", "dnsSuffix": "d", "dualStackDnsSuffix": "ds", "supportsFIPS": true,
                    "supportsDualStack": true, "implicitGlobalRegion": "us-east-1"}
    }]});
    let got = pretty(partitions_tokens(&lower_partitions(&table).unwrap()));
    let expected = r#"KnownRegion { dns_suffix: Some("d1"), supports_fips: Some(false), ..KnownRegion::new("r-1") }, KnownRegion::new("r-2")"#;
    assert!(squash(&got).contains(&squash(expected)), "{got}");
}

#[test]
fn endpoint_tests_emit_one_test_per_case() {
    let rs = rule_set(json!([]));
    let tests = json!({"version": "1.0", "testCases": [
        {"documentation": "For region us-east-1 with FIPS enabled", "params": {"Region": "us-east-1", "UseFIPS": true, "Stage": "beta"},
         "expect": {"endpoint": {"url": "https://a", "headers": {"x": ["1"]}, "properties": {"k": [true, "v"]}}}},
        {"documentation": "For region us-east-1 with FIPS enabled", "expect": {"error": "boom"}},
        {"expect": {"error": "no doc"}},
    ]});
    let got = pretty(tests_file(&tests, &rs, &[]));
    let expected = r#"//! The `smithy.rules#endpointTests` cases of the model, one test each.
use awsjson_runtime::endpoint::{EndpointParams, ParamValue, ResolveEndpoint};
/// For region us-east-1 with FIPS enabled
#[test]
fn for_region_us_east_1_with_fips_enabled() {
    let params = EndpointParams::new()
        .with_region("us-east-1")
        .with_other("Stage", ParamValue::String("beta".to_string()))
        .with_use_fips(true);
    let resolver = &my_crate::RULES;
    let endpoint = resolver.resolve_endpoint(&params).expect("expected an endpoint");
    assert_eq!(endpoint.url, "https://a");
    let headers = ::std::collections::BTreeMap::from([
        ("x".to_string(), vec!["1".to_string()]),
    ]);
    assert_eq!(endpoint.headers, headers);
    let properties = ::awsjson_runtime::json::document_literal("{\"k\":[true,\"v\"]}");
    let actual = ::awsjson_runtime::types::Document::Object(
        endpoint.properties.clone().into_iter().collect(),
    );
    assert_eq!(actual, properties);
}
/// For region us-east-1 with FIPS enabled
#[test]
fn for_region_us_east_1_with_fips_enabled_2() {
    let params = EndpointParams::new();
    let resolver = &my_crate::RULES;
    let error = resolver
        .resolve_endpoint(&params)
        .expect_err("expected an endpoint error");
    assert_eq!(error.message(), "boom");
}
#[test]
fn case_2() {
    let params = EndpointParams::new();
    let resolver = &my_crate::RULES;
    let error = resolver
        .resolve_endpoint(&params)
        .expect_err("expected an endpoint error");
    assert_eq!(error.message(), "no doc");
}
"#;
    assert_eq!(got, expected, "got:\n{got}");
}

#[test]
fn endpoint_tests_with_operation_inputs_borrow_their_params_once() {
    // The case's own parameters and each operation input's go through one closure; it owns its
    // `params`, so the body's `resolve_endpoint(&params)` is no `&&EndpointParams`
    // (clippy::needless_borrow, 145 times in DynamoDB's endpoint tests before).
    let rs = rule_set(json!([]));
    let tests = json!({"testCases": [
        {"documentation": "op", "params": {"Region": "us-east-1"},
         "operationInputs": [{"operationName": "GetThing", "operationParams": {"Name": "n"}}],
         "expect": {"error": "boom"}},
    ]});
    let ops = [OperationRef {
        name: "GetThing".into(),
        module: "get_thing".into(),
        input_members: vec!["Name".into()],
    }];
    let got = pretty(tests_file(&tests, &rs, &ops));
    assert!(
        squash(&got).contains(&squash(
            r#"let input: <my_crate::operation::get_thing::GetThing as ::awsjson_runtime::operation::Operation>::Input = ::awsjson_runtime::json::from_slice("{\"Name\":\"n\"}".as_bytes())"#
        )),
        "{got}"
    );
    assert!(squash(&got).contains(&squash("let check = |params: EndpointParams| {")), "{got}");
    assert!(
        squash(&got).contains(&squash(r#"check(EndpointParams::new().with_region("us-east-1"));"#)),
        "{got}"
    );
    assert!(squash(&got).contains(&squash("check(params);")), "{got}");
    assert!(squash(&got).contains(&squash(".resolve_endpoint(&params)")), "{got}");
    assert!(!got.contains("&EndpointParams") && !got.contains("check(&"), "{got}");
}
