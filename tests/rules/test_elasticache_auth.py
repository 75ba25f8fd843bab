import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, assert_no_secret, only, res, run, secret

RULE = "FERPA-TLS-02"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def test_secret_auth_token_passes_and_is_never_shown():
    outcomes = run(RULE, res(GROUP, {"authToken": secret("TOKEN-MARKER-123")}))
    assert only(outcomes).status is Status.PASS
    assert_no_secret(outcomes, "TOKEN-MARKER-123")


def test_unreadable_secret_token_counts_as_present():
    token = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}
    assert only(run(RULE, res(GROUP, {"authToken": token}))).status is Status.PASS


def test_plain_token_or_user_groups_pass():
    assert only(run(RULE, res(GROUP, {"authToken": "t" * 32}))).status is Status.PASS
    assert only(run(RULE, res(GROUP, {"userGroupIds": ["records-users"]}))).status is Status.PASS


def test_neither_fails():
    outcome = only(run(RULE, res(GROUP, {"transitEncryptionEnabled": True})))
    assert outcome.status is Status.FAIL
    assert "neither authToken nor userGroupIds is set" in outcome.message


@pytest.mark.parametrize("props", [{"authToken": ""}, {"userGroupIds": []}, {"userGroupIds": [""]},
                                   {"authToken": None, "userGroupIds": None}])
def test_empty_values_fail(props):
    assert only(run(RULE, res(GROUP, props))).status is Status.FAIL


def test_unknown_is_unknown_unless_the_other_is_set():
    assert only(run(RULE, res(GROUP, {"authToken": UNKNOWN}))).status is Status.UNKNOWN
    assert only(run(RULE, res(GROUP, {"userGroupIds": UNKNOWN}))).status is Status.UNKNOWN
    assert only(run(RULE, res(GROUP, {"authToken": UNKNOWN, "userGroupIds": ["g"]}))).status is Status.PASS


def test_user_group_id_computed_from_another_resource_is_present():
    assert only(run(RULE, res(GROUP, {"userGroupIds": [UNKNOWN]}))).status is Status.PASS
