//! Paginators: multi-page reads against moto (run through `tests/moto.sh`, which sets
//! `MOTO_ENDPOINT`; without it these tests fail rather than skip), and the ways a stream ends,
//! replayed from exchanges (empty token, repeated token, errors).
//!
//! moto 5.2.5 paginates ListActivities, ListStateMachines and ListExecutions (and aliases); it
//! returns GetExecutionHistory and ListMapRuns in one page whatever the page size, so their
//! multi-page behaviour is covered by the replayed fixtures (tests/fixtures/*/three_pages.json).

use std::collections::BTreeSet;

use futures_util::StreamExt as _;
use serde_json::json;
use sfn_client::config::Credentials;
use sfn_client::error::SdkError;
use sfn_client::pagination::RepeatedToken;
use sfn_client::test_util::{
    Body, Exchange, Expected, Fixture, RecordedRequest, RecordedResponse, ReplayConnector,
};
use sfn_client::{Client, Config};
use sfn_tests::replay_client;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/sfn-pages";
const DEFINITION: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;

/// A client of the moto server, in a region of its own: moto keeps one backend per region, so
/// the counts below are not disturbed by other tests.
fn moto_client(region: &'static str) -> Client {
    let endpoint = std::env::var("MOTO_ENDPOINT").unwrap_or_default();
    assert!(
        !endpoint.is_empty(),
        "MOTO_ENDPOINT is not set: these tests need a moto server; run them with tests/moto.sh"
    );
    Client::from_conf(
        Config::builder()
            .region(region)
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .endpoint_url(endpoint)
            .build(),
    )
}

/// Names unique to this process, so reruns against a long-lived server don't collide.
fn run_id() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{}", std::process::id(), nanos % 1_000_000_000)
}

#[tokio::test]
async fn list_activities_reads_250_activities_in_pages_of_100() {
    let client = moto_client("eu-west-3");
    let run = run_id();
    let before = client
        .list_activities()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("initial listing")
        .len();
    let mut created = BTreeSet::new();
    for i in 0..250 {
        let out = client
            .create_activity()
            .name(format!("page-{run}-{i:03}"))
            .send()
            .await
            .expect("CreateActivity");
        created.insert(out.activity_arn().to_string());
    }
    let total = before + 250;

    let pages = client
        .list_activities()
        .into_paginator()
        .page_size(100)
        .send()
        .try_collect()
        .await
        .expect("pages");
    let sizes: Vec<usize> = pages.iter().map(|p| p.activities().len()).collect();
    let mut want = vec![100; total / 100];
    if total % 100 != 0 {
        want.push(total % 100);
    }
    assert_eq!(sizes, want, "page sizes");
    assert!(pages.len() >= 3);
    assert_eq!(pages.last().unwrap().next_token(), None);

    // The item stream, through the `futures::Stream` implementation.
    let items: Vec<_> =
        client.list_activities().into_paginator().page_size(100).items().send().collect().await;
    let arns: BTreeSet<String> =
        items.into_iter().map(|i| i.expect("item").activity_arn().to_string()).collect();
    assert_eq!(arns.len(), total, "every activity once");
    assert!(created.is_subset(&arns));
}

