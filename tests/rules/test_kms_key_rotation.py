import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run

RULE = "FERPA-ENC-09"
KEY = "aws:kms/key:Key"


def test_rotation_enabled_passes():
    assert only(run(RULE, res(KEY, {"enableKeyRotation": True}))).status is Status.PASS


def test_rotation_absent_fails_as_aws_default():
    outcome = only(run(RULE, res(KEY, {"description": "records"})))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("enableKeyRotation is absent")
    assert "AWS's default is false" in outcome.message


def test_rotation_false_fails():
    outcome = only(run(RULE, res(KEY, {"enableKeyRotation": False})))
    assert outcome.status is Status.FAIL
    assert "enableKeyRotation is False" in outcome.message


def test_explicit_symmetric_key_still_needs_rotation():
    outcome = only(run(RULE, res(KEY, {"customerMasterKeySpec": "SYMMETRIC_DEFAULT"})))
    assert outcome.status is Status.FAIL


@pytest.mark.parametrize("path", ["customerMasterKeySpec", "keySpec"])
@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "HMAC_256"])
def test_non_symmetric_keys_are_not_applicable(path, spec):
    outcome = only(run(RULE, res(KEY, {path: spec})))
    assert outcome.status is Status.NOT_APPLICABLE
    assert spec in outcome.message


def test_unknown_rotation_is_unknown():
    assert only(run(RULE, res(KEY, {"enableKeyRotation": UNKNOWN}))).status is Status.UNKNOWN


def test_unknown_spec_without_rotation_is_unknown_but_with_rotation_passes():
    assert only(run(RULE, res(KEY, {"customerMasterKeySpec": UNKNOWN}))).status is Status.UNKNOWN
    props = {"customerMasterKeySpec": UNKNOWN, "enableKeyRotation": True}
    assert only(run(RULE, res(KEY, props))).status is Status.PASS


def test_string_true_is_accepted():
    assert only(run(RULE, res(KEY, {"enableKeyRotation": "true"}))).status is Status.PASS
