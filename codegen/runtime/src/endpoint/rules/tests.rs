use super::*;
use crate::endpoint::partition::{KnownRegion, Partition};
use std::collections::BTreeMap;

const AWS: PartitionOutputs = PartitionOutputs {
    name: "aws",
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    supports_fips: true,
    supports_dual_stack: true,
    implicit_global_region: "us-east-1",
};

static PARTITIONS: Partitions = Partitions {
    partitions: &[
        Partition {
            id: "aws",
            region_regex: r"^(us|eu)\-\w+\-\d+$",
            regions: &[KnownRegion::new("us-east-1")],
            outputs: AWS,
        },
        Partition {
            id: "aws-nofips",
            region_regex: r"^nf\-\w+\-\d+$",
            regions: &[],
            outputs: PartitionOutputs {
                name: "aws-nofips",
                dns_suffix: "example.nf",
                supports_fips: false,
                ..AWS
            },
        },
    ],
};

const fn param(
    name: &'static str,
    ty: ParamType,
    built_in: Option<BuiltIn>,
    required: bool,
    default: Option<Literal>,
) -> Parameter {
    Parameter { name, ty, built_in, required, default }
}

macro_rules! eq_true {
    ($name:literal) => {
        Condition {
            expr: Expr::Call(Func::BooleanEquals, &[Expr::Ref($name), Expr::Bool(true)]),
            assign: None,
        }
    };
}

const fn endpoint(url: Expr) -> RuleResult {
    RuleResult::Endpoint(EndpointTemplate { url, headers: &[], properties: &[] })
}

/// The shape of a typical AWS service rule set, written by hand.
static SERVICE: RuleSet = RuleSet {
    parameters: &[
        param("Region", ParamType::String, Some(BuiltIn::Region), false, None),
        param(
            "UseFIPS",
            ParamType::Boolean,
            Some(BuiltIn::UseFips),
            true,
            Some(Literal::Bool(false)),
        ),
        param("Endpoint", ParamType::String, Some(BuiltIn::Endpoint), false, None),
    ],
    rules: &[
        Rule {
            conditions: &[Condition {
                expr: Expr::Call(Func::IsSet, &[Expr::Ref("Endpoint")]),
                assign: None,
            }],
            result: RuleResult::Tree(&[
                Rule {
                    conditions: &[eq_true!("UseFIPS")],
                    result: RuleResult::Error(Expr::Str("FIPS and custom endpoint")),
                },
                Rule { conditions: &[], result: endpoint(Expr::Ref("Endpoint")) },
            ]),
        },
        Rule {
            conditions: &[
                Condition { expr: Expr::Call(Func::IsSet, &[Expr::Ref("Region")]), assign: None },
                Condition {
                    expr: Expr::Call(Func::AwsPartition, &[Expr::Ref("Region")]),
                    assign: Some("PartitionResult"),
                },
            ],
            result: RuleResult::Tree(&[
                Rule {
                    conditions: &[eq_true!("UseFIPS")],
                    result: RuleResult::Tree(&[
                        Rule {
                            conditions: &[Condition {
                                expr: Expr::Call(
                                    Func::BooleanEquals,
                                    &[
                                        Expr::GetAttr(
                                            &Expr::Ref("PartitionResult"),
                                            &[PathSegment::Key("supportsFIPS")],
                                        ),
                                        Expr::Bool(true),
                                    ],
                                ),
                                assign: None,
                            }],
                            result: endpoint(Expr::Template(&[
                                TemplatePart::Literal("https://svc-fips."),
                                TemplatePart::Value(Expr::Ref("Region")),
                                TemplatePart::Literal("."),
                                TemplatePart::Value(Expr::GetAttr(
                                    &Expr::Ref("PartitionResult"),
                                    &[PathSegment::Key("dnsSuffix")],
                                )),
                            ])),
                        },
                        Rule {
                            conditions: &[],
                            result: RuleResult::Error(Expr::Template(&[
                                TemplatePart::Literal("FIPS is not supported in "),
                                TemplatePart::Value(Expr::GetAttr(
                                    &Expr::Ref("PartitionResult"),
                                    &[PathSegment::Key("name")],
                                )),
                            ])),
                        },
                    ]),
                },
                Rule {
                    conditions: &[],
                    result: endpoint(Expr::Template(&[
                        TemplatePart::Literal("https://svc."),
                        TemplatePart::Value(Expr::Ref("Region")),
                        TemplatePart::Literal("."),
                        TemplatePart::Value(Expr::GetAttr(
                            &Expr::Ref("PartitionResult"),
                            &[PathSegment::Key("dnsSuffix")],
                        )),
                    ])),
                },
            ]),
        },
        Rule {
            conditions: &[],
            result: RuleResult::Error(Expr::Str("Invalid Configuration: Missing Region")),
        },
    ],
    partitions: &PARTITIONS,
};

