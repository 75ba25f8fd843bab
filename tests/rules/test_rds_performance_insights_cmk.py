import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-ENC-02"
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TYPES = ["aws:rds/cluster:Cluster", "aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"]


def db(type_: str = TYPES[0], **props):
    return res(type_, {"performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": KEY, **props})


@pytest.mark.parametrize("type_", TYPES)
def test_enabled_with_customer_managed_key_passes(type_):
    assert only(run(RULE, db(type_))).status is Status.PASS


@pytest.mark.parametrize("enabled", [False, "false", None])
def test_disabled_or_absent_is_not_applicable(enabled):
    props = {} if enabled is None else {"performanceInsightsEnabled": enabled}
    outcome = only(run(RULE, res(TYPES[1], props)))
    assert outcome.status is Status.NOT_APPLICABLE
    assert "disabled" in outcome.message


def test_enabled_without_key_fails_naming_the_property():
    outcome = only(run(RULE, db(performanceInsightsKmsKeyId=None)))
    assert outcome.status is Status.FAIL
    assert "performanceInsightsKmsKeyId is not set" in outcome.message


def test_aws_managed_alias_fails():
    outcome = only(run(RULE, db(performanceInsightsKmsKeyId="alias/aws/rds")))
    assert outcome.status is Status.FAIL
    assert "alias/aws/rds is an AWS-managed key" in outcome.message


def test_unknown_enabled_and_unknown_key_are_unknown():
    assert only(run(RULE, db(performanceInsightsEnabled=UNKNOWN))).status is Status.UNKNOWN
    outcome = only(run(RULE, db(performanceInsightsKmsKeyId=UNKNOWN)))
    assert outcome.status is Status.UNKNOWN
    assert "performanceInsightsKmsKeyId" in outcome.message


def test_secret_wrapped_aws_managed_alias_fails_without_revealing_it():
    outcome = only(run(RULE, db(performanceInsightsKmsKeyId=secret("alias/aws/rds"))))
    assert outcome.status is Status.FAIL
    assert "alias/aws/rds" not in outcome.message and "alias/aws/rds" not in str(outcome.evidence)


def test_secret_wrapped_key_counts_as_present():
    assert only(run(RULE, db(performanceInsightsKmsKeyId=secret(KEY)))).status is Status.PASS
