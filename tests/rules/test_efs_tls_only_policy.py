import pytest

from policies.model import Status
from tests.rules.helpers import (
    UNKNOWN,
    only,
    policy_json,
    res,
    run_stack,
    secret,
    urn_for,
)

RULE = "FERPA-TLS-08"
FS = "aws:efs/fileSystem:FileSystem"
FS_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
DENY_PLAINTEXT = {
    "Sid": "DenyPlaintext",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
ALLOW_MOUNT = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/task"},
               "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}


def file_system(name="records"):
    return res(FS, {"encrypted": True}, name=name, id=f"fs-{name}")


def fs_policy(*statements, fs_id="fs-records", name="records-policy", **extra):
    return res(FS_POLICY, {"fileSystemId": fs_id, "policy": policy_json(*statements)}, name=name, **extra)


def judge(*resources, fs_name="records"):
    outcomes = run_stack(RULE, resources)
    assert all(o.urn for o in outcomes)
    return only([o for o in outcomes if o.urn == urn_for(FS, fs_name)])


def test_deny_without_secure_transport_passes():
    outcome = judge(file_system(), fs_policy(ALLOW_MOUNT, DENY_PLAINTEXT))
    assert outcome.status is Status.PASS
    assert "records-policy denies access when aws:SecureTransport is false" in outcome.message


@pytest.mark.parametrize(
    "change",
    [
        {"Principal": "*"},
        {"Action": "elasticfilesystem:*"},
        {"Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]},
        {"Condition": {"Bool": {"aws:securetransport": False}}},
        {"Condition": {"BoolIfExists": {"aws:SecureTransport": ["false"]}}},
    ],
)
def test_equivalent_spellings_pass(change):
    assert judge(file_system(), fs_policy({**DENY_PLAINTEXT, **change})).status is Status.PASS


def test_no_policy_fails():
    outcome = judge(file_system())
    assert outcome.status is Status.FAIL
    assert "no FileSystemPolicy is attached" in outcome.message


def test_policy_of_another_file_system_does_not_count():
    outcomes = run_stack(RULE, [file_system(), file_system("other"), fs_policy(DENY_PLAINTEXT, fs_id="fs-other")])
    by_urn = {o.urn: o.status for o in outcomes}
    assert by_urn == {urn_for(FS, "records"): Status.FAIL, urn_for(FS, "other"): Status.PASS}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"Effect": "Allow"}, "allow"),
        ({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, "true"),
        ({"Condition": {"StringEquals": {"aws:SecureTransport": "false"}}}, "wrong operator"),
        ({"Principal": {"AWS": "arn:aws:iam::1:role/one"}}, "one principal only"),
        ({"Action": "elasticfilesystem:DescribeMountTargets"}, "does not cover mounts"),
    ],
)
def test_statements_that_do_not_deny_plaintext_fail(change, why):
    outcome = judge(file_system(), fs_policy(ALLOW_MOUNT, {**DENY_PLAINTEXT, **change}))
    assert outcome.status is Status.FAIL, why
    assert "no Deny for Principal" in outcome.message and "aws:SecureTransport" in outcome.message


def test_unparsable_policy_fails_clearly():
    bad = res(FS_POLICY, {"fileSystemId": "fs-records", "policy": "{oops"}, name="records-policy")
    outcome = judge(file_system(), bad)
    assert outcome.status is Status.FAIL
    assert "policy of records-policy cannot be read: the policy is not valid JSON" in outcome.message


def test_unknown_policy_is_unknown():
    unknown_policy = res(FS_POLICY, {"fileSystemId": "fs-records", "policy": UNKNOWN}, name="records-policy")
    assert judge(file_system(), unknown_policy).status is Status.UNKNOWN


def test_unknown_condition_is_unknown():
    statement = {**DENY_PLAINTEXT, "Condition": UNKNOWN}
    assert judge(file_system(), fs_policy(statement)).status is Status.UNKNOWN


def test_unknown_file_system_reference():
    fs = file_system()
    linked = fs_policy(DENY_PLAINTEXT, fs_id=UNKNOWN, property_dependencies={"fileSystemId": [fs.urn]})
    assert judge(fs, linked).status is Status.PASS
    assert judge(fs, fs_policy(DENY_PLAINTEXT, fs_id=UNKNOWN)).status is Status.UNKNOWN


def test_secret_policy_is_evaluated_without_showing_it():
    hidden = res(FS_POLICY, {"fileSystemId": "fs-records", "policy": secret(policy_json(DENY_PLAINTEXT))},
                 name="records-policy")
    assert judge(file_system(), hidden).status is Status.PASS
    broken = res(FS_POLICY, {"fileSystemId": "fs-records", "policy": secret("{SECRET-MARKER")}, name="p")
    outcome = judge(file_system(), broken)
    assert outcome.status is Status.FAIL and "SECRET-MARKER" not in outcome.message


def test_outputs_are_read_in_audit_mode():
    fs = res(FS, {}, name="records", outputs={"id": "fs-123"}, id="fs-123")
    pol = res(FS_POLICY, {}, name="p", outputs={"fileSystemId": "fs-123", "policy": policy_json(DENY_PLAINTEXT)})
    assert only(run_stack(RULE, [fs, pol], use_outputs=True)).status is Status.PASS