#[test]
fn service_rule_set_table() {
    let p = EndpointParams::new;
    let cases: Vec<(EndpointParams, Result<&str, &str>)> = vec![
        (p().with_region("us-east-1"), Ok("https://svc.us-east-1.amazonaws.com")),
        (p().with_region("eu-north-9"), Ok("https://svc.eu-north-9.amazonaws.com")),
        (
            p().with_region("us-east-1").with_use_fips(true),
            Ok("https://svc-fips.us-east-1.amazonaws.com"),
        ),
        (p().with_region("nf-east-1"), Ok("https://svc.nf-east-1.example.nf")),
        (
            p().with_region("nf-east-1").with_use_fips(true),
            Err("FIPS is not supported in aws-nofips"),
        ),
        // An unknown region falls back to the aws partition.
        (p().with_region("mars-1"), Ok("https://svc.mars-1.amazonaws.com")),
        (p().with_endpoint("http://localhost:4566"), Ok("http://localhost:4566")),
        (p().with_region("us-east-1").with_endpoint("https://x.test"), Ok("https://x.test")),
        (p().with_endpoint("https://x.test").with_use_fips(true), Err("FIPS and custom endpoint")),
        (p(), Err("Invalid Configuration: Missing Region")),
        (p().with_use_fips(true), Err("Invalid Configuration: Missing Region")),
    ];
    for (params, expected) in cases {
        let got = SERVICE.resolve_endpoint(&params);
        match expected {
            Ok(url) => assert_eq!(got.as_ref().map(|e| e.url.as_str()), Ok(url), "{params:?}"),
            Err(msg) => {
                assert_eq!(got.as_ref().map_err(|e| e.message()).err(), Some(msg), "{params:?}")
            }
        }
    }
}

/// Parameter binding: defaults, required parameters, `other` parameters and their types.
static PARAMS: RuleSet = RuleSet {
    parameters: &[
        param("Bucket", ParamType::String, None, true, None),
        param("Accelerate", ParamType::Boolean, None, true, Some(Literal::Bool(false))),
        param("Stage", ParamType::String, None, false, Some(Literal::String("prod"))),
        param("Tags", ParamType::StringArray, None, false, Some(Literal::StringArray(&["a", "b"]))),
    ],
    rules: &[Rule {
        conditions: &[Condition {
            expr: Expr::GetAttr(&Expr::Ref("Tags"), &[PathSegment::Index(1)]),
            assign: Some("SecondTag"),
        }],
        result: RuleResult::Tree(&[
            Rule {
                conditions: &[eq_true!("Accelerate")],
                result: endpoint(Expr::Template(&[
                    TemplatePart::Literal("https://"),
                    TemplatePart::Value(Expr::Ref("Bucket")),
                    TemplatePart::Literal(".accel/"),
                    TemplatePart::Value(Expr::Ref("Stage")),
                    TemplatePart::Literal("/"),
                    TemplatePart::Value(Expr::Ref("SecondTag")),
                ])),
            },
            Rule {
                conditions: &[],
                result: endpoint(Expr::Template(&[
                    TemplatePart::Literal("https://"),
                    TemplatePart::Value(Expr::Ref("Bucket")),
                    TemplatePart::Literal(".plain/"),
                    TemplatePart::Value(Expr::Ref("Stage")),
                    TemplatePart::Literal("/"),
                    TemplatePart::Value(Expr::Ref("SecondTag")),
                ])),
            },
        ]),
    }],
    partitions: &PARTITIONS,
};

