"""A REST API served through a custom domain keeps its default execute-api endpoint unless it is
disabled; AWS serves that endpoint with its TLS-1-0 policy (edge-optimized and Regional APIs), so
clients can bypass the custom domain's TLS 1.2 policy (and its mutual TLS)."""

from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import UNKNOWN, as_list, get, truth

RULE_ID = "FERPA-TLS-40"

REST_API = "aws:apigateway/restApi:RestApi"
MAPPINGS = {
    "aws:apigateway/basePathMapping:BasePathMapping": "restApi",
    "aws:apigatewayv2/apiMapping:ApiMapping": "apiId",
}
# Policies whose minimum is TLS 1.2: the legacy TLS_1_2 and AWS's enhanced SecurityPolicy_TLS12_*/TLS13_* family.
TLS12_POLICIES = ("TLS_1_2", "SecurityPolicy_TLS12", "SecurityPolicy_TLS13")


def _mapped_apis(graph: Graph) -> tuple[dict[str, list[Resource]], list[Outcome]]:
    """RestApi URN -> the mappings that serve it on a custom domain; unknown outcomes for unresolved mappings."""
    served: dict[str, list[Resource]] = {}
    unresolved: list[Outcome] = []
    for mapping_type, path in MAPPINGS.items():
        for mapping in graph.of_type(mapping_type):
            found = graph.resolve(mapping, path, (REST_API,))
            for api in found.targets:
                served.setdefault(api.urn, []).append(mapping)
            if not found.targets and mapping_type.startswith("aws:apigateway/"):
                unresolved.append(unknown(f"{path} names no REST API of this stack; whether that API's default "
                                          "endpoint is disabled is not visible offline", mapping.urn))
    return served, unresolved


def _judge(graph: Graph, api: Resource, mappings: list[Resource]) -> Outcome:
    props = graph.props(api)
    domains = ", ".join(sorted(m.name for m in mappings))
    disabled = truth(get(props, "disableExecuteApiEndpoint"))
    if disabled:
        return passed(f"served on a custom domain ({domains}); the default endpoint is disabled", api.urn)
    policy = get(props, "securityPolicy")
    if isinstance(policy, str) and policy.startswith(TLS12_POLICIES):
        return passed("the API's own security policy requires TLS 1.2 on the default endpoint", api.urn)
    types = get(props, "endpointConfiguration.types")
    if types is not UNKNOWN and [t for t in as_list(types) if isinstance(t, str)] == ["PRIVATE"]:
        return passed("a private API: AWS serves its default endpoint with TLS 1.2", api.urn)
    if disabled is None or policy is UNKNOWN or types is UNKNOWN:
        return unknown("disableExecuteApiEndpoint (or the API's security policy) is not known during preview",
                       api.urn)
    return fail(f"served on a custom domain ({domains}) but disableExecuteApiEndpoint is not true: the default "
                "execute-api endpoint still accepts TLS 1.0 and bypasses the domain's TLS policy", api.urn)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    served, outcomes = _mapped_apis(graph)
    for api in graph.of_type(REST_API):
        if api.urn in served:
            outcomes.append(_judge(graph, api, served[api.urn]))
    return outcomes
