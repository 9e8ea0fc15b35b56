//! End to end: the SFN model's endpoint rule set and the partition table go through
//! `codegen::ir::endpoints` (lowering) and `codegen::emit::endpoints` into a small crate, whose generated endpoint tests (one per case of the
//! model's `smithy.rules#endpointTests`) are then compiled and run with `cargo test`.
//!
//! The crate is written under this package's `CARGO_TARGET_TMPDIR` and built with its own target
//! directory there (so the runtime is compiled once and reused by later runs; it cannot be this
//! build's target directory, which the outer `cargo test` keeps locked while it runs).

use std::path::Path;
use std::process::Command;

use codegen::emit::endpoints::{endpoint_tests, rules_module};
use codegen::ir::endpoints::{lower_rule_set, lower_tests, RuleSet};
use quote::quote;
use serde_json::{json, Value};

/// The pinned SFN model as JSON (located and verified by `xtask-inputs`).
fn sfn_model_json() -> Value {
    let (path, bytes) =
        xtask_inputs::read_pinned(xtask_inputs::pins::SFN).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The test file of `tests` against `rules` (no operation inputs), resolving with `resolver`.
fn tests_file(tests: &Value, rules: &RuleSet, resolver: proc_macro2::TokenStream) -> String {
    let tests = lower_tests(tests, rules, &[]).expect("the endpoint tests lower");
    pretty(endpoint_tests(&tests, &resolver, &quote!(endpoint_check::operation)))
}

fn pretty(tokens: proc_macro2::TokenStream) -> String {
    prettyplease::unparse(&syn::parse2::<syn::File>(tokens).expect("generated code parses"))
}

/// The service shape's `smithy.rules#endpointRuleSet` and `smithy.rules#endpointTests`.
fn service_rules(model: &Value) -> (Value, Value) {
    let shapes = model["shapes"].as_object().expect("model has shapes");
    let service =
        shapes.values().find(|s| s["type"] == "service").expect("model has a service shape");
    let traits = &service["traits"];
    (traits["smithy.rules#endpointRuleSet"].clone(), traits["smithy.rules#endpointTests"].clone())
}

/// A hand-written rule set using what the SFN rules do not: non-built-in parameters of each type,
/// headers, properties, `parseURL`, `getAttr` with an index, error messages with placeholders.
fn feature_rules() -> (Value, Value) {
    let rules = json!({
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "type": "String"},
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String"},
            "Bucket": {"required": false, "type": "String"},
            "Accelerate": {"required": true, "default": false, "type": "Boolean"},
            "Tags": {"required": false, "type": "stringArray"}
        },
        "rules": [
            {
                "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Bucket"}]},
                    {"fn": "parseURL", "argv": [{"ref": "Endpoint"}], "assign": "Url"}
                ],
                "endpoint": {"url": "{Url#scheme}://{Bucket}.{Url#authority}{Url#normalizedPath}", "properties": {}, "headers": {}},
                "type": "endpoint"
            },
            {
                "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Tags"}]},
                    {"fn": "getAttr", "argv": [{"ref": "Tags"}, "[1]"], "assign": "Second"}
                ],
                "error": "unsupported tag {Second}",
                "type": "error"
            },
            {
                "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}
                ],
                "rules": [
                    {
                        "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Accelerate"}, true]}],
                        "endpoint": {
                            "url": "https://accel.{P#dualStackDnsSuffix}",
                            "headers": {"x-amz-region": ["{Region}"], "x-partition": ["{P#name}", "fixed"]},
                            "properties": {
                                "authSchemes": [{"name": "sigv4", "signingRegion": "{P#implicitGlobalRegion}", "disableDoubleEncoding": true}]
                            }
                        },
                        "type": "endpoint"
                    },
                    {
                        "conditions": [],
                        "endpoint": {"url": "https://svc.{Region}.{P#dnsSuffix}"},
                        "type": "endpoint"
                    }
                ],
                "type": "tree"
            },
            {"conditions": [], "error": "Missing Region", "type": "error"}
        ]
    });
    let tests = json!({
        "version": "1.0",
        "testCases": [
            {"documentation": "bucket on a custom endpoint", "params": {"Bucket": "bkt", "Endpoint": "http://127.0.0.1:9000/base"},
             "expect": {"endpoint": {"url": "http://bkt.127.0.0.1:9000/base/"}}},
            {"documentation": "custom endpoint with a query is not a URL", "params": {"Bucket": "bkt", "Endpoint": "https://h/?q=1"},
             "expect": {"error": "Missing Region"}},
            {"documentation": "second tag is reported", "params": {"Tags": ["a", "b"], "Region": "us-east-1"},
             "expect": {"error": "unsupported tag b"}},
            {"documentation": "one tag is fine", "params": {"Tags": ["a"], "Region": "us-east-1"},
             "expect": {"endpoint": {"url": "https://svc.us-east-1.amazonaws.com"}}},
            {"documentation": "accelerate in the european sovereign cloud", "params": {"Region": "eusc-de-east-1", "Accelerate": true},
             "expect": {"endpoint": {
                 "url": "https://accel.api.amazonwebservices.eu",
                 "headers": {"x-amz-region": ["eusc-de-east-1"], "x-partition": ["aws-eusc", "fixed"]},
                 "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "eusc-de-east-1", "disableDoubleEncoding": true}]}
             }}},
            {"documentation": "a region only the regex knows", "params": {"Region": "us-isof-west-9"},
             "expect": {"endpoint": {"url": "https://svc.us-isof-west-9.csp.hci.ic.gov"}}},
            {"documentation": "an unknown region falls back to aws", "params": {"Region": "moon-base-1"},
             "expect": {"endpoint": {"url": "https://svc.moon-base-1.amazonaws.com"}}},
            {"documentation": "no region", "expect": {"error": "Missing Region"}}
        ]
    });
    (rules, tests)
}