#[test]
fn parameter_binding() {
    let s = |v: &str| ParamValue::String(v.to_string());
    let base = EndpointParams::new().with_other("Bucket", s("bkt"));
    assert_eq!(PARAMS.resolve_endpoint(&base).unwrap().url, "https://bkt.plain/prod/b");
    let accel = base
        .clone()
        .with_other("Accelerate", ParamValue::Bool(true))
        .with_other("Stage", s("beta"));
    assert_eq!(PARAMS.resolve_endpoint(&accel).unwrap().url, "https://bkt.accel/beta/b");
    let tags = base
        .clone()
        .with_other("Tags", ParamValue::StringArray(vec!["x".into(), "y".into(), "z".into()]));
    assert_eq!(PARAMS.resolve_endpoint(&tags).unwrap().url, "https://bkt.plain/prod/y");
    // Too few tags: getAttr's index is out of range, the condition fails, no rule matches.
    let one_tag = base.clone().with_other("Tags", ParamValue::StringArray(vec!["x".into()]));
    assert_eq!(
        PARAMS.resolve_endpoint(&one_tag).unwrap_err().message(),
        "no endpoint rule matched the endpoint parameters"
    );

    let err = |p: &EndpointParams| PARAMS.resolve_endpoint(p).unwrap_err().message().to_string();
    assert_eq!(err(&EndpointParams::new()), "required endpoint parameter `Bucket` is not set");
    assert_eq!(
        err(&base.clone().with_other("Accelerate", s("yes"))),
        "endpoint parameter `Accelerate` must be a boolean, not a string"
    );
    assert_eq!(
        err(&base.clone().with_other("Tags", s("x"))),
        "endpoint parameter `Tags` must be an array of strings, not a string"
    );
    assert_eq!(err(&base.clone().with_other("Nope", s("x"))), "unknown endpoint parameter `Nope`");
}

/// `assign`ed names are visible in later conditions and sub-rules of the same rule only.
static SCOPING: RuleSet = RuleSet {
    parameters: &[param("Arn", ParamType::String, None, false, None)],
    rules: &[
        Rule {
            conditions: &[
                Condition {
                    expr: Expr::Call(Func::AwsParseArn, &[Expr::Ref("Arn")]),
                    assign: Some("Parsed"),
                },
                Condition {
                    expr: Expr::Call(
                        Func::StringEquals,
                        &[
                            Expr::GetAttr(&Expr::Ref("Parsed"), &[PathSegment::Key("service")]),
                            Expr::Str("s3"),
                        ],
                    ),
                    assign: None,
                },
            ],
            result: endpoint(Expr::Template(&[
                TemplatePart::Literal("https://s3/"),
                TemplatePart::Value(Expr::GetAttr(
                    &Expr::Ref("Parsed"),
                    &[PathSegment::Key("resourceId"), PathSegment::Index(0)],
                )),
            ])),
        },
        // `Parsed` was bound by the first rule, whose second condition failed: it is gone here.
        Rule {
            conditions: &[Condition {
                expr: Expr::Call(Func::IsSet, &[Expr::Ref("Parsed")]),
                assign: None,
            }],
            result: RuleResult::Error(Expr::Str("leaked binding")),
        },
        Rule {
            conditions: &[Condition {
                expr: Expr::Call(Func::IsSet, &[Expr::Ref("Arn")]),
                assign: None,
            }],
            result: RuleResult::Tree(&[Rule {
                conditions: &[Condition {
                    expr: Expr::Call(Func::Not, &[Expr::Call(Func::IsSet, &[Expr::Ref("Parsed")])]),
                    assign: None,
                }],
                result: RuleResult::Tree(&[]),
            }]),
        },
        Rule { conditions: &[], result: endpoint(Expr::Str("https://default")) },
    ],
    partitions: &PARTITIONS,
};

