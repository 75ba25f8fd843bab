
from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-TLS-01"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def group(**props):
    return res(GROUP, {"transitEncryptionEnabled": True, "transitEncryptionMode": "required", **props})


def test_required_tls_passes():
    assert only(run(RULE, group())).status is Status.PASS


def test_enabled_with_absent_mode_is_required_by_default():
    assert only(run(RULE, res(GROUP, {"transitEncryptionEnabled": True}))).status is Status.PASS


def test_absent_flag_fails_as_aws_default_off():
    outcome = only(run(RULE, res(GROUP, {})))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("transitEncryptionEnabled is absent")


def test_disabled_fails():
    outcome = only(run(RULE, group(transitEncryptionEnabled=False)))
    assert outcome.status is Status.FAIL
    assert "transitEncryptionEnabled is False" in outcome.message


def test_preferred_mode_fails():
    outcome = only(run(RULE, group(transitEncryptionMode="preferred")))
    assert outcome.status is Status.FAIL
    assert "transitEncryptionMode is 'preferred'" in outcome.message and "plaintext" in outcome.message


def test_other_mode_fails():
    outcome = only(run(RULE, group(transitEncryptionMode="sometimes")))
    assert outcome.status is Status.FAIL
    assert "must be 'required'" in outcome.message


def test_unknowns_are_unknown():
    assert only(run(RULE, group(transitEncryptionEnabled=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, group(transitEncryptionMode=UNKNOWN))).status is Status.UNKNOWN


def test_secret_values_are_read_and_not_shown():
    assert only(run(RULE, group(transitEncryptionEnabled=secret(True)))).status is Status.PASS
    outcome = only(run(RULE, group(transitEncryptionMode=secret("MODE-MARKER"))))
    assert outcome.status is Status.FAIL
    assert "MODE-MARKER" not in outcome.message + str(outcome.evidence)
