//! The generator end to end: the checked-in crates match their models, output is deterministic,
//! and broken models are refused with errors naming the shape.

use std::path::PathBuf;

use codegen::emit::crate_files::CrateInfo;
use codegen::generate::{generate, Options};
use codegen::model::Model;
use serde_json::{json, Value};
use xtask_inputs::test_crates::TEST_CRATES;

fn root() -> PathBuf {
    xtask_inputs::repo_root()
}

fn kitchen_sink() -> Value {
    let text =
        std::fs::read_to_string(root().join("codegen/tests/kitchen-sink/model.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn options(name: &str) -> Options {
    Options {
        service: None,
        crate_info: CrateInfo {
            package_name: name.into(),
            version: "0.1.0".into(),
            runtime_path: "../runtime".into(),
            publish: false,
        },
        model_source: Default::default(),
        partitions: None,
        additions: None,
    }
}

fn generate_value(model: Value) -> Result<std::collections::BTreeMap<String, String>, String> {
    let model = Model::from_json(&model.to_string(), "test model").map_err(|e| e.to_string())?;
    generate(&model, &options("test-client")).map_err(|e| e.to_string())
}

#[test]
fn checked_in_test_crates_match_their_models() {
    for t in TEST_CRATES {
        // Crates of pinned third-party models are checked by `cargo xtask codegen --check`.
        let Some(model) = t.load_in_repo_model(&root()) else { continue };
        let files = t.generate(&model.unwrap(), Default::default(), None).unwrap();
        for (rel, contents) in &files {
            let path = root().join(t.out_dir).join(rel);
            let existing = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                &existing == contents,
                "{} is out of date: run `cargo xtask codegen`",
                path.display()
            );
        }
    }
}

#[test]
fn checked_in_sfn_crate_matches_the_pinned_model() {
    let mut model =
        xtask_inputs::pinned_model(xtask_inputs::pins::SFN).unwrap_or_else(|e| panic!("{e}"));
    // The repository's overlays, as `cargo xtask codegen` applies them.
    let mut overlay_records = Vec::new();
    for (path, text) in xtask_inputs::read_overlays(&root()).unwrap() {
        model.apply_overlay(&text, &path).unwrap();
        overlay_records.push(xtask_inputs::overlay_record(&path, &text));
    }
    assert!(!overlay_records.is_empty(), "model/overlays/sfn-waiters.json is applied");
    let mut opts = options("sfn-client");
    opts.crate_info.runtime_path = "../codegen/runtime".into();
    opts.crate_info.publish = true;
    opts.partitions = Some(xtask_inputs::pinned_partitions().unwrap_or_else(|e| panic!("{e}")));
    // The hand-written modules, as `cargo xtask codegen` passes them.
    let additions = codegen::additions::Additions::load(
        &root().join("codegen/services/sfn"),
        "codegen/services/sfn",
    );
    opts.additions = Some(additions.unwrap());
    let pins = xtask_inputs::Pins::load(&root()).unwrap();
    opts.model_source = pins.sfn.source_record();
    opts.model_source.extend(overlay_records);
    let files = generate(&model, &opts).unwrap();
    let mut structures = 0;
    for (rel, contents) in &files {
        let path = root().join("generated").join(rel);
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            &existing == contents,
            "{} is out of date: run `cargo xtask codegen`",
            path.display()
        );
        structures += contents.matches("\npub struct ").count();
    }
    // 170 model structures, less the 37 inputs and 37 outputs which are emitted once per operation
    // under their operation's name, plus one builder per structure and one marker per operation.
    let enums = files
        .iter()
        .filter(|(p, c)| p.starts_with("src/types/") && c.contains("Unknown(String)"))
        .count();
    assert_eq!(enums, 18, "every enum of the model is emitted");
    assert_eq!(files.keys().filter(|p| p.starts_with("src/operation/")).count(), 37);
    assert_eq!(files.keys().filter(|p| p.starts_with("src/types/error/")).count(), 33);
    assert!(structures > 170);
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let a = generate_value(kitchen_sink()).unwrap();
    let b = generate_value(kitchen_sink()).unwrap();
    assert_eq!(a, b);
    assert!(
        a.values().all(|c| !c.contains(env!("CARGO_MANIFEST_DIR"))),
        "no absolute paths in output"
    );
}

