"""HTTP API routes (and a WebSocket API's $connect route, the only one that takes an authorizer)
require an authorizer. `authorizationType: NONE` (AWS's default) passes only for OPTIONS routes
and for routes the `publicRoutes` allow-list names; an API created with `target` (quick create)
gets an unauthenticated route of its own and is judged as that route."""

from policies.checks import shown
from policies.compute_checks import PREFLIGHT, config_patterns, public_route
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-NET-48"

ROUTE = "aws:apigatewayv2/route:Route"
API = "aws:apigatewayv2/api:Api"
CONNECT = "$connect"
CATCH_ALL = "$default"


def _protocol(graph: Graph, route: Resource) -> str | None:
    """HTTP or WEBSOCKET, from the route's API or its route key; None when neither tells."""
    found = graph.resolve(route, "apiId", (API,))
    if len(found.targets) == 1:
        protocol = get(graph.props(found.targets[0]), "protocolType")
        if isinstance(protocol, str):
            return protocol.upper()
    key = get(graph.props(route), "routeKey")
    if isinstance(key, str) and " " in key.strip():
        return "HTTP"
    if isinstance(key, str) and key.startswith("$") and key != CATCH_ALL:
        return "WEBSOCKET"
    return None


def _split(key: str) -> tuple[str, str | None]:
    """("GET", "/students") for "GET /students"; ("ANY", None) for "$default" (every route)."""
    verb, _, path = key.strip().partition(" ")
    return (verb, path.strip()) if path else ("ANY", None)


def _judge(urn: str, key: object, shown_key: object, authorization: object, patterns: list[str]) -> Outcome:
    if authorization is UNKNOWN:
        return unknown("authorizationType is not known during preview", urn)
    if isinstance(authorization, str) and authorization.strip().upper() not in ("", "NONE"):
        return passed("requires an authorizer", urn)
    if authorization is not MISSING and not isinstance(authorization, str):
        return fail("authorizationType is not a string; it must name an authorizer type", urn)
    if not isinstance(key, str):
        return unknown("authorizationType is NONE and routeKey is not known", urn)
    verb, path = _split(key)
    if verb.upper() == PREFLIGHT:
        return passed("an OPTIONS (CORS preflight) route may be unauthenticated", urn)
    allowed = public_route(patterns, verb, path) if path is not None else public_route(patterns, "ANY", "*")
    if allowed is not None:
        return passed(f"public by the publicRoutes allow-list ({allowed!r})", urn, pattern=allowed)
    return fail(f"route {shown_key!r} has authorizationType NONE (AWS's default): anyone who can reach the API "
                "can call it; use AWS_IAM, JWT or CUSTOM, or list the route in publicRoutes", urn)


def _route(graph: Graph, route: Resource, patterns: list[str]) -> Outcome:
    props = graph.props(route)
    key = get(props, "routeKey")
    protocol = _protocol(graph, route)
    if protocol == "WEBSOCKET" and key != CONNECT:
        return not_applicable("only a WebSocket API's $connect route takes an authorizer", route.urn)
    if protocol is None:
        if get(props, "authorizationType") in (MISSING, "NONE"):
            return unknown("authorizationType is NONE and whether the API is an HTTP or a WebSocket API is not "
                           "known", route.urn)
    return _judge(route.urn, key, shown(props, "routeKey", key), get(props, "authorizationType"), patterns)


def _quick_create(graph: Graph, api: Resource, patterns: list[str]) -> Outcome | None:
    props = graph.props(api)
    if get(props, "target") is MISSING:
        return None
    protocol = get(props, "protocolType")
    if isinstance(protocol, str) and protocol.upper() != "HTTP":
        return None
    key = get(props, "routeKey")
    if key is MISSING:
        return _judge(api.urn, CATCH_ALL, CATCH_ALL, MISSING, patterns)
    return _judge(api.urn, key, shown(props, "routeKey", key), MISSING, patterns)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    patterns = config_patterns(ctx.config, "publicRoutes")
    outcomes = [_route(graph, route, patterns) for route in graph.of_type(ROUTE)]
    for api in graph.of_type(API):
        verdict = _quick_create(graph, api, patterns)
        if verdict is not None:
            outcomes.append(verdict)
    return outcomes
