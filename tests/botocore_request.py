"""Reference requests from botocore (the reference client), for tests/tests/botocore_compare.rs.

`botocore_request.py start-execution PARAMS_JSON` prints, as JSON (method, url, headers, body), the
StartExecution request botocore sends for the given parameters, with fixed credentials (including a
session token), region us-east-1 and a fixed clock.

`botocore_request.py sign REQUEST_JSON` signs the given request ({"method", "url", "headers",
"body"}) with botocore's SigV4 signer (same credentials, region and clock, signing name `states`)
and prints the resulting headers as JSON.

The request is captured by a `before-send` hook that answers with a canned response, so nothing
leaves the machine. The clock is frozen by replacing the function botocore's SigV4 signer reads
the current time from.
"""

import datetime
import json
import sys
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.session

FIXED_TIME = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)  # 1700000000
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "SESSIONTOKENEXAMPLE"
REGION = "us-east-1"


def frozen_clock():
    return mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: FIXED_TIME)


def sign(request_json):
    given = json.loads(request_json)
    request = botocore.awsrequest.AWSRequest(
        method=given["method"], url=given["url"], headers=given["headers"], data=given["body"].encode()
    )
    credentials = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    with frozen_clock():
        botocore.auth.SigV4Auth(credentials, "states", REGION).add_auth(request)
    json.dump(dict(request.headers.items()), sys.stdout, sort_keys=True)


def start_execution(params_json):
    params = json.loads(params_json)
    captured = {}

    def capture(request, **_kwargs):
        captured["method"] = request.method
        captured["url"] = request.url
        captured["headers"] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
        body = request.body
        captured["body"] = body.decode() if isinstance(body, bytes) else (body or "")
        raw = json.dumps({"executionArn": params["stateMachineArn"].replace(":stateMachine:", ":execution:") + ":x",
                          "startDate": 1.7e9}).encode()
        return botocore.awsrequest.AWSResponse(request.url, 200, {"content-type": "application/x-amz-json-1.0"},
                                               _Raw(raw))

    session = botocore.session.get_session()
    client = session.create_client(
        "stepfunctions",
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
    )
    client.meta.events.register("before-send.sfn.StartExecution", capture)
    with frozen_clock():
        client.start_execution(**params)
    json.dump(captured, sys.stdout, sort_keys=True)


class _Raw:
    def __init__(self, data):
        self._data = data

    def stream(self, **_kwargs):
        yield self._data


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start-execution", "sign"):
        sys.exit("usage: botocore_request.py start-execution PARAMS_JSON | sign REQUEST_JSON")
    if sys.argv[1] == "sign":
        sign(sys.argv[2])
    else:
        start_execution(sys.argv[2])
