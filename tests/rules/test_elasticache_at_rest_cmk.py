import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-ENC-03"
KEY = "arn:aws:kms:us-east-1:111122223333:key/cache"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache"


def group(**props):
    return res(GROUP, {"atRestEncryptionEnabled": True, "kmsKeyId": KEY, **props})


def test_encrypted_group_with_cmk_passes():
    assert only(run(RULE, group())).status is Status.PASS


@pytest.mark.parametrize("value", [None, False, "false"])
def test_group_without_at_rest_encryption_fails(value):
    props = {"kmsKeyId": KEY} if value is None else {"atRestEncryptionEnabled": value, "kmsKeyId": KEY}
    outcome = only(run(RULE, res(GROUP, props)))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("atRestEncryptionEnabled is")
    assert "AWS's default for Redis OSS" in outcome.message


def test_absent_encryption_says_absent():
    assert "atRestEncryptionEnabled is absent" in only(run(RULE, res(GROUP, {}))).message


def test_group_with_service_key_fails():
    outcome = only(run(RULE, group(kmsKeyId=None)))
    assert outcome.status is Status.FAIL
    assert "kmsKeyId is not set" in outcome.message


def test_group_with_aws_managed_alias_fails():
    outcome = only(run(RULE, group(kmsKeyId="arn:aws:kms:us-east-1:111122223333:alias/aws/elasticache")))
    assert outcome.status is Status.FAIL
    assert "AWS-managed" in outcome.message


def test_unknown_values_are_unknown():
    assert only(run(RULE, group(atRestEncryptionEnabled=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, group(kmsKeyId=UNKNOWN))).status is Status.UNKNOWN


def test_serverless_needs_only_a_customer_managed_key():
    assert only(run(RULE, res(SERVERLESS, {"kmsKeyId": KEY}))).status is Status.PASS
    outcome = only(run(RULE, res(SERVERLESS, {})))
    assert outcome.status is Status.FAIL
    assert "kmsKeyId is not set" in outcome.message
    assert "atRestEncryptionEnabled" not in outcome.message


def test_secret_wrapped_key_is_present():
    assert only(run(RULE, group(kmsKeyId=secret(KEY)))).status is Status.PASS


def test_valkey_is_encrypted_at_rest_by_default_but_still_needs_a_cmk() -> None:
    from policies.model import Status as S
    from tests.rules.helpers import res as make
    from tests.rules.helpers import run as run_rule

    group = "aws:elasticache/replicationGroup:ReplicationGroup"
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert [o.status for o in run_rule("FERPA-ENC-03", make(group, {"engine": "valkey", "kmsKeyId": key}))] == [S.PASS]
    outcomes = run_rule("FERPA-ENC-03", make(group, {"engine": "valkey"}))
    assert [o.status for o in outcomes] == [S.FAIL] and "kmsKeyId is not set" in outcomes[0].message
