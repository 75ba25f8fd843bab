import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Enforcement, Resource, Status
from policies.registry import Rule
from policies.rules import rds_not_public as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_SENTINELS

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)
BOOL_UNKNOWN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"


def run(props: dict, type_: str = "aws:rds/clusterInstance:ClusterInstance") -> list:
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::db", type_, "db", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


def test_mandatory_and_applies_to_both_instance_types():
    assert META.enforcement is Enforcement.MANDATORY
    assert set(META.resource_types) == {"aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance"}


@pytest.mark.parametrize("type_", ["aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance"])
def test_private_instance_passes(type_):
    assert [o.status for o in run({"publiclyAccessible": False, "engine": "aurora-postgresql"}, type_)] == [Status.PASS]


def test_absent_flag_is_private_by_aws_default():
    assert [o.status for o in run({"engine": "aurora-postgresql"})] == [Status.PASS]


@pytest.mark.parametrize("value", [True, "true"])
def test_publicly_accessible_fails(value):
    [outcome] = run({"publiclyAccessible": value})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("publiclyAccessible is true")


def test_unknown_is_unknown():
    assert BOOL_UNKNOWN in UNKNOWN_SENTINELS
    [outcome] = run({"publiclyAccessible": BOOL_UNKNOWN})
    assert outcome.status is Status.UNKNOWN


def test_secret_wrapped_flag_is_read_but_not_shown():
    [outcome] = run({"publiclyAccessible": {SIG_KEY: SECRET_SIG, "value": True}})
    assert outcome.status is Status.FAIL
    assert [o.status for o in run({"publiclyAccessible": {SIG_KEY: SECRET_SIG, "value": False}})] == [Status.PASS]


@pytest.mark.parametrize("odd", [["x"], {"a": 1}, 3.5, None, "no"])
def test_odd_input_never_raises(odd):
    [outcome] = run({"publiclyAccessible": odd})
    assert not outcome.message.startswith("rule error")
