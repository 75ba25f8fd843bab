
from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-ENC-04"
KEY = "arn:aws:kms:us-east-1:111122223333:key/stream"
STREAM = "aws:kinesis/stream:Stream"


def stream(**props):
    return res(STREAM, {"encryptionType": "KMS", "kmsKeyId": KEY, **props})


def test_kms_with_customer_managed_key_passes():
    assert only(run(RULE, stream())).status is Status.PASS


def test_absent_encryption_type_fails_as_aws_default_none():
    outcome = only(run(RULE, res(STREAM, {"kmsKeyId": KEY})))
    assert outcome.status is Status.FAIL
    assert "encryptionType is absent" in outcome.message and "NONE" in outcome.message


def test_encryption_none_fails():
    outcome = only(run(RULE, stream(encryptionType="NONE")))
    assert outcome.status is Status.FAIL
    assert "encryptionType is 'NONE'" in outcome.message


def test_kms_with_aws_managed_alias_fails():
    outcome = only(run(RULE, stream(kmsKeyId="alias/aws/kinesis")))
    assert outcome.status is Status.FAIL
    assert "alias/aws/kinesis is an AWS-managed key alias" in outcome.message


def test_kms_without_key_fails():
    outcome = only(run(RULE, stream(kmsKeyId=None)))
    assert outcome.status is Status.FAIL
    assert "kmsKeyId is not set" in outcome.message


def test_unknowns_are_unknown():
    assert only(run(RULE, stream(encryptionType=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, stream(kmsKeyId=UNKNOWN))).status is Status.UNKNOWN


def test_secret_encryption_type_is_read_but_not_shown():
    assert only(run(RULE, stream(encryptionType=secret("KMS")))).status is Status.PASS
    outcome = only(run(RULE, stream(encryptionType=secret("PLAINTEXT-MARKER"))))
    assert outcome.status is Status.FAIL
    assert "PLAINTEXT-MARKER" not in outcome.message + str(outcome.evidence)
