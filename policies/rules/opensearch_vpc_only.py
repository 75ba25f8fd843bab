from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import UNKNOWN, as_list, get, is_unknown

RULE_ID = "FERPA-NET-60"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    subnets = get(resource.props, "vpcOptions.subnetIds")
    if subnets is UNKNOWN:
        return [unknown("vpcOptions.subnetIds is not known during preview; the domain must be placed in a VPC")]
    named = [s for s in as_list(subnets) if is_unknown(s) or (isinstance(s, str) and s.strip())]
    if not named:
        return [fail("vpcOptions.subnetIds is not set: the domain has a public endpoint reachable from the internet")]
    return []
