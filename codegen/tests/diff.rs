//! The semantic model diff: the five real SFN model updates, and synthetic edits of the newest model.
//!
//! The models are read from `SFN_MODELS_DIR`, or from `shared/models/sfn` next to the repository
//! (`$CARGO_MANIFEST_DIR/../../shared/models/sfn`). Missing models fail the tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::diff::{diff_models, Bump, Change, ChangeKind, Class, Direction, Format, Group, Role};
use codegen::model::Model;
use serde_json::{json, Value};

const VERSIONS: [&str; 6] =
    ["2025-04-02", "2025-07-16", "2025-07-17", "2025-08-25", "2025-10-27", "2025-11-19"];
const NEWEST: &str = "2025-11-19";
const NS: &str = "com.amazonaws.sfn#";

fn models_dir() -> PathBuf {
    let dir = match std::env::var_os("SFN_MODELS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models/sfn"),
    };
    assert!(
        dir.is_dir(),
        "the SFN model versions are not at {}: set SFN_MODELS_DIR to the directory holding \
         sfn-2016-11-23.<date>.json for {VERSIONS:?} (see shared/models/README.md for where to get them)",
        dir.display()
    );
    dir
}

fn model_path(version: &str) -> PathBuf {
    let path = models_dir().join(format!("sfn-2016-11-23.{version}.json"));
    assert!(
        path.is_file(),
        "model {} is missing: SFN_MODELS_DIR must hold all six versions (see shared/models/README.md)",
        path.display()
    );
    path
}

fn model_json(version: &str) -> Value {
    let text = std::fs::read_to_string(model_path(version)).expect("readable model");
    serde_json::from_str(&text).expect("model is JSON")
}

fn model(version: &str) -> Model {
    Model::from_path(&model_path(version)).expect("model loads")
}

fn from_value(v: &Value) -> Model {
    Model::from_json(&v.to_string(), "edited model").expect("edited model loads")
}

/// `(location, kind, class)` of the listed (non-documentation) changes, in report order.
fn listed(report: &codegen::diff::Report) -> Vec<(String, String, Class)> {
    report.api_changes().map(|c| (c.location.short(), c.kind.id(), c.class)).collect()
}

fn doc_locations(report: &codegen::diff::Report) -> BTreeSet<String> {
    report.documentation_changes().map(|c| c.location.short()).collect()
}