#[test]
fn dangling_target_is_refused_naming_the_member() {
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#Thing"]["members"]["name"]["target"] =
        json!("example.kitchen#Missing");
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("example.kitchen#Thing$name"), "{err}");
    assert!(err.contains("`example.kitchen#Missing`, which is not defined"), "{err}");
}

#[test]
fn malformed_shapes_are_refused_with_their_id() {
    // Not a valid shape at all.
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#Thing"] = json!({ "type": "structure", "members": { "a": {} } });
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("not a valid Smithy JSON AST"), "{err}");

    // A malformed trait.
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#ThingName"]["traits"]["smithy.api#length"] = json!("long");
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains("example.kitchen#ThingName: trait `smithy.api#length` is malformed"),
        "{err}"
    );

    // A default of the wrong type.
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#Thing"]["members"]["count"]["traits"]["smithy.api#default"] =
        json!("zero");
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("example.kitchen#Thing$count: `@default` \"zero\""), "{err}");

    // An operation error that is not an @error structure.
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#PutThing"]["errors"] =
        json!([{ "target": "example.kitchen#Circle" }]);
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains("example.kitchen#PutThing: lists `example.kitchen#Circle` as an error"),
        "{err}"
    );
}

#[test]
fn names_that_collide_in_rust_are_refused() {
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#Thing"]["members"]["Type"] =
        json!({ "target": "smithy.api#String" });
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains(
            "example.kitchen#Thing: members Type, type all map to the Rust field `r#type`"
        ),
        "{err}"
    );

    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#CIRCLE"] = json!({ "type": "structure", "members": {} });
    m["shapes"]["example.kitchen#Circle"]["members"]["other"] =
        json!({ "target": "example.kitchen#CIRCLE" });
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains(
            "example.kitchen#CIRCLE, example.kitchen#Circle all map to the Rust type name `Circle`"
        ),
        "{err}"
    );

    // `set_name_value` is taken by `setName` (renamed beside `name`): `setNameValue` cannot have it.
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#AwkwardNames"]["members"]["setNameValue"] =
        json!({ "target": "smithy.api#String" });
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("example.kitchen#AwkwardNames: members setName, setNameValue all map to the Rust field `set_name_value`"), "{err}");
    // The setter of `nameValue` would be `set_name_value`, the accessor of `setName` (renamed).
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#AwkwardNames"]["members"]["nameValue"] =
        json!({ "target": "smithy.api#String" });
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("example.kitchen#AwkwardNames: members nameValue, setName all make the Rust method `set_name_value`"), "{err}");
}

/// Event-stream operations are left out (the rest of the service is generated) and required
/// endpoint discovery is generated with a note; both are in the crate docs and the warnings.
#[test]
fn unsupported_operations_are_reported_by_operation_and_member() {
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#Events"] = json!({
        "type": "union",
        "members": { "tick": { "target": "example.kitchen#Circle" } },
        "traits": { "smithy.api#streaming": {} }
    });
    m["shapes"]["example.kitchen#AwkwardOutput"]["members"]["stream"] =
        json!({ "target": "example.kitchen#Events" });
    m["shapes"]["example.kitchen#Ping"]["traits"]["aws.api#clientDiscoveredEndpoint"] =
        json!({ "required": true });
    m["shapes"]["example.kitchen#KitchenSink"]["traits"]["aws.api#clientEndpointDiscovery"] = json!({ "operation": "example.kitchen#DescribeEndpoints", "error": "example.kitchen#NotFound" });
    let model = Model::from_json(&m.to_string(), "test model").unwrap();
    let generated =
        codegen::generate::generate_with_report(&model, &options("test-client")).unwrap();
    assert_eq!(
        generated.warnings,
        [
            "Awkward is left out: its member AwkwardOutput$stream is an event stream (a @streaming union), which this \
             client does not support yet",
            "Ping requires endpoint discovery (@aws.api#clientDiscoveredEndpoint), which this client does not do: its \
             calls go to the resolved or configured endpoint; set the client's endpoint URL to an address \
             DescribeEndpoints returns",
        ]
    );
    let files = &generated.files;
    assert!(
        !files.contains_key("src/operation/awkward.rs"),
        "the event-stream operation is left out"
    );
    assert!(
        files.contains_key("src/operation/put_thing.rs")
            && files.contains_key("src/operation/ping.rs")
    );
    let lib = &files["src/lib.rs"];
    assert!(
        lib.contains("//! # Not supported")
            && lib.contains("`Awkward` is left out: its member `AwkwardOutput$stream`"),
        "{lib}"
    );
    assert!(
        files["src/client.rs"].contains("**Not supported:** `Ping` requires endpoint discovery")
    );
    // Its shapes, used by no other operation, are not generated either.
    assert!(!files.keys().any(|f| f.contains("events")), "{:?}", files.keys().collect::<Vec<_>>());
}