#[test]
fn assign_scoping_and_empty_tree() {
    let arn = |v: &str| EndpointParams::new().with_other("Arn", ParamValue::String(v.into()));
    assert_eq!(
        SCOPING.resolve_endpoint(&arn("arn:aws:s3:::bucket/key")).unwrap().url,
        "https://s3/bucket"
    );
    // Not s3: the binding does not leak; the third rule's tree matches and has no rule → error.
    let err = SCOPING.resolve_endpoint(&arn("arn:aws:sqs:us-east-1:1:q")).unwrap_err();
    assert!(err.message().contains("a tree rule matched, none of its rules did"), "{err}");
    assert_eq!(SCOPING.resolve_endpoint(&EndpointParams::new()).unwrap().url, "https://default");
}

/// Headers, properties, and the remaining library functions inside conditions.
static FEATURES: RuleSet = RuleSet {
    parameters: &[
        param("Endpoint", ParamType::String, Some(BuiltIn::Endpoint), false, None),
        param("Bucket", ParamType::String, None, false, None),
        param("Region", ParamType::String, Some(BuiltIn::Region), false, None),
    ],
    rules: &[
        Rule {
            conditions: &[
                Condition {
                    expr: Expr::Call(Func::ParseUrl, &[Expr::Ref("Endpoint")]),
                    assign: Some("Url"),
                },
                Condition {
                    expr: Expr::Call(
                        Func::Coalesce,
                        &[Expr::Ref("Bucket"), Expr::Str("default-bucket")],
                    ),
                    assign: Some("B"),
                },
                Condition {
                    expr: Expr::Call(
                        Func::AwsIsVirtualHostableS3Bucket,
                        &[Expr::Ref("B"), Expr::Bool(false)],
                    ),
                    assign: None,
                },
                Condition {
                    expr: Expr::Call(
                        Func::Substring,
                        &[Expr::Ref("B"), Expr::Int(0), Expr::Int(3), Expr::Bool(true)],
                    ),
                    assign: Some("Tail"),
                },
            ],
            result: RuleResult::Endpoint(EndpointTemplate {
                url: Expr::Template(&[
                    TemplatePart::Value(Expr::GetAttr(
                        &Expr::Ref("Url"),
                        &[PathSegment::Key("scheme")],
                    )),
                    TemplatePart::Literal("://"),
                    TemplatePart::Value(Expr::Ref("B")),
                    TemplatePart::Literal("."),
                    TemplatePart::Value(Expr::GetAttr(
                        &Expr::Ref("Url"),
                        &[PathSegment::Key("authority")],
                    )),
                    TemplatePart::Value(Expr::GetAttr(
                        &Expr::Ref("Url"),
                        &[PathSegment::Key("normalizedPath")],
                    )),
                    TemplatePart::Value(Expr::Call(Func::UriEncode, &[Expr::Str("a b/c")])),
                ]),
                headers: &[
                    ("x-tail", &[Expr::Ref("Tail"), Expr::Str("second")]),
                    ("x-one", &[Expr::Str("1")]),
                ],
                properties: &[
                    (
                        "authSchemes",
                        Expr::Array(&[Expr::Object(&[
                            ("name", Expr::Str("sigv4")),
                            ("signingName", Expr::Str("s3")),
                            ("disableDoubleEncoding", Expr::Bool(true)),
                        ])]),
                    ),
                    ("isIp", Expr::GetAttr(&Expr::Ref("Url"), &[PathSegment::Key("isIp")])),
                ],
            }),
        },
        Rule {
            conditions: &[Condition {
                expr: Expr::Call(Func::IsValidHostLabel, &[Expr::Ref("Region"), Expr::Bool(false)]),
                assign: None,
            }],
            result: endpoint(Expr::Str("https://valid-region")),
        },
        Rule {
            conditions: &[],
            result: RuleResult::Error(Expr::Template(&[
                TemplatePart::Literal("bad input: "),
                TemplatePart::Value(Expr::Call(
                    Func::Coalesce,
                    &[Expr::Ref("Region"), Expr::Str("<none>")],
                )),
            ])),
        },
    ],
    partitions: &PARTITIONS,
};

