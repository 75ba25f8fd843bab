import json

import pytest

from policies.model import Status
from tests.rules.helpers import (
    UNKNOWN,
    assert_no_secret,
    only,
    policy_json,
    res,
    run,
    secret,
)

RULE = "FERPA-ENC-10"
KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
ROOT = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "kms:*", "Resource": "*"}


def key(*statements, type_=KEY):
    return res(type_, {"policy": policy_json(*statements)})


def test_named_principals_pass():
    assert only(run(RULE, key(ROOT))).status is Status.PASS


def test_absent_policy_is_the_aws_default_and_passes():
    assert only(run(RULE, res(KEY, {"enableKeyRotation": True}))).status is Status.PASS


def test_absent_policy_on_key_policy_resource_fails():
    outcome = only(run(RULE, res(KEY_POLICY, {"keyId": "k"})))
    assert outcome.status is Status.FAIL
    assert "policy is not set" in outcome.message


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::1:root", "*"]}])
@pytest.mark.parametrize("type_", [KEY, KEY_POLICY])
def test_wildcard_principal_without_condition_fails(principal, type_):
    statement = {"Sid": "Open", "Effect": "Allow", "Principal": principal, "Action": "kms:Decrypt", "Resource": "*"}
    outcome = only(run(RULE, key(ROOT, statement, type_=type_)))
    assert outcome.status is Status.FAIL
    assert "statement 'Open' allows a wildcard Principal with no Condition" in outcome.message
    assert outcome.evidence["actions"] == ["kms:Decrypt"]


def test_statement_without_sid_is_named_by_position():
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*"}
    assert "statement #2" in only(run(RULE, key(ROOT, statement))).message


def test_wildcard_principal_with_condition_passes():
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}}
    assert only(run(RULE, key(ROOT, statement))).status is Status.PASS


def test_empty_condition_counts_as_none():
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Condition": {}}
    assert only(run(RULE, key(statement))).status is Status.FAIL


def test_not_principal_allow_fails():
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*"}
    outcome = only(run(RULE, key(statement)))
    assert outcome.status is Status.FAIL
    assert "NotPrincipal" in outcome.message


def test_wildcard_deny_is_fine():
    statement = {"Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion"}
    assert only(run(RULE, key(ROOT, statement))).status is Status.PASS


def test_single_statement_object_is_read():
    document = json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:*"}})
    assert only(run(RULE, res(KEY, {"policy": document}))).status is Status.FAIL


def test_decoded_object_policy_is_read():
    document = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*"}]}
    assert only(run(RULE, res(KEY, {"policy": document}))).status is Status.FAIL


def test_unknown_policy_is_unknown():
    assert only(run(RULE, res(KEY, {"policy": UNKNOWN}))).status is Status.UNKNOWN


def test_unknown_principal_or_condition_is_unknown():
    statement = {"Effect": "Allow", "Principal": {"AWS": UNKNOWN}, "Action": "kms:*"}
    assert only(run(RULE, res(KEY, {"policy": {"Statement": [statement]}}))).status is Status.UNKNOWN
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Condition": UNKNOWN}
    assert only(run(RULE, res(KEY, {"policy": {"Statement": [statement]}}))).status is Status.UNKNOWN


def test_unknown_condition_value_is_still_a_condition():
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*",
                 "Condition": {"StringEquals": {"kms:CallerAccount": UNKNOWN}}}
    assert only(run(RULE, res(KEY, {"policy": {"Statement": [statement]}}))).status is Status.PASS


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("", "empty string"),
        ("[]", "JSON array, not an object"),
        ('{"Version": "2012-10-17"}', "no Statement"),
        ('{"Statement": "Allow"}', "Statement is a JSON string"),
        ('{"Statement": [1]}', "statement #1 is a JSON number"),
    ],
)
def test_unreadable_policy_fails_clearly(document, expected):
    outcome = only(run(RULE, res(KEY, {"policy": document})))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("policy cannot be read")
    assert expected in outcome.message


def test_secret_policy_is_evaluated_and_never_shown():
    open_statement = {"Sid": "HIDDEN-SID-MARKER", "Effect": "Allow", "Principal": "*", "Action": "kms:*"}
    assert only(run(RULE, res(KEY, {"policy": secret(policy_json(ROOT))}))).status is Status.PASS
    outcome = only(run(RULE, res(KEY, {"policy": secret("{broken SECRET-MARKER")})))
    assert outcome.status is Status.FAIL and "(secret)" in outcome.message
    assert "SECRET-MARKER" not in outcome.message
    outcome = only(run(RULE, res(KEY, {"policy": secret(policy_json(open_statement))})))
    assert outcome.status is Status.FAIL
    assert "statement #1" in outcome.message
    assert_no_secret([outcome], "HIDDEN-SID-MARKER")
    assert_no_secret([outcome], "kms:*")


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringEquals": {"kms:ViaService": "rds.us-east-1.amazonaws.com"}},
        {"StringLike": {"kms:CallerAccount": "*"}},
    ],
    ids=["secure-transport", "via-service-alone", "wildcard-account"],
)
def test_condition_that_does_not_restrict_the_caller_still_fails(condition: dict) -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Condition": condition}
    outcome = only(run(RULE, res(KEY, {"policy": {"Statement": [statement]}})))
    assert outcome.status is Status.FAIL
    assert "does not restrict the caller" in outcome.message


def test_caller_account_condition_makes_a_wildcard_principal_acceptable() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"],
                 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
                                                "kms:ViaService": "rds.us-east-1.amazonaws.com"}}}
    assert only(run(RULE, res(KEY, {"policy": {"Statement": [statement]}}))).status is Status.PASS
