import json

import pytest

from policies.policy_documents import PolicyState, matches, read_policy
from policies.values import MISSING, UNKNOWN, UNKNOWN_STRING, get
from tests.rules.helpers import secret


def one(statement):
    read = read_policy(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    assert read.state is PolicyState.PARSED
    (parsed,) = read.statements
    return parsed


@pytest.mark.parametrize(
    ("value", "state"),
    [(MISSING, PolicyState.ABSENT), (None, PolicyState.ABSENT), (UNKNOWN, PolicyState.UNKNOWN),
     (UNKNOWN_STRING, PolicyState.UNKNOWN), ("{", PolicyState.INVALID), ("42", PolicyState.INVALID),
     ({"Statement": []}, PolicyState.PARSED), (secret('{"Statement": []}'), PolicyState.PARSED)],
)
def test_states(value, state):
    assert read_policy(value).state is state


def test_reads_through_values_get():
    props = {"policy": secret(json.dumps({"Statement": {"Effect": "Deny", "Action": "*"}}))}
    (statement,) = read_policy(get(props, "policy")).statements
    assert statement.is_deny and statement.actions == ("*",)


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::1:root", "*"]}, ["*"]])
def test_wildcard_principal_spellings(principal):
    assert one({"Effect": "Allow", "Principal": principal}).principal_is_wildcard()


@pytest.mark.parametrize("principal", [{"AWS": "arn:aws:iam::1:root"}, {"Service": "logs.amazonaws.com"}, None])
def test_named_principals_are_not_wildcards(principal):
    assert not one({"Effect": "Allow", "Principal": principal}).principal_is_wildcard()


def test_action_normalisation_and_matching():
    statement = one({"Effect": "Allow", "Action": ["s3:Get*", "kms:Decrypt"], "Resource": "*"})
    assert statement.actions == ("s3:Get*", "kms:Decrypt")
    assert statement.allows_action("s3:GetObject") and statement.allows_action("KMS:decrypt")
    assert not statement.allows_action("s3:PutObject")
    assert statement.resources == ("*",)


def test_not_action_inverts_matching():
    statement = one({"Effect": "Allow", "NotAction": "iam:*"})
    assert statement.allows_action("s3:GetObject") and not statement.allows_action("iam:CreateUser")


def test_conditions_are_normalised_to_strings_and_matched_case_insensitively():
    statement = one({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": False}}})
    assert statement.has_condition
    assert statement.condition_values("AWS:SECURETRANSPORT", ["Bool"]) == ("false",)
    assert statement.condition_values("aws:SecureTransport", ["StringEquals"]) == ()


def test_unknown_parts_are_visible():
    statement = one({"Effect": "Allow", "Principal": {"AWS": UNKNOWN_STRING}, "Condition": UNKNOWN_STRING})
    assert set(statement.unknown_fields) == {"Principal", "Condition"}
    assert statement.condition_unknown and not statement.has_condition


def test_labels_prefer_the_sid():
    assert one({"Sid": "Root", "Effect": "Allow"}).label == "statement 'Root'"
    assert one({"Effect": "Allow"}).label == "statement #1"


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("*", "anything", True), ("s3:Get?bject", "s3:GetObject", True), ("s3:[ab]", "s3:a", False),
    ("kms:*", "KMS:Encrypt", True), ("iam:Pass*", "iam:CreateRole", False),
])
def test_glob_matching(pattern, value, expected):
    assert matches(pattern, value) is expected
