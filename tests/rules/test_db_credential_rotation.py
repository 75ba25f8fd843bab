import pytest

from tests.rules.helpers import (
    UNKNOWN,
    for_urn,
    only,
    res,
    run_stack,
    secret,
    statuses,
)

RULE_ID = "FERPA-IAM-03"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/instance:Instance"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def rotation():
    return res(ROTATION, {"secretId": "arn:secret", "rotationRules": {"automaticallyAfterDays": 30}}, name="rotate")


@pytest.mark.parametrize("type_", [CLUSTER, INSTANCE])
def test_rds_managed_password_passes(type_):
    database = res(type_, {"manageMasterUserPassword": True}, name="db")
    outcome = only(run_stack(RULE_ID, [database]))
    assert (outcome.status, outcome.urn) == ("pass", database.urn)
    assert outcome.message == "RDS manages and rotates the master password in Secrets Manager"


def test_stack_rotation_passes_and_states_the_limitation():
    database, rotate = res(CLUSTER, {"masterPassword": secret("pw")}, name="db"), rotation()
    outcome = only(run_stack(RULE_ID, [database, rotate]))
    assert outcome.status == "pass"
    assert "does not verify" in outcome.message
    assert outcome.evidence == {"rotations": [rotate.urn]}


@pytest.mark.parametrize("props", [{"masterPassword": secret("pw")}, {"manageMasterUserPassword": False}, {}])
def test_no_rotation_fails(props):
    outcome = only(run_stack(RULE_ID, [res(CLUSTER, props, name="db")]))
    assert outcome.status == "fail"
    assert outcome.message.startswith("the master password is never rotated")
    assert "pw" not in outcome.message


def test_each_database_is_judged():
    managed, plain = res(CLUSTER, {"manageMasterUserPassword": True}, name="a"), res(INSTANCE, {}, name="b")
    outcomes = run_stack(RULE_ID, [managed, plain])
    assert statuses(for_urn(outcomes, managed.urn)) == ["pass"]
    assert statuses(for_urn(outcomes, plain.urn)) == ["fail"]


def test_read_replica_is_not_applicable():
    replica = res(INSTANCE, {"replicateSourceDb": UNKNOWN}, name="replica")
    assert statuses(run_stack(RULE_ID, [replica])) == ["not_applicable"]


def test_unknown_flag_is_unknown():
    database = res(CLUSTER, {"manageMasterUserPassword": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"}, name="db")
    assert statuses(run_stack(RULE_ID, [database])) == ["unknown"]


def test_audit_reads_outputs():
    database = res(CLUSTER, {}, name="db", outputs={"manageMasterUserPassword": True})
    assert statuses(run_stack(RULE_ID, [database], use_outputs=True)) == ["pass"]
