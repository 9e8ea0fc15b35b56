//! End-to-end tests of the generated client against a local moto server.
//!
//! Run through `tests/moto.sh`, which starts `moto_server` and sets `MOTO_ENDPOINT` (and
//! `MOTO_SFN_EXECUTING_ENDPOINT`: a second server, whose executions run, for the waiter tests).
//! Without them every test here fails (rather than being skipped) with a message saying so.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sfn_client::error::{ProvideErrorMetadata, RequestId, SdkError};
use sfn_client::operation::create_activity::CreateActivityError;
use sfn_client::operation::describe_activity::DescribeActivityError;
use sfn_client::operation::describe_execution::DescribeExecutionError;
use sfn_client::operation::describe_state_machine::DescribeStateMachineError;
use sfn_client::operation::describe_state_machine_alias::DescribeStateMachineAliasError;
use sfn_client::operation::get_execution_history::GetExecutionHistoryError;
use sfn_client::operation::start_execution::StartExecutionError;
use sfn_client::run_execution::RunExecutionError;
use sfn_client::types::{
    ExecutionStatus, HistoryEventType, RoutingConfigurationListItem, StateMachineStatus,
    StateMachineType, Tag,
};
use sfn_client::{Client, Config};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/sfn-e2e";
const ROLE_ARN_2: &str = "arn:aws:iam::123456789012:role/sfn-e2e-2";
const DEFINITION: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
const DEFINITION_2: &str =
    r#"{"StartAt":"B","States":{"B":{"Type":"Pass","Result":1,"End":true}}}"#;
/// moto's default account.
const ACCOUNT: &str = "123456789012";

fn client() -> Client {
    client_at("MOTO_ENDPOINT")
}

/// A client of the moto server whose address is in the environment variable `var`.
fn client_at(var: &str) -> Client {
    let endpoint = std::env::var(var).unwrap_or_default();
    assert!(
        !endpoint.is_empty(),
        "{var} is not set: these tests need a moto server; run them with tests/moto.sh"
    );
    Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(sfn_client::config::Credentials::new(
                "AKID", "SECRET", None, None, "test",
            ))
            .endpoint_url(endpoint)
            .disable_host_prefix(true)
            .build(),
    )
}