#[test]
fn unsupported_constructs_are_refused() {
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#KitchenSink"]["traits"]
        .as_object_mut()
        .unwrap()
        .remove("aws.protocols#awsJson1_0");
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains("example.kitchen#KitchenSink: the service has no supported protocol trait"),
        "{err}"
    );

    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#Secret"]["traits"]["smithy.api#streaming"] = json!({});
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("example.kitchen#Secret: `@streaming` shapes"), "{err}");
}

#[test]
fn garbage_input_never_panics() {
    for text in [
        "",
        "null",
        "[]",
        "{\"smithy\": \"9.0\"}",
        "{\"smithy\": \"2.0\", \"shapes\": {\"bad id\": {\"type\": \"string\"}}}",
    ] {
        let result = Model::from_json(text, "garbage")
            .map_err(|e| e.to_string())
            .and_then(|m| generate(&m, &options("x")).map(|_| ()).map_err(|e| e.to_string()));
        assert!(result.is_err(), "{text:?} was accepted");
    }
}

/// Smoke tests: parameters become setters decoding each member from its JSON, failures check the
/// modeled error; a case naming a member or error the operation lacks is refused.
#[test]
fn smoke_tests_become_tests_and_bad_cases_are_refused() {
    let mut model = kitchen_sink();
    let cases = json!([
        {"id": "ListThingsWorks", "params": {"maxResults": 3}, "vendorParams": {"region": "eu-west-1"}, "expect": {"success": {}}},
        {"id": "ListThingsFails", "expect": {"failure": {}}}
    ]);
    let list_things = &mut model["shapes"]["example.kitchen#ListThings"];
    list_things["traits"]["smithy.test#smokeTests"] = cases;
    let files = generate_value(model.clone()).unwrap();
    let tests = &files["tests/smoke_tests.rs"];
    for want in [
        "async fn list_things_works()",
        "let client = client(\"eu-west-1\", false, false);",
        ".set_max_results(Some(param(\"maxResults\", \"3\")))",
        "async fn list_things_fails()",
        "expected a failure, the call succeeded",
    ] {
        assert!(tests.contains(want), "{want:?} not in:\n{tests}");
    }

    model["shapes"]["example.kitchen#ListThings"]["traits"]["smithy.test#smokeTests"] =
        json!([{"id": "Bad", "params": {"noSuchMember": 1}, "expect": {"success": {}}}]);
    let err = generate_value(model.clone()).unwrap_err();
    assert!(
        err.contains(
            "example.kitchen#ListThings: smoke test `Bad`: `noSuchMember` is not a member"
        ),
        "{err}"
    );

    model["shapes"]["example.kitchen#ListThings"]["traits"]["smithy.test#smokeTests"] =
        json!([{"id": "Bad", "expect": {"failure": {"errorId": "example.kitchen#NotItsError"}}}]);
    let err = generate_value(model).unwrap_err();
    assert!(
        err.contains(
            "smoke test `Bad`: `example.kitchen#NotItsError` is not an error of the operation"
        ),
        "{err}"
    );
}

