import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import log_retention as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)
NUMBER_UNKNOWN = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"


def run(props: dict, config: dict | None = None) -> list:
    type_ = "aws:cloudwatch/logGroup:LogGroup"
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::api-logs", type_, "api-logs", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, {**META.defaults(), **(config or {})}))


def statuses(props: dict, config: dict | None = None) -> list[Status]:
    return [o.status for o in run(props, config)]


def test_default_minimum_is_a_year():
    assert META.defaults() == {"minimumDays": 365}


@pytest.mark.parametrize("days", [365, 400, 3653, 365.0, "731"])
def test_long_enough_passes(days):
    assert statuses({"retentionInDays": days}) == [Status.PASS]


@pytest.mark.parametrize("props", [{}, {"retentionInDays": 0}, {"retentionInDays": 0.0}, {"retentionInDays": None}])
def test_never_expire_is_compliant(props):
    assert statuses(props) == [Status.PASS]


def test_short_retention_fails():
    [outcome] = run({"retentionInDays": 30})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("retentionInDays is 30 days; at least 365 days required")


def test_configured_minimum():
    assert statuses({"retentionInDays": 90}, {"minimumDays": 90}) == [Status.PASS]
    assert statuses({"retentionInDays": 60}, {"minimumDays": 90}) == [Status.FAIL]


def test_unknown():
    assert statuses({"retentionInDays": NUMBER_UNKNOWN}) == [Status.UNKNOWN]


def test_secret_wrapped_number_is_read_not_shown():
    assert statuses({"retentionInDays": {SIG_KEY: SECRET_SIG, "value": 400}}) == [Status.PASS]
    assert statuses({"retentionInDays": {SIG_KEY: SECRET_SIG, "ciphertext": "x"}}) == [Status.UNKNOWN]


@pytest.mark.parametrize("odd", [[365], {"days": 365}, True, "a year"])
def test_odd_input_fails_without_raising(odd):
    [outcome] = run({"retentionInDays": odd})
    assert outcome.status is Status.FAIL
    assert "not a number" in outcome.message