#[tokio::test]
async fn list_state_machines_and_executions_page_through_everything() {
    let client = moto_client("ap-south-2");
    let run = run_id();
    let mut machines = BTreeSet::new();
    for i in 0..7 {
        let out = client
            .create_state_machine()
            .name(format!("pages-{run}-{i}"))
            .definition(DEFINITION)
            .role_arn(ROLE_ARN)
            .send()
            .await
            .expect("CreateStateMachine");
        machines.insert(out.state_machine_arn().to_string());
    }
    let mut stream = client.list_state_machines().into_paginator().page_size(3).send();
    let mut listed = BTreeSet::new();
    let mut pages = 0;
    while let Some(page) = stream.next().await {
        let page = page.expect("ListStateMachines page");
        assert!(page.state_machines().len() <= 3);
        listed.extend(page.state_machines().iter().map(|m| m.state_machine_arn().to_string()));
        pages += 1;
    }
    assert!(machines.is_subset(&listed));
    assert!(pages >= 3, "{pages} pages");

    let machine = machines.first().unwrap().clone();
    let mut executions = BTreeSet::new();
    for i in 0..5 {
        let out = client
            .start_execution()
            .state_machine_arn(&machine)
            .name(format!("e{i}"))
            .send()
            .await
            .expect("StartExecution");
        executions.insert(out.execution_arn().to_string());
    }
    let pages = client
        .list_executions()
        .state_machine_arn(&machine)
        .into_paginator()
        .page_size(2)
        .send()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.iter().map(|p| p.executions().len()).collect::<Vec<_>>(), [2, 2, 1]);
    let listed: BTreeSet<String> =
        pages.iter().flat_map(|p| p.executions()).map(|e| e.execution_arn().to_string()).collect();
    assert_eq!(listed, executions);

    // moto answers these in one page (no token): the paginators stop after it.
    let execution = executions.first().unwrap().clone();
    let pages = client
        .get_execution_history()
        .execution_arn(&execution)
        .into_paginator()
        .page_size(1)
        .send()
        .try_collect()
        .await;
    let pages = pages.expect("GetExecutionHistory pages");
    assert_eq!(pages.len(), 1);
    assert!(!pages[0].events().is_empty());
    let runs = client
        .list_map_runs()
        .execution_arn(&execution)
        .into_paginator()
        .page_size(1)
        .items()
        .send()
        .try_collect()
        .await;
    assert_eq!(runs.expect("ListMapRuns items").len(), 0);
}

fn page_exchange(
    request_token: Option<&str>,
    names: &[&str],
    next_token: Option<&str>,
) -> Exchange {
    let mut req = json!({"maxResults": 2});
    if let Some(t) = request_token {
        req["nextToken"] = json!(t);
    }
    let activities: Vec<_> = names
        .iter()
        .map(|n| json!({"activityArn": format!("arn:aws:states:us-east-1:123456789012:activity:{n}"), "name": n, "creationDate": 1700000000}))
        .collect();
    let mut res = json!({ "activities": activities });
    if let Some(t) = next_token {
        res["nextToken"] = json!(t);
    }
    Exchange {
        request: RecordedRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: [("x-amz-target".to_string(), "AWSStepFunctions.ListActivities".to_string())]
                .into(),
            body: Body::Json(req),
        },
        response: RecordedResponse {
            status: 200,
            headers: [("content-type".to_string(), "application/x-amz-json-1.0".to_string())]
                .into(),
            body: Body::Json(res.clone()),
        },
        expected: Some(Expected::Output(res)),
    }
}

#[tokio::test]
async fn a_repeated_token_ends_the_stream_with_an_error_instead_of_looping() {
    let connector = ReplayConnector::from_exchanges([
        page_exchange(None, &["a", "b"], Some("t1")),
        page_exchange(Some("t1"), &["c", "d"], Some("t2")),
        page_exchange(Some("t2"), &["e"], Some("t1")),
    ]);
    let client = replay_client(&connector);
    let mut items = client.list_activities().into_paginator().page_size(2).items().send();
    let mut names = Vec::new();
    let err = loop {
        match items.next().await {
            Some(Ok(item)) => names.push(item.name().to_string()),
            Some(Err(e)) => break e,
            None => panic!("the stream ended without reporting the repeated token"),
        }
    };
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert!(matches!(err, SdkError::ResponseError(_)), "expected a response error, got {err:?}");
    let repeated = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<RepeatedToken>())
        .expect("RepeatedToken source");
    assert_eq!((repeated.operation(), repeated.token()), ("ListActivities", "t1"));
    assert!(items.next().await.is_none(), "the stream ends after the error");
    // Three requests, the recorded ones, and no fourth.
    connector.assert_requests_match();
    assert_eq!(connector.requests().len(), 3);
}

#[tokio::test]
async fn an_empty_token_ends_the_stream_and_a_start_token_is_sent_first() {
    let connector = ReplayConnector::from_exchanges([
        page_exchange(Some("start"), &["a", "b"], Some("t1")),
        page_exchange(Some("t1"), &["c"], Some("")),
    ]);
    let client = replay_client(&connector);
    let pages = client
        .list_activities()
        .next_token("start")
        .into_paginator()
        .page_size(2)
        .send()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].next_token(), Some(""));
    connector.assert_requests_match();
}

