import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import rds_deletion_protection as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)


def run(props: dict, type_: str = "aws:rds/cluster:Cluster") -> list:
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::db", type_, "db", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


@pytest.mark.parametrize("type_", ["aws:rds/cluster:Cluster", "aws:rds/instance:Instance"])
def test_protected_passes(type_):
    assert [o.status for o in run({"deletionProtection": True}, type_)] == [Status.PASS]


def test_absent_is_aws_default_unprotected():
    [outcome] = run({})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("deletionProtection is absent")


def test_false_fails():
    [outcome] = run({"deletionProtection": False})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("deletionProtection is False")


def test_unknown():
    assert [o.status for o in run({"deletionProtection": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"})] == [Status.UNKNOWN]


def test_secret_wrapped_is_read():
    assert [o.status for o in run({"deletionProtection": {SIG_KEY: SECRET_SIG, "value": True}})] == [Status.PASS]


@pytest.mark.parametrize("odd", [["true"], {"x": {"y": [1]}}, "off"])
def test_odd_input_fails_without_raising(odd):
    assert [o.status for o in run({"deletionProtection": odd})] == [Status.FAIL]
