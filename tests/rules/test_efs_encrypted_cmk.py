
from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-ENC-05"
KEY = "arn:aws:kms:us-east-1:111122223333:key/files"
EFS = "aws:efs/fileSystem:FileSystem"


def fs(**props):
    return res(EFS, {"encrypted": True, "kmsKeyId": KEY, **props})


def test_encrypted_with_cmk_passes():
    assert only(run(RULE, fs())).status is Status.PASS


def test_absent_encrypted_fails_as_aws_default():
    outcome = only(run(RULE, res(EFS, {"kmsKeyId": KEY})))
    assert outcome.status is Status.FAIL
    assert "encrypted is absent" in outcome.message


def test_false_encrypted_fails():
    outcome = only(run(RULE, fs(encrypted=False)))
    assert outcome.status is Status.FAIL
    assert "encrypted is False" in outcome.message


def test_encrypted_with_aws_managed_key_fails():
    outcome = only(run(RULE, fs(kmsKeyId=None)))
    assert outcome.status is Status.FAIL and "kmsKeyId is not set" in outcome.message
    outcome = only(run(RULE, fs(kmsKeyId="alias/aws/elasticfilesystem")))
    assert outcome.status is Status.FAIL and "AWS-managed" in outcome.message


def test_unknowns_are_unknown():
    assert only(run(RULE, fs(encrypted=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, fs(kmsKeyId=UNKNOWN))).status is Status.UNKNOWN


def test_secret_key_counts_as_present():
    assert only(run(RULE, fs(kmsKeyId=secret(KEY)))).status is Status.PASS
