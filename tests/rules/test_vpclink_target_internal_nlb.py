from __future__ import annotations

from policies.model import Status
from tests.rules.helpers import UNKNOWN, for_urn, only, res, run_stack

RULE = "FERPA-LINK-02"
LB = "aws:lb/loadBalancer:LoadBalancer"
LINK = "aws:apigateway/vpcLink:VpcLink"
NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nlb/1"


def lb(name: str, **props: object) -> object:
    return res(LB, props, name=name)


def link_to(target: object, name: str = "link") -> object:
    """A VPC Link whose targetArn is unknown (preview) and tied to `target` by propertyDependencies."""
    return res(LINK, {"targetArn": UNKNOWN}, name=name, property_dependencies={"targetArn": [target.urn]})


def outcome_for(resources: list, link: object) -> object:
    return only(for_urn(run_stack(RULE, resources), link.urn))


def test_internal_nlb_passes_through_property_dependencies() -> None:
    nlb = lb("nlb", loadBalancerType="network", internal=True)
    link = link_to(nlb)
    assert outcome_for([nlb, link], link).status is Status.PASS


def test_alb_target_fails() -> None:
    alb = lb("alb", loadBalancerType="application", internal=True)
    link = link_to(alb)
    outcome = outcome_for([alb, link], link)
    assert outcome.status is Status.FAIL
    assert "of type 'application'" in outcome.message


def test_absent_load_balancer_type_is_an_alb_as_aws_defaults() -> None:
    alb = lb("alb", internal=True)
    link = link_to(alb)
    assert outcome_for([alb, link], link).status is Status.FAIL


def test_internet_facing_nlb_fails() -> None:
    nlb = lb("nlb", loadBalancerType="network", internal=False)
    link = link_to(nlb)
    outcome = outcome_for([nlb, link], link)
    assert outcome.status is Status.FAIL
    assert "internet-facing" in outcome.message


def test_unknown_internal_flag_is_unknown() -> None:
    nlb = lb("nlb", loadBalancerType="network", internal=UNKNOWN)
    link = link_to(nlb)
    assert outcome_for([nlb, link], link).status is Status.UNKNOWN


def test_resolution_by_arn_equality_on_outputs() -> None:
    nlb = res(LB, {"loadBalancerType": "network", "internal": True}, name="nlb",
              outputs={"arn": NLB_ARN, "loadBalancerType": "network", "internal": True})
    link = res(LINK, {"targetArn": NLB_ARN}, name="link", outputs={"targetArn": NLB_ARN})
    outcomes = run_stack(RULE, [nlb, link], use_outputs=True)
    assert only(for_urn(outcomes, link.urn)).status is Status.PASS


def test_target_outside_the_stack_is_unknown() -> None:
    link = res(LINK, {"targetArn": NLB_ARN}, name="link")
    outcome = only(run_stack(RULE, [link]))
    assert outcome.status is Status.UNKNOWN
    assert "does not resolve" in outcome.message
