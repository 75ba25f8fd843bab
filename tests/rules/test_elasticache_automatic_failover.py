import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import elasticache_automatic_failover as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)
BOOL_UNKNOWN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
BASELINE = {"automaticFailoverEnabled": True, "multiAzEnabled": True, "numCacheClusters": 2}


def run(props: dict) -> list:
    type_ = "aws:elasticache/replicationGroup:ReplicationGroup"
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::cache", type_, "cache", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


def test_baseline_passes():
    assert [o.status for o in run(BASELINE)] == [Status.PASS]


@pytest.mark.parametrize("prop", ["automaticFailoverEnabled", "multiAzEnabled"])
def test_each_flag_false_fails(prop):
    [outcome] = run({**BASELINE, prop: False})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith(f"{prop} is False")


def test_absent_flags_are_aws_default_off():
    outcomes = run({"numCacheClusters": 2})
    assert [o.status for o in outcomes] == [Status.FAIL, Status.FAIL]
    assert [o.message.split(" is ")[0] for o in outcomes] == ["automaticFailoverEnabled", "multiAzEnabled"]


def test_unknown():
    assert [o.status for o in run({**BASELINE, "multiAzEnabled": BOOL_UNKNOWN})] == [Status.UNKNOWN]


def test_secret_wrapped_is_read():
    assert [o.status for o in run({**BASELINE, "multiAzEnabled": {SIG_KEY: SECRET_SIG, "value": True}})] == [
        Status.PASS
    ]


@pytest.mark.parametrize("odd", [[True], {"a": 1}, "maybe"])
def test_odd_input_fails_without_raising(odd):
    assert [o.status for o in run({**BASELINE, "automaticFailoverEnabled": odd})] == [Status.FAIL]
