"""Classic load balancers are internal, judged as FERPA-NET-05 judges ALBs and NLBs (AWS's default
for an absent `internal` is internet-facing), with the same internetFacingAllowed allow-list."""

from policies.model import Outcome, Resource
from policies.registry import Context
from policies.rules import backend_lb_internal

RULE_ID = "FERPA-NET-44"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return list(backend_lb_internal.check(resource, ctx))
