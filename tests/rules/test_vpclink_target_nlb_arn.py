from __future__ import annotations

import pytest

from policies.model import Status
from tests.rules.helpers import ODD_VALUES, UNKNOWN, assert_no_rule_error, only, res, run, statuses

RULE = "FERPA-LINK-01"
TYPE = "aws:apigateway/vpcLink:VpcLink"
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/students/50dc6c495c0c9188"
ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/students/50dc6c495c0c9188"


def test_nlb_arn_passes() -> None:
    assert statuses(run(RULE, res(TYPE, {"targetArn": NLB}))) == [Status.PASS]


def test_alb_arn_fails_naming_the_alb() -> None:
    outcome = only(run(RULE, res(TYPE, {"targetArn": ALB})))
    assert outcome.status is Status.FAIL
    assert "is an Application Load Balancer" in outcome.message


def test_other_arn_fails() -> None:
    outcome = only(run(RULE, res(TYPE, {"targetArn": "arn:aws:ec2:us-east-1:123456789012:instance/i-1"})))
    assert outcome.status is Status.FAIL
    assert "is not a Network Load Balancer ARN" in outcome.message


def test_absent_target_fails() -> None:
    outcome = only(run(RULE, res(TYPE, {})))
    assert outcome.status is Status.FAIL
    assert "targetArn is not set" in outcome.message


def test_list_of_arns_as_in_the_seed_fails() -> None:
    outcome = only(run(RULE, res(TYPE, {"targetArn": [ALB]})))
    assert outcome.status is Status.FAIL
    assert "single Network Load Balancer ARN" in outcome.message


def test_unknown_target_is_unknown() -> None:
    outcome = only(run(RULE, res(TYPE, {"targetArn": UNKNOWN})))
    assert outcome.status is Status.UNKNOWN
    assert "FERPA-LINK-02" in outcome.message


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_odd_values_never_raise(value: object) -> None:
    outcomes = run(RULE, res(TYPE, {"targetArn": value}))
    assert_no_rule_error(outcomes)
    assert Status.PASS not in statuses(outcomes)
