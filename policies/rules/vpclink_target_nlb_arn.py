from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, UNKNOWN_SHOWN, get

RULE_ID = "FERPA-LINK-01"
RESOLVED_BY = {"targetArn": "FERPA-LINK-02"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    target = get(resource.props, "targetArn")
    if target is UNKNOWN:
        return [
            unknown(
                "targetArn is not known during preview; FERPA-LINK-02 resolves the target in the stack",
                targetArn=UNKNOWN_SHOWN,
            )
        ]
    if target is MISSING:
        return [fail("targetArn is not set; a REST API VPC Link needs exactly one Network Load Balancer ARN")]
    if not isinstance(target, str):
        return [fail(f"targetArn must be a single Network Load Balancer ARN, got {type(target).__name__}")]
    safe = shown(resource.props, "targetArn", target)
    if ":loadbalancer/app/" in target:
        return [
            fail(
                f"targetArn {safe} is an Application Load Balancer; VPC Links require a Network Load Balancer",
                targetArn=safe,
            )
        ]
    if ":loadbalancer/net/" not in target:
        return [fail(f"targetArn {safe} is not a Network Load Balancer ARN", targetArn=safe)]
    return []