fn cargo_test(dir: &Path, target: &Path, test: &str) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--offline", "--test", test])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn generated_sfn_endpoint_tests_pass() {
    let model = sfn_model_json();
    let partitions = xtask_inputs::pinned_partitions().unwrap_or_else(|e| panic!("{e}"));
    let (sfn_rules, sfn_tests) = service_rules(&model);
    let cases = sfn_tests["testCases"].as_array().expect("endpoint test cases").len();
    assert_eq!(cases, 49, "the pinned SFN model has 49 endpoint test cases");
    let (feature_rules, feature_tests) = feature_rules();

    let sfn_rules = lower_rule_set(&sfn_rules).expect("SFN rules lower");
    let feature_rules = lower_rule_set(&feature_rules).expect("feature rules lower");
    let sfn_module = rules_module(&sfn_rules, &partitions);
    let feature_module = rules_module(&feature_rules, &partitions);
    let lib = pretty(quote! {
        //! Generated by the `codegen` endpoint integration test.
        pub mod sfn { #sfn_module }
        pub mod features { #feature_module }
    });
    // Deterministic output.
    assert_eq!(pretty(rules_module(&sfn_rules, &partitions)), pretty(sfn_module.clone()));

    let sfn_test_file = tests_file(&sfn_tests, &sfn_rules, quote!(&endpoint_check::sfn::RULES));
    let feature_test_file =
        tests_file(&feature_tests, &feature_rules, quote!(&endpoint_check::features::RULES));
    // Proof that the generated tests can fail: one SFN case with a wrong expected URL.
    let mut broken = sfn_tests.clone();
    broken["testCases"][0]["expect"]["endpoint"]["url"] =
        json!("https://states.af-south-1.amazonaws.com.wrong");
    let broken_file = tests_file(&broken, &sfn_rules, quote!(&endpoint_check::sfn::RULES));

    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("endpoint-check");
    let dir = root.join("crate");
    let target = root.join("target");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime").canonicalize().unwrap();
    let manifest = format!(
        "[package]\nname = \"endpoint-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nawsjson-runtime = {{ path = {:?} }}\nserde_json = \"1\"\n\n[workspace]\n",
        runtime.to_str().unwrap()
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    // The workspace's lock file pins the same dependency versions and lets `--offline` resolve.
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .unwrap();
    write_if_changed(&dir.join("Cargo.lock"), &lock);
    write_if_changed(&dir.join("src/lib.rs"), &lib);
    write_if_changed(&dir.join("tests/sfn_endpoint_tests.rs"), &sfn_test_file);
    write_if_changed(&dir.join("tests/feature_endpoint_tests.rs"), &feature_test_file);
    write_if_changed(&dir.join("tests/broken_endpoint_tests.rs"), &broken_file);

    let (ok, out) = cargo_test(&dir, &target, "sfn_endpoint_tests");
    assert!(ok, "generated SFN endpoint tests failed:\n{out}");
    assert!(
        out.contains("test result: ok. 49 passed; 0 failed; 0 ignored"),
        "expected 49 passing cases:\n{out}"
    );

    let (ok, out) = cargo_test(&dir, &target, "feature_endpoint_tests");
    assert!(ok, "generated feature endpoint tests failed:\n{out}");
    assert!(
        out.contains("test result: ok. 8 passed; 0 failed; 0 ignored"),
        "expected 8 passing cases:\n{out}"
    );

    let (ok, out) = cargo_test(&dir, &target, "broken_endpoint_tests");
    assert!(!ok, "a wrong expectation must fail:\n{out}");
    assert!(
        out.contains("test result: FAILED. 48 passed; 1 failed"),
        "expected exactly one failure:\n{out}"
    );
    assert!(out.contains("https://states.af-south-1.amazonaws.com.wrong"), "{out}");
}

/// Keeps file times (and so cargo's fingerprints) when nothing changed.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}
