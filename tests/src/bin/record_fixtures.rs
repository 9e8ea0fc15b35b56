//! Records the fixtures under `tests/fixtures/<Operation>/<case>.json` from a moto server.
//!
//! Run it with `tests/record-fixtures.sh` (which starts moto and sets `MOTO_ENDPOINT`). It runs
//! one scenario against a fresh server: every call that is a test case is recorded through a
//! [`RecordingConnector`] and written with what the client decoded from the answer; setup calls
//! are made through the same client and their exchanges discarded. A case whose answer is not
//! the planned one (an output, or a given error shape) stops the run with an error, so a moto
//! upgrade that changes behaviour is noticed rather than recorded.
//!
//! It only writes, and removes when the scenario no longer has them, files whose `source` starts
//! with `recorded from moto`: hand-written fixtures are never touched.
#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use awsjson_runtime::http::HyperConnector;
use serde_json::{json, Value};
use sfn_client::config::{Credentials, RetryConfig};
use sfn_client::test_util::{CallJsonError, Expected, Fixture, RecordingConnector};
use sfn_client::{Client, Config};

const SOURCE: &str = "recorded from moto 5.2.5";
const RECORDED_PREFIX: &str = "recorded from moto";

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/sfn-fixtures";
const DEFINITION: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
const DEFINITION_2: &str =
    r#"{"StartAt":"B","States":{"B":{"Type":"Pass","Result":1,"End":true}}}"#;
/// ARNs of this region and moto's default account.
const ARN: &str = "arn:aws:states:us-east-1:123456789012";