#[test]
fn members_closing_a_cycle_are_boxed_and_collections_are_not() {
    let mut m = kitchen_sink();
    // Circle -> Shape (union) -> Circle: a direct cycle through a union; Thing -> [Thing] is not.
    m["shapes"]["example.kitchen#Circle"]["members"]["inner"] =
        json!({ "target": "example.kitchen#Shape" });
    m["shapes"]["example.kitchen#Circle"]["members"]["children"] =
        json!({ "target": "example.kitchen#ThingList" });
    let files = generate_value(m).unwrap();
    let circle = &files["src/types/circle.rs"];
    assert!(circle.contains("pub inner: Option<Box<crate::types::Shape>>"), "{circle}");
    assert!(circle.contains("pub children: Option<Vec<crate::types::Thing>>"), "{circle}");
    let shape = &files["src/types/shape.rs"];
    assert!(shape.contains("Circle(Box<crate::types::Circle>)"), "{shape}");
}

#[test]
fn the_json_version_follows_the_protocol_trait() {
    let files = generate_value(kitchen_sink()).unwrap();
    assert!(files["src/lib.rs"]
        .contains("json_version: ::awsjson_runtime::service::JsonVersion::V1_0,"));
    let mut m = kitchen_sink();
    let traits = m["shapes"]["example.kitchen#KitchenSink"]["traits"].as_object_mut().unwrap();
    traits.remove("aws.protocols#awsJson1_0");
    traits.insert("aws.protocols#awsJson1_1".into(), json!({}));
    let files = generate_value(m).unwrap();
    assert!(files["src/lib.rs"]
        .contains("json_version: ::awsjson_runtime::service::JsonVersion::V1_1,"));
}

#[test]
fn host_prefix_labels_are_filled_from_host_label_members() {
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#GetWidget"]["traits"]["smithy.api#endpoint"] =
        json!({ "hostPrefix": "{widgetId}." });
    m["shapes"]["example.kitchen#GetWidgetInput"]["members"]["widgetId"]["traits"]
        ["smithy.api#hostLabel"] = json!({});
    let files = generate_value(m.clone()).unwrap();
    let op = &files["src/operation/get_widget.rs"];
    assert!(op.contains("expand_host_prefix"), "{op}");
    assert!(op.contains("(\"widgetId\", input.widget_id.as_deref())"), "{op}");

    m["shapes"]["example.kitchen#GetWidget"]["traits"]["smithy.api#endpoint"] =
        json!({ "hostPrefix": "{nope}." });
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains("example.kitchen#GetWidget: the host prefix label `{nope}` is not a member"),
        "{err}"
    );
}

#[test]
fn protocol_test_cases_become_tests_and_bad_cases_are_refused() {
    let mut m = kitchen_sink();
    let case = json!({
        "id": "KitchenPingSendsEmptyObject", "protocol": "aws.protocols#awsJson1_0", "method": "POST", "uri": "/",
        "body": "{}", "bodyMediaType": "application/json", "headers": { "X-Amz-Target": "KitchenSink.Ping" }
    });
    let server_only = json!({ "id": "ServerOnly", "protocol": "aws.protocols#awsJson1_0", "method": "POST", "uri": "/", "appliesTo": "server" });
    m["shapes"]["example.kitchen#Ping"]["traits"]["smithy.test#httpRequestTests"] =
        json!([case, server_only]);
    let files = generate_value(m.clone()).unwrap();
    let tests = &files["tests/protocol_tests.rs"];
    assert!(tests.contains("async fn kitchen_ping_sends_empty_object_request()"), "{tests}");
    assert!(!tests.contains("server_only"), "server cases are not the client's");
    assert!(files["Cargo.toml"].contains("features = [\"test-util\"]"));

    m["shapes"]["example.kitchen#Ping"]["traits"]["smithy.test#httpRequestTests"][0]["params"] =
        json!({ "missing": 1 });
    let err = generate_value(m).unwrap_err();
    assert!(
        err.contains("example.kitchen#Ping (request case KitchenPingSendsEmptyObject)"),
        "{err}"
    );
    assert!(err.contains("`missing` is not a member"), "{err}");
}

