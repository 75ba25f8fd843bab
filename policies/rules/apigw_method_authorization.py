"""REST API methods on data routes require an authorizer (IAM, Cognito or a Lambda authorizer).
`authorization: NONE` passes only for CORS preflight (OPTIONS) and for routes the rule's
`publicRoutes` allow-list names ("GET /health", "* /public/*"); the route's path is rebuilt from
the stack's aws:apigateway/resource:Resource chain (pathPart, parentId)."""

from policies.compute_checks import PREFLIGHT, config_patterns, public_route
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, REDACTED, UNKNOWN, get, is_secret_at

RULE_ID = "FERPA-NET-47"

METHOD = "aws:apigateway/method:Method"
API_RESOURCE = "aws:apigateway/resource:Resource"
REST_API = "aws:apigateway/restApi:RestApi"
MAX_DEPTH = 64


def route_path(graph: Graph, method: Resource) -> str | None:
    """The method's path ("/students/{id}"), or None when some part of it is not known."""
    parts: list[str] = []
    node, path = method, "resourceId"
    for _ in range(MAX_DEPTH):
        found = graph.resolve(node, path, (API_RESOURCE, REST_API))
        if len(found.targets) != 1:
            return None
        node = found.targets[0]
        if node.type == REST_API:
            return "/" + "/".join(reversed(parts))
        part = get(graph.props(node), "pathPart")
        if not isinstance(part, str):
            return None
        parts.append(REDACTED if is_secret_at(graph.props(node), "pathPart") else part)
        path = "parentId"
    return None


def _judge(graph: Graph, method: Resource, patterns: list[str]) -> Outcome:
    props = graph.props(method)
    authorization = get(props, "authorization")
    verb = get(props, "httpMethod")
    if authorization is UNKNOWN:
        return unknown("authorization is not known during preview", method.urn)
    if isinstance(authorization, str) and authorization.strip().upper() not in ("", "NONE"):
        return passed("requires an authorizer", method.urn)
    if authorization is not MISSING and not isinstance(authorization, str):
        return fail("authorization is not a string; it must name an authorizer type", method.urn)
    if verb is UNKNOWN or not isinstance(verb, str):
        return unknown("authorization is NONE and httpMethod is not known", method.urn)
    if verb.strip().upper() == PREFLIGHT:
        return passed("an OPTIONS (CORS preflight) method may be unauthenticated", method.urn)
    path = route_path(graph, method)
    allowed = public_route(patterns, verb.strip(), path)
    if allowed is not None:
        return passed(f"public by the publicRoutes allow-list ({allowed!r})", method.urn, pattern=allowed)
    shown_verb = REDACTED if is_secret_at(props, "httpMethod") else verb.strip().upper()
    route = f"{shown_verb} {path}" if path is not None else shown_verb
    if path is None and patterns:
        return unknown(f"{route} has authorization NONE and its path is not known, so the publicRoutes "
                       "allow-list cannot be applied", method.urn)
    return fail(f"{route} has authorization NONE: anyone who can reach the API can call it; use AWS_IAM, "
                "COGNITO_USER_POOLS or CUSTOM, or list the route in publicRoutes", method.urn)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    patterns = config_patterns(ctx.config, "publicRoutes")
    return [_judge(graph, method, patterns) for method in graph.of_type(METHOD)]
