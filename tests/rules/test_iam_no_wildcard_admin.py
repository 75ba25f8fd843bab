import pytest

from tests.rules.helpers import (
    UNKNOWN,
    only,
    policy_json,
    res,
    run,
    secret,
    statuses,
)

RULE_ID = "FERPA-IAM-01"
POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
]
READ_RECORDS = {
    "Sid": "ReadRecords",
    "Effect": "Allow",
    "Action": ["secretsmanager:GetSecretValue"],
    "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*",
}
ADMIN = {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}


def policy(document, type_="aws:iam/rolePolicy:RolePolicy"):
    return res(type_, {"role": "task-role", "policy": document})


@pytest.mark.parametrize("type_", POLICY_TYPES)
def test_scoped_policy_passes(type_):
    assert statuses(run(RULE_ID, policy(policy_json(READ_RECORDS), type_))) == ["pass"]


@pytest.mark.parametrize(
    "statement",
    [ADMIN, {**ADMIN, "Action": ["*"]}, {**ADMIN, "Action": "*:*"}, {**ADMIN, "Resource": ["arn:x", "*"]}],
)
def test_allow_everything_fails(statement):
    outcome = only(run(RULE_ID, policy(policy_json(READ_RECORDS, statement))))
    assert outcome.status == "fail"
    assert outcome.message == (
        'statement \'Admin\' allows every action on every resource '
        '(Action "*" or NotAction, on Resource "*" or NotResource)'
    )
    assert outcome.evidence == {"statements": [1]}


def test_unnamed_statement_is_numbered():
    unnamed = {k: v for k, v in ADMIN.items() if k != "Sid"}
    assert only(run(RULE_ID, policy(policy_json(unnamed)))).message.startswith("statement #1 allows")


@pytest.mark.parametrize(
    "statement",
    [
        {**ADMIN, "Effect": "Deny"},
        {**ADMIN, "Action": "s3:*"},
        {**ADMIN, "Resource": "arn:aws:s3:::records/*"},
    ],
)
def test_near_misses_pass(statement):
    assert statuses(run(RULE_ID, policy(policy_json(statement)))) == ["pass"]


def test_object_document_is_read():
    assert statuses(run(RULE_ID, policy({"Version": "2012-10-17", "Statement": ADMIN}))) == ["fail"]


def test_unknown_document_is_unknown():
    assert statuses(run(RULE_ID, policy(UNKNOWN))) == ["unknown"]
    assert statuses(run(RULE_ID, policy({"Statement": [{**READ_RECORDS, "Resource": UNKNOWN}]}))) == ["unknown"]


def test_known_admin_statement_fails_even_beside_unknowns():
    document = {"Statement": [{**READ_RECORDS, "Resource": UNKNOWN}, ADMIN]}
    assert statuses(run(RULE_ID, policy(document))) == ["fail"]


@pytest.mark.parametrize("text", ["{not json", "[]", '"*"', ""])
def test_unparsable_document_fails(text):
    outcome = only(run(RULE_ID, policy(text)))
    assert outcome.status == "fail"
    assert outcome.message.startswith("policy document cannot be read")


def test_absent_document_fails():
    assert only(run(RULE_ID, res("aws:iam/policy:Policy", {"name": "p"}))).message == "policy document is not set"


def test_secret_document_is_evaluated_without_naming_statements():
    outcome = only(run(RULE_ID, policy(secret(policy_json(ADMIN)))))
    assert outcome.status == "fail"
    assert "Admin" not in outcome.message
    assert statuses(run(RULE_ID, policy({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}))) == [
        "unknown"
    ]


def test_not_action_on_every_resource_is_admin_too() -> None:
    from tests.rules.helpers import policy_json
    from tests.rules.helpers import res as make
    from tests.rules.helpers import run as run_rule

    document = policy_json({"Effect": "Allow", "NotAction": "iam:DeleteAccountPasswordPolicy", "Resource": "*"})
    outcomes = run_rule("FERPA-IAM-01", make("aws:iam/policy:Policy", {"policy": document}))
    assert [o.status.value for o in outcomes] == ["fail"]