#[test]
fn crate_docs_guide_newcomers_and_methods_list_what_a_call_needs() {
    let files = generate_value(kitchen_sink()).unwrap();
    let client = &files["src/client.rs"];
    assert!(
        client.contains("/// - Required members: [`widget_id`](crate::operation::get_widget::GetWidgetFluentBuilder::widget_id)"),
        "{client}"
    );
    assert!(client.contains(
        "/// - On success: [`GetWidgetOutput`](crate::operation::get_widget::GetWidgetOutput)."
    ));
    assert!(client.contains("[`GetWidgetError`](crate::operation::get_widget::GetWidgetError)`>`; service errors: `NotFound`, `ServiceFault`, or `Unhandled`."));
    assert!(client.contains("/// - Paginated: [`into_paginator()`]"));
    let lib = &files["src/lib.rs"];
    for section in [
        "# Getting started",
        "# Calling an operation",
        "# Handling errors",
        "# Pagination",
        "# Testing: fixtures and mocks",
        "# Features",
    ] {
        assert!(lib.contains(&format!("//! {section}")), "no `{section}` in lib.rs");
    }
    // The examples call the first operation that needs no input; the testing one runs.
    assert!(lib.contains("//! let output = client.list_things().send().await?;"), "{lib}");
    assert!(lib.contains("//! let rule = MockRule::for_operation::<ListThings>().then_output(ListThingsOutput::default);"), "{lib}");
    let manifest = &files["Cargo.toml"];
    assert!(
        manifest.contains("awsjson-runtime = { version = \"0.1.0\", path = \"../runtime\" }"),
        "{manifest}"
    );
    assert!(manifest.contains("publish = false"), "test crates stay unpublishable");
}

/// Map tokens and map items are generated (`ScanShapes` of the kitchen sink); what stays invalid
/// is refused naming the member and what it targets.
#[test]
fn paginated_map_tokens_and_items_are_generated_and_bad_ones_refused() {
    let files = generate_value(kitchen_sink()).unwrap();
    let scan = &files["src/operation/scan_shapes.rs"];
    let flat = scan.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "PageStream< ScanShapes, std::collections::HashMap<String, crate::types::Shape>, >"
        ),
        "{scan}"
    );
    assert!(
        flat.contains("(String, crate::types::Shape)"),
        "map items are (key, value) pairs: {scan}"
    );
    assert!(flat.contains("output.last_key.as_ref()"), "{scan}");

    let op = "example.kitchen#ListThings";
    let paginate = |p: Value| {
        let mut m = kitchen_sink();
        m["shapes"][op]["traits"]["smithy.api#paginated"] = p;
        generate_value(m).unwrap_err()
    };
    let err = paginate(json!({ "inputToken": "maxResults", "outputToken": "nextToken" }));
    assert!(
        err.contains("`@paginated` inputToken `maxResults` targets `example.kitchen#PageSize` (integer): a token must be a string or a map"),
        "{err}"
    );
    let mut m = kitchen_sink();
    m["shapes"]["example.kitchen#ListThingsOutput"]["members"]["nextToken"] =
        json!({ "target": "example.kitchen#Labels" });
    let err = generate_value(m).unwrap_err();
    assert!(err.contains("inputToken `nextToken` targets `smithy.api#String` (string) but outputToken `nextToken` targets `example.kitchen#Labels` (map)"), "{err}");
    let err = paginate(
        json!({ "inputToken": "nextToken", "outputToken": "nextToken", "items": "nextToken" }),
    );
    assert!(err.contains("`@paginated` items `nextToken` targets `smithy.api#String` (string): items must be a list or a map"), "{err}");
}