#[tokio::test]
async fn an_error_page_ends_the_stream_after_the_pages_before_it() {
    let mut failing = page_exchange(Some("t1"), &[], None);
    failing.response.status = 400;
    failing.response.body =
        Body::Json(json!({"__type": "InvalidToken", "message": "Invalid Token: 't1'"}));
    let connector =
        ReplayConnector::from_exchanges([page_exchange(None, &["a"], Some("t1")), failing]);
    let client = replay_client(&connector);
    let mut pages = client.list_activities().into_paginator().page_size(2).send();
    assert_eq!(pages.next().await.unwrap().expect("first page").activities().len(), 1);
    let err = pages.next().await.unwrap().expect_err("second page");
    assert!(err.into_service_error().is_invalid_token());
    assert!(pages.next().await.is_none());
    connector.assert_requests_match();
}

/// The paginator with the page size of the fixture's first request, if it set one.
macro_rules! with_recorded_page_size {
    ($paginator:expr, $fixture:expr) => {
        match page_size_of($fixture) {
            Some(n) => $paginator.page_size(n),
            None => $paginator,
        }
    };
}

/// The recorded multi-page fixtures, read through the typed paginators: every page's request
/// carries the token of the page before, as recorded.
#[tokio::test]
async fn recorded_multi_page_fixtures_replay_through_the_typed_paginators() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let load =
        |op: &str| Fixture::from_path(dir.join(op).join("three_pages.json")).expect("fixture");

    let f = load("ListActivities");
    let c = ReplayConnector::new(&f);
    let pages = with_recorded_page_size!(replay_client(&c).list_activities().into_paginator(), &f);
    assert!(pages.send().try_collect().await.expect("ListActivities").len() >= 3);
    c.assert_requests_match();

    let f = load("ListStateMachines");
    let c = ReplayConnector::new(&f);
    let p = replay_client(&c).list_state_machines().into_paginator();
    let p = with_recorded_page_size!(p, &f);
    assert!(p.send().try_collect().await.expect("ListStateMachines").len() >= 3);
    c.assert_requests_match();

    let f = load("ListExecutions");
    let c = ReplayConnector::new(&f);
    let p = replay_client(&c)
        .list_executions()
        .set_state_machine_arn(string_of(&f, "stateMachineArn"))
        .into_paginator();
    let p = with_recorded_page_size!(p, &f);
    assert!(p.send().try_collect().await.expect("ListExecutions").len() >= 3);
    c.assert_requests_match();

    let f = load("GetExecutionHistory");
    let c = ReplayConnector::new(&f);
    let mut p =
        replay_client(&c).get_execution_history().set_execution_arn(string_of(&f, "executionArn"));
    if let Some(v) = first_body(&f).get("reverseOrder").and_then(|v| v.as_bool()) {
        p = p.reverse_order(v);
    }
    if let Some(v) = first_body(&f).get("includeExecutionData").and_then(|v| v.as_bool()) {
        p = p.include_execution_data(v);
    }
    let p = p.into_paginator();
    let p = with_recorded_page_size!(p, &f);
    let events = p.items().send().try_collect().await.expect("GetExecutionHistory");
    assert!(events.len() >= 3);
    c.assert_requests_match();

    let f = load("ListMapRuns");
    let c = ReplayConnector::new(&f);
    let p = replay_client(&c)
        .list_map_runs()
        .set_execution_arn(string_of(&f, "executionArn"))
        .into_paginator();
    let p = with_recorded_page_size!(p, &f);
    assert!(p.send().try_collect().await.expect("ListMapRuns").len() >= 3);
    c.assert_requests_match();
}

fn first_body(f: &Fixture) -> serde_json::Value {
    match &f.exchanges[0].request.body {
        Body::Json(v) => v.clone(),
        Body::Text(t) => panic!("{}: the first request body is not JSON: {t:?}", f.operation),
    }
}

fn page_size_of(f: &Fixture) -> Option<i32> {
    first_body(f).get("maxResults").and_then(|v| v.as_i64()).map(|n| n as i32)
}

fn string_of(f: &Fixture, key: &str) -> Option<String> {
    first_body(f).get(key).and_then(|v| v.as_str()).map(str::to_owned)
}
