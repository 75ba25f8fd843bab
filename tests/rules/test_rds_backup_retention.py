import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import rds_backup_retention as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)


def run(props: dict, config: dict | None = None, type_: str = "aws:rds/cluster:Cluster") -> list:
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::db", type_, "db", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, {**META.defaults(), **(config or {})}))


def statuses(props: dict, config: dict | None = None, type_: str = "aws:rds/cluster:Cluster") -> list[Status]:
    return [o.status for o in run(props, config, type_)]


@pytest.mark.parametrize("type_", ["aws:rds/cluster:Cluster", "aws:rds/instance:Instance"])
@pytest.mark.parametrize("days", [7, 35, 7.0, "14"])
def test_enough_days_pass(type_, days):
    assert statuses({"backupRetentionPeriod": days}, type_=type_) == [Status.PASS]


def test_absent_is_aws_default_of_one_day():
    [outcome] = run({})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("backupRetentionPeriod is absent (AWS's default: 1); at least 7 days required")


@pytest.mark.parametrize("days", [0, 1, 6.5])
def test_too_few_days_fail(days):
    [outcome] = run({"backupRetentionPeriod": days})
    assert outcome.status is Status.FAIL
    assert "at least 7 days required" in outcome.message


def test_configured_minimum():
    assert statuses({"backupRetentionPeriod": 7}, {"minimumDays": 14}) == [Status.FAIL]
    assert statuses({"backupRetentionPeriod": 14}, {"minimumDays": 14}) == [Status.PASS]
    assert statuses({}, {"minimumDays": 1}) == [Status.PASS]


def test_unknown():
    assert statuses({"backupRetentionPeriod": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"}) == [Status.UNKNOWN]


def test_secret_wrapped_is_read_and_not_shown():
    [outcome] = run({"backupRetentionPeriod": {SIG_KEY: SECRET_SIG, "value": 3}})
    assert outcome.status is Status.FAIL


@pytest.mark.parametrize("odd", [[7], {"days": 7}, False])
def test_odd_input_fails_without_raising(odd):
    assert statuses({"backupRetentionPeriod": odd}) == [Status.FAIL]