/// A rule set with context parameters: input members, static values and input paths are bound
/// in the generated `endpoint_params`; paths and types the client cannot bind are refused.
#[test]
fn endpoint_context_params_are_bound_and_bad_ones_refused() {
    fn with_rules(
        ops: impl FnOnce(&mut Value),
    ) -> Result<std::collections::BTreeMap<String, String>, String> {
        let mut m = kitchen_sink();
        m["shapes"]["example.kitchen#KitchenSink"]["traits"]["smithy.rules#endpointRuleSet"] = json!({
            "version": "1.0",
            "parameters": {
                "Region": { "builtIn": "AWS::Region", "required": false, "type": "String" },
                "ThingName": { "required": false, "type": "String" },
                "DryRun": { "required": false, "type": "Boolean" },
                "Kind": { "required": false, "type": "String" },
                "LabelKeys": { "required": false, "type": "stringArray" }
            },
            "rules": [ { "conditions": [], "endpoint": { "url": "https://example.com" }, "type": "endpoint" } ]
        });
        ops(&mut m);
        let model = Model::from_json(&m.to_string(), "test model").map_err(|e| e.to_string())?;
        let mut o = options("test-client");
        o.partitions = Some(xtask_inputs::pinned_partitions().unwrap_or_else(|e| panic!("{e}")));
        generate(&model, &o).map_err(|e| e.to_string())
    }
    let files = with_rules(|m| {
        m["shapes"]["example.kitchen#PutThingInput"]["members"]["dryRun"]["traits"]["smithy.rules#contextParam"] =
            json!({ "name": "DryRun" });
        let t = &mut m["shapes"]["example.kitchen#PutThing"]["traits"];
        t["smithy.rules#staticContextParams"] = json!({ "Kind": { "value": "write" } });
        t["smithy.rules#operationContextParams"] =
            json!({ "ThingName": { "path": "thing.name" }, "LabelKeys": { "path": "keys(thing.labels)" } });
    })
    .unwrap();
    let put = files["src/operation/put_thing.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "fn endpoint_params( input: &PutThingInput,",
        "if let Some(v0) = &input.dry_run { found = Some(*v0); }",
        "\"Kind\".to_string(), ::awsjson_runtime::endpoint::ParamValue::String(\"write\".to_string()),",
        "for v2 in v1.keys() { values.push(v2.clone()); }",
        "values.sort();",
        "let v1 = &v0.name; found = Some(v1.clone());",
    ] {
        assert!(put.contains(expected), "{expected}\n{put}");
    }
    assert!(
        !files["src/operation/list_things.rs"].contains("fn endpoint_params"),
        "no parameters: the default"
    );

    let refused = |path: &str| {
        with_rules(|m| {
            m["shapes"]["example.kitchen#PutThing"]["traits"]
                ["smithy.rules#operationContextParams"] = json!({ "ThingName": { "path": path } });
        })
        .unwrap_err()
    };
    let err = refused("thing.labels[0]");
    assert!(err.contains("example.kitchen#PutThing: the endpoint context parameter `ThingName` (path `thing.labels[0]`): only `A.B`, `A[*].B` and `keys(A)` paths"), "{err}");
    let err = refused("thing.nope");
    assert!(err.contains("`nope` is not a member of `example.kitchen#Thing`"), "{err}");
    let err = refused("keys(thing.labels)");
    assert!(
        err.contains("the parameter is of type `string`, which the path's values do not match"),
        "{err}"
    );
    let err = with_rules(|m| {
        m["shapes"]["example.kitchen#PutThing"]["traits"]["smithy.rules#staticContextParams"] =
            json!({ "Nope": { "value": true } });
    })
    .unwrap_err();
    assert!(
        err.contains(
            "`staticContextParams` sets `Nope`, which the endpoint rule set does not declare"
        ),
        "{err}"
    );
}

/// Issue 13: an enum the model leaves undocumented starts with its summary (what `Unknown` is
/// for), not an empty `///` line; a documented one keeps its docs first.
#[test]
fn undocumented_enums_start_with_a_summary_line() {
    let files = generate_value(json!({ "smithy": "2.0", "shapes": {
        "t#Svc": { "type": "service", "version": "1", "operations": [{ "target": "t#Op" }],
            "traits": { "aws.protocols#awsJson1_0": {} } },
        "t#Op": { "type": "operation", "input": { "target": "t#In" } },
        "t#In": { "type": "structure", "members": {
            "plain": { "target": "t#Plain" }, "told": { "target": "t#Told" } } },
        "t#Plain": { "type": "enum", "members": { "A": { "target": "smithy.api#Unit" } } },
        "t#Told": { "type": "enum", "members": { "B": { "target": "smithy.api#Unit" } },
            "traits": { "smithy.api#documentation": "<p>Told.</p>" } },
    } }))
    .unwrap();
    let first_doc =
        |path: &str| files[path].lines().find(|l| l.starts_with("///")).unwrap().to_string();
    assert_eq!(
        first_doc("src/types/plain.rs"),
        "/// Values this version of the crate does not know are kept in [`Self::Unknown`], so a"
    );
    assert_eq!(first_doc("src/types/told.rs"), "/// Told.");
}

/// A scratch directory of this test process, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> ScratchDir {
        let dir = std::env::temp_dir().join(format!("codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn hand_written_additions_are_copied_declared_and_given_their_dependencies() {
    let dir = ScratchDir::new("additions");
    let manifest = json!({
        "modules": [
            { "module": "helper", "file": "src/helper.rs" },
            { "module": "extra", "file": "src/extra.rs", "feature": "extra" }
        ],
        "dependencies": { "tokio": { "version": "1", "default-features": false, "features": ["time"] } },
        "features": { "extra": ["dep:tokio"] }
    });
    std::fs::write(dir.0.join("additions.json"), manifest.to_string()).unwrap();
    let helper = "//! A helper.\n\n/// Doubles.\npub fn double(x: u32) -> u32 {\n    2 * x\n}\n";
    std::fs::write(dir.0.join("src/helper.rs"), helper).unwrap();
    std::fs::write(dir.0.join("src/extra.rs"), "//! Extra.\n").unwrap();
    let additions = codegen::additions::Additions::load(&dir.0, "codegen/services/test").unwrap();
    let model = Model::from_json(&kitchen_sink().to_string(), "kitchen sink").unwrap();
    let files = generate(&model, &Options { additions: Some(additions), ..options("test-client") })
        .unwrap();

    // Copied as written, under a header naming the source (a repository path, not the machine's).
    assert_eq!(
        files["src/helper.rs"],
        format!(
            "// @generated by `cargo xtask codegen`: a copy of the hand-written\n\
             // `codegen/services/test/src/helper.rs`. Edit that file, not this one.\n\n{helper}"
        )
    );
    let lib = &files["src/lib.rs"];
    assert!(lib.contains("\npub mod helper;\n"), "{lib}");
    assert!(lib.contains("#[cfg(feature = \"extra\")]\npub mod extra;\n"), "{lib}");
    let cargo = &files["Cargo.toml"];
    assert!(
        cargo.contains(
            "\ntokio = { default-features = false, features = [\"time\"], version = \"1\" }\n"
        ),
        "{cargo}"
    );
    assert!(cargo.contains("\nextra = [\"dep:tokio\"]\n"), "{cargo}");
    // Without additions, none of it.
    let plain = generate(&model, &options("test-client")).unwrap();
    assert!(!plain.contains_key("src/helper.rs") && !plain["src/lib.rs"].contains("helper"));
}

#[test]
fn additions_problems_are_errors_naming_the_file() {
    let dir = ScratchDir::new("additions-bad");
    let manifest = json!({ "modules": [{ "module": "missing", "file": "src/missing.rs" }] });
    std::fs::write(dir.0.join("additions.json"), manifest.to_string()).unwrap();
    std::fs::write(dir.0.join("src/unlisted.rs"), "").unwrap();
    let err = codegen::additions::Additions::load(&dir.0, "codegen/services/test")
        .unwrap_err()
        .to_string();
    assert!(err.contains("codegen/services/test/src/missing.rs: cannot read it"), "{err}");
    assert!(
        err.contains("codegen/services/test/src/unlisted.rs: not listed in additions.json"),
        "{err}"
    );

    std::fs::write(
        dir.0.join("additions.json"),
        r#"{ "modules": [], "dependencies": { "x": 1 } }"#,
    )
    .unwrap();
    std::fs::remove_file(dir.0.join("src/unlisted.rs")).unwrap();
    let err = codegen::additions::Additions::load(&dir.0, "codegen/services/test")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("codegen/services/test/additions.json: dependency `x`: expected"),
        "{err}"
    );

    std::fs::write(dir.0.join("additions.json"), r#"{ "module": [] }"#).unwrap();
    let err = codegen::additions::Additions::load(&dir.0, "codegen/services/test")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "codegen/services/test/additions.json: invalid manifest: unknown field `module`"
        ),
        "{err}"
    );
}
