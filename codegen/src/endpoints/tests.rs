use super::*;
use crate::error::ErrorKind;
use serde_json::json;

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
    let got = pretty(rule_set_tokens(&rs).unwrap());
    assert_eq!(got, expected, "got:\n{got}");
    // Deterministic.
    assert_eq!(pretty(rule_set_tokens(&rs).unwrap()), got);
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
    let got = pretty(rule_set_tokens(&rs).unwrap());
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
        let err = rule_set_tokens(&input).expect_err(expected);
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
    rule_set_tokens(&rs).unwrap();
}

#[test]
fn partitions_load_and_emit() {
    let (path, bytes) =
        xtask_inputs::read_pinned(xtask_inputs::pins::PARTITIONS).unwrap_or_else(|e| panic!("{e}"));
    let value = parse_partitions(&bytes, &path.display().to_string()).unwrap();
    let got = pretty(partitions_tokens(&value).unwrap());
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
        let err = partitions_tokens(&input).unwrap_err();
        assert_eq!((err.kind, err.message.as_str()), (ErrorKind::Input, expected));
    }
    let ok = pretty(
        partitions_tokens(&p(json!({"r-1": {"description": "R", "supportsFIPS": false}}), out))
            .unwrap(),
    );
    assert!(
        squash(&ok).contains(&squash(
            r#"KnownRegion { supports_fips: Some(false), ..KnownRegion::new("r-1") }"#
        )),
        "{ok}"
    );
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
    let got = pretty(endpoint_tests_tokens(&tests, &rs, &quote!(&my_crate::RULES)).unwrap());
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

    let bad = |case: Value| {
        endpoint_tests_tokens(&json!({"testCases": [case]}), &rs, &quote!(R)).unwrap_err().message
    };
    assert_eq!(
        bad(json!({"params": {"Nope": "x"}, "expect": {"error": "e"}})),
        "testCases[0].params.Nope: not a parameter of the rule set"
    );
    assert_eq!(
        bad(json!({"params": {"UseFIPS": "yes"}, "expect": {"error": "e"}})),
        "testCases[0].params.UseFIPS: \"yes\" does not have the parameter's type Boolean"
    );
    assert_eq!(
        bad(json!({"expect": {}})),
        "testCases[0]: `expect` has neither `endpoint` nor `error`"
    );
    assert_eq!(bad(json!({"params": {}})), "testCases[0]: `expect` missing");
    assert_eq!(
        bad(json!({"expect": {"endpoint": {"url": "u", "headers": {"h": [1]}}}})),
        "testCases[0].expect.endpoint.headers.h: must be an array of strings"
    );
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
    let marker = |name: &str| (name == "GetThing").then(|| quote!(my_crate::operation::GetThing));
    let got = pretty(
        endpoint_tests_with_operations(&tests, &rs, &quote!(&my_crate::RULES), &marker).unwrap(),
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