/// A name no other test (or earlier run against the same server) uses.
fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!(
        "{prefix}-{}-{}-{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

fn sorted_tags(tags: &[Tag]) -> Vec<(String, String)> {
    let mut v: Vec<_> = tags
        .iter()
        .map(|t| {
            (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string())
        })
        .collect();
    v.sort();
    v
}

async fn create_state_machine(client: &Client, name: &str) -> String {
    let out = client
        .create_state_machine()
        .name(name)
        .definition(DEFINITION)
        .role_arn(ROLE_ARN)
        .send()
        .await
        .expect("CreateStateMachine");
    out.state_machine_arn().to_string()
}

/// Checks the metadata every error from moto carries.
fn assert_meta(err: &(impl ProvideErrorMetadata + RequestId), code: &str, message_part: &str) {
    assert_eq!(err.code(), Some(code));
    let message = err.message().unwrap_or_else(|| panic!("{code}: no message"));
    assert!(message.contains(message_part), "{code}: message {message:?} lacks {message_part:?}");
    let request_id = err.request_id().unwrap_or_else(|| panic!("{code}: no request id"));
    assert!(!request_id.is_empty());
    assert_eq!(err.meta().status(), Some(400), "{code}: HTTP status");
}

#[tokio::test]
async fn state_machine_lifecycle_and_tags() {
    let client = client();
    let name = unique("sm");
    let created = client
        .create_state_machine()
        .name(&name)
        .definition(DEFINITION)
        .role_arn(ROLE_ARN)
        .r#type(StateMachineType::Standard)
        .tags(tag("team", "e2e"))
        .tags(tag("env", "test"))
        .send()
        .await
        .expect("CreateStateMachine");
    let arn = created.state_machine_arn().to_string();
    assert_eq!(arn, format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{name}"));
    assert!(created.creation_date().secs() > 1_600_000_000, "{:?}", created.creation_date());
    assert_eq!(created.state_machine_version_arn(), None);

    let described = client
        .describe_state_machine()
        .state_machine_arn(&arn)
        .send()
        .await
        .expect("DescribeStateMachine");
    assert_eq!(described.state_machine_arn(), arn);
    assert_eq!(described.name(), name);
    assert_eq!(described.definition(), DEFINITION);
    assert_eq!(described.role_arn(), ROLE_ARN);
    assert_eq!(described.r#type(), &StateMachineType::Standard);
    assert_eq!(described.status(), Some(&StateMachineStatus::Active));
    assert_eq!(described.creation_date(), created.creation_date());

    let updated = client
        .update_state_machine()
        .state_machine_arn(&arn)
        .definition(DEFINITION_2)
        .role_arn(ROLE_ARN_2)
        .send()
        .await
        .expect("UpdateStateMachine");
    assert!(updated.update_date().secs() >= created.creation_date().secs());
    let described = client
        .describe_state_machine()
        .state_machine_arn(&arn)
        .send()
        .await
        .expect("DescribeStateMachine");
    assert_eq!(described.definition(), DEFINITION_2);
    assert_eq!(described.role_arn(), ROLE_ARN_2);

    let listed = client.list_state_machines().send().await.expect("ListStateMachines");
    let item = listed
        .state_machines()
        .iter()
        .find(|m| m.state_machine_arn() == arn)
        .unwrap_or_else(|| panic!("{arn} not listed"));
    assert_eq!(item.name(), name);
    assert_eq!(item.r#type(), &StateMachineType::Standard);

    let tags = client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert_eq!(
        sorted_tags(tags.tags()),
        [("env".into(), "test".into()), ("team".into(), "e2e".into())]
    );
    client
        .tag_resource()
        .resource_arn(&arn)
        .tags(tag("owner", "me"))
        .send()
        .await
        .expect("TagResource");
    client.untag_resource().resource_arn(&arn).tag_keys("env").send().await.expect("UntagResource");
    let tags = client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert_eq!(
        sorted_tags(tags.tags()),
        [("owner".into(), "me".into()), ("team".into(), "e2e".into())]
    );

    client.delete_state_machine().state_machine_arn(&arn).send().await.expect("DeleteStateMachine");
    let err =
        client.describe_state_machine().state_machine_arn(&arn).send().await.expect_err("deleted");
    let err = err.into_service_error();
    assert!(matches!(err, DescribeStateMachineError::StateMachineDoesNotExist(_)), "{err:?}");
}

#[tokio::test]
async fn versions_and_aliases() {
    let client = client();
    let name = unique("versioned");
    let created = client
        .create_state_machine()
        .name(&name)
        .definition(DEFINITION)
        .role_arn(ROLE_ARN)
        .publish(true)
        .version_description("first")
        .send()
        .await
        .expect("CreateStateMachine");
    let arn = created.state_machine_arn().to_string();
    let v1 = created.state_machine_version_arn().expect("a published version").to_string();
    assert_eq!(v1, format!("{arn}:1"));

    let updated = client
        .update_state_machine()
        .state_machine_arn(&arn)
        .definition(DEFINITION_2)
        .publish(true)
        .version_description("second")
        .send()
        .await
        .expect("UpdateStateMachine");
    let v2 = updated.state_machine_version_arn().expect("a second version").to_string();
    assert_eq!(v2, format!("{arn}:2"));

    let version = client
        .describe_state_machine()
        .state_machine_arn(&v1)
        .send()
        .await
        .expect("DescribeStateMachine v1");
    assert_eq!(version.definition(), DEFINITION);
    assert_eq!(version.description(), Some("first"));

    let alias_name = "live";
    let alias = client
        .create_state_machine_alias()
        .name(alias_name)
        .description("production traffic")
        .routing_configuration(
            RoutingConfigurationListItem::builder()
                .state_machine_version_arn(&v1)
                .weight(100)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreateStateMachineAlias");
    let alias_arn = alias.state_machine_alias_arn().to_string();
    assert_eq!(alias_arn, format!("{arn}:{alias_name}"));

    let described = client
        .describe_state_machine_alias()
        .state_machine_alias_arn(&alias_arn)
        .send()
        .await
        .expect("DescribeStateMachineAlias");
    assert_eq!(described.name(), Some(alias_name));
    assert_eq!(described.description(), Some("production traffic"));
    let routes: Vec<_> = described
        .routing_configuration()
        .iter()
        .map(|r| (r.state_machine_version_arn(), r.weight()))
        .collect();
    assert_eq!(routes, [(v1.as_str(), 100)]);

    client
        .update_state_machine_alias()
        .state_machine_alias_arn(&alias_arn)
        .description("canary")
        .routing_configuration(
            RoutingConfigurationListItem::builder()
                .state_machine_version_arn(&v1)
                .weight(80)
                .build()
                .unwrap(),
        )
        .routing_configuration(
            RoutingConfigurationListItem::builder()
                .state_machine_version_arn(&v2)
                .weight(20)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("UpdateStateMachineAlias");
    let described = client
        .describe_state_machine_alias()
        .state_machine_alias_arn(&alias_arn)
        .send()
        .await
        .expect("DescribeStateMachineAlias");
    assert_eq!(described.description(), Some("canary"));
    let mut routes: Vec<_> = described
        .routing_configuration()
        .iter()
        .map(|r| (r.state_machine_version_arn().to_string(), r.weight()))
        .collect();
    routes.sort();
    assert_eq!(routes, [(v1.clone(), 80), (v2.clone(), 20)]);

    let aliases = client
        .list_state_machine_aliases()
        .state_machine_arn(&arn)
        .send()
        .await
        .expect("ListStateMachineAliases");
    let listed: Vec<_> =
        aliases.state_machine_aliases().iter().map(|a| a.state_machine_alias_arn()).collect();
    assert_eq!(listed, [alias_arn.as_str()]);

    client
        .delete_state_machine_alias()
        .state_machine_alias_arn(&alias_arn)
        .send()
        .await
        .expect("DeleteStateMachineAlias");
    let err = client
        .describe_state_machine_alias()
        .state_machine_alias_arn(&alias_arn)
        .send()
        .await
        .expect_err("deleted alias")
        .into_service_error();
    assert!(matches!(err, DescribeStateMachineAliasError::ResourceNotFound(_)), "{err:?}");
    client.delete_state_machine().state_machine_arn(&arn).send().await.expect("DeleteStateMachine");
}

#[tokio::test]
async fn executions_and_history() {
    let client = client();
    let sm_arn = create_state_machine(&client, &unique("exec")).await;
    let input = r#"{"order":42,"items":["a","b"]}"#;
    let started = client
        .start_execution()
        .state_machine_arn(&sm_arn)
        .name("run-1")
        .input(input)
        .send()
        .await
        .expect("StartExecution");
    let exec_arn = started.execution_arn().to_string();
    let expected_exec_arn = sm_arn.replace(":stateMachine:", ":execution:") + ":run-1";
    assert_eq!(exec_arn, expected_exec_arn);

    let described = client
        .describe_execution()
        .execution_arn(&exec_arn)
        .send()
        .await
        .expect("DescribeExecution");
    assert_eq!(described.execution_arn(), exec_arn);
    assert_eq!(described.state_machine_arn(), sm_arn);
    assert_eq!(described.name(), Some("run-1"));
    assert_eq!(described.status(), &ExecutionStatus::Running);
    assert_eq!(described.input(), Some(input));
    assert_eq!(described.start_date(), started.start_date());
    assert_eq!(described.stop_date(), None);

    // The same name again is a typed error.
    let err = client
        .start_execution()
        .state_machine_arn(&sm_arn)
        .name("run-1")
        .input(r#"{"other":true}"#)
        .send()
        .await
        .expect_err("duplicate execution name")
        .into_service_error();
    assert!(matches!(err, StartExecutionError::ExecutionAlreadyExists(_)), "{err:?}");
    assert_meta(&err, "ExecutionAlreadyExists", "run-1");

    let listed =
        client.list_executions().state_machine_arn(&sm_arn).send().await.expect("ListExecutions");
    let arns: Vec<_> = listed.executions().iter().map(|e| e.execution_arn()).collect();
    assert_eq!(arns, [exec_arn.as_str()]);

    let history = client
        .get_execution_history()
        .execution_arn(&exec_arn)
        .send()
        .await
        .expect("GetExecutionHistory");
    let events = history.events();
    assert!(!events.is_empty());
    assert_eq!(events[0].r#type(), &HistoryEventType::ExecutionStarted);
    assert_eq!(events[0].id(), 1);
    let details =
        events[0].execution_started_event_details().expect("executionStartedEventDetails");
    assert_eq!(details.role_arn(), Some(ROLE_ARN));
    let ids: Vec<i64> = events.iter().map(|e| e.id()).collect();
    let expected: Vec<i64> = (1..=events.len() as i64).collect();
    assert_eq!(ids, expected, "event ids are consecutive");

    let stopped = client
        .stop_execution()
        .execution_arn(&exec_arn)
        .error("Cancelled")
        .cause("test over")
        .send()
        .await
        .expect("StopExecution");
    assert!(stopped.stop_date().secs() >= started.start_date().secs());
    let described = client
        .describe_execution()
        .execution_arn(&exec_arn)
        .send()
        .await
        .expect("DescribeExecution");
    assert_eq!(described.status(), &ExecutionStatus::Aborted);
    assert!(described.stop_date().is_some());

    let for_exec = client
        .describe_state_machine_for_execution()
        .execution_arn(&exec_arn)
        .send()
        .await
        .expect("DescribeStateMachineForExecution");
    assert_eq!(for_exec.state_machine_arn(), sm_arn);
    assert_eq!(for_exec.definition(), DEFINITION);
}

#[tokio::test]
async fn activities() {
    let client = client();
    let name = unique("activity");
    let created = client
        .create_activity()
        .name(&name)
        .tags(tag("k", "v"))
        .send()
        .await
        .expect("CreateActivity");
    let arn = created.activity_arn().to_string();
    assert_eq!(arn, format!("arn:aws:states:us-east-1:{ACCOUNT}:activity:{name}"));

    let described =
        client.describe_activity().activity_arn(&arn).send().await.expect("DescribeActivity");
    assert_eq!(described.activity_arn(), arn);
    assert_eq!(described.name(), name);
    assert_eq!(described.creation_date(), created.creation_date());

    let listed = client.list_activities().send().await.expect("ListActivities");
    let item = listed
        .activities()
        .iter()
        .find(|a| a.activity_arn() == arn)
        .unwrap_or_else(|| panic!("{arn} not listed"));
    assert_eq!(item.name(), name);

    client.delete_activity().activity_arn(&arn).send().await.expect("DeleteActivity");
    let err = client
        .describe_activity()
        .activity_arn(&arn)
        .send()
        .await
        .expect_err("deleted")
        .into_service_error();
    assert!(matches!(err, DescribeActivityError::ActivityDoesNotExist(_)), "{err:?}");
    assert_meta(&err, "ActivityDoesNotExist", &arn);
    let listed = client.list_activities().send().await.expect("ListActivities");
    assert!(listed.activities().iter().all(|a| a.activity_arn() != arn));

    // An invalid name is rejected by moto with the modeled error.
    let err = client
        .create_activity()
        .name("bad name?")
        .send()
        .await
        .expect_err("invalid name")
        .into_service_error();
    assert!(matches!(err, CreateActivityError::InvalidName(_)), "{err:?}");
}

#[tokio::test]
async fn error_paths() {
    let client = client();
    let missing = format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{}", unique("missing"));
    let err = client
        .describe_state_machine()
        .state_machine_arn(&missing)
        .send()
        .await
        .expect_err("missing");
    match &err {
        SdkError::ServiceError(e) => assert_eq!(e.raw().status(), 400),
        other => panic!("expected a service error, got {other:?}"),
    }
    let sdk_shown = err.to_string();
    assert!(
        sdk_shown.contains("StateMachineDoesNotExist"),
        "SdkError Display lacks the code: {sdk_shown}"
    );
    let err = err.into_service_error();
    assert!(matches!(err, DescribeStateMachineError::StateMachineDoesNotExist(_)), "{err:?}");
    assert_meta(&err, "StateMachineDoesNotExist", &missing);
    assert_eq!(err.to_string(), format!("StateMachineDoesNotExist: {}", err.message().unwrap()));

    let err = client
        .describe_state_machine()
        .state_machine_arn("not-an-arn")
        .send()
        .await
        .expect_err("invalid arn");
    let err = err.into_service_error();
    assert!(matches!(err, DescribeStateMachineError::InvalidArn(_)), "{err:?}");
    assert_meta(&err, "InvalidArn", "not-an-arn");

    let sm_arn = create_state_machine(&client, &unique("errors")).await;
    let missing_exec = sm_arn.replace(":stateMachine:", ":execution:") + ":never-started";
    let err = client
        .describe_execution()
        .execution_arn(&missing_exec)
        .send()
        .await
        .expect_err("missing execution");
    let err = err.into_service_error();
    assert!(matches!(err, DescribeExecutionError::ExecutionDoesNotExist(_)), "{err:?}");
    assert_meta(&err, "ExecutionDoesNotExist", &missing_exec);

    let err = client
        .get_execution_history()
        .execution_arn(&missing_exec)
        .send()
        .await
        .expect_err("missing execution")
        .into_service_error();
    assert!(matches!(err, GetExecutionHistoryError::ExecutionDoesNotExist(_)), "{err:?}");

    let err = client
        .start_execution()
        .state_machine_arn(&missing)
        .send()
        .await
        .expect_err("missing")
        .into_service_error();
    assert!(matches!(err, StartExecutionError::StateMachineDoesNotExist(_)), "{err:?}");

    // A missing required member is caught before anything is sent.
    let err = client.describe_execution().send().await.expect_err("missing member");
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(err.to_string().contains("executionArn"), "{err}");
    client
        .delete_state_machine()
        .state_machine_arn(&sm_arn)
        .send()
        .await
        .expect("DeleteStateMachine");
}

/// The `ExecutionComplete` waiter (the repository's overlay) and `send_and_wait`, on the moto
/// server that runs state machines (`MOTO_SFN_EXECUTING_ENDPOINT`; the shared server keeps its
/// executions RUNNING, which the tests above rely on): a Pass state machine's execution
/// succeeds with the state's output; a Fail state's execution is the failure with its error
/// and cause.
#[tokio::test]
async fn waiting_for_executions_that_moto_runs() {
    let client = client_at("MOTO_SFN_EXECUTING_ENDPOINT");
    let pass = r#"{"StartAt":"P","States":{"P":
        {"Type":"Pass","Result":{"done":true},"ResultPath":"$.r","End":true}}}"#;
    let sm_arn = client
        .create_state_machine()
        .name(unique("wait-pass"))
        .definition(pass)
        .role_arn(ROLE_ARN)
        .send()
        .await
        .expect("CreateStateMachine")
        .state_machine_arn()
        .to_string();
    let json = |s: &str| -> serde_json::Value {
        serde_json::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    };
    let expected = json(r#"{"n":1,"r":{"done":true}}"#);

    let done = client
        .start_execution()
        .state_machine_arn(&sm_arn)
        .name("run-1")
        .input(r#"{"n":1}"#)
        .send_and_wait(Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("send_and_wait: {e:?}"));
    assert_eq!(done.execution_arn(), sm_arn.replace(":stateMachine:", ":execution:") + ":run-1");
    assert_eq!(done.description().status(), &ExecutionStatus::Succeeded);
    assert_eq!(json(done.output().expect("an output")), expected);

    // The waiter itself, on a second execution.
    let started = client
        .start_execution()
        .state_machine_arn(&sm_arn)
        .name("run-2")
        .input(r#"{"n":1}"#)
        .send()
        .await
        .expect("StartExecution");
    let poll = client
        .wait_until_execution_complete()
        .execution_arn(started.execution_arn())
        .wait(Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("ExecutionComplete: {e:?}"));
    let out = poll.output().expect("a DescribeExecution output");
    assert_eq!(out.status(), &ExecutionStatus::Succeeded);
    assert_eq!(json(out.output().expect("an output")), expected);
    assert!(out.stop_date().is_some());

    let fail = r#"{"StartAt":"F","States":{"F":
        {"Type":"Fail","Error":"Custom.Boom","Cause":"it broke"}}}"#;
    let sm_arn = client
        .create_state_machine()
        .name(unique("wait-fail"))
        .definition(fail)
        .role_arn(ROLE_ARN)
        .send()
        .await
        .expect("CreateStateMachine")
        .state_machine_arn()
        .to_string();
    let err = client
        .start_execution()
        .state_machine_arn(&sm_arn)
        .name("run-1")
        .send_and_wait(Duration::from_secs(60))
        .await
        .expect_err("a Fail state");
    let RunExecutionError::Failed(f) = &err else { panic!("expected Failed, got {err:?}") };
    assert_eq!(f.status(), &ExecutionStatus::Failed);
    assert_eq!((f.error(), f.cause()), (Some("Custom.Boom"), Some("it broke")));

    let arn = f.execution_arn().to_string();
    let waited = client.wait_until_execution_complete().execution_arn(&arn);
    let err = waited.wait(Duration::from_secs(60)).await.expect_err("the failure state");
    let poll = err.failure_state().unwrap_or_else(|| panic!("expected the failure state: {err:?}"));
    let out = poll.output().expect("a DescribeExecution output");
    assert_eq!(out.status(), &ExecutionStatus::Failed);
}
