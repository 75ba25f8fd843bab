
from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-ENC-06"
SECRET = "aws:secretsmanager/secret:Secret"
KEY = "arn:aws:kms:us-east-1:111122223333:key/secrets"


def test_customer_managed_key_passes():
    assert only(run(RULE, res(SECRET, {"kmsKeyId": KEY}))).status is Status.PASS


def test_absent_key_fails_as_aws_default():
    outcome = only(run(RULE, res(SECRET, {"name": "db"})))
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "kmsKeyId is not set: the secret value is encrypted with an AWS-managed key, not a customer-managed key"
    )


def test_aws_managed_alias_fails():
    outcome = only(run(RULE, res(SECRET, {"kmsKeyId": "alias/aws/secretsmanager"})))
    assert outcome.status is Status.FAIL
    assert "alias/aws/secretsmanager is an AWS-managed key alias" in outcome.message


def test_empty_string_fails():
    assert only(run(RULE, res(SECRET, {"kmsKeyId": ""}))).status is Status.FAIL


def test_unknown_is_unknown():
    assert only(run(RULE, res(SECRET, {"kmsKeyId": UNKNOWN}))).status is Status.UNKNOWN


def test_secret_wrapped_key_is_present_and_never_shown():
    assert only(run(RULE, res(SECRET, {"kmsKeyId": secret(KEY)}))).status is Status.PASS
    outcome = only(run(RULE, res(SECRET, {"kmsKeyId": secret(["not", "a", "key"])})))
    assert outcome.status is Status.FAIL
    assert "not" not in str(outcome.evidence) and "[secret]" in outcome.message
