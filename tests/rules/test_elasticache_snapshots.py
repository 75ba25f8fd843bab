import pytest

from policies.catalogue import load
from policies.engine import run_resource_rule
from policies.model import Resource, Status
from policies.registry import Rule
from policies.rules import elasticache_snapshots as rule_module
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY

META = load().rule(rule_module.RULE_ID)
RULE = Rule(META, check=rule_module.check)


def run(props: dict) -> list:
    type_ = "aws:elasticache/replicationGroup:ReplicationGroup"
    resource = Resource(f"urn:pulumi:dev::ferpa::{type_}::cache", type_, "cache", props)
    return run_resource_rule(RULE, resource, PolicySettings(META.enforcement, META.defaults()))


@pytest.mark.parametrize("limit", [1, 7, 35.0, "5"])
def test_snapshots_kept_pass(limit):
    assert [o.status for o in run({"snapshotRetentionLimit": limit})] == [Status.PASS]


def test_absent_is_aws_default_of_no_snapshots():
    [outcome] = run({})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("snapshotRetentionLimit is absent (AWS's default: 0)")


def test_zero_fails():
    [outcome] = run({"snapshotRetentionLimit": 0})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("snapshotRetentionLimit is 0 days; at least 1 days required")


def test_unknown():
    assert [o.status for o in run({"snapshotRetentionLimit": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"})] == [
        Status.UNKNOWN
    ]


def test_secret_wrapped_is_read():
    assert [o.status for o in run({"snapshotRetentionLimit": {SIG_KEY: SECRET_SIG, "value": 2}})] == [Status.PASS]


@pytest.mark.parametrize("odd", [[1], {"n": 1}, True, "weekly"])
def test_odd_input_fails_without_raising(odd):
    assert [o.status for o in run({"snapshotRetentionLimit": odd})] == [Status.FAIL]
