from __future__ import annotations

import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret, statuses

RULE = "FERPA-ENC-01"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
COMPLIANT = {"engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": KEY}


@pytest.mark.parametrize("type_", ["aws:rds/cluster:Cluster", "aws:rds/instance:Instance"])
def test_encrypted_with_a_customer_managed_key_passes(type_: str) -> None:
    assert statuses(run(RULE, res(type_, COMPLIANT))) == [Status.PASS]


def test_absent_storage_encrypted_is_unencrypted_as_aws_defaults() -> None:
    outcome = only(run(RULE, res("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql", "kmsKeyId": KEY})))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("storageEncrypted is absent")


def test_storage_encrypted_false_fails() -> None:
    outcome = only(run(RULE, res("aws:rds/cluster:Cluster", COMPLIANT | {"storageEncrypted": False})))
    assert outcome.status is Status.FAIL
    assert "storageEncrypted is False" in outcome.message


def test_missing_key_means_aws_managed_key() -> None:
    props = {"engine": "aurora-postgresql", "storageEncrypted": True}
    outcome = only(run(RULE, res("aws:rds/cluster:Cluster", props)))
    assert outcome.status is Status.FAIL
    assert "kmsKeyId is not set" in outcome.message and "AWS-managed key" in outcome.message


def test_aws_managed_alias_is_not_a_cmk() -> None:
    outcome = only(run(RULE, res("aws:rds/cluster:Cluster", COMPLIANT | {"kmsKeyId": "alias/aws/rds"})))
    assert outcome.status is Status.FAIL
    assert "alias/aws/rds is an AWS-managed key alias" in outcome.message


def test_unknown_key_during_preview_is_unknown_not_fail() -> None:
    outcome = only(run(RULE, res("aws:rds/cluster:Cluster", COMPLIANT | {"kmsKeyId": UNKNOWN})))
    assert outcome.status is Status.UNKNOWN
    assert "kmsKeyId is not known during preview" in outcome.message


def test_unknown_storage_encrypted_is_unknown() -> None:
    outcomes = run(RULE, res("aws:rds/cluster:Cluster", COMPLIANT | {"storageEncrypted": UNKNOWN}))
    assert Status.UNKNOWN in statuses(outcomes) and Status.PASS not in statuses(outcomes)


def test_secret_wrapped_key_counts_as_present_and_is_not_shown() -> None:
    outcomes = run(RULE, res("aws:rds/cluster:Cluster", COMPLIANT | {"kmsKeyId": secret("alias/secret-key-marker")}))
    assert statuses(outcomes) == [Status.PASS]
