//! Replays every recorded fixture under `tests/fixtures/<Operation>/<case>.json` through the
//! generated client, without network, and checks that the fixtures cover the whole model.
//!
//! For each exchange the client sends the recorded request's input (decoded from its JSON and
//! encoded again by the generated code); the replay connector checks method, path, target,
//! content type and the JSON body against the recording, and the decoded output (or error shape
//! and message) must equal the fixture's expectation field by field.
//!
//! Re-record the fixtures with `tests/record-fixtures.sh` (see tests/fixtures/README.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sfn_client::test_util::{
    check_expected, Body, Expected, Fixture, OperationInfo, ReplayConnector, OPERATIONS,
};
use sfn_tests::replay_client;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every fixture, by path relative to `tests/fixtures`, in sorted order.
fn load_fixtures() -> BTreeMap<String, Fixture> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    let dir = fixtures_dir();
    let mut ops: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    ops.sort();
    for op_dir in ops {
        let op = op_dir.file_name().unwrap().to_string_lossy().into_owned();
        for entry in std::fs::read_dir(&op_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let rel = format!("{op}/{}", path.file_name().unwrap().to_string_lossy());
            match Fixture::from_path(&path) {
                Ok(f) if f.operation != op => problems
                    .push(format!("{rel}: operation `{}` is not its directory's", f.operation)),
                Ok(f) => {
                    out.insert(rel, f);
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
    }
    assert!(problems.is_empty(), "unreadable fixtures:\n{}", problems.join("\n"));
    out
}

#[tokio::test]
async fn every_fixture_replays_with_the_recorded_requests_and_expected_results() {
    let fixtures = load_fixtures();
    assert!(!fixtures.is_empty(), "no fixtures under {}", fixtures_dir().display());
    let mut failures = Vec::new();
    for (name, fixture) in &fixtures {
        let connector = ReplayConnector::new(fixture);
        let client = replay_client(&connector);
        for (i, exchange) in fixture.exchanges.iter().enumerate() {
            let input = match &exchange.request.body {
                Body::Json(v) => v.clone(),
                Body::Text(t) => {
                    failures.push(format!(
                        "{name} exchange {}: the request body is not JSON: {t:?}",
                        i + 1
                    ));
                    continue;
                }
            };
            let Some(expected) = &exchange.expected else {
                failures.push(format!("{name} exchange {}: no `expected`", i + 1));
                continue;
            };
            let result = client.call_json(&fixture.operation, input).await;
            if let Err(problems) = check_expected(expected, &result) {
                failures.push(format!(
                    "{name} exchange {}:\n  {}",
                    i + 1,
                    problems.replace('\n', "\n  ")
                ));
            }
        }
        if let Err(problems) = connector.check_requests() {
            failures.push(format!("{name}:\n  {}", problems.replace('\n', "\n  ")));
        }
    }
    assert!(failures.is_empty(), "{} fixture problem(s):\n{}", failures.len(), failures.join("\n"));
}

/// What the fixtures lack: an operation without a success fixture, an error shape no fixture
/// expects, a paginated operation without a fixture of three or more pages, and fixtures of
/// operations or errors the model does not have.
fn coverage_problems(
    fixtures: &BTreeMap<String, Fixture>,
    operations: &[OperationInfo],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut succeeded = BTreeSet::new();
    let mut errors_seen = BTreeSet::new();
    let mut paged = BTreeSet::new();
    for (name, f) in fixtures {
        let Some(op) = operations.iter().find(|o| o.name == f.operation) else {
            problems.push(format!("{name}: the model has no operation `{}`", f.operation));
            continue;
        };
        let mut pages = 0;
        for e in &f.exchanges {
            match &e.expected {
                Some(Expected::Output(_)) => {
                    succeeded.insert(op.name);
                    pages += 1;
                }
                Some(Expected::Error { shape: Some(shape), .. }) => {
                    if op.errors.contains(&shape.as_str()) {
                        errors_seen.insert(shape.clone());
                    } else {
                        problems.push(format!("{name}: `{shape}` is not an error of {}", op.name));
                    }
                }
                _ => {}
            }
        }
        if op.paginated && pages >= 3 {
            paged.insert(op.name);
        }
    }
    for op in operations {
        if !succeeded.contains(op.name) {
            problems.push(format!(
                "operation {}: no success fixture (add tests/fixtures/{}/<case>.json)",
                op.name, op.name
            ));
        }
        if op.paginated && !paged.contains(op.name) {
            problems.push(format!(
                "paginated operation {}: no fixture with three or more pages",
                op.name
            ));
        }
    }
    let all_errors: BTreeSet<&str> =
        operations.iter().flat_map(|o| o.errors.iter().copied()).collect();
    for e in all_errors {
        if !errors_seen.contains(e) {
            let ops: Vec<&str> =
                operations.iter().filter(|o| o.errors.contains(&e)).map(|o| o.name).collect();
            problems.push(format!(
                "error {e}: no fixture expects it (operations that list it: {})",
                ops.join(", ")
            ));
        }
    }
    problems
}

#[test]
fn fixtures_cover_every_operation_error_and_paginator() {
    let fixtures = load_fixtures();
    let problems = coverage_problems(&fixtures, OPERATIONS);
    assert!(problems.is_empty(), "the fixtures do not cover the model:\n{}", problems.join("\n"));
}

/// The coverage check is not vacuous: removing the fixtures of any one operation, or every
/// fixture expecting some error, makes it name what is missing.
#[test]
fn coverage_check_names_what_a_removed_fixture_covered() {
    let fixtures = load_fixtures();
    for op in OPERATIONS {
        let fewer: BTreeMap<String, Fixture> = fixtures
            .iter()
            .filter(|(_, f)| f.operation != op.name)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let problems = coverage_problems(&fewer, OPERATIONS);
        let want = format!("operation {}: no success fixture", op.name);
        assert!(
            problems.iter().any(|p| p.starts_with(&want)),
            "without {} fixtures: {problems:?}",
            op.name
        );
    }
    let error = "ActivityDoesNotExist";
    let fewer: BTreeMap<String, Fixture> = fixtures
        .iter()
        .filter(|(_, f)| {
            !f.exchanges.iter().any(|e| matches!(&e.expected, Some(Expected::Error { shape: Some(s), .. }) if s == error))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let problems = coverage_problems(&fewer, OPERATIONS);
    assert!(
        problems.iter().any(|p| p.starts_with("error ActivityDoesNotExist: no fixture")),
        "{problems:?}"
    );
    // And a model operation the fixtures don't know is reported too.
    let mut more = OPERATIONS.to_vec();
    more.push(OperationInfo {
        name: "FrobnicateWidget",
        errors: &["WidgetJammed"],
        paginated: true,
    });
    let problems = coverage_problems(&fixtures, &more);
    for want in [
        "operation FrobnicateWidget: no success fixture",
        "paginated operation FrobnicateWidget: no fixture with three or more pages",
        "error WidgetJammed: no fixture expects it",
    ] {
        assert!(problems.iter().any(|p| p.starts_with(want)), "{want}: {problems:?}");
    }
}