/// The one listed change at `location` of kind `kind`.
fn the<'r>(report: &'r codegen::diff::Report, location: &str, kind: &str) -> &'r Change {
    let found: Vec<&Change> = report
        .api_changes()
        .filter(|c| c.location.short() == location && c.kind.id() == kind)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{kind}` at `{location}`, report:\n{}",
        report.to_markdown()
    );
    found[0]
}

fn shape<'v>(v: &'v mut Value, name: &str) -> &'v mut Value {
    let id = format!("{NS}{name}");
    v["shapes"].get_mut(&id).unwrap_or_else(|| panic!("no shape {id} in the model"))
}

// ------------------------------------------------------------------------------------------------
// The real model updates
// ------------------------------------------------------------------------------------------------

#[test]
fn april_to_july_16_is_documentation_only() {
    let report = diff_models(&model("2025-04-02"), &model("2025-07-16")).unwrap();
    assert_eq!(listed(&report), vec![], "{}", report.to_markdown());
    let expected: BTreeSet<String> = [
        "AWSStepFunctions",
        "TestState",
        "ActivityListItem$name",
        "CreateActivityInput$name",
        "CreateStateMachineInput$name",
        "DescribeActivityOutput$name",
        "DescribeExecutionOutput$name",
        "DescribeExecutionOutput$traceHeader",
        "DescribeStateMachineForExecutionOutput$label",
        "DescribeStateMachineOutput$name",
        "ExecutionListItem$name",
        "ListExecutionsInput$statusFilter",
        "StartExecutionInput$input",
        "StartExecutionInput$name",
        "StartExecutionInput$traceHeader",
        "StartSyncExecutionInput$input",
        "StartSyncExecutionInput$traceHeader",
        "StartSyncExecutionOutput$traceHeader",
        "StateExitedEventDetails$name",
        "StateMachineListItem$name",
        "TestStateOutput$nextState",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(doc_locations(&report), expected);
    assert_eq!(report.recommended_bump(), Bump::Patch);
    assert!(report.documentation_changes().all(|c| c.class == Class::Patch));
    assert!(!report.reaches(Class::Additive));
    assert!(report.reaches(Class::Patch));
    let md = report.to_markdown();
    assert!(md.contains("21 documentation-only changes (patch), not listed line by line"), "{md}");
    assert!(md.contains("members: 19, operations: 1, service: 1"), "{md}");
}

#[test]
fn july_16_to_july_17_is_documentation_only() {
    let report = diff_models(&model("2025-07-16"), &model("2025-07-17")).unwrap();
    assert_eq!(listed(&report), vec![]);
    let expected: BTreeSet<String> = ["StartExecutionInput$input", "StartSyncExecutionInput$input"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(doc_locations(&report), expected);
    assert_eq!(report.recommended_bump(), Bump::Patch);
}

#[test]
fn july_17_to_august_is_endpoint_tests_only() {
    let report = diff_models(&model("2025-07-17"), &model("2025-08-25")).unwrap();
    assert_eq!(
        listed(&report),
        vec![("endpoint tests".to_string(), "endpoint_tests_changed".to_string(), Class::Patch)]
    );
    let c = &report.api_changes().next().unwrap();
    assert_eq!(c.group, Group::Service);
    assert_eq!(
        c.kind,
        ChangeKind::EndpointTestsChanged {
            added: 0,
            removed: 4,
            changed: 0,
            from_total: 53,
            to_total: 49
        }
    );
    assert_eq!(report.documentation_changes().count(), 0);
    assert_eq!(report.recommended_bump(), Bump::Patch);
    assert!(report.to_markdown().contains("0 added, 4 removed, 0 changed (53 → 49 cases)"));
}

#[test]
fn august_to_october_is_endpoint_rules_only() {
    let report = diff_models(&model("2025-08-25"), &model("2025-10-27")).unwrap();
    let params: Vec<&str> = vec!["Endpoint", "Region", "UseDualStack", "UseFIPS"];
    assert_eq!(
        listed(&report),
        params
            .iter()
            .map(|p| (
                format!("endpoint parameter {p}"),
                "endpoint_parameter_changed".to_string(),
                Class::Patch
            ))
            .collect::<Vec<_>>()
    );
    for c in report.api_changes() {
        assert_eq!(c.group, Group::Service);
        let ChangeKind::EndpointParameterChanged { changes, type_changed, now_must_set, .. } =
            &c.kind
        else {
            panic!("unexpected {c:?}")
        };
        assert!(!type_changed && !now_must_set);
        assert_eq!(changes.len(), 1);
        assert!(changes[0].starts_with("type spelled"), "{changes:?}");
    }
    assert_eq!(report.documentation_changes().count(), 0);
    assert_eq!(report.recommended_bump(), Bump::Patch);
}

#[test]
fn october_to_november_is_additive() {
    let report = diff_models(&model("2025-10-27"), &model("2025-11-19")).unwrap();
    let added_shapes = [
        ("ExceptionHandlerIndex", "integer", false),
        ("InspectionErrorDetails", "structure", true),
        ("InspectionMaxConcurrency", "integer", false),
        ("InspectionToleratedFailureCount", "integer", false),
        ("InspectionToleratedFailurePercentage", "float", false),
        ("MapIterationFailureCount", "integer", false),
        ("MockErrorOutput", "structure", true),
        ("MockInput", "structure", true),
        ("MockResponseValidationMode", "enum", true),
        ("RetrierRetryCount", "integer", false),
        ("RetryBackoffIntervalSeconds", "integer", false),
        ("TestStateConfiguration", "structure", true),
        ("TestStateStateName", "string", false),
    ];
    let inspection = [
        "afterItemBatcher",
        "afterItemSelector",
        "afterItemsPath",
        "afterItemsPointer",
        "errorDetails",
        "maxConcurrency",
        "toleratedFailureCount",
        "toleratedFailurePercentage",
    ];
    let test_state_input = ["context", "mock", "stateConfiguration", "stateName"];

    let mut expected: BTreeSet<(String, String, Class)> = BTreeSet::new();
    for (name, _, named) in added_shapes {
        let class = if named { Class::Additive } else { Class::Patch };
        expected.insert((name.to_string(), "shape_added".to_string(), class));
    }
    for m in inspection {
        expected.insert((
            format!("InspectionData${m}"),
            "member_added".to_string(),
            Class::Additive,
        ));
    }
    for m in test_state_input {
        expected.insert((
            format!("TestStateInput${m}"),
            "member_added".to_string(),
            Class::Additive,
        ));
    }
    expected.insert((
        "SensitiveDataJobInput".to_string(),
        "constraint_changed".to_string(),
        Class::Patch,
    ));
    let got: BTreeSet<_> = listed(&report).into_iter().collect();
    assert_eq!(got, expected, "{}", report.to_markdown());
    assert_eq!(report.api_changes().count(), 26);

    for (name, ty, named) in added_shapes {
        assert_eq!(
            the(&report, name, "shape_added").kind,
            ChangeKind::ShapeAdded { shape_type: ty.to_string(), named_type: named }
        );
        assert_eq!(report.used_by(&format!("{NS}{name}")), ["TestState".to_string()]);
    }
    for m in test_state_input {
        let c = the(&report, &format!("TestStateInput${m}"), "member_added");
        // The operation's own input is listed under the operation.
        assert_eq!(c.group, Group::Operation { id: format!("{NS}TestState") });
        let ChangeKind::MemberAdded { role, presence, .. } = &c.kind else { unreachable!() };
        assert_eq!(*role, Role::OperationInput);
        assert!(!presence.enforced && presence.optional);
    }
    for m in inspection {
        let c = the(&report, &format!("InspectionData${m}"), "member_added");
        assert_eq!(c.group, Group::Shape { id: format!("{NS}InspectionData") });
        let ChangeKind::MemberAdded { role, .. } = &c.kind else { unreachable!() };
        assert_eq!(*role, Role::Output);
    }
    let ChangeKind::MemberAdded { rust_type, .. } =
        &the(&report, "InspectionData$toleratedFailurePercentage", "member_added").kind
    else {
        unreachable!()
    };
    assert_eq!(rust_type, "Option<f32>");

    assert_eq!(
        the(&report, "SensitiveDataJobInput", "constraint_changed").kind,
        ChangeKind::ConstraintChanged {
            constraint: codegen::diff::Constraint::Length,
            direction: Direction::Relaxed,
            role: Role::Output,
            from: Some("min: 0, max: 262144".to_string()),
            to: Some("min: 0, max: 1048576".to_string()),
        }
    );
    let docs: BTreeSet<String> =
        ["HistoryEvent$timestamp", "TestState", "TestStateInput$definition"]
            .into_iter()
            .map(String::from)
            .collect();
    assert_eq!(doc_locations(&report), docs);

    assert_eq!(report.count(Class::Breaking), 0);
    assert_eq!(report.count(Class::Additive), 17);
    assert_eq!(report.count(Class::Patch), 9);
    assert_eq!(report.recommended_bump(), Bump::Minor);
    assert!(report.reaches(Class::Additive));
    assert!(!report.reaches(Class::Breaking));

    let md = report.to_markdown();
    assert!(
        md.trim_end()
            .ends_with("**Recommended version bump: minor** (additive changes, nothing breaking)."),
        "{md}"
    );
    assert!(md.contains("### Operation `TestState`"), "{md}");
    assert!(md.contains("### Shape `InspectionData` (structure, used by `TestState`)"), "{md}");
    assert!(md.contains("### Shapes added (13)"), "{md}");

    let j = report.to_json();
    assert_eq!(j["recommended_bump"], "minor");
    assert_eq!(
        j["summary"],
        json!({"breaking": 0, "additive": 17, "patch": 9, "documentation": 3})
    );
    assert_eq!(j["changes"].as_array().unwrap().len(), 26);
    assert_eq!(j["documentation"]["count"], 3);
    let relaxed = j["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "constraint_changed")
        .unwrap();
    assert_eq!(relaxed["path"], format!("{NS}SensitiveDataJobInput"));
    assert_eq!(relaxed["class"], "patch");
    assert_eq!(relaxed["details"]["direction"], "relaxed");
}

#[test]
fn every_real_pair_is_deterministic_and_ends_with_the_bump() {
    let expected = [Bump::Patch, Bump::Patch, Bump::Patch, Bump::Patch, Bump::Minor];
    for (pair, bump) in VERSIONS.windows(2).zip(expected) {
        let (a, b) = (model(pair[0]), model(pair[1]));
        let first = diff_models(&a, &b).unwrap();
        let second = diff_models(&a, &b).unwrap();
        assert_eq!(first.recommended_bump(), bump, "{} → {}", pair[0], pair[1]);
        assert_eq!(first.to_markdown(), second.to_markdown());
        assert_eq!(first.render(Format::Json), second.render(Format::Json));
        let md = first.to_markdown();
        let last = md.trim_end().lines().last().unwrap();
        assert!(last.starts_with(&format!("**Recommended version bump: {bump}**")), "{last}");
        // No API change in any direction is breaking except when something is removed: the
        // reverse of an additive update must be breaking.
        if bump == Bump::Minor {
            let back = diff_models(&b, &a).unwrap();
            assert_eq!(back.recommended_bump(), Bump::Major, "{}", back.to_markdown());
            assert!(back
                .api_changes()
                .any(|c| c.kind == ChangeKind::MemberRemoved { role: Role::OperationInput }));
            assert!(back.reaches(Class::Breaking));
        }
    }
}

#[test]
fn a_model_compared_with_itself_has_no_changes() {
    let m = model(NEWEST);
    let report = diff_models(&m, &m).unwrap();
    assert!(report.is_empty());
    assert_eq!(report.recommended_bump(), Bump::None);
    assert!(!report.reaches(Class::Patch));
    assert!(report.to_markdown().contains("**Recommended version bump: none**"));
}

// ------------------------------------------------------------------------------------------------
// Synthetic edits of the newest model
// ------------------------------------------------------------------------------------------------

fn diff_edit(edit: impl FnOnce(&mut Value)) -> codegen::diff::Report {
    let original = model_json(NEWEST);
    let mut edited = original.clone();
    edit(&mut edited);
    assert_ne!(original, edited, "the edit changed nothing");
    diff_models(&from_value(&original), &from_value(&edited)).unwrap()
}

/// Diffs two edits of the newest model: `prepare` applied to both sides, `edit` to the new one only.
fn diff_prepared(
    prepare: impl Fn(&mut Value),
    edit: impl FnOnce(&mut Value),
) -> codegen::diff::Report {
    let mut original = model_json(NEWEST);
    prepare(&mut original);
    let mut edited = original.clone();
    edit(&mut edited);
    assert_ne!(original, edited, "the edit changed nothing");
    diff_models(&from_value(&original), &from_value(&edited)).unwrap()
}

#[test]
fn legacy_enum_strings_compare_as_enums() {
    let to_legacy = |v: &mut Value| {
        *shape(v, "ExecutionStatus") = json!({
            "type": "string",
            "traits": {"smithy.api#enum": [
                {"value": "RUNNING", "name": "RUNNING"}, {"value": "SUCCEEDED", "name": "SUCCEEDED"},
                {"value": "FAILED", "name": "FAILED"}, {"value": "TIMED_OUT", "name": "TIMED_OUT"},
                {"value": "ABORTED", "name": "ABORTED"}, {"value": "PENDING_REDRIVE", "name": "PENDING_REDRIVE"}
            ]}
        });
    };
    // The same values as a Smithy 1.0 `@enum` string: the same Rust enum, no change.
    let report = diff_edit(to_legacy);
    assert!(report.is_empty(), "{}", report.to_markdown());

    let report = diff_prepared(to_legacy, |v| {
        let defs = shape(v, "ExecutionStatus")["traits"]["smithy.api#enum"].as_array_mut().unwrap();
        defs.retain(|d| d["value"] != "ABORTED");
    });
    assert_eq!(
        listed(&report),
        vec![(
            "ExecutionStatus$ABORTED".to_string(),
            "enum_value_removed".to_string(),
            Class::Breaking
        )]
    );
}

#[test]
fn union_and_collection_edits() {
    let prepare = |v: &mut Value| {
        let shapes = v["shapes"].as_object_mut().unwrap();
        shapes.insert(
            format!("{NS}Source"),
            json!({"type": "union", "members": {
                "arn": {"target": format!("{NS}Arn")},
                "inline": {"target": "smithy.api#String"}
            }}),
        );
        shape(v, "DescribeActivityOutput")["members"]["source"] =
            json!({"target": format!("{NS}Source")});
    };
    let report = diff_prepared(prepare, |v| {
        let members = shape(v, "Source")["members"].as_object_mut().unwrap();
        members.remove("inline");
        members.insert("bucket".into(), json!({"target": "smithy.api#Integer"}));
    });
    assert_eq!(
        listed(&report),
        vec![
            ("Source$bucket".to_string(), "variant_added".to_string(), Class::Additive),
            ("Source$inline".to_string(), "variant_removed".to_string(), Class::Breaking),
        ]
    );

    let report = diff_edit(|v| {
        shape(v, "ActivityList")["traits"]["smithy.api#sparse"] = json!({});
    });
    assert_eq!(
        listed(&report),
        vec![("ActivityList".to_string(), "sparse_changed".to_string(), Class::Breaking)]
    );

    let report = diff_edit(|v| {
        shape(v, "ActivityList")["member"]["target"] = json!("smithy.api#String");
    });
    let c = the(&report, "ActivityList$member", "member_target_changed");
    assert_eq!(c.class, Class::Breaking);
    let ChangeKind::MemberTargetChanged { to_rust_type, .. } = &c.kind else { unreachable!() };
    assert_eq!(to_rust_type, "String");
}

#[test]
fn operation_removed_is_breaking() {
    let report = diff_edit(|v| {
        let ops = shape(v, "AWSStepFunctions")["operations"].as_array_mut().unwrap();
        ops.retain(|o| o["target"] != format!("{NS}DescribeActivity"));
        v["shapes"].as_object_mut().unwrap().remove(&format!("{NS}DescribeActivity"));
    });
    let op = the(&report, "DescribeActivity", "operation_removed");
    assert_eq!(op.class, Class::Breaking);
    for io in ["DescribeActivityInput", "DescribeActivityOutput"] {
        let c = the(&report, io, "shape_removed");
        assert_eq!(c.class, Class::Breaking);
        assert_eq!(c.group, Group::Operation { id: format!("{NS}DescribeActivity") });
    }
    // Its errors are still used by other operations.
    assert_eq!(report.api_changes().count(), 3, "{}", report.to_markdown());
    assert_eq!(report.recommended_bump(), Bump::Major);
    assert!(report.reaches(Class::Breaking));
}

#[test]
fn operation_added_is_additive() {
    let report = diff_edit(|v| {
        let shapes = v["shapes"].as_object_mut().unwrap();
        shapes.insert(
            format!("{NS}PingInput"),
            json!({"type": "structure", "members": {"note": {"target": "smithy.api#String"}}}),
        );
        shapes.insert(
            format!("{NS}Ping"),
            json!({"type": "operation", "input": {"target": format!("{NS}PingInput")},
                   "output": {"target": "smithy.api#Unit"}}),
        );
        shape(v, "AWSStepFunctions")["operations"]
            .as_array_mut()
            .unwrap()
            .push(json!({"target": format!("{NS}Ping")}));
    });
    assert_eq!(
        listed(&report),
        vec![
            ("Ping".to_string(), "operation_added".to_string(), Class::Additive),
            ("PingInput".to_string(), "shape_added".to_string(), Class::Additive),
        ]
    );
    assert_eq!(report.recommended_bump(), Bump::Minor);
}

#[test]
fn output_member_made_required_is_breaking() {
    let report = diff_edit(|v| {
        shape(v, "DescribeExecutionOutput")["members"]["name"]["traits"]["smithy.api#required"] =
            json!({});
    });
    let c = the(&report, "DescribeExecutionOutput$name", "presence_changed");
    assert_eq!(c.class, Class::Breaking);
    assert_eq!(c.reason, "the field changes between Option<T> and T");
    let ChangeKind::PresenceChanged { role, from, to } = &c.kind else { unreachable!() };
    assert_eq!(*role, Role::Output);
    assert!(!from.required && to.required);
    assert!(c.description().contains("`Option<T>` → `T`"), "{}", c.description());
    assert_eq!(report.api_changes().count(), 1);
}

#[test]
fn input_member_made_required_is_breaking_and_the_reverse_additive() {
    let report = diff_edit(|v| {
        shape(v, "StartExecutionInput")["members"]["name"]["traits"]["smithy.api#required"] =
            json!({});
    });
    let c = the(&report, "StartExecutionInput$name", "presence_changed");
    assert_eq!(
        (c.class, c.reason),
        (
            Class::Breaking,
            "building a value without the member now fails (validation or a fallible build())"
        )
    );
    assert_eq!(c.group, Group::Operation { id: format!("{NS}StartExecution") });

    let report = diff_edit(|v| {
        let traits = shape(v, "StartExecutionInput")["members"]["stateMachineArn"]["traits"]
            .as_object_mut()
            .unwrap();
        traits.remove("smithy.api#required");
    });
    let c = the(&report, "StartExecutionInput$stateMachineArn", "presence_changed");
    assert_eq!(c.class, Class::Additive);
    assert_eq!(report.recommended_bump(), Bump::Minor);
}

#[test]
fn members_added_to_an_input() {
    let report = diff_edit(|v| {
        let members = shape(v, "StartExecutionInput")["members"].as_object_mut().unwrap();
        members.insert("priority".into(), json!({"target": "smithy.api#Integer"}));
        members.insert(
            "owner".into(),
            json!({"target": format!("{NS}Name"), "traits": {"smithy.api#required": {}}}),
        );
        members.insert(
            "mode".into(),
            json!({"target": "smithy.api#String", "traits": {"smithy.api#required": {}, "smithy.api#default": "x"}}),
        );
    });
    assert_eq!(the(&report, "StartExecutionInput$priority", "member_added").class, Class::Additive);
    assert_eq!(the(&report, "StartExecutionInput$owner", "member_added").class, Class::Breaking);
    // Required with a default: callers need not set it.
    assert_eq!(the(&report, "StartExecutionInput$mode", "member_added").class, Class::Additive);
    assert_eq!(report.recommended_bump(), Bump::Major);
}

#[test]
fn members_added_to_an_output() {
    let report = diff_edit(|v| {
        let members = shape(v, "DescribeActivityOutput")["members"].as_object_mut().unwrap();
        members.insert("region".into(), json!({"target": "smithy.api#String"}));
        members.insert(
            "owner".into(),
            json!({"target": "smithy.api#String", "traits": {"smithy.api#required": {}}}),
        );
        members.insert(
            "hint".into(),
            json!({"target": "smithy.api#String", "traits": {"smithy.api#required": {}, "smithy.api#clientOptional": {}}}),
        );
    });
    assert_eq!(
        the(&report, "DescribeActivityOutput$region", "member_added").class,
        Class::Additive
    );
    // The output's builder fails without it: code building outputs (test doubles) breaks.
    assert_eq!(the(&report, "DescribeActivityOutput$owner", "member_added").class, Class::Breaking);
    // `@clientOptional`: an `Option<T>` field the builder does not require.
    assert_eq!(the(&report, "DescribeActivityOutput$hint", "member_added").class, Class::Additive);
}

#[test]
fn member_removed_is_breaking() {
    let report = diff_edit(|v| {
        shape(v, "StartExecutionInput")["members"].as_object_mut().unwrap().remove("traceHeader");
    });
    assert_eq!(
        listed(&report),
        vec![(
            "StartExecutionInput$traceHeader".to_string(),
            "member_removed".to_string(),
            Class::Breaking
        )]
    );
}

#[test]
fn enum_value_removed_is_breaking_and_added_is_additive() {
    let report = diff_edit(|v| {
        shape(v, "ExecutionStatus")["members"].as_object_mut().unwrap().remove("ABORTED");
    });
    let c = the(&report, "ExecutionStatus$ABORTED", "enum_value_removed");
    assert_eq!(c.class, Class::Breaking);
    assert_eq!(
        c.kind,
        ChangeKind::EnumValueRemoved { value: "ABORTED".into(), variant: "Aborted".into() }
    );
    assert_eq!(report.api_changes().count(), 1);

    let report = diff_edit(|v| {
        shape(v, "ExecutionStatus")["members"]["PAUSED"] =
            json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "PAUSED"}});
    });
    assert_eq!(
        listed(&report),
        vec![(
            "ExecutionStatus$PAUSED".to_string(),
            "enum_value_added".to_string(),
            Class::Additive
        )]
    );

    let report = diff_edit(|v| {
        shape(v, "ExecutionStatus")["members"]["ABORTED"]["traits"]["smithy.api#enumValue"] =
            json!("CANCELLED");
    });
    assert_eq!(
        the(&report, "ExecutionStatus$ABORTED", "enum_value_changed").class,
        Class::Breaking
    );
}

#[test]
fn member_type_changed_is_breaking_unless_the_rust_type_stays() {
    let report = diff_edit(|v| {
        shape(v, "StartExecutionInput")["members"]["input"]["target"] = json!("smithy.api#Integer");
    });
    let c = the(&report, "StartExecutionInput$input", "member_target_changed");
    assert_eq!(c.class, Class::Breaking);
    assert_eq!(
        c.kind,
        ChangeKind::MemberTargetChanged {
            from: format!("{NS}SensitiveData"),
            to: "smithy.api#Integer".into(),
            // The field types of the generated input (its members are all `Option`).
            from_rust_type: "Option<String>".into(),
            to_rust_type: "Option<i32>".into(),
        }
    );

    // A string retargeted to another string keeps its Rust type; what changes is the constraints
    // and sensitivity it inherits from the target.
    let report = diff_edit(|v| {
        shape(v, "StartExecutionInput")["members"]["input"]["target"] = json!("smithy.api#String");
    });
    assert_eq!(
        listed(&report),
        vec![
            (
                "StartExecutionInput$input".to_string(),
                "constraint_changed".to_string(),
                Class::Patch
            ),
            (
                "StartExecutionInput$input".to_string(),
                "sensitive_removed".to_string(),
                Class::Patch
            ),
            (
                "StartExecutionInput$input".to_string(),
                "member_target_changed".to_string(),
                Class::Patch
            ),
        ],
        "{}",
        report.to_markdown()
    );

    let report = diff_edit(|v| {
        shape(v, "ExecutionStatus")["type"] = json!("string");
        shape(v, "ExecutionStatus").as_object_mut().unwrap().remove("members");
    });
    let c = the(&report, "ExecutionStatus", "shape_type_changed");
    assert_eq!(c.class, Class::Breaking);
    assert_eq!(
        c.kind,
        ChangeKind::ShapeTypeChanged {
            from: "enum".into(),
            to: "string".into(),
            rust_type_changed: true
        }
    );
}

#[test]
fn sensitive_added_is_patch() {
    let report = diff_edit(|v| {
        shape(v, "Name")["traits"]["smithy.api#sensitive"] = json!({});
    });
    assert_eq!(
        listed(&report),
        vec![("Name".to_string(), "sensitive_added".to_string(), Class::Patch)]
    );
    assert_eq!(report.recommended_bump(), Bump::Patch);
    assert!(!report.reaches(Class::Additive));
}

#[test]
fn paginator_removed_is_breaking() {
    let report = diff_edit(|v| {
        shape(v, "ListExecutions")["traits"]
            .as_object_mut()
            .unwrap()
            .remove("smithy.api#paginated");
    });
    assert_eq!(
        listed(&report),
        vec![("ListExecutions".to_string(), "paginated_removed".to_string(), Class::Breaking)]
    );

    let report = diff_edit(|v| {
        let token = shape(v, "ListExecutionsOutput")["members"]["nextToken"].clone();
        shape(v, "ListExecutionsOutput")["members"]["next"] = token;
        shape(v, "ListExecutions")["traits"]["smithy.api#paginated"]["outputToken"] = json!("next");
    });
    let c = the(&report, "ListExecutions", "paginated_changed");
    assert_eq!(c.class, Class::Patch);
    assert_eq!(
        c.kind,
        ChangeKind::PaginatedChanged {
            field: codegen::diff::PaginatedField::OutputToken,
            from: Some("next_token".into()),
            to: Some("next".into()),
        },
        "the paginator's fields, by their Rust names"
    );
}

#[test]
fn a_side_the_generator_cannot_lower_is_an_error_naming_the_shape() {
    let mut edited = model_json(NEWEST);
    shape(&mut edited, "ListExecutions")["traits"]["smithy.api#paginated"]["outputToken"] =
        json!("next");
    let err = diff_models(&model(NEWEST), &from_value(&edited)).unwrap_err();
    assert_eq!(err.location, "new model");
    assert!(err.message.contains("cannot be lowered to the generator's IR"), "{}", err.message);
    assert!(
        err.message.contains(&format!("{NS}ListExecutions: `@paginated` outputToken `next`")),
        "{}",
        err.message
    );
}

// The tests below change a member's nullability only through a rule the IR applies: the diff
// reports what the generated crate does, not what the traits alone would suggest.

#[test]
fn an_error_message_stays_optional_whatever_its_traits() {
    let report = diff_edit(|v| {
        let members = &mut shape(v, "ValidationException")["members"];
        members["message"]["traits"] = json!({"smithy.api#required": {}});
        members["reason"]["traits"]["smithy.api#required"] = json!({});
    });
    // The IR keeps an error's message `Option` (services send it under any case, or not at all).
    let c = the(&report, "ValidationException$message", "presence_changed");
    assert_eq!(c.class, Class::Patch, "{}", report.to_markdown());
    let ChangeKind::PresenceChanged { from, to, .. } = &c.kind else { unreachable!() };
    assert!(to.required && to.optional && from.optional && !to.enforced);
    // Any other member of the error becomes `T`.
    let c = the(&report, "ValidationException$reason", "presence_changed");
    assert_eq!((c.class, c.reason), (Class::Breaking, "the field changes between Option<T> and T"));
}

#[test]
fn a_default_makes_an_output_field_t_but_leaves_an_input_optional() {
    let report = diff_edit(|v| {
        shape(v, "StartExecutionInput")["members"]["name"]["traits"]["smithy.api#default"] =
            json!("run");
        shape(v, "StartExecutionInput")["members"]["name"]["traits"]["smithy.api#required"] =
            json!({});
        shape(v, "DescribeExecutionOutput")["members"]["name"]["traits"]["smithy.api#default"] =
            json!("run");
    });
    // Operation inputs are all `Option`, and a `@default` member need not be set.
    let c = the(&report, "StartExecutionInput$name", "presence_changed");
    assert_eq!(c.class, Class::Patch);
    let ChangeKind::PresenceChanged { to, .. } = &c.kind else { unreachable!() };
    assert!(to.optional && !to.enforced && to.default.as_deref() == Some("\"run\""));
    let c = the(&report, "DescribeExecutionOutput$name", "presence_changed");
    assert_eq!(c.class, Class::Breaking);
    assert!(c.description().contains("field `Option<T>` → `T`"), "{}", c.description());

    // `@clientOptional` keeps a required output member `Option`, and not enforced by `build()`.
    let report = diff_edit(|v| {
        shape(v, "DescribeExecutionOutput")["members"]["name"]["traits"] =
            json!({"smithy.api#required": {}, "smithy.api#clientOptional": {}});
    });
    let c = the(&report, "DescribeExecutionOutput$name", "presence_changed");
    assert_eq!(c.class, Class::Patch, "{}", report.to_markdown());
}

#[test]
fn enum_values_are_compared_by_their_rust_variant() {
    // The model renames a member (`ABORTED` → `Aborted`) that keeps its value: the variant is
    // `Aborted` both times, so nothing changes in the crate.
    let report = diff_edit(|v| {
        let members = shape(v, "ExecutionStatus")["members"].as_object_mut().unwrap();
        let m = members.remove("ABORTED").unwrap();
        members.insert("Aborted".into(), m);
    });
    assert_eq!(listed(&report), vec![], "{}", report.to_markdown());
}

#[test]
fn a_structure_turned_union_changes_its_rust_type() {
    // Both are a named type `Tag`; the IR's type differs (struct vs enum), so it is breaking.
    let report = diff_edit(|v| {
        shape(v, "Tag")["type"] = json!("union");
    });
    let c = the(&report, "Tag", "shape_type_changed");
    assert_eq!(c.class, Class::Breaking, "{}", report.to_markdown());
}

#[test]
fn error_removed_from_an_operation_is_breaking() {
    let report = diff_edit(|v| {
        let errors = shape(v, "StartExecution")["errors"].as_array_mut().unwrap();
        errors.retain(|e| e["target"] != format!("{NS}InvalidName"));
    });
    let c = the(&report, "StartExecution", "operation_error_removed");
    assert_eq!(c.class, Class::Breaking);
    assert_eq!(c.kind, ChangeKind::OperationErrorRemoved { error: format!("{NS}InvalidName") });
    // InvalidName is still used by other operations.
    assert_eq!(report.api_changes().count(), 1, "{}", report.to_markdown());

    // The only user of ExecutionAlreadyExists: the error type disappears too.
    let report = diff_edit(|v| {
        let errors = shape(v, "StartExecution")["errors"].as_array_mut().unwrap();
        errors.retain(|e| e["target"] != format!("{NS}ExecutionAlreadyExists"));
    });
    the(&report, "StartExecution", "operation_error_removed");
    assert_eq!(the(&report, "ExecutionAlreadyExists", "shape_removed").class, Class::Breaking);
}

#[test]
fn error_traits_are_behaviour_only() {
    let report = diff_edit(|v| {
        let traits = &mut shape(v, "ExecutionLimitExceeded")["traits"];
        traits["smithy.api#retryable"] = json!({"throttling": true});
        traits["smithy.api#httpError"] = json!(429);
    });
    assert_eq!(
        listed(&report),
        vec![
            ("ExecutionLimitExceeded".to_string(), "http_error_changed".to_string(), Class::Patch),
            ("ExecutionLimitExceeded".to_string(), "retryable_changed".to_string(), Class::Patch),
        ]
    );
}

#[test]
fn constraints_tightened_on_input_are_breaking() {
    let report = diff_edit(|v| {
        shape(v, "Name")["traits"]["smithy.api#length"] = json!({"min": 1, "max": 40});
    });
    let c = the(&report, "Name", "constraint_changed");
    assert_eq!(c.class, Class::Breaking);
    let ChangeKind::ConstraintChanged { direction, role, .. } = &c.kind else { unreachable!() };
    assert_eq!((*direction, *role), (Direction::Tightened, Role::InputOutput));

    let report = diff_edit(|v| {
        shape(v, "Name")["traits"]["smithy.api#pattern"] = json!("^[a-z]+$");
    });
    assert_eq!(the(&report, "Name", "constraint_changed").class, Class::Breaking);
}

#[test]
fn idempotency_token_and_host_prefix() {
    let report = diff_edit(|v| {
        let traits = shape(v, "RedriveExecutionInput")["members"]["clientToken"]["traits"]
            .as_object_mut()
            .unwrap();
        traits.remove("smithy.api#idempotencyToken");
    });
    assert_eq!(
        the(&report, "RedriveExecutionInput$clientToken", "idempotency_token_removed").class,
        Class::Breaking
    );

    let report = diff_edit(|v| {
        shape(v, "StartSyncExecution")["traits"]["smithy.api#endpoint"] =
            json!({"hostPrefix": "fast-"});
    });
    let c = the(&report, "StartSyncExecution", "host_prefix_changed");
    assert_eq!(c.class, Class::Patch);
    assert_eq!(
        c.kind,
        ChangeKind::HostPrefixChanged { from: Some("sync-".into()), to: Some("fast-".into()) }
    );
}

#[test]
fn endpoint_rule_and_smoke_test_edits_are_patch() {
    let report = diff_edit(|v| {
        let rules =
            &mut shape(v, "AWSStepFunctions")["traits"]["smithy.rules#endpointRuleSet"]["rules"];
        rules.as_array_mut().unwrap().pop();
        let tests = shape(v, "AWSStepFunctions")["traits"]["smithy.rules#endpointTests"]
            ["testCases"]
            .as_array_mut()
            .unwrap();
        tests[0]["expect"]["endpoint"]["url"] = json!("https://example.org");
        tests.push(json!({"documentation": "extra", "params": {"Region": "xx-test-1"}, "expect": {"error": "nope"}}));
        let smoke =
            shape(v, "ListActivities")["traits"]["smithy.test#smokeTests"].as_array_mut().unwrap();
        smoke[0]["vendorParams"]["region"] = json!("eu-west-1");
    });
    let rules = the(&report, "endpoint rule set", "endpoint_rules_changed");
    assert_eq!(rules.class, Class::Patch);
    let ChangeKind::EndpointRulesChanged { from_rules, to_rules } = rules.kind else {
        unreachable!()
    };
    assert!(from_rules > to_rules);
    assert_eq!(
        the(&report, "endpoint tests", "endpoint_tests_changed").kind,
        ChangeKind::EndpointTestsChanged {
            added: 1,
            removed: 0,
            changed: 1,
            from_total: 49,
            to_total: 50
        }
    );
    assert_eq!(
        the(&report, "ListActivities", "smoke_tests_changed").kind,
        ChangeKind::SmokeTestsChanged { added: 0, removed: 0, changed: 1 }
    );
    assert_eq!(report.recommended_bump(), Bump::Patch);
}

#[test]
fn breaking_reports_render_and_gate() {
    let report = diff_edit(|v| {
        shape(v, "ExecutionStatus")["members"].as_object_mut().unwrap().remove("ABORTED");
        shape(v, "Name")["traits"]["smithy.api#sensitive"] = json!({});
    });
    assert!(report.reaches(Class::Breaking));
    assert!(report.reaches(Class::Additive));
    let md = report.render(Format::Markdown);
    assert!(md.contains("- **breaking** `ExecutionStatus$ABORTED`: enum value `ABORTED` removed (variant `Aborted`) — _an enum variant disappears_"), "{md}");
    assert!(md.trim_end().ends_with("**Recommended version bump: major** (1 breaking change; for a 0.x crate, bump the minor number)."), "{md}");
    let j: Value = serde_json::from_str(&report.render(Format::Json)).unwrap();
    assert_eq!(j["recommended_bump"], "major");
    let kinds: Vec<&str> =
        j["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["enum_value_removed", "sensitive_added"]);
}

#[test]
fn cli_values_parse() {
    assert_eq!("breaking".parse::<Class>(), Ok(Class::Breaking));
    assert_eq!("additive".parse::<Class>(), Ok(Class::Additive));
    assert_eq!("patch".parse::<Class>(), Ok(Class::Patch));
    assert!("severe".parse::<Class>().unwrap_err().contains("breaking, additive or patch"));
    assert_eq!("json".parse::<Format>(), Ok(Format::Json));
    assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
    assert!("yaml".parse::<Format>().is_err());
}

#[test]
fn models_without_exactly_one_service_are_rejected() {
    let mut v = model_json(NEWEST);
    let service = v["shapes"][format!("{NS}AWSStepFunctions")].clone();
    v["shapes"].as_object_mut().unwrap().insert(format!("{NS}Other"), service);
    let two = from_value(&v);
    let err = diff_models(&model(NEWEST), &two).unwrap_err();
    assert_eq!(err.location, "new model");
    assert!(err.message.contains("2 service shapes"), "{err}");

    let none = Model::from_json(r#"{"smithy": "2.0", "shapes": {}}"#, "empty").unwrap();
    let err = diff_models(&none, &model(NEWEST)).unwrap_err();
    assert_eq!(err.location, "old model");
    assert!(err.message.contains("no service shape"), "{err}");

    let mut v = model_json(NEWEST);
    shape(&mut v, "StartExecutionInput")["members"]["name"]["target"] =
        json!(format!("{NS}Missing"));
    let err = diff_models(&model(NEWEST), &from_value(&v)).unwrap_err();
    assert!(err.to_string().contains("com.amazonaws.sfn#Missing"), "{err}");
}

#[test]
fn a_member_boxed_by_a_new_cycle_changes_its_field_type() {
    // `MockInput$errorOutput` targets `MockErrorOutput`; once `MockErrorOutput` holds a
    // `MockInput`, the two hold each other and the IR boxes both members.
    let report = diff_edit(|v| {
        shape(v, "MockErrorOutput")["members"]["mock"] =
            json!({"target": format!("{NS}MockInput")});
    });
    let c = the(&report, "MockInput$errorOutput", "boxed_changed");
    assert_eq!(c.class, Class::Breaking, "{}", report.to_markdown());
    assert_eq!(c.kind, ChangeKind::BoxedChanged { boxed: true });
    let ChangeKind::MemberAdded { rust_type, .. } =
        &the(&report, "MockErrorOutput$mock", "member_added").kind
    else {
        unreachable!()
    };
    assert_eq!(rust_type, "Option<Box<MockInput>>");
}
