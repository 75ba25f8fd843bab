"""VPC_LINK integrations reach the backend through a VPC Link of the stack, privately.

REST APIs have two kinds of VPC link. V1 (`aws:apigateway/vpcLink:VpcLink`, which
AWS now calls legacy) carries its NLB target itself (FERPA-LINK-01/02 judge it).
V2 (`aws:apigatewayv2/vpcLink:VpcLink`, AWS's recommended path) carries none: a REST
integration names its ALB or NLB in `integrationTarget`, an HTTP API integration
names a load balancer listener (or a Cloud Map service) in `integrationUri`. A V2
private integration passes when that target is an internal load balancer.
"""

from collections.abc import Mapping
from typing import Any

from policies.checks import shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, not_applicable, passed, unknown
from policies.openapi import BodyUnreadable, body_integrations
from policies.registry import Context
from policies.resource_types import LISTENERS, LOAD_BALANCERS
from policies.values import MISSING, UNKNOWN, UNKNOWN_SHOWN, get, truth

RULE_ID = "FERPA-LINK-03"

REST_INTEGRATION = "aws:apigateway/integration:Integration"
REST_API = "aws:apigateway/restApi:RestApi"
HTTP_API_INTEGRATION = "aws:apigatewayv2/integration:Integration"
VPC_LINK_V1 = "aws:apigateway/vpcLink:VpcLink"
VPC_LINK_V2 = "aws:apigatewayv2/vpcLink:VpcLink"
CLOUD_MAP_SERVICE = "aws:servicediscovery/service:Service"
V2_ADVICE = "use a VPC link V2 (aws.apigatewayv2.VpcLink) with an internal ALB or NLB, AWS's recommended path"


def _internal(graph: Graph, balancer: Resource) -> Outcome | None:
    """None when the load balancer is internal; otherwise why not (fail) or that it is not known."""
    state = truth(get(graph.props(balancer), "internal"))
    if state is None:
        return unknown(f"whether load balancer {balancer.name} is internal is not known during preview")
    if not state:
        return fail(
            f"the private integration's target load balancer {balancer.name} is internet-facing: the backend "
            "is reachable from the internet around API Gateway; make it internal",
            target=balancer.urn,
        )
    return None


def _target_balancers(graph: Graph, integration: Resource, path: str) -> tuple[list[Resource], bool]:
    """Load balancers that `path` names, directly or through one of their listeners; and whether some value
    named none of the stack's."""
    direct = graph.resolve(integration, path, LOAD_BALANCERS)
    through = graph.resolve(integration, path, LISTENERS)
    balancers = list(direct.targets)
    for listener in through.targets:
        balancers.extend(graph.resolve(listener, "loadBalancerArn", LOAD_BALANCERS).targets)
    return balancers, not (direct.targets or through.targets)


def _judge_v2(graph: Graph, integration: Resource, path: str, links: list[Resource]) -> Outcome:
    names = ", ".join(link.name for link in links)
    if get(graph.props(integration), path) is MISSING and not integration.property_dependencies.get(path):
        return fail(f"a VPC link V2 integration ({names}) needs {path}: the internal ALB or NLB to reach")
    if graph.resolve(integration, path, (CLOUD_MAP_SERVICE,)).targets:
        return passed(f"uses VPC link V2 {names} to a Cloud Map service in the VPC", property="connectionId")
    balancers, unresolved = _target_balancers(graph, integration, path)
    if not balancers:
        if unresolved:
            return unknown(f"{path} names no load balancer or listener of this stack; whether it is internal "
                           "is not visible offline")
        return fail(f"{path} resolves to no load balancer")
    for balancer in balancers:
        verdict = _internal(graph, balancer)
        if verdict is not None:
            return verdict
    targets = ", ".join(balancer.name for balancer in balancers)
    return passed(f"uses VPC link V2 {names} to internal load balancer {targets}", property="connectionId",
                  vpcLinks=[link.urn for link in links])


def _connection_id(props: Mapping[str, Any]) -> Outcome:
    """The verdict when connectionId names no VPC Link of the stack; the id is shown only through `shown`."""
    connection_id = get(props, "connectionId")
    if connection_id is MISSING:
        return fail("connectionType is VPC_LINK but connectionId is not set")
    if not isinstance(connection_id, str):
        return unknown("connectionId is not known and no VPC Link of the stack feeds it", connectionId=UNKNOWN_SHOWN)
    safe = shown(props, "connectionId", connection_id)
    if "${stageVariables." in connection_id:
        return unknown(f"connectionId {safe} comes from a stage variable", connectionId=safe)
    return fail(f"connectionId {safe} is not a VPC Link of this stack", connectionId=safe)


def _judge(graph: Graph, integration: Resource) -> Outcome:
    props = graph.props(integration)
    connection_type = get(props, "connectionType")
    if connection_type is UNKNOWN:
        return unknown("connectionType is not known during preview")
    if connection_type != "VPC_LINK":
        return not_applicable("not a VPC_LINK integration")
    target_path = "integrationUri" if integration.type == HTTP_API_INTEGRATION else "integrationTarget"
    v2 = list(graph.resolve(integration, "connectionId", (VPC_LINK_V2,)).targets)
    if v2:
        return _judge_v2(graph, integration, target_path, v2)
    v1 = graph.resolve(integration, "connectionId", (VPC_LINK_V1,))
    if v1.targets and v1.known:
        if integration.type == HTTP_API_INTEGRATION:
            return fail("an HTTP API integration cannot use a REST API (V1) VPC Link; " + V2_ADVICE)
        if get(props, "integrationTarget") not in (MISSING, UNKNOWN):
            return fail("integrationTarget is for VPC link V2; a V1 (legacy) VPC Link carries its own target")
        names = ", ".join(link.name for link in v1.targets)
        return passed(f"uses VPC Link {names}", vpcLinks=[t.urn for t in v1.targets])
    return _connection_id(props)


def _body_outcomes(graph: Graph, api: Resource) -> list[Outcome]:
    """The VPC_LINK integrations of a RestApi's OpenAPI body, each judged as an Integration of that API."""
    try:
        integrations = body_integrations(graph.props(api))
    except BodyUnreadable:
        return []  # FERPA-TLS-05 reports an unreadable body
    if integrations is None:
        return [unknown("body is not known during preview; its VPC_LINK integrations cannot be checked", api.urn)]
    outcomes: list[Outcome] = []
    dependencies = api.property_dependencies.get("body", ())
    for integration in integrations:
        if get(integration.props, "connectionType") != "VPC_LINK":
            continue
        # The body's values reach the resources they name through the API's dependencies on them.
        declared = Resource(api.urn, REST_INTEGRATION, api.name, props=integration.props,
                            property_dependencies={"connectionId": dependencies, "integrationTarget": dependencies})
        verdict = _judge(graph, declared)
        outcomes.append(Outcome(verdict.status, f"{integration.label}: {verdict.message}", api.urn, verdict.evidence))
    return outcomes


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for integration in graph.of_type(REST_INTEGRATION, HTTP_API_INTEGRATION):
        verdict = _judge(graph, integration)
        outcomes.append(Outcome(verdict.status, verdict.message, integration.urn, verdict.evidence))
    for api in graph.of_type(REST_API):
        outcomes.extend(_body_outcomes(graph, api))
    return outcomes
