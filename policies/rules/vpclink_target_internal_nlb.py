from dataclasses import replace

from policies.checks import shown
from policies.graph import Graph
from policies.model import Outcome, fail, passed, unknown
from policies.registry import Context
from policies.resource_types import LOAD_BALANCERS
from policies.values import UNKNOWN, get, truth

RULE_ID = "FERPA-LINK-02"



def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for link in graph.of_type("aws:apigateway/vpcLink:VpcLink"):
        found = graph.resolve(link, "targetArn", LOAD_BALANCERS)
        if not found.targets:
            if found.unresolved:
                outcomes.append(unknown("targetArn does not resolve to a load balancer of this stack", link.urn))
            else:
                outcomes.append(fail("targetArn is not set", link.urn))
            continue
        for lb in found.targets:
            props = graph.props(lb)
            lb_type = get(props, "loadBalancerType")
            internal = truth(get(props, "internal"))
            if lb_type is UNKNOWN:
                outcomes.append(unknown(f"target {lb.name} has an unknown loadBalancerType", link.urn))
                continue
            if not isinstance(lb_type, str):
                lb_type = "application"  # AWS's default when loadBalancerType is absent
            if lb_type != "network":
                shown_type = shown(props, "loadBalancerType", lb_type)
                outcomes.append(
                    fail(
                        f"targets load balancer {lb.name} of type {shown_type!r}; "
                        "a REST API VPC Link (V1) requires a Network Load Balancer; to reach an ALB use a "
                        "VPC link V2 (aws.apigatewayv2.VpcLink), AWS's recommended path",
                        link.urn,
                        target=lb.urn,
                        loadBalancerType=shown_type,
                    )
                )
            elif internal is None:
                outcomes.append(unknown(f"target {lb.name} has an unknown `internal` flag", link.urn))
            elif not internal:
                outcomes.append(
                    fail(
                        f"target Network Load Balancer {lb.name} is internet-facing; it must be internal",
                        link.urn,
                        target=lb.urn,
                    )
                )
            else:
                outcomes.append(passed(f"targets internal Network Load Balancer {lb.name}", link.urn, target=lb.urn))
    return [replace(outcome, evidence={**outcome.evidence, "property": "targetArn"}) for outcome in outcomes]
