#!/usr/bin/env python3
"""Writes the hand-written fixtures under tests/fixtures: the cases moto 5.2.5 cannot produce.

Each response is what the service sends per the awsJson1_0 protocol and the model: status 400
(or the error's @httpError) with `content-type: application/x-amz-json-1.0` and the error name in
one of the forms the protocol allows (`__type` bare, namespaced, with a `:http://...` suffix, the
`code` member, or the `x-amzn-errortype` header), or a 200 with a body of the operation's output
shape. Requests are what the client sends for the input; `tests/tests/fixtures.rs` checks both.

The files are what is checked in; this script keeps them consistent. It never overwrites a file
recorded from moto (`tests/record-fixtures.sh` owns those). Run: python3 tests/write-handwritten-fixtures.py
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
JSON_TYPE = "application/x-amz-json-1.0"
NS = "com.amazonaws.sfn#"
SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.sfn/"

ACCOUNT = "123456789012"
ARN = f"arn:aws:states:us-east-1:{ACCOUNT}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/StepFunctions-orders-role"
SM = f"{ARN}:stateMachine:orders"
EXPRESS = f"{ARN}:stateMachine:orders-express"
EXECUTION = f"{ARN}:execution:orders:order-1042"
ACTIVITY = f"{ARN}:activity:approve-order"
MAP_RUN = f"{ARN}:mapRun:orders/order-1042:3b8fba2a-6d2e-3c5e-9a1b-0c6f4e8d2a71"
DEFINITION = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}'
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAfVZ9yYQhZ8p0eH3u6l0b9f0qg0X4p3mJm1rM0e2mN8x"


def source(reason):
    return f"written from the awsJson1_0 protocol and the model (moto 5.2.5 cannot produce it: {reason})"


# The host the replaying client sends to (tests/fixtures/README.md): the us-east-1 endpoint,
# after the operation's host prefix.
HOST_PREFIXES = {"StartSyncExecution": "sync-", "TestState": "sync-"}


def request(op, body):
    host = HOST_PREFIXES.get(op, "") + "states.us-east-1.amazonaws.com"
    return {
        "method": "POST",
        "path": "/",
        "headers": {"content-type": JSON_TYPE, "host": host, "x-amz-target": f"AWSStepFunctions.{op}"},
        "body": body,
    }


def ok(op, body, output):
    return {
        "request": request(op, body),
        "response": {"status": 200, "headers": {"content-type": JSON_TYPE}, "body": output},
        "expected": {"output": output},
    }


def error(op, body, name, message, form="namespaced", status=400, members=None):
    """An error answer; `form` is how the error name travels."""
    headers = {"content-type": JSON_TYPE}
    out = {"message": message}
    if form == "bare":
        out["__type"] = name
    elif form == "namespaced":
        out["__type"] = NS + name
    elif form == "suffixed":
        out["__type"] = NS + name + SUFFIX
    elif form == "header":
        headers["x-amzn-errortype"] = name + SUFFIX
    elif form == "code":
        out["code"] = name
    elif form == "capital_message":
        out = {"__type": NS + name, "Message": message}
    else:
        raise ValueError(form)
    out.update(members or {})
    return {
        "request": request(op, body),
        "response": {"status": status, "headers": headers, "body": out},
        "expected": {"error": {"shape": name, "message": message}},
    }


FIXTURES_BY_PATH = {}


def fixture(op, case, description, reason, *exchanges):
    path = f"{op}/{case}.json"
    assert path not in FIXTURES_BY_PATH, path
    FIXTURES_BY_PATH[path] = {
        "operation": op,
        "description": description,
        "source": source(reason),
        "exchanges": list(exchanges),
    }


def not_implemented(op):
    return f"it does not implement {op} and answers 500"


def never(name):
    return f"it never answers {name}"


# --- Operations moto does not implement -------------------------------------------------------

op = "PublishStateMachineVersion"
fixture(op, "basic", "Publishes the current revision of a state machine as a version with a description.",
        not_implemented(op),
        ok(op, {"stateMachineArn": SM, "revisionId": "1c8e6a31-4b0f-4d4b-9a50-8b8b1b2f6c1e", "description": "v3"},
           {"creationDate": 1731412800.25, "stateMachineVersionArn": f"{SM}:3"}))
fixture(op, "service_quota_exceeded",
        "Publishing beyond the version quota: HTTP 402 (the error's @httpError).", not_implemented(op),
        error(op, {"stateMachineArn": SM}, "ServiceQuotaExceededException",
              "The maximum number of state machine versions (1000) has been reached for 'orders'.", status=402))

op = "ListStateMachineVersions"
fixture(op, "basic", "Lists the versions of a state machine, newest first.", not_implemented(op),
        ok(op, {"stateMachineArn": SM},
           {"stateMachineVersions": [
               {"stateMachineVersionArn": f"{SM}:2", "creationDate": 1731412800.5},
               {"stateMachineVersionArn": f"{SM}:1", "creationDate": 1731326400},
           ]}))

op = "DeleteStateMachineVersion"
fixture(op, "basic", "Deletes a version; the answer is an empty object.", not_implemented(op),
        ok(op, {"stateMachineVersionArn": f"{SM}:1"}, {}))
fixture(op, "conflict_exception",
        "Deleting a version an alias routes to: HTTP 409, the error name in the x-amzn-errortype header "
        "with its `:http://...` suffix and not in the body.", not_implemented(op),
        error(op, {"stateMachineVersionArn": f"{SM}:2"}, "ConflictException",
              f"Version '{SM}:2' is referenced by alias 'live' and cannot be deleted.", form="header", status=409))

op = "ValidateStateMachineDefinition"
fixture(op, "basic", "Validates a correct definition: result OK, no diagnostics.", not_implemented(op),
        ok(op, {"definition": DEFINITION, "type": "STANDARD"}, {"result": "OK", "diagnostics": [], "truncated": False}))
fixture(op, "with_diagnostics", "Validates a definition with a missing state: result FAIL with one diagnostic.",
        not_implemented(op),
        ok(op, {"definition": '{"StartAt":"Missing","States":{"A":{"Type":"Pass","End":true}}}', "severity": "ERROR",
                "maxResults": 10},
           {"result": "FAIL", "truncated": False, "diagnostics": [
               {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
                "message": "Missing 'Next' target: Missing", "location": "/StartAt"},
           ]}))

op = "GetActivityTask"
fixture(op, "basic", "A worker polls an activity and receives a task: its token and input.", not_implemented(op),
        ok(op, {"activityArn": ACTIVITY, "workerName": "worker-1"},
           {"taskToken": TOKEN, "input": '{"orderId":"1042","amount":99.5}'}))
fixture(op, "activity_worker_limit_exceeded", "Too many workers poll the activity at once.", not_implemented(op),
        error(op, {"activityArn": ACTIVITY}, "ActivityWorkerLimitExceeded",
              "The maximum number of workers concurrently polling for activity tasks has been reached.",
              form="bare"))

op = "RedriveExecution"
fixture(op, "basic", "Redrives a failed execution with an explicit client token.", not_implemented(op),
        ok(op, {"executionArn": EXECUTION, "clientToken": "5b1e2c5e-8f3a-4c1e-9d7a-2f6e1b0c9a84"},
           {"redriveDate": 1731416400.125}))
fixture(op, "execution_not_redrivable", "Redriving an execution that succeeded.", not_implemented(op),
        error(op, {"executionArn": EXECUTION, "clientToken": "0c9f8e7d-6b5a-4c3d-8e2f-1a0b9c8d7e6f"},
              "ExecutionNotRedrivable", f"Execution '{EXECUTION}' cannot be redriven: its status is SUCCEEDED.",
              form="suffixed"))

op = "StartSyncExecution"
fixture(op, "basic", "Runs an EXPRESS state machine synchronously: status, output and billing details.",
        not_implemented(op),
        ok(op, {"stateMachineArn": EXPRESS, "name": "sync-1", "input": '{"orderId":"1042"}', "includedData": "ALL_DATA"},
           {"executionArn": f"{ARN}:express:orders-express:sync-1:9f2c1d0e-8b7a-4e6d-a5c4-b3a2f1e0d9c8",
            "stateMachineArn": EXPRESS, "name": "sync-1", "startDate": 1731420000.1, "stopDate": 1731420000.35,
            "status": "SUCCEEDED", "input": '{"orderId":"1042"}', "inputDetails": {"included": True},
            "output": '{"orderId":"1042","ok":true}', "outputDetails": {"included": True},
            "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 300}}))
fixture(op, "state_machine_type_not_supported", "StartSyncExecution of a STANDARD state machine.",
        not_implemented(op),
        error(op, {"stateMachineArn": SM}, "StateMachineTypeNotSupported",
              "This operation is not supported by this type of state machine", form="code"))

op = "TestState"
fixture(op, "basic", "Tests a Pass state with an input at INFO level: output, next state and inspection data.",
        not_implemented(op),
        ok(op, {"definition": '{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","Next":"B"}', "roleArn": ROLE,
                "input": '{"a":1}', "inspectionLevel": "INFO"},
           {"output": '{"a":1,"r":{"x":1}}', "nextState": "B", "status": "SUCCEEDED",
            "inspectionData": {"input": '{"a":1}', "result": '{"x":1}', "afterResultPath": '{"a":1,"r":{"x":1}}'}}))
fixture(op, "invalid_definition", "TestState of a state definition that is not a valid state.", not_implemented(op),
        error(op, {"definition": '{"Type":"Nope"}', "roleArn": ROLE}, "InvalidDefinition",
              "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value is not a valid state type "
              "at /Type'", form="bare"))

# --- Map runs: moto answers {} ------------------------------------------------------------

op = "DescribeMapRun"
fixture(op, "basic", "Describes a finished Map Run: limits, item and execution counts.",
        "it answers {} for any Map Run, without the required members",
        ok(op, {"mapRunArn": MAP_RUN},
           {"mapRunArn": MAP_RUN, "executionArn": EXECUTION, "status": "SUCCEEDED",
            "startDate": 1731423600.5, "stopDate": 1731423660.75, "maxConcurrency": 40,
            "toleratedFailurePercentage": 2.5, "toleratedFailureCount": 10,
            "itemCounts": {"pending": 0, "running": 0, "succeeded": 998, "failed": 2, "timedOut": 0,
                           "aborted": 0, "total": 1000, "resultsWritten": 1000,
                           "failuresNotRedrivable": 0, "pendingRedrive": 0},
            "executionCounts": {"pending": 0, "running": 0, "succeeded": 9, "failed": 1, "timedOut": 0,
                                "aborted": 0, "total": 10, "resultsWritten": 10},
            "redriveCount": 0}))
fixture(op, "resource_not_found",
        "Describes a Map Run that does not exist: HTTP 404 (the error's @httpError), with resourceName.",
        "it answers {} for any Map Run",
        error(op, {"mapRunArn": MAP_RUN + "x"}, "ResourceNotFound", f"Resource not found: '{MAP_RUN}x'",
              form="suffixed", status=404, members={"resourceName": MAP_RUN + "x"}))

op = "ListMapRuns"


def map_run(i, start):
    return {"executionArn": EXECUTION, "stateMachineArn": f"{SM}/Distributed",
            "mapRunArn": f"{ARN}:mapRun:orders/Distributed:{i}a2b3c4d-0000-4000-8000-00000000000{i}",
            "startDate": start, "stopDate": start + 60}


fixture(op, "three_pages", "Lists the three Map Runs of an execution one at a time, following nextToken.",
        "it answers {} for ListMapRuns: it has no Map Runs",
        ok(op, {"executionArn": EXECUTION, "maxResults": 1},
           {"mapRuns": [map_run(1, 1731427200)], "nextToken": "AAAAAQAAAAEAAAAB"}),
        ok(op, {"executionArn": EXECUTION, "maxResults": 1, "nextToken": "AAAAAQAAAAEAAAAB"},
           {"mapRuns": [map_run(2, 1731427300)], "nextToken": "AAAAAQAAAAEAAAAC"}),
        ok(op, {"executionArn": EXECUTION, "maxResults": 1, "nextToken": "AAAAAQAAAAEAAAAC"},
           {"mapRuns": [map_run(3, 1731427400)]}))

# --- Pagination and lists moto does not page or fill ---------------------------------------

op = "GetExecutionHistory"
T0 = 1731430800.0
EVENTS = [
    {"id": 1, "previousEventId": 0, "timestamp": T0, "type": "ExecutionStarted",
     "executionStartedEventDetails": {"input": '{"orderId":"1042"}', "inputDetails": {"truncated": False},
                                      "roleArn": ROLE}},
    {"id": 2, "previousEventId": 0, "timestamp": T0 + 0.012, "type": "TaskStateEntered",
     "stateEnteredEventDetails": {"name": "Charge", "input": '{"orderId":"1042"}',
                                  "inputDetails": {"truncated": False}}},
    {"id": 3, "previousEventId": 2, "timestamp": T0 + 0.013, "type": "TaskScheduled",
     "taskScheduledEventDetails": {"resourceType": "lambda", "resource": "invoke", "region": "us-east-1",
                                   "parameters": '{"FunctionName":"charge","Payload":{"orderId":"1042"}}',
                                   "timeoutInSeconds": 60}},
    {"id": 4, "previousEventId": 3, "timestamp": T0 + 0.031, "type": "TaskStarted",
     "taskStartedEventDetails": {"resourceType": "lambda", "resource": "invoke"}},
    {"id": 5, "previousEventId": 4, "timestamp": T0 + 0.5, "type": "TaskSucceeded",
     "taskSucceededEventDetails": {"resourceType": "lambda", "resource": "invoke", "output": '{"charged":true}',
                                   "outputDetails": {"truncated": False}}},
    {"id": 6, "previousEventId": 5, "timestamp": T0 + 0.501, "type": "TaskStateExited",
     "stateExitedEventDetails": {"name": "Charge", "output": '{"charged":true}',
                                 "outputDetails": {"truncated": False}}},
    {"id": 7, "previousEventId": 6, "timestamp": T0 + 0.52, "type": "ExecutionSucceeded",
     "executionSucceededEventDetails": {"output": '{"charged":true}', "outputDetails": {"truncated": False}}},
]
HISTORY_IN = {"executionArn": EXECUTION, "maxResults": 3, "reverseOrder": False, "includeExecutionData": True}
fixture(op, "three_pages", "The seven events of an execution three at a time, following nextToken.",
        "it answers its fixed history in one page, ignoring maxResults",
        ok(op, HISTORY_IN, {"events": EVENTS[0:3], "nextToken": "AAAAKgAAAAIAAAADAAAAAw"}),
        ok(op, dict(HISTORY_IN, nextToken="AAAAKgAAAAIAAAADAAAAAw"),
           {"events": EVENTS[3:6], "nextToken": "AAAAKgAAAAIAAAADAAAABg"}),
        ok(op, dict(HISTORY_IN, nextToken="AAAAKgAAAAIAAAADAAAABg"), {"events": EVENTS[6:]}))
fixture(op, "kms_invalid_state", "The history of an execution whose KMS key is disabled, with kmsKeyState.",
        never("KmsInvalidStateException"),
        error(op, {"executionArn": EXECUTION}, "KmsInvalidStateException",
              f"KMS key '{KMS_KEY}' is in an invalid state: Disabled", members={"kmsKeyState": "DISABLED"}))

op = "ListStateMachineAliases"
fixture(op, "basic", "Lists the two aliases of a state machine.", "it always answers an empty list",
        ok(op, {"stateMachineArn": SM, "maxResults": 10},
           {"stateMachineAliases": [
               {"stateMachineAliasArn": f"{SM}:live", "creationDate": 1731434400.5},
               {"stateMachineAliasArn": f"{SM}:canary", "creationDate": 1731434460},
           ]}))

# --- Errors moto never answers --------------------------------------------------------------

op = "CreateActivity"
fixture(op, "activity_limit_exceeded", "Creating an activity beyond the account's quota.",
        never("ActivityLimitExceeded"),
        error(op, {"name": "approve-order-10001"}, "ActivityLimitExceeded",
              "The maximum number of activities (10000) has been reached for this account.", form="bare"))

op = "CreateStateMachine"
CREATE = {"name": "orders", "definition": DEFINITION, "roleArn": ROLE}
fixture(op, "state_machine_already_exists",
        "Creating a state machine whose name is taken with another definition; the name is namespaced and "
        "suffixed.", "it answers the existing state machine for a taken name, whatever the definition",
        error(op, CREATE, "StateMachineAlreadyExists", f"State Machine Already Exists: '{SM}'", form="suffixed"))
fixture(op, "invalid_definition", "A definition that is not valid Amazon States Language.",
        "it does not validate definitions",
        error(op, dict(CREATE, definition='{"StartAt":"A"}'), "InvalidDefinition",
              "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] "
              "at /'", form="namespaced"))
fixture(op, "invalid_logging_configuration", "Logging to a destination that is not a CloudWatch Logs log group.",
        "it does not validate logging configurations",
        error(op, dict(CREATE, type="EXPRESS", loggingConfiguration={
            "level": "ALL", "includeExecutionData": True,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:nope"}}]}),
              "InvalidLoggingConfiguration", "Invalid Logging Configuration: The CloudWatch Logs Resource Policy "
              "size was exceeded.", form="capital_message"))
fixture(op, "state_machine_limit_exceeded", "Creating a state machine beyond the account's quota.",
        never("StateMachineLimitExceeded"),
        error(op, CREATE, "StateMachineLimitExceeded",
              "The maximum number of state machines (10000) has been reached for this account.", form="code"))

op = "UpdateStateMachine"
fixture(op, "invalid_tracing_configuration", "Enabling tracing where X-Ray is not available.",
        "it does not validate tracing configurations",
        error(op, {"stateMachineArn": SM, "tracingConfiguration": {"enabled": True}}, "InvalidTracingConfiguration",
              "Invalid Tracing Configuration: tracing is not available in this region.", form="namespaced"))
fixture(op, "missing_required_parameter", "An update that changes nothing: no definition, role or configuration.",
        "it accepts an update without changes",
        error(op, {"stateMachineArn": SM}, "MissingRequiredParameter",
              "Either the definition, the role ARN, the logging configuration or the tracing configuration "
              "must be specified", form="bare"))

op = "StartExecution"
fixture(op, "execution_limit_exceeded", "Starting an execution beyond the open executions quota.",
        never("ExecutionLimitExceeded"),
        error(op, {"stateMachineArn": SM, "name": "order-1043"}, "ExecutionLimitExceeded",
              "The maximum number of running executions has been reached for this account.", form="namespaced"))
fixture(op, "state_machine_deleting", "Starting an execution of a state machine being deleted.",
        "its deletions are immediate",
        error(op, {"stateMachineArn": SM, "name": "order-1044"}, "StateMachineDeleting",
              f"State Machine is being deleted: '{SM}'", form="bare"))
fixture(op, "kms_throttling_exception", "KMS throttles the encryption of the execution input.",
        never("KmsThrottlingException"),
        error(op, {"stateMachineArn": SM, "name": "order-1045", "input": '{"orderId":"1045"}'},
              "KmsThrottlingException", "KMS request was throttled: Rate exceeded", form="suffixed"))

op = "DescribeExecution"
fixture(op, "kms_access_denied",
        "Describing an execution whose data is encrypted with a key the caller may not use; the name "
        "comes in the x-amzn-errortype header.", never("KmsAccessDeniedException"),
        error(op, {"executionArn": EXECUTION, "includedData": "ALL_DATA"}, "KmsAccessDeniedException",
              f"Access denied to KMS key '{KMS_KEY}'", form="header"))

op = "SendTaskSuccess"
fixture(op, "invalid_output", "Reporting a task success with an output that is not JSON.",
        "it accepts any output", error(op, {"taskToken": TOKEN, "output": "{not json"}, "InvalidOutput",
                                       "Invalid Output: 'Unexpected character ('n' (code 110))'", form="bare"))

op = "SendTaskFailure"
fixture(op, "task_timed_out", "Reporting the failure of a task that already timed out.", "it accepts any token",
        error(op, {"taskToken": TOKEN, "error": "Oops"}, "TaskTimedOut", "Task Timed Out: 'Provided task has timed out'",
              form="namespaced"))

op = "SendTaskHeartbeat"
fixture(op, "task_does_not_exist", "A heartbeat for a task token of a finished task.", "it accepts any token",
        error(op, {"taskToken": TOKEN}, "TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'",
              form="suffixed"))

op = "TagResource"
fixture(op, "too_many_tags", "Tagging beyond 50 tags: TooManyTags with resourceName.", "it does not limit tags",
        error(op, {"resourceArn": SM, "tags": [{"key": "k51", "value": "v"}]}, "TooManyTags",
              "Too many tags: a resource can have at most 50 tags", form="namespaced",
              members={"resourceName": SM}))


def main():
    written = 0
    for path, f in sorted(FIXTURES_BY_PATH.items()):
        full = os.path.join(FIXTURES, path)
        if os.path.exists(full):
            with open(full) as fh:
                existing = json.load(fh)
            if existing.get("source", "").startswith("recorded from moto"):
                sys.exit(f"{full}: recorded from moto; pick another case name")
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as fh:
            fh.write(json.dumps(f, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written += 1
    print(f"wrote {written} hand-written fixtures")


if __name__ == "__main__":
    main()
