import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import apigw_no_data_trace as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)


def run(props: dict) -> list:
    type_ = "aws:apigateway/methodSettings:MethodSettings"
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::all", type_, "all", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


def statuses(props: dict) -> list[Status]:
    return [o.status for o in run(props)]


def test_advisory():
    assert META.enforcement.value == "advisory"


def test_no_data_trace_passes():
    assert statuses({"methodPath": "*/*", "settings": {"loggingLevel": "INFO", "dataTraceEnabled": False}}) == [
        Status.PASS
    ]


def test_absent_settings_use_aws_default_off():
    assert statuses({"methodPath": "*/*", "settings": {"metricsEnabled": True}}) == [Status.PASS]
    assert statuses({"methodPath": "*/*"}) == [Status.PASS]


def test_data_trace_fails():
    [outcome] = run({"settings": {"dataTraceEnabled": True}})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("settings.dataTraceEnabled is true")


def test_unknown():
    assert statuses({"settings": UNKNOWN_STRING}) == [Status.UNKNOWN]
    assert statuses({"settings": {"dataTraceEnabled": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"}}) == [Status.UNKNOWN]


def test_secret_wrapped_settings_are_read():
    assert statuses({"settings": {SIG_KEY: SECRET_SIG, "value": {"dataTraceEnabled": True}}}) == [Status.FAIL]


@pytest.mark.parametrize("odd", [["dataTraceEnabled"], "true", {"dataTraceEnabled": [True]}])
def test_odd_input_never_raises(odd):
    [outcome] = run({"settings": odd})
    assert not outcome.message.startswith("rule error")
