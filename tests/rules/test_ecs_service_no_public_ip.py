import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import ecs_service_no_public_ip as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)
BOOL_UNKNOWN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
SUBNETS = ["subnet-a", "subnet-b"]


def run(props: dict) -> list:
    type_ = "aws:ecs/service:Service"
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::api", type_, "api", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


def statuses(props: dict) -> list[Status]:
    return [o.status for o in run(props)]


def test_private_service_passes():
    assert statuses({"networkConfiguration": {"subnets": SUBNETS, "assignPublicIp": False}}) == [Status.PASS]


def test_absent_assign_public_ip_is_false_by_default():
    assert statuses({"networkConfiguration": {"subnets": SUBNETS}}) == [Status.PASS]
    assert statuses({"launchType": "EC2"}) == [Status.PASS]


def test_public_ip_fails():
    [outcome] = run({"networkConfiguration": {"subnets": SUBNETS, "assignPublicIp": True}})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("networkConfiguration.assignPublicIp is true")


@pytest.mark.parametrize(
    "network",
    [UNKNOWN_STRING, "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", {"subnets": SUBNETS, "assignPublicIp": BOOL_UNKNOWN}],
)
def test_unknown_network_configuration_is_unknown(network):
    assert statuses({"networkConfiguration": network}) == [Status.UNKNOWN]


def test_secret_wrapped_network_configuration_is_read():
    secret = {SIG_KEY: SECRET_SIG, "value": {"subnets": SUBNETS, "assignPublicIp": True}}
    assert statuses({"networkConfiguration": secret}) == [Status.FAIL]


@pytest.mark.parametrize("odd", [[{"assignPublicIp": True}], "yes-please", 0.0, {"assignPublicIp": {"nested": [1]}}])
def test_odd_input_never_raises(odd):
    [outcome] = run({"networkConfiguration": odd})
    assert not outcome.message.startswith("rule error")
