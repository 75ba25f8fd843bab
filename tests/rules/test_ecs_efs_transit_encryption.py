
from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret, statuses

RULE = "FERPA-TLS-07"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def efs_volume(name="records", **config):
    return {"name": name, "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": "ENABLED", **config}}


def task(*volumes):
    return res(TASK, {"family": "api", "containerDefinitions": "[]", "volumes": list(volumes)})


def test_all_efs_volumes_encrypted_passes():
    assert only(run(RULE, task(efs_volume(), efs_volume("uploads"), {"name": "scratch"}))).status is Status.PASS


def test_no_efs_volume_is_not_applicable():
    assert only(run(RULE, task({"name": "scratch"}))).status is Status.NOT_APPLICABLE
    assert only(run(RULE, res(TASK, {"family": "api"}))).status is Status.NOT_APPLICABLE


def test_absent_transit_encryption_fails_as_aws_default():
    outcome = only(run(RULE, task(efs_volume(transitEncryption=None))))
    assert outcome.status is Status.FAIL
    assert "volume 'records': transitEncryption is not set" in outcome.message and "DISABLED" in outcome.message


def test_disabled_fails_and_each_volume_is_reported():
    outcomes = run(RULE, task(efs_volume(transitEncryption="DISABLED"), efs_volume("b", transitEncryption="DISABLED")))
    assert statuses(outcomes) == [Status.FAIL, Status.FAIL]
    assert "transitEncryption is 'DISABLED'; it must be ENABLED" in outcomes[0].message
    assert "volume 'b'" in outcomes[1].message


def test_one_bad_volume_among_good_ones_fails():
    outcome = only(run(RULE, task(efs_volume(), efs_volume("bad", transitEncryption="DISABLED"))))
    assert outcome.status is Status.FAIL and "'bad'" in outcome.message


def test_unknowns_are_unknown():
    assert only(run(RULE, res(TASK, {"volumes": UNKNOWN}))).status is Status.UNKNOWN
    assert only(run(RULE, task(efs_volume(transitEncryption=UNKNOWN)))).status is Status.UNKNOWN
    assert only(run(RULE, task({"name": "x", "efsVolumeConfiguration": UNKNOWN}))).status is Status.UNKNOWN


def test_secret_setting_is_read():
    assert only(run(RULE, task(efs_volume(transitEncryption=secret("ENABLED"))))).status is Status.PASS
