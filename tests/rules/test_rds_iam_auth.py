import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import rds_iam_auth as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)


def run(props: dict, type_: str = "aws:rds/cluster:Cluster") -> list:
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::db", type_, "db", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


@pytest.mark.parametrize("type_", ["aws:rds/cluster:Cluster", "aws:rds/instance:Instance"])
def test_enabled_passes(type_):
    assert [o.status for o in run({"iamDatabaseAuthenticationEnabled": True}, type_)] == [Status.PASS]


def test_absent_is_aws_default_off():
    [outcome] = run({"engine": "aurora-postgresql"})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("iamDatabaseAuthenticationEnabled is absent")


def test_false_fails():
    [outcome] = run({"iamDatabaseAuthenticationEnabled": False})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("iamDatabaseAuthenticationEnabled is False")


def test_unknown():
    [outcome] = run({"iamDatabaseAuthenticationEnabled": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"})
    assert outcome.status is Status.UNKNOWN


def test_secret_wrapped_is_read():
    assert [o.status for o in run({"iamDatabaseAuthenticationEnabled": {SIG_KEY: SECRET_SIG, "value": "true"}})] == [
        Status.PASS
    ]


@pytest.mark.parametrize("odd", [[True], {"on": True}, 0.0])
def test_odd_input_fails_without_raising(odd):
    [outcome] = run({"iamDatabaseAuthenticationEnabled": odd})
    assert outcome.status is Status.FAIL
