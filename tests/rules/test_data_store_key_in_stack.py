import pytest

from policies.model import Status
from tests.rules.helpers import (
    UNKNOWN,
    for_urn,
    only,
    res,
    run_stack,
    secret,
    urn_for,
)

RULE = "FERPA-ENC-11"
KEY_TYPE = "aws:kms/key:Key"
ALIAS_TYPE = "aws:kms/alias:Alias"
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/records"
STORES = [
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:kinesis/stream:Stream",
    "aws:efs/fileSystem:FileSystem",
    "aws:secretsmanager/secret:Secret",
    "aws:cloudwatch/logGroup:LogGroup",
]


def key():
    return res(KEY_TYPE, {"enableKeyRotation": True}, name="records-key", outputs={"arn": KEY_ARN}, id="records")


def judge(store, *others):
    outcomes = run_stack(RULE, [store, *others], use_outputs=True)  # the key's arn is an output, as in an export
    return only([o for o in outcomes if o.urn == store.urn])


@pytest.mark.parametrize("type_", STORES)
def test_key_arn_of_the_stack_passes(type_):
    outcome = judge(res(type_, {"kmsKeyId": KEY_ARN}, name="store"), key())
    assert outcome.status is Status.PASS
    assert "records-key" in outcome.message


@pytest.mark.parametrize("type_", STORES)
def test_absent_key_fails(type_):
    outcome = judge(res(type_, {}, name="store"), key())
    assert outcome.status is Status.FAIL
    assert "kmsKeyId is not set" in outcome.message


def test_unknown_key_resolved_through_property_dependencies_passes():
    store = res(STORES[0], {"kmsKeyId": UNKNOWN}, name="db", property_dependencies={"kmsKeyId": [key().urn]})
    assert judge(store, key()).status is Status.PASS


def test_unknown_key_without_dependency_is_unknown():
    outcome = judge(res(STORES[0], {"kmsKeyId": UNKNOWN}, name="db"), key())
    assert outcome.status is Status.UNKNOWN


def test_dependency_on_something_else_is_unknown():
    other = res("aws:iam/role:Role", {}, name="role")
    store = res(STORES[0], {"kmsKeyId": UNKNOWN}, name="db", property_dependencies={"kmsKeyId": [other.urn]})
    assert judge(store, key(), other).status is Status.UNKNOWN


def test_alias_of_the_stack_passes():
    alias = res(ALIAS_TYPE, {"name": "alias/records", "targetKeyId": KEY_ARN}, name="records-alias")
    outcome = judge(res(STORES[4], {"kmsKeyId": "alias/records"}, name="stream"), alias)
    assert outcome.status is Status.PASS
    assert "records-alias" in outcome.message


def test_aws_managed_alias_fails():
    outcome = judge(res(STORES[6], {"kmsKeyId": "alias/aws/secretsmanager"}, name="secret"))
    assert outcome.status is Status.FAIL
    assert "alias/aws/secretsmanager is an AWS-managed key alias" in outcome.message


def test_literal_key_outside_the_stack_is_unknown_not_pass():
    """In an export, AWS fills kmsKeyId with its managed key's ARN: offline that looks like any other key."""
    outcome = judge(res(STORES[7], {"kmsKeyId": "arn:aws:kms:us-east-1:999:key/shared"}, name="logs"))
    assert outcome.status is Status.UNKNOWN
    assert "outside this stack" in outcome.message


def test_every_data_store_gets_an_outcome_and_others_none():
    stores = [res(t, {"kmsKeyId": KEY_ARN}, name=f"s{i}") for i, t in enumerate(STORES)]
    outcomes = run_stack(RULE, [*stores, key(), res("aws:s3/bucket:Bucket", {}, name="b")])
    assert sorted(o.urn for o in outcomes) == sorted(s.urn for s in stores)
    assert urn_for("aws:s3/bucket:Bucket", "b") not in {o.urn for o in outcomes}


def test_outputs_are_read_in_audit_mode():
    store = res(STORES[0], {}, name="db", outputs={"kmsKeyId": KEY_ARN})
    outcomes = run_stack(RULE, [store, key()], use_outputs=True)
    assert only(outcomes).status is Status.PASS


def test_secret_values():
    assert judge(res(STORES[0], {"kmsKeyId": secret(KEY_ARN)}, name="db"), key()).status is Status.PASS
    hidden = judge(res(STORES[0], {"kmsKeyId": secret("alias/aws/rds")}, name="db"))
    assert hidden.status is Status.FAIL and "alias/aws/rds" not in hidden.message + str(hidden.evidence)
    opaque = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}
    assert judge(res(STORES[0], {"kmsKeyId": opaque}, name="db")).status is Status.UNKNOWN


def test_performance_insights_key_is_resolved_when_insights_are_on() -> None:
    key = res("aws:kms/key:Key", {"enableKeyRotation": True}, name="rds-key")
    instance = res(
        "aws:rds/clusterInstance:ClusterInstance",
        {"performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": UNKNOWN},
        name="db-0",
        property_dependencies={"performanceInsightsKmsKeyId": [key.urn]},
    )
    outcome = only(for_urn(run_stack(RULE, [key, instance]), instance.urn))
    assert outcome.status is Status.PASS
    assert outcome.message == "performanceInsightsKmsKeyId resolves to rds-key of this stack"


def test_performance_insights_without_a_key_fails_and_is_ignored_when_off() -> None:
    on = res("aws:rds/clusterInstance:ClusterInstance", {"performanceInsightsEnabled": True}, name="on")
    off = res("aws:rds/clusterInstance:ClusterInstance", {"performanceInsightsEnabled": False}, name="off")
    outcomes = run_stack(RULE, [on, off])
    assert only(for_urn(outcomes, on.urn)).status is Status.FAIL
    assert "performanceInsightsKmsKeyId is not set" in only(for_urn(outcomes, on.urn)).message
    assert for_urn(outcomes, off.urn) == []
