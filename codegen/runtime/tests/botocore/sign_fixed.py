# Produces the botocore signatures stored in tests/signing.rs (botocore 1.43.11):
#   python3 codegen/runtime/tests/botocore/sign_fixed.py
# It signs a fixed awsJson request with botocore's SigV4Auth at a fixed time.
import datetime
from unittest import mock
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

body = b'{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm","name":"run1","input":"{\\"a\\":1}"}'
print(body.decode())
fixed = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
class FixedDT(datetime.datetime):
    @classmethod
    def now(cls, tz=None): return fixed
    @classmethod
    def utcnow(cls): return fixed.replace(tzinfo=None)
for token in [None, 'SESSIONTOKEN']:
    req = AWSRequest(method='POST', url='https://states.us-east-1.amazonaws.com/', data=body,
        headers={'X-Amz-Target': 'AWSStepFunctions.StartExecution', 'Content-Type': 'application/x-amz-json-1.0',
                 'User-Agent': 'sfn-client/0.1.0'})
    creds = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', token)
    with mock.patch.object(botocore.auth.datetime, 'datetime', FixedDT):
        botocore.auth.SigV4Auth(creds, 'states', 'us-east-1').add_auth(req)
    print(token, req.headers['X-Amz-Date'], req.headers['Authorization'])
