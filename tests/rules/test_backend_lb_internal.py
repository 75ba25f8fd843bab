import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import backend_lb_internal as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)
BOOL_UNKNOWN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"


def run(
    props: dict, name: str = "backend-nlb", config: dict | None = None, type_: str = "aws:lb/loadBalancer:LoadBalancer"
):
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::{name}", type_, name, props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, {**META.defaults(), **(config or {})}))


@pytest.mark.parametrize("type_", ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"])
def test_internal_passes(type_):
    assert [o.status for o in run({"internal": True, "loadBalancerType": "network"}, type_=type_)] == [Status.PASS]


def test_absent_internal_is_internet_facing():
    [outcome] = run({"loadBalancerType": "application"})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("internal is absent")


def test_internal_false_fails():
    [outcome] = run({"internal": False})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("internal is False")


def test_unknown_internal_is_unknown():
    assert [o.status for o in run({"internal": BOOL_UNKNOWN})] == [Status.UNKNOWN]


def test_secret_wrapped_internal_is_read():
    assert [o.status for o in run({"internal": {SIG_KEY: SECRET_SIG, "value": True}})] == [Status.PASS]


def test_allow_listed_name_may_face_the_internet():
    config = {"internetFacingAllowed": ["public-edge-*"]}
    [outcome] = run({"internal": False}, name="public-edge-alb", config=config)
    assert outcome.status is Status.PASS
    assert "internetFacingAllowed" in outcome.message
    assert [o.status for o in run({"internal": False}, name="backend-alb", config=config)] == [Status.FAIL]


def test_default_allow_list_is_empty():
    assert META.defaults()["internetFacingAllowed"] == []


@pytest.mark.parametrize("odd", [[True], {"x": 1}, 2.5])
def test_odd_input_never_raises(odd):
    [outcome] = run({"internal": odd}, config={"internetFacingAllowed": "not-a-list"})
    assert not outcome.message.startswith("rule error")