/// What a case must answer.
enum Want {
    Output,
    /// A modeled error of the operation.
    Error(&'static str),
    /// An error code the model does not list for the operation (decoded as unmodeled).
    Unmodeled(&'static str),
}

struct Recorder {
    client: Client,
    recording: RecordingConnector,
    dir: PathBuf,
    written: BTreeSet<PathBuf>,
}

type Res<T> = Result<T, String>;

impl Recorder {
    /// A call that prepares a case; its exchanges are not written.
    async fn setup(&self, op: &str, input: Value) -> Res<Value> {
        self.recording.take();
        let result = self.client.call_json(op, input).await;
        self.recording.take();
        result.map_err(|e| format!("setup call {op} failed: {e}"))
    }

    /// Records one case: one call, one exchange, written to `<op>/<case>.json`. Returns the
    /// decoded output (`null` for an error).
    async fn case(
        &mut self,
        op: &str,
        case: &str,
        description: &str,
        want: Want,
        input: Value,
    ) -> Res<Value> {
        self.recording.take();
        let result = self.client.call_json(op, input).await;
        let expected = match (&want, &result) {
            (Want::Output, Ok(out)) => Expected::Output(out.clone()),
            (Want::Error(shape), Err(CallJsonError::Service { shape: Some(got), meta, .. }))
                if got == shape =>
            {
                Expected::Error {
                    shape: Some(got.to_string()),
                    message: meta.message().map(str::to_owned),
                }
            }
            (Want::Unmodeled(code), Err(CallJsonError::Service { shape: None, meta, .. }))
                if meta.code() == Some(*code) =>
            {
                Expected::Error { shape: None, message: meta.message().map(str::to_owned) }
            }
            (_, Ok(out)) => {
                return Err(format!("{op}/{case}: expected an error, got output {out}"))
            }
            (_, Err(e)) => return Err(format!("{op}/{case}: not the planned answer: {e}")),
        };
        let mut exchanges = self.recording.take();
        if exchanges.len() != 1 {
            return Err(format!("{op}/{case}: {} exchanges recorded, expected 1", exchanges.len()));
        }
        exchanges[0].expected = Some(expected);
        self.write(op, case, description, exchanges)?;
        Ok(result.unwrap_or(Value::Null))
    }

    /// Records every page of a paginated call (following `nextToken`) into one fixture, which
    /// must have three pages or more.
    async fn pages(
        &mut self,
        op: &str,
        case: &str,
        description: &str,
        mut input: Value,
    ) -> Res<()> {
        self.recording.take();
        let mut exchanges = Vec::new();
        loop {
            let out = self
                .client
                .call_json(op, input.clone())
                .await
                .map_err(|e| format!("{op}/{case}: {e}"))?;
            let mut recorded = self.recording.take();
            if recorded.len() != 1 {
                return Err(format!(
                    "{op}/{case}: {} exchanges recorded for one page",
                    recorded.len()
                ));
            }
            recorded[0].expected = Some(Expected::Output(out.clone()));
            exchanges.append(&mut recorded);
            match out.get("nextToken").and_then(Value::as_str) {
                Some(token) => input["nextToken"] = token.into(),
                None => break,
            }
            if exchanges.len() > 20 {
                return Err(format!(
                    "{op}/{case}: more than 20 pages; the token does not advance?"
                ));
            }
        }
        if exchanges.len() < 3 {
            return Err(format!(
                "{op}/{case}: only {} page(s); create more resources",
                exchanges.len()
            ));
        }
        self.write(op, case, description, exchanges)
    }

    fn write(
        &mut self,
        op: &str,
        case: &str,
        description: &str,
        exchanges: Vec<sfn_client::test_util::Exchange>,
    ) -> Res<()> {
        let path = self.dir.join(op).join(format!("{case}.json"));
        if !self.written.insert(path.clone()) {
            return Err(format!("{op}/{case}: recorded twice"));
        }
        if path.exists() {
            let existing = Fixture::from_path(&path).map_err(|e| e.to_string())?;
            if !existing.source.starts_with(RECORDED_PREFIX) {
                return Err(format!(
                    "{}: a hand-written fixture has this name; rename the case",
                    path.display()
                ));
            }
        }
        let fixture = Fixture {
            operation: op.to_owned(),
            source: SOURCE.to_owned(),
            description: Some(description.to_owned()),
            exchanges,
        };
        fixture.write(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Removes recorded fixtures this run did not write (cases that left the scenario).
    fn remove_stale(&self) -> Res<Vec<PathBuf>> {
        let mut removed = Vec::new();
        for op_dir in read_dir(&self.dir)? {
            if !op_dir.is_dir() {
                continue;
            }
            for path in read_dir(&op_dir)? {
                if path.extension().is_none_or(|e| e != "json") || self.written.contains(&path) {
                    continue;
                }
                let fixture = Fixture::from_path(&path).map_err(|e| e.to_string())?;
                if fixture.source.starts_with(RECORDED_PREFIX) {
                    std::fs::remove_file(&path)
                        .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                    removed.push(path);
                }
            }
        }
        Ok(removed)
    }
}

fn read_dir(dir: &Path) -> Res<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    paths.sort();
    Ok(paths)
}

fn str_of(v: &Value, key: &str) -> Res<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("no `{key}` in {v}"))
}

async fn scenario(r: &mut Recorder) -> Res<()> {
    activities(r).await?;
    let machines = state_machines(r).await?;
    executions(r, &machines).await?;
    tasks_and_map_runs(r).await?;
    cleanup(r, &machines).await
}

async fn activities(r: &mut Recorder) -> Res<()> {
    let out = r
        .case(
            "CreateActivity",
            "basic",
            "Creates an activity with a tag; the answer has its ARN and creation date.",
            Want::Output,
            json!({"name": "fixture-worker", "tags": [{"key": "team", "value": "fixtures"}]}),
        )
        .await?;
    let activity = str_of(&out, "activityArn")?;
    r.case(
        "CreateActivity",
        "activity_already_exists",
        "Creating an activity whose name is taken (moto refuses it even with the same tags).",
        Want::Error("ActivityAlreadyExists"),
        json!({"name": "fixture-worker"}),
    )
    .await?;
    r.case(
        "CreateActivity",
        "invalid_name",
        "An activity name with a space is refused.",
        Want::Error("InvalidName"),
        json!({"name": "bad name"}),
    )
    .await?;
    r.case(
        "CreateActivity",
        "invalid_encryption_configuration",
        "A customer-managed KMS key encryption without the key id is refused.",
        Want::Error("InvalidEncryptionConfiguration"),
        json!({"name": "fixture-kms", "encryptionConfiguration": {"type": "CUSTOMER_MANAGED_KMS_KEY"}}),
    )
    .await?;
    for n in 2..=5 {
        r.setup("CreateActivity", json!({"name": format!("fixture-worker-{n}")})).await?;
    }
    r.case(
        "DescribeActivity",
        "basic",
        "Describes an existing activity.",
        Want::Output,
        json!({"activityArn": activity}),
    )
    .await?;
    r.case(
        "DescribeActivity",
        "activity_does_not_exist",
        "Describes an activity ARN that names no activity.",
        Want::Error("ActivityDoesNotExist"),
        json!({"activityArn": format!("{ARN}:activity:nope")}),
    )
    .await?;
    r.case(
        "DescribeActivity",
        "invalid_arn",
        "Describes something that is not an activity ARN.",
        Want::Error("InvalidArn"),
        json!({"activityArn": "not-an-arn"}),
    )
    .await?;
    r.pages(
        "ListActivities",
        "three_pages",
        "Lists five activities two at a time, following nextToken: three pages, the last without a token.",
        json!({"maxResults": 2}),
    )
    .await?;
    r.case(
        "ListActivities",
        "invalid_token",
        "A nextToken the server did not give is refused.",
        Want::Error("InvalidToken"),
        json!({"maxResults": 2, "nextToken": "not-a-token"}),
    )
    .await?;
    r.case(
        "DeleteActivity",
        "basic",
        "Deletes an activity; the answer is an empty object.",
        Want::Output,
        json!({"activityArn": format!("{ARN}:activity:fixture-worker-5")}),
    )
    .await?;
    r.case(
        "DeleteActivity",
        "invalid_arn",
        "Deleting something that is not an activity ARN.",
        Want::Error("InvalidArn"),
        json!({"activityArn": "not-an-arn"}),
    )
    .await?;
    Ok(())
}

struct Machines {
    standard: String,
    extra: String,
}

async fn state_machines(r: &mut Recorder) -> Res<Machines> {
    let out = r
        .case(
            "CreateStateMachine",
            "basic",
            "Creates a STANDARD state machine with a tag.",
            Want::Output,
            json!({"name": "fixture-standard", "definition": DEFINITION, "roleArn": ROLE_ARN, "type": "STANDARD",
                   "tags": [{"key": "team", "value": "fixtures"}]}),
        )
        .await?;
    let standard = str_of(&out, "stateMachineArn")?;
    r.case(
        "CreateStateMachine",
        "express",
        "Creates an EXPRESS state machine with a logging configuration.",
        Want::Output,
        json!({"name": "fixture-express", "definition": DEFINITION, "roleArn": ROLE_ARN, "type": "EXPRESS",
               "loggingConfiguration": {"level": "OFF", "includeExecutionData": false}}),
    )
    .await?;
    let out = r
        .case(
            "CreateStateMachine",
            "publish_version",
            "Creates a state machine and publishes version 1 of it: the answer has the version ARN too.",
            Want::Output,
            json!({"name": "fixture-versioned", "definition": DEFINITION, "roleArn": ROLE_ARN,
                   "publish": true, "versionDescription": "first"}),
        )
        .await?;
    let versioned = str_of(&out, "stateMachineArn")?;
    let version_1 = str_of(&out, "stateMachineVersionArn")?;
    r.case(
        "CreateStateMachine",
        "invalid_name",
        "A state machine name with a brace is refused.",
        Want::Error("InvalidName"),
        json!({"name": "bad{name}", "definition": DEFINITION, "roleArn": ROLE_ARN}),
    )
    .await?;
    r.case(
        "CreateStateMachine",
        "invalid_arn",
        "A role that is not an IAM role ARN is refused.",
        Want::Error("InvalidArn"),
        json!({"name": "fixture-bad-role", "definition": DEFINITION, "roleArn": "not-a-role"}),
    )
    .await?;
    r.case(
        "CreateStateMachine",
        "validation_exception",
        "A version description without publish is refused.",
        Want::Error("ValidationException"),
        json!({"name": "fixture-no-publish", "definition": DEFINITION, "roleArn": ROLE_ARN, "versionDescription": "x"}),
    )
    .await?;
    let mut extra = String::new();
    for n in 1..=2 {
        let out = r
            .setup(
                "CreateStateMachine",
                json!({"name": format!("fixture-extra-{n}"), "definition": DEFINITION, "roleArn": ROLE_ARN}),
            )
            .await?;
        extra = str_of(&out, "stateMachineArn")?;
    }

    r.case(
        "DescribeStateMachine",
        "basic",
        "Describes a STANDARD state machine: definition, role, type, status, dates.",
        Want::Output,
        json!({"stateMachineArn": standard}),
    )
    .await?;
    r.case(
        "DescribeStateMachine",
        "version",
        "Describes version 1 of a state machine by its version ARN.",
        Want::Output,
        json!({"stateMachineArn": version_1}),
    )
    .await?;
    r.case(
        "DescribeStateMachine",
        "state_machine_does_not_exist",
        "Describes a state machine ARN that names none.",
        Want::Error("StateMachineDoesNotExist"),
        json!({"stateMachineArn": format!("{ARN}:stateMachine:nope")}),
    )
    .await?;
    r.case(
        "DescribeStateMachine",
        "invalid_arn",
        "Describes something that is not a state machine ARN.",
        Want::Error("InvalidArn"),
        json!({"stateMachineArn": "not-an-arn"}),
    )
    .await?;

    r.case(
        "UpdateStateMachine",
        "basic",
        "Replaces the definition of a state machine; the answer has the update date.",
        Want::Output,
        json!({"stateMachineArn": standard, "definition": DEFINITION_2}),
    )
    .await?;
    let out = r
        .case(
            "UpdateStateMachine",
            "publish_version",
            "Updates a state machine and publishes version 2: the answer has the version ARN.",
            Want::Output,
            json!({"stateMachineArn": versioned, "definition": DEFINITION_2, "publish": true, "versionDescription": "second"}),
        )
        .await?;
    let version_2 = str_of(&out, "stateMachineVersionArn")?;
    r.case(
        "UpdateStateMachine",
        "state_machine_does_not_exist",
        "Updates a state machine that does not exist.",
        Want::Error("StateMachineDoesNotExist"),
        json!({"stateMachineArn": format!("{ARN}:stateMachine:nope"), "definition": DEFINITION}),
    )
    .await?;
    r.case(
        "UpdateStateMachine",
        "validation_exception",
        "A version description without publish is refused.",
        Want::Error("ValidationException"),
        json!({"stateMachineArn": standard, "versionDescription": "x"}),
    )
    .await?;

    let out = r
        .case(
            "CreateStateMachineAlias",
            "basic",
            "Creates an alias routing half the executions to each of two versions.",
            Want::Output,
            json!({"name": "live", "description": "canary",
                   "routingConfiguration": [{"stateMachineVersionArn": version_1, "weight": 50},
                                            {"stateMachineVersionArn": version_2, "weight": 50}]}),
        )
        .await?;
    let alias = str_of(&out, "stateMachineAliasArn")?;
    r.case(
        "CreateStateMachineAlias",
        "validation_exception",
        "Routing weights that do not add up to 100 are refused.",
        Want::Error("ValidationException"),
        json!({"name": "broken",
               "routingConfiguration": [{"stateMachineVersionArn": version_1, "weight": 60},
                                        {"stateMachineVersionArn": version_2, "weight": 60}]}),
    )
    .await?;
    r.case(
        "CreateStateMachineAlias",
        "unmodeled_error",
        "moto answers a missing version with StateMachineDoesNotExist, which the model does not list \
         for this operation: the client reports an unmodeled error with its code and message.",
        Want::Unmodeled("StateMachineDoesNotExist"),
        json!({"name": "orphan", "routingConfiguration": [{"stateMachineVersionArn": format!("{versioned}:99"), "weight": 100}]}),
    )
    .await?;
    r.case(
        "DescribeStateMachineAlias",
        "basic",
        "Describes an alias: name, description, routing configuration, dates.",
        Want::Output,
        json!({"stateMachineAliasArn": alias}),
    )
    .await?;
    r.case(
        "DescribeStateMachineAlias",
        "resource_not_found",
        "Describes an alias that does not exist on an existing state machine.",
        Want::Error("ResourceNotFound"),
        json!({"stateMachineAliasArn": format!("{versioned}:nope")}),
    )
    .await?;
    r.case(
        "UpdateStateMachineAlias",
        "basic",
        "Routes all executions of an alias to version 2 and changes its description.",
        Want::Output,
        json!({"stateMachineAliasArn": alias, "description": "all on v2",
               "routingConfiguration": [{"stateMachineVersionArn": version_2, "weight": 100}]}),
    )
    .await?;
    r.case(
        "UpdateStateMachineAlias",
        "validation_exception",
        "An update with neither description nor routing configuration is refused.",
        Want::Error("ValidationException"),
        json!({"stateMachineAliasArn": alias}),
    )
    .await?;
    r.case(
        "UpdateStateMachineAlias",
        "resource_not_found",
        "Updates an alias that does not exist.",
        Want::Error("ResourceNotFound"),
        json!({"stateMachineAliasArn": format!("{versioned}:nope"), "description": "x"}),
    )
    .await?;
    r.case(
        "ListStateMachineAliases",
        "state_machine_does_not_exist",
        "Lists the aliases of a state machine that does not exist.",
        Want::Error("StateMachineDoesNotExist"),
        json!({"stateMachineArn": format!("{ARN}:stateMachine:nope")}),
    )
    .await?;
    r.case(
        "ListStateMachineAliases",
        "no_aliases",
        "Lists the aliases of a state machine that has none: an empty list.",
        Want::Output,
        json!({"stateMachineArn": standard}),
    )
    .await?;
    r.case(
        "DeleteStateMachineAlias",
        "basic",
        "Deletes an alias; the answer is an empty object.",
        Want::Output,
        json!({"stateMachineAliasArn": alias}),
    )
    .await?;
    r.case(
        "DeleteStateMachineAlias",
        "resource_not_found",
        "Deletes an alias that no longer exists.",
        Want::Error("ResourceNotFound"),
        json!({"stateMachineAliasArn": alias}),
    )
    .await?;
    r.pages(
        "ListStateMachines",
        "three_pages",
        "Lists five state machines two at a time, following nextToken: three pages.",
        json!({"maxResults": 2}),
    )
    .await?;

    r.case(
        "ListStateMachines",
        "invalid_token",
        "A nextToken the server did not give is refused.",
        Want::Error("InvalidToken"),
        json!({"nextToken": "not-a-token"}),
    )
    .await?;
    r.case(
        "TagResource",
        "basic",
        "Adds two tags to a state machine.",
        Want::Output,
        json!({"resourceArn": standard, "tags": [{"key": "env", "value": "test"}, {"key": "owner", "value": "fixtures"}]}),
    )
    .await?;
    r.case(
        "ListTagsForResource",
        "basic",
        "Lists the tags of a state machine: the one it was created with and two added.",
        Want::Output,
        json!({"resourceArn": standard}),
    )
    .await?;
    r.case(
        "UntagResource",
        "basic",
        "Removes a tag from a state machine by key.",
        Want::Output,
        json!({"resourceArn": standard, "tagKeys": ["owner"]}),
    )
    .await?;
    Ok(Machines { standard, extra })
}

async fn executions(r: &mut Recorder, m: &Machines) -> Res<()> {
    let sm = &m.standard;
    let out = r
        .case(
            "StartExecution",
            "basic",
            "Starts a named execution with an input.",
            Want::Output,
            json!({"stateMachineArn": sm, "name": "run-1", "input": r#"{"who":"world"}"#}),
        )
        .await?;
    let run_1 = str_of(&out, "executionArn")?;
    r.case(
        "StartExecution",
        "execution_already_exists",
        "Starting an execution whose name is taken, with another input.",
        Want::Error("ExecutionAlreadyExists"),
        json!({"stateMachineArn": sm, "name": "run-1", "input": r#"{"who":"else"}"#}),
    )
    .await?;
    r.case(
        "StartExecution",
        "state_machine_does_not_exist",
        "Starts an execution of a state machine that does not exist.",
        Want::Error("StateMachineDoesNotExist"),
        json!({"stateMachineArn": format!("{ARN}:stateMachine:nope")}),
    )
    .await?;
    r.case(
        "StartExecution",
        "invalid_name",
        "An execution name with a space is refused.",
        Want::Error("InvalidName"),
        json!({"stateMachineArn": sm, "name": "bad name"}),
    )
    .await?;
    r.case(
        "StartExecution",
        "invalid_arn",
        "Starts an execution of something that is not a state machine ARN.",
        Want::Error("InvalidArn"),
        json!({"stateMachineArn": "not-an-arn"}),
    )
    .await?;
    r.case(
        "StartExecution",
        "invalid_execution_input",
        "An input that is not JSON is refused.",
        Want::Error("InvalidExecutionInput"),
        json!({"stateMachineArn": sm, "name": "run-bad-input", "input": "{not json"}),
    )
    .await?;
    let mut run_2 = String::new();
    for n in 2..=5 {
        let out = r
            .setup("StartExecution", json!({"stateMachineArn": sm, "name": format!("run-{n}")}))
            .await?;
        if n == 2 {
            run_2 = str_of(&out, "executionArn")?;
        }
    }
    let missing_execution = format!("{ARN}:execution:fixture-standard:nope");

    r.case(
        "DescribeExecution",
        "basic",
        "Describes a running execution: its input, state machine, status and start date.",
        Want::Output,
        json!({"executionArn": run_1}),
    )
    .await?;
    r.case(
        "DescribeExecution",
        "execution_does_not_exist",
        "Describes an execution that does not exist.",
        Want::Error("ExecutionDoesNotExist"),
        json!({"executionArn": missing_execution}),
    )
    .await?;
    r.case(
        "DescribeExecution",
        "invalid_arn",
        "Describes something that is not an execution ARN.",
        Want::Error("InvalidArn"),
        json!({"executionArn": "not-an-arn"}),
    )
    .await?;
    r.case(
        "DescribeStateMachineForExecution",
        "basic",
        "Describes the state machine an execution runs.",
        Want::Output,
        json!({"executionArn": run_1}),
    )
    .await?;
    r.case(
        "DescribeStateMachineForExecution",
        "unmodeled_error",
        "moto answers an unknown execution with ResourceNotFound, which the model does not list for \
         this operation: the client reports an unmodeled error with its message.",
        Want::Unmodeled("ResourceNotFound"),
        json!({"executionArn": missing_execution}),
    )
    .await?;
    r.case(
        "StopExecution",
        "basic",
        "Stops a running execution with an error and cause; the answer has the stop date.",
        Want::Output,
        json!({"executionArn": run_2, "error": "Cancelled", "cause": "fixture"}),
    )
    .await?;
    r.case(
        "StopExecution",
        "execution_does_not_exist",
        "Stops an execution that does not exist.",
        Want::Error("ExecutionDoesNotExist"),
        json!({"executionArn": missing_execution}),
    )
    .await?;
    r.pages(
        "ListExecutions",
        "three_pages",
        "Lists five executions of a state machine two at a time, following nextToken: three pages.",
        json!({"stateMachineArn": sm, "maxResults": 2}),
    )
    .await?;
    r.case(
        "ListExecutions",
        "status_filter",
        "Lists the ABORTED executions only: the stopped one, with its stop date.",
        Want::Output,
        json!({"stateMachineArn": sm, "statusFilter": "ABORTED"}),
    )
    .await?;
    r.case(
        "ListExecutions",
        "invalid_token",
        "A nextToken the server did not give is refused.",
        Want::Error("InvalidToken"),
        json!({"stateMachineArn": sm, "nextToken": "not-a-token"}),
    )
    .await?;
    r.case(
        "ListExecutions",
        "state_machine_does_not_exist",
        "Lists the executions of a state machine that does not exist.",
        Want::Error("StateMachineDoesNotExist"),
        json!({"stateMachineArn": format!("{ARN}:stateMachine:nope")}),
    )
    .await?;
    r.case(
        "GetExecutionHistory",
        "basic",
        "The history of an execution: moto answers a fixed history of four events.",
        Want::Output,
        json!({"executionArn": run_1}),
    )
    .await?;
    r.case(
        "GetExecutionHistory",
        "execution_does_not_exist",
        "The history of an execution that does not exist.",
        Want::Error("ExecutionDoesNotExist"),
        json!({"executionArn": missing_execution}),
    )
    .await?;
    Ok(())
}

async fn tasks_and_map_runs(r: &mut Recorder) -> Res<()> {
    let token = "AAAAKgAAAAIAAAAAAAAAAfixture-task-token";
    r.case(
        "SendTaskSuccess",
        "basic",
        "Reports a task's success with its output (moto accepts any token); the answer is empty.",
        Want::Output,
        json!({"taskToken": token, "output": r#"{"done":true}"#}),
    )
    .await?;
    r.case(
        "SendTaskFailure",
        "basic",
        "Reports a task's failure with an error and cause (moto accepts any token).",
        Want::Output,
        json!({"taskToken": token, "error": "Oops", "cause": "the worker failed"}),
    )
    .await?;
    r.case(
        "SendTaskHeartbeat",
        "basic",
        "Sends a heartbeat for a task (moto accepts any token).",
        Want::Output,
        json!({"taskToken": token}),
    )
    .await?;
    r.case(
        "UpdateMapRun",
        "basic",
        "Changes the concurrency and failure tolerance of a Map Run (moto accepts any Map Run ARN).",
        Want::Output,
        json!({"mapRunArn": format!("{ARN}:mapRun:fixture-standard/run-1:4d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09"),
               "maxConcurrency": 10, "toleratedFailureCount": 2, "toleratedFailurePercentage": 5.5}),
    )
    .await?;
    Ok(())
}

async fn cleanup(r: &mut Recorder, m: &Machines) -> Res<()> {
    r.case(
        "DeleteStateMachine",
        "basic",
        "Deletes a state machine; the answer is an empty object.",
        Want::Output,
        json!({"stateMachineArn": m.extra}),
    )
    .await?;
    r.case(
        "DeleteStateMachine",
        "invalid_arn",
        "Deleting something that is not a state machine ARN.",
        Want::Error("InvalidArn"),
        json!({"stateMachineArn": "not-an-arn"}),
    )
    .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let endpoint = std::env::var("MOTO_ENDPOINT").unwrap_or_default();
    if endpoint.is_empty() {
        eprintln!("MOTO_ENDPOINT is not set: run this through tests/record-fixtures.sh");
        return ExitCode::FAILURE;
    }
    // The fixtures keep the host the replaying client sends (the us-east-1 endpoint), not moto's
    // loopback address and port, which change with every run (tests/fixtures/README.md).
    let recording = RecordingConnector::new(HyperConnector::new(None))
        .record_host_as("states.us-east-1.amazonaws.com");
    let client = Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new(
                "AKIDEXAMPLE",
                "SECRET",
                None,
                None,
                "record-fixtures",
            ))
            .endpoint_url(endpoint)
            .disable_host_prefix(true)
            // One attempt: an error answer is recorded as it is, never retried.
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .http_connector(recording.clone())
            .build(),
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut recorder = Recorder { client, recording, dir, written: BTreeSet::new() };
    if let Err(e) = scenario(&mut recorder).await {
        eprintln!("record-fixtures: {e}");
        return ExitCode::FAILURE;
    }
    match recorder.remove_stale() {
        Ok(removed) => {
            for path in &removed {
                println!("removed stale {}", path.display());
            }
            println!(
                "recorded {} fixtures into {}",
                recorder.written.len(),
                recorder.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("record-fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}
