import json

import pytest

from policies.model import Enforcement
from tests.rules.helpers import (
    ODD_VALUES,
    UNKNOWN,
    assert_no_rule_error,
    assert_no_secret,
    only,
    res,
    rule,
    run,
    secret,
    statuses,
)

RULE_ID = "FERPA-IAM-02"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/instance:Instance"
PLAINTEXT = "Sup3r-S3cret-Passw0rd"


def test_is_mandatory():
    assert rule(RULE_ID).meta.enforcement is Enforcement.MANDATORY


@pytest.mark.parametrize("type_", [CLUSTER, INSTANCE])
def test_managed_password_passes(type_):
    assert statuses(run(RULE_ID, res(type_, {"manageMasterUserPassword": True, "masterUsername": "app"}))) == ["pass"]


@pytest.mark.parametrize(("type_", "prop"), [(CLUSTER, "masterPassword"), (INSTANCE, "password")])
def test_secret_password_passes(type_, prop):
    assert statuses(run(RULE_ID, res(type_, {prop: secret(PLAINTEXT)}))) == ["pass"]
    assert statuses(run(RULE_ID, res(type_, {prop: secret(UNKNOWN)}))) == ["pass"]


@pytest.mark.parametrize(
    ("type_", "prop"),
    [(CLUSTER, "masterPassword"), (CLUSTER, "masterPasswordWo"), (INSTANCE, "password"), (INSTANCE, "passwordWo")],
)
def test_plain_password_fails_without_showing_it(type_, prop):
    outcomes = run(RULE_ID, res(type_, {prop: PLAINTEXT, "masterUsername": "app"}))
    outcome = only(outcomes)
    assert outcome.status == "fail"
    assert outcome.message.startswith(f"{prop} is plain text in the program")
    assert_no_secret(outcomes, PLAINTEXT)
    assert PLAINTEXT not in json.dumps(dict(outcome.evidence))


def test_plain_password_fails_even_with_managed_flag():
    outcome = only(run(RULE_ID, res(CLUSTER, {"manageMasterUserPassword": True, "masterPassword": PLAINTEXT})))
    assert outcome.status == "fail"


def test_absent_password_passes():
    assert statuses(run(RULE_ID, res(CLUSTER, {"snapshotIdentifier": "snap-1"}))) == ["pass"]


def test_unknown_plain_password_is_unknown_never_mandatory_fail():
    assert statuses(run(RULE_ID, res(CLUSTER, {"masterPassword": UNKNOWN}))) == ["unknown"]


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_input_never_raises_or_leaks(odd):
    outcomes = run(RULE_ID, res(INSTANCE, {"password": odd}))
    assert_no_rule_error(outcomes)
    assert_no_secret(outcomes, "yes please")