#[test]
fn headers_properties_and_functions() {
    let ep = FEATURES
        .resolve_endpoint(&EndpointParams::new().with_endpoint("http://10.0.0.1:9000/base"))
        .unwrap();
    assert_eq!(ep.url, "http://default-bucket.10.0.0.1:9000/base/a%20b%2Fc");
    assert_eq!(
        ep.headers,
        BTreeMap::from([
            ("x-one".to_string(), vec!["1".to_string()]),
            ("x-tail".to_string(), vec!["ket".to_string(), "second".to_string()]),
        ])
    );
    assert_eq!(
        ep.properties,
        BTreeMap::from([
            (
                "authSchemes".to_string(),
                crate::json::document_literal(
                    r#"[{"name": "sigv4", "signingName": "s3", "disableDoubleEncoding": true}]"#
                )
            ),
            ("isIp".to_string(), crate::types::Document::Bool(true)),
        ])
    );
    let with_bucket = EndpointParams::new()
        .with_endpoint("https://host")
        .with_other("Bucket", ParamValue::String("mybkt".into()));
    let ep = FEATURES.resolve_endpoint(&with_bucket).unwrap();
    assert_eq!(ep.url, "https://mybkt.host/a%20b%2Fc");
    assert_eq!(ep.properties["isIp"], crate::types::Document::Bool(false));
    // Not a hostable bucket: the first rule fails, the others apply.
    let bad_bucket = EndpointParams::new()
        .with_endpoint("https://host")
        .with_other("Bucket", ParamValue::String("Bad_Bucket".into()))
        .with_region("us-east-1");
    assert_eq!(FEATURES.resolve_endpoint(&bad_bucket).unwrap().url, "https://valid-region");
    // A URL with a query: parseURL gives nothing.
    let query = EndpointParams::new().with_endpoint("https://host/?a=b").with_region("not a label");
    assert_eq!(FEATURES.resolve_endpoint(&query).unwrap_err().message(), "bad input: not a label");
    assert_eq!(
        FEATURES.resolve_endpoint(&EndpointParams::new()).unwrap_err().message(),
        "bad input: <none>"
    );
}

/// Rule sets that break the specification give errors, not panics.
#[test]
fn malformed_rule_sets_are_errors() {
    static WRONG_ARITY: RuleSet = RuleSet {
        parameters: &[],
        rules: &[Rule {
            conditions: &[Condition { expr: Expr::Call(Func::IsSet, &[]), assign: None }],
            result: RuleResult::Error(Expr::Str("unreachable")),
        }],
        partitions: &PARTITIONS,
    };
    let err = WRONG_ARITY.resolve_endpoint(&EndpointParams::new()).unwrap_err();
    assert_eq!(err.message(), "invalid endpoint rule set: `isSet` takes 1 arguments, got 0");
    static WRONG_TYPE: RuleSet = RuleSet {
        parameters: &[],
        rules: &[Rule { conditions: &[], result: endpoint(Expr::Bool(true)) }],
        partitions: &PARTITIONS,
    };
    let err = WRONG_TYPE.resolve_endpoint(&EndpointParams::new()).unwrap_err();
    assert_eq!(err.message(), "invalid endpoint rule set: expected a string, got a boolean");
    static BAD_ATTR: RuleSet = RuleSet {
        parameters: &[],
        rules: &[Rule {
            conditions: &[Condition {
                expr: Expr::GetAttr(&Expr::Str("x"), &[PathSegment::Key("k")]),
                assign: None,
            }],
            result: endpoint(Expr::Str("https://x")),
        }],
        partitions: &PARTITIONS,
    };
    let err = BAD_ATTR.resolve_endpoint(&EndpointParams::new()).unwrap_err();
    assert_eq!(err.message(), "invalid endpoint rule set: getAttr: cannot take `k` of a string");
}

#[test]
fn debug_is_a_summary() {
    assert_eq!(
        format!("{SERVICE:?}"),
        r#"RuleSet { parameters: ["Region", "UseFIPS", "Endpoint"], rules: 3, partitions: 2 }"#
    );
}
