
from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-ENC-07"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KEY = "arn:aws:kms:us-east-1:111122223333:key/logs"


def test_customer_managed_key_passes():
    assert only(run(RULE, res(LOG_GROUP, {"kmsKeyId": KEY, "retentionInDays": 365}))).status is Status.PASS


def test_absent_key_fails():
    outcome = only(run(RULE, res(LOG_GROUP, {"retentionInDays": 365})))
    assert outcome.status is Status.FAIL
    assert "kmsKeyId is not set: log data" in outcome.message


def test_aws_managed_alias_fails():
    outcome = only(run(RULE, res(LOG_GROUP, {"kmsKeyId": "alias/aws/logs"})))
    assert outcome.status is Status.FAIL


def test_unknown_and_secret():
    assert only(run(RULE, res(LOG_GROUP, {"kmsKeyId": UNKNOWN}))).status is Status.UNKNOWN
    assert only(run(RULE, res(LOG_GROUP, {"kmsKeyId": secret(KEY)}))).status is Status.PASS
