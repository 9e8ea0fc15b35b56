"""Prints, as JSON, the StartExecution request botocore (the reference client) sends for a fixed
input, fixed credentials, region us-east-1 and a fixed clock. Used by tests/tests/botocore_compare.rs.

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
import botocore.session

FIXED_TIME = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)  # 1700000000


def main():
    params = json.loads(sys.argv[1])
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
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        aws_session_token="SESSIONTOKENEXAMPLE",
    )
    client.meta.events.register("before-send.sfn.StartExecution", capture)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: FIXED_TIME):
        client.start_execution(**params)
    json.dump(captured, sys.stdout, sort_keys=True)


class _Raw:
    def __init__(self, data):
        self._data = data

    def stream(self, **_kwargs):
        yield self._data


if __name__ == "__main__":
    main()
